//! An operator's changes to the built-in catalogue, from configuration and without a release: disable
//! a model a provider stopped serving, change a price or name, or add a model a provider serves under
//! its own name (an OpenAI or Together model name, a Hugging Face repository or Inference Endpoint).

use serde::{Deserialize, Serialize};

use super::Catalogue;
use crate::error::{Error, Result};

/// What configuration changes about one catalogue model; absent fields keep the built-in value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOverride {
    /// `false` takes the model off the catalogue: submits are refused with `model_unavailable`,
    /// records made with it still open.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Credits per image.
    #[serde(default)]
    pub credits: Option<i64>,
    /// At most this many images a request (no more than the model allows).
    #[serde(default)]
    pub max_images: Option<u32>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Adds a new model that takes its provider, sizes and limits from this built-in model.
    #[serde(default)]
    pub based_on: Option<String>,
    /// The provider's name for the model (see `NAMED_BY_CONFIGURATION`); required to add one.
    #[serde(default)]
    pub provider_model: Option<String>,
}

/// Providers whose clients send a configured model name: what else a provider takes (versions,
/// endpoints, workflows) has its own settings.
pub const NAMED_BY_CONFIGURATION: [&str; 3] = ["openai", "together", "huggingface"];

/// Why a configured provider name cannot be sent, if it cannot.
fn provider_model_problem(id: &str, provider: &str, name: &str) -> Option<String> {
    if !NAMED_BY_CONFIGURATION.contains(&provider) {
        return Some(format!(
            "'{id}' is a {provider} model, whose provider name cannot be set in configuration \
             (only for {})",
            NAMED_BY_CONFIGURATION.join(", ")
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.len() > 512 || name.chars().any(char::is_whitespace) {
        return Some(format!(
            "provider_model of '{id}' must be one name without spaces"
        ));
    }
    if provider != "huggingface" {
        return None;
    }
    if let Some(rest) = name.strip_prefix("http://") {
        // A plain-HTTP endpoint would carry the token in clear: only this machine may be one.
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(&host);
        return (!loopback).then(|| {
            format!("the Inference Endpoint of '{id}' must be https:// (http only on this machine)")
        });
    }
    let repo_like = name.starts_with("https://")
        || name.split_once('/').is_some_and(|(owner, repo)| {
            !owner.is_empty() && !repo.is_empty() && !repo.contains('/')
        });
    (!repo_like).then(|| {
        format!(
            "provider_model of '{id}' must be a Hugging Face repository (owner/name) or an \
             Inference Endpoint URL; got '{name}'"
        )
    })
}

/// Whether an id a person adds is one the API, URLs and files can carry.
fn valid_new_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The most credits one image may cost: a typo must not make a model unaffordable forever.
const MAX_CREDITS: i64 = 10_000;

impl Catalogue {
    /// Applies the overrides, refusing ids the catalogue does not have and prices out of range, so a
    /// misconfigured server says so at start instead of charging the wrong amount.
    pub fn with_overrides<'a>(
        mut self,
        overrides: impl IntoIterator<Item = (&'a String, &'a ModelOverride)>,
    ) -> Result<Self> {
        let overrides: Vec<(&String, &ModelOverride)> = overrides.into_iter().collect();
        // Additions first, each from a built-in model, so the order of the settings never matters.
        let builtin: Vec<String> = self.models.iter().map(|m| m.id.clone()).collect();
        for (id, change) in &overrides {
            if let Some(base_id) = &change.based_on {
                if !builtin.contains(base_id) {
                    return Err(Error::invalid(format!(
                        "'{id}' is based on '{base_id}', which is not a built-in model"
                    )));
                }
                self.add_model(id, base_id, change)?;
            }
        }
        for (id, change) in overrides {
            let Some(model) = self.models.iter_mut().find(|m| &m.id == id) else {
                return Err(Error::invalid(format!(
                    "the model settings name '{id}', which is not in the catalogue (to add a \
                     model, give based_on = the id of a built-in model of the same provider)"
                )));
            };
            if let Some(name) = &change.provider_model {
                if let Some(problem) = provider_model_problem(id, &model.provider, name) {
                    return Err(Error::invalid(problem));
                }
                model.provider_model = Some(name.trim().to_string());
            }
            if let Some(credits) = change.credits {
                if !(0..=MAX_CREDITS).contains(&credits) {
                    return Err(Error::invalid(format!(
                        "credits for '{id}' must be 0–{MAX_CREDITS}; got {credits}"
                    )));
                }
                model.reprice(credits);
            }
            if let Some(max) = change.max_images {
                if !(1..=model.max_images).contains(&max) {
                    return Err(Error::invalid(format!(
                        "max_images for '{id}' must be 1–{}; got {max}",
                        model.max_images
                    )));
                }
                model.max_images = max;
            }
            if let Some(name) = change.name.as_ref().filter(|n| !n.trim().is_empty()) {
                model.name = name.trim().to_string();
            }
            if let Some(description) = &change.description {
                model.description = description.clone();
            }
            if change.enabled == Some(false) {
                self.disabled.push(id.clone());
            }
        }
        let disabled = std::mem::take(&mut self.disabled);
        self.models.retain(|m| !disabled.contains(&m.id));
        self.disabled = disabled;
        if self.models.is_empty() {
            return Err(Error::invalid("the model settings disable every model"));
        }
        self.fill_price_tables();
        Ok(self)
    }

    /// Adds `id` as a copy of the built-in `base_id`, placed after it so providers stay together.
    fn add_model(&mut self, id: &str, base_id: &str, change: &ModelOverride) -> Result<()> {
        if self.models.iter().any(|m| m.id == id) || self.retired(id).is_some() {
            return Err(Error::invalid(format!(
                "'{id}' is already a catalogue model: based_on adds a model under a new id"
            )));
        }
        if !valid_new_id(id) {
            return Err(Error::invalid(format!(
                "a model id is 1-64 letters, digits, '-', '_' or '.'; got '{id}'"
            )));
        }
        let Some(position) = self.models.iter().position(|m| m.id == base_id) else {
            return Err(Error::invalid(format!(
                "'{id}' is based on '{base_id}', which is not in the catalogue"
            )));
        };
        if change.provider_model.is_none() {
            return Err(Error::invalid(format!(
                "'{id}' adds a model: give provider_model, the provider's name for it"
            )));
        }
        let mut model = self.models[position].clone();
        model.id = id.to_string();
        model.name = id.to_string();
        self.models.insert(position + 1, model);
        Ok(())
    }

    /// Whether the operator took this model off the catalogue.
    pub fn disabled(&self, id: &str) -> bool {
        self.disabled.iter().any(|d| d == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{validate, GenerationRequest};
    use crate::error::ErrorCode;
    use std::collections::BTreeMap;

    fn overrides(items: &[(&str, ModelOverride)]) -> BTreeMap<String, ModelOverride> {
        items
            .iter()
            .map(|(id, o)| (id.to_string(), o.clone()))
            .collect()
    }

    #[test]
    fn prices_names_and_switches_follow_configuration() {
        let c = Catalogue::builtin()
            .with_overrides(&overrides(&[
                (
                    "gpt-image-2",
                    ModelOverride {
                        credits: Some(9),
                        name: Some("GPT Image 2 (team)".into()),
                        ..Default::default()
                    },
                ),
                (
                    "flux-dev",
                    ModelOverride {
                        enabled: Some(false),
                        ..Default::default()
                    },
                ),
            ]))
            .expect("valid");
        let gpt = c.get("gpt-image-2").expect("kept");
        assert_eq!((gpt.credits, gpt.name.as_str()), (9, "GPT Image 2 (team)"));
        assert!(c.get("flux-dev").is_none() && c.disabled("flux-dev"));
        let err = validate(
            &c,
            &GenerationRequest {
                prompt: "a fox".into(),
                model: "flux-dev".into(),
                ..Default::default()
            },
        )
        .expect_err("disabled");
        assert_eq!(err.code, ErrorCode::ModelUnavailable, "{}", err.message);
    }

    fn added(based_on: &str, provider_model: &str) -> ModelOverride {
        ModelOverride {
            based_on: Some(based_on.into()),
            provider_model: Some(provider_model.into()),
            ..Default::default()
        }
    }

    #[test]
    fn models_a_provider_serves_are_added_under_its_own_name() {
        let endpoint = "https://abc.us-east-1.aws.endpoints.huggingface.cloud";
        let c = Catalogue::builtin()
            .with_overrides(&overrides(&[
                (
                    "hf-sdxl",
                    ModelOverride {
                        name: Some("SDXL (our endpoint)".into()),
                        credits: Some(3),
                        ..added("FLUX.1-schnell", endpoint)
                    },
                ),
                ("gpt-image-1.5", added("gpt-image-2", "gpt-image-1.5")),
            ]))
            .expect("valid");
        let sdxl = c.get("hf-sdxl").expect("added");
        assert_eq!(
            (
                sdxl.provider.as_str(),
                sdxl.name.as_str(),
                sdxl.credits,
                sdxl.provider_model.as_deref()
            ),
            ("huggingface", "SDXL (our endpoint)", 3, Some(endpoint))
        );
        // Placed after its base, and the base is unchanged.
        let ids: Vec<&str> = c.models().iter().map(|m| m.id.as_str()).collect();
        let base = ids
            .iter()
            .position(|i| *i == "FLUX.1-schnell")
            .expect("base");
        assert_eq!(ids[base + 1], "hf-sdxl");
        assert_eq!(c.get("FLUX.1-schnell").expect("base").provider_model, None);
        // The added model validates like any other, with its base's limits.
        let ok = validate(
            &c,
            &GenerationRequest {
                prompt: "a fox".into(),
                model: "gpt-image-1.5".into(),
                ..Default::default()
            },
        )
        .expect("valid request");
        assert_eq!(ok.provider, "openai");
        // The provider's name is the operator's: never in what clients are sent.
        let json = serde_json::to_string(sdxl).expect("json");
        assert!(!json.contains("endpoints.huggingface.cloud"), "{json}");
    }

    #[test]
    fn additions_that_cannot_work_are_refused_at_start() {
        let cases = [
            (
                "gpt-image-2",
                added("gpt-image-2", "gpt-image-1.5"),
                "already",
            ),
            ("dall-e-3", added("gpt-image-2", "dall-e-3"), "already"),
            ("bad id!", added("gpt-image-2", "x"), "letters"),
            ("x", added("gpt-image-9", "x"), "not a built-in"),
            ("x", added("sd3.5-large", "sd4"), "cannot be set"),
            (
                "x",
                ModelOverride {
                    based_on: Some("gpt-image-2".into()),
                    ..Default::default()
                },
                "give provider_model",
            ),
            ("x", added("FLUX.1-schnell", "not a repo"), "one name"),
            ("x", added("FLUX.1-schnell", "just-a-name"), "owner/name"),
            (
                "x",
                added("FLUX.1-schnell", "http://endpoint.example.com/"),
                "https://",
            ),
        ];
        for (id, change, reason) in cases {
            let err = Catalogue::builtin()
                .with_overrides(&overrides(&[(id, change.clone())]))
                .expect_err(id);
            assert!(
                err.message.contains(reason),
                "{id} {change:?}: {}",
                err.message
            );
        }
        // An endpoint on this machine may be plain HTTP (a local TGI or a tunnel).
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:9/",
        ] {
            Catalogue::builtin()
                .with_overrides(&overrides(&[("x", added("FLUX.1-schnell", local))]))
                .expect(local);
        }
    }

    #[test]
    fn mistakes_are_refused_with_their_reason() {
        let unknown = Catalogue::builtin()
            .with_overrides(&overrides(&[("gpt-image-9", ModelOverride::default())]))
            .expect_err("unknown id");
        assert!(
            unknown.message.contains("gpt-image-9"),
            "{}",
            unknown.message
        );
        for credits in [-1, MAX_CREDITS + 1] {
            let price = ModelOverride {
                credits: Some(credits),
                ..Default::default()
            };
            assert!(Catalogue::builtin()
                .with_overrides(&overrides(&[("gpt-image-2", price)]))
                .is_err());
        }
        let all: Vec<(String, ModelOverride)> = Catalogue::builtin()
            .models()
            .iter()
            .map(|m| {
                (
                    m.id.clone(),
                    ModelOverride {
                        enabled: Some(false),
                        ..Default::default()
                    },
                )
            })
            .collect();
        assert!(Catalogue::builtin()
            .with_overrides(all.iter().map(|(k, v)| (k, v)))
            .is_err());
    }
}
