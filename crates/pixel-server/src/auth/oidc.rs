//! The OpenID Connect relying party: discovery, the code flow with PKCE and nonce, and ID token
//! verification against the provider's keys.

use super::*;
use std::time::Instant;

/// The extra field of an OpenID Connect token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IdTokenField {
    #[serde(default)]
    id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type OidcClient = oauth2::Client<
    BasicErrorResponse,
    StandardTokenResponse<IdTokenField, BasicTokenType>,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

struct Jwks {
    keys: jsonwebtoken::jwk::JwkSet,
    fetched: Instant,
}

/// The claims of an ID token this server reads.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub exp: i64,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
}

/// An OpenID Connect relying party: discovery, the code flow with PKCE, and ID token verification.
pub struct Oidc {
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    http: reqwest::Client,
    discovery: RwLock<Option<Discovery>>,
    jwks: RwLock<Option<Jwks>>,
}

impl Oidc {
    pub fn new(issuer: &str, client_id: &str, client_secret: &str, redirect_uri: &str) -> Self {
        let http = reqwest::Client::builder()
            // The token endpoint must not redirect us anywhere (oauth2's advice against SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Self {
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            redirect_uri: redirect_uri.to_string(),
            http,
            discovery: RwLock::new(None),
            jwks: RwLock::new(None),
        }
    }

    async fn discovery(&self) -> Result<Discovery, Error> {
        if let Some(d) = self.discovery.read().await.as_ref() {
            return Ok(d.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let d: Discovery = self
            .http
            .get(&url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| unavailable(format!("the identity provider did not answer: {e}")))?
            .json()
            .await
            .map_err(|e| {
                unavailable(format!(
                    "the identity provider's discovery document is unreadable: {e}"
                ))
            })?;
        if d.issuer.trim_end_matches('/') != self.issuer {
            return Err(unavailable(format!(
                "the identity provider calls itself '{}', not the configured issuer '{}'",
                d.issuer, self.issuer
            )));
        }
        *self.discovery.write().await = Some(d.clone());
        Ok(d)
    }

    fn client(&self, d: &Discovery) -> Result<OidcClient, Error> {
        let bad = |what: &str, e: String| Error::internal(format!("invalid {what}: {e}"));
        Ok(oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.clone()))
            .set_auth_uri(
                AuthUrl::new(d.authorization_endpoint.clone())
                    .map_err(|e| bad("authorization endpoint", e.to_string()))?,
            )
            .set_token_uri(
                TokenUrl::new(d.token_endpoint.clone())
                    .map_err(|e| bad("token endpoint", e.to_string()))?,
            )
            .set_redirect_uri(
                RedirectUrl::new(self.redirect_uri.clone())
                    .map_err(|e| bad("redirect URI", e.to_string()))?,
            ))
    }

    /// The provider's authorization URL for a new sign-in, and the secrets to keep for its callback.
    pub async fn start(&self, login_hint: Option<&str>) -> Result<(String, Pending), Error> {
        let d = self.discovery().await?;
        let client = self.client(&d)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = new_secret("")?;
        let nonce = new_secret("")?;
        let state_for_url = state.clone();
        let mut request = client
            .authorize_url(move || CsrfToken::new(state_for_url))
            .add_scope(Scope::new("openid".into()))
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .add_extra_param("nonce", nonce.clone())
            .set_pkce_challenge(challenge);
        if let Some(hint) = login_hint.filter(|h| !h.is_empty() && h.len() <= 320) {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, _) = request.url();
        Ok((
            url.to_string(),
            Pending {
                state,
                nonce,
                pkce_verifier: verifier.secret().clone(),
            },
        ))
    }

    /// Exchanges the code (with its PKCE verifier) and verifies the ID token it brings.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<IdClaims, Error> {
        let d = self.discovery().await?;
        let client = self.client(&d)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the identity provider refused the code exchange");
                sign_in_failed("the identity provider refused the sign-in code")
            })?;
        let id_token = response
            .extra_fields()
            .id_token
            .clone()
            .ok_or_else(|| sign_in_failed("the identity provider sent no ID token"))?;
        self.verify(&id_token, Some(nonce), pixel_core::now_ms() / 1000)
            .await
    }

    /// Verifies an ID token: signature against the provider's published keys, issuer, audience,
    /// authorized party, expiry and issue time (against `now_secs`), and the nonce when one is expected.
    pub async fn verify(
        &self,
        token: &str,
        nonce: Option<&str>,
        now_secs: i64,
    ) -> Result<IdClaims, Error> {
        use jsonwebtoken::Algorithm::*;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| sign_in_failed("the ID token is malformed"))?;
        // Only asymmetric algorithms: an HS256 token "signed" with a public key must never pass.
        if !matches!(
            header.alg,
            RS256 | RS384 | RS512 | PS256 | PS384 | PS512 | ES256 | ES384 | EdDSA
        ) {
            return Err(sign_in_failed(
                "the ID token uses an algorithm this server refuses",
            ));
        }
        let jwk = self.key(header.kid.as_deref()).await?;
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk)
            .map_err(|_| sign_in_failed("the identity provider's signing key is unusable"))?;
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.set_audience(&[self.client_id.as_str()]);
        validation.set_issuer(&[self.issuer.as_str(), &format!("{}/", self.issuer)]);
        // Times are checked below against the app's clock, so tests can move it.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp"]);
        let data = jsonwebtoken::decode::<IdClaims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            sign_in_failed(match e.kind() {
                ErrorKind::InvalidAudience => "the ID token was issued for another application",
                ErrorKind::InvalidIssuer => "the ID token comes from another issuer",
                ErrorKind::InvalidSignature => "the ID token's signature does not verify",
                _ => "the ID token is invalid",
            })
        })?;
        let claims = data.claims;
        if claims.exp + LEEWAY_SECS <= now_secs {
            return Err(sign_in_failed("the ID token has expired"));
        }
        if claims.iat.is_some_and(|iat| iat > now_secs + LEEWAY_SECS) {
            return Err(sign_in_failed("the ID token was issued in the future"));
        }
        if claims
            .azp
            .as_deref()
            .is_some_and(|azp| azp != self.client_id)
        {
            return Err(sign_in_failed(
                "the ID token was issued for another application",
            ));
        }
        if let Some(expected) = nonce {
            let got = claims.nonce.as_deref().unwrap_or("");
            if !constant_time_eq(got, expected) {
                return Err(sign_in_failed(
                    "the ID token does not belong to this sign-in (nonce mismatch)",
                ));
            }
        }
        Ok(claims)
    }

    /// The signing key with this id, refetching the key set when the provider has rotated its keys.
    async fn key(&self, kid: Option<&str>) -> Result<jsonwebtoken::jwk::Jwk, Error> {
        let find = |set: &jsonwebtoken::jwk::JwkSet| match kid {
            Some(kid) => set.find(kid).cloned(),
            None if set.keys.len() == 1 => set.keys.first().cloned(),
            None => None,
        };
        let stale = {
            let cached = self.jwks.read().await;
            if let Some(jwks) = cached.as_ref() {
                if let Some(k) = find(&jwks.keys) {
                    return Ok(k);
                }
                jwks.fetched.elapsed() > Duration::from_secs(10)
            } else {
                true
            }
        };
        if !stale {
            return Err(sign_in_failed("the ID token is signed with an unknown key"));
        }
        let d = self.discovery().await?;
        let keys: jsonwebtoken::jwk::JwkSet = self
            .http
            .get(&d.jwks_uri)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| unavailable(format!("the identity provider's keys did not load: {e}")))?
            .json()
            .await
            .map_err(|e| {
                unavailable(format!("the identity provider's keys are unreadable: {e}"))
            })?;
        let found = find(&keys);
        *self.jwks.write().await = Some(Jwks {
            keys,
            fetched: Instant::now(),
        });
        found.ok_or_else(|| sign_in_failed("the ID token is signed with an unknown key"))
    }
}

/// The secrets of a sign-in between leaving for the provider and coming back.
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub(super) fn sign_in_failed(message: &str) -> Error {
    Error::new(ErrorCode::SignInFailed, message)
}

pub(super) fn unavailable(message: String) -> Error {
    tracing::warn!(%message, "identity provider unavailable");
    Error::new(
        ErrorCode::Unavailable,
        "sign-in is unavailable right now: the identity provider could not be reached",
    )
}
