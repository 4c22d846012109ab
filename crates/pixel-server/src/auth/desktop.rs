//! The desktop's sign-in hand-back: a one-time code from the browser, traded with its PKCE verifier
//! for a bearer token at `POST /auth/desktop/token`.

use super::*;

#[derive(Debug, Deserialize)]
pub struct DesktopTokenRequest {
    code: String,
    code_verifier: String,
    #[serde(default)]
    label: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DesktopTokenResponse {
    token: String,
    token_type: &'static str,
    #[serde(rename = "expires_at")]
    expires_at: i64,
    user: Me,
}

/// `POST /auth/desktop/token`: trades a one-time code and its PKCE verifier for a bearer token.
pub async fn desktop_token(
    State(http): State<Http>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let node = &http.0;
    if node.auth.oidc.is_none() {
        return ApiError(Error::new(
            ErrorCode::NotFound,
            "sign-in is not set up on this server",
        ))
        .into_response();
    }
    if let Some(r) = node.auth.rate_limited(node.auth.client_ip(&addr, &headers)) {
        return r;
    }
    match exchange(&http, &body).await {
        Ok(out) => {
            let mut r = Json(out).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => ApiError(e).into_response(),
    }
}

async fn exchange(http: &Http, body: &[u8]) -> Result<DesktopTokenResponse, Error> {
    let app = &http.0.app;
    let req: DesktopTokenRequest = serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorCode::InvalidBody,
            format!("expected JSON {{code, code_verifier}}: {e}"),
        )
    })?;
    let now = app.clock.now_ms();
    // Taking the code marks it used first, so a mismatched verifier burns it too: a stolen code
    // cannot be tried against guesses.
    let code = app
        .store
        .sessions()
        .take_desktop_code(&hash_secret(req.code.trim()), now)
        .await?
        .ok_or_else(|| sign_in_failed("the sign-in code is unknown, already used or expired"))?;
    if !constant_time_eq(&pkce_challenge(req.code_verifier.trim()), &code.challenge) {
        return Err(sign_in_failed(
            "the sign-in code was issued to another app (code verifier mismatch)",
        ));
    }
    let label = req
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("Pixel Studio desktop");
    let (token, session) =
        pixel_core::ops::open_session(app, &code.user_id, SessionKind::Token, label).await?;
    let caller = Caller::User {
        id: code.user_id.clone(),
        role: Role::User,
        session: Some(session.id.clone()),
    };
    let user = me(http, &caller, None).await?;
    Ok(DesktopTokenResponse {
        token,
        token_type: "Bearer",
        expires_at: session.expires_at,
        user,
    })
}
