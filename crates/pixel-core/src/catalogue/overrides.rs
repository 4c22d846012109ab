//! An operator's changes to the built-in catalogue: disable a model a provider stopped serving, or
//! change its price or name, from configuration and without a release.

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
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
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
        for (id, change) in overrides {
            let Some(model) = self.models.iter_mut().find(|m| &m.id == id) else {
                return Err(Error::invalid(format!(
                    "the model settings name '{id}', which is not in the catalogue"
                )));
            };
            if let Some(credits) = change.credits {
                if !(0..=MAX_CREDITS).contains(&credits) {
                    return Err(Error::invalid(format!(
                        "credits for '{id}' must be 0–{MAX_CREDITS}; got {credits}"
                    )));
                }
                model.credits = credits;
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
        Ok(self)
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
