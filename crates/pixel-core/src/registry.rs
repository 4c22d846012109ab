//! The one registry of operations: method name -> typed operation, with JSON in and out and JSON Schemas
//! for the API description. The server and the desktop shell dispatch through it.

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use crate::app::App;
use crate::domain::Caller;
use crate::error::{Error, ErrorCode, Result};
use crate::ops;

type Handler = Arc<
    dyn Fn(App, Caller, serde_json::Value) -> BoxFuture<'static, Result<serde_json::Value>>
        + Send
        + Sync,
>;

/// Whether an operation changes state (transports use it for rate limits and CSRF checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Read,
    Write,
}

pub struct OpInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub kind: OpKind,
    pub input_schema: schemars::schema::RootSchema,
    pub output_schema: schemars::schema::RootSchema,
    handler: Handler,
}

#[derive(Default)]
pub struct Registry {
    ops: BTreeMap<&'static str, OpInfo>,
}

impl Registry {
    fn add<I, O, F, Fut>(&mut self, name: &'static str, kind: OpKind, summary: &'static str, op: F)
    where
        I: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + Send + 'static,
        F: Fn(App, Caller, I) -> Fut + Send + Sync + Copy + 'static,
        Fut: Future<Output = Result<O>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |app, caller, value| {
            Box::pin(async move {
                let input: I = serde_json::from_value(value).map_err(|e| {
                    Error::new(
                        ErrorCode::InvalidInput,
                        format!("invalid input for {name}: {e}"),
                    )
                })?;
                let output = op(app, caller, input).await?;
                serde_json::to_value(output).map_err(Error::internal)
            })
        });
        let info = OpInfo {
            name,
            summary,
            kind,
            input_schema: schemars::schema_for!(I),
            output_schema: schemars::schema_for!(O),
            handler,
        };
        self.ops.insert(name, info);
    }

    pub fn get(&self, name: &str) -> Option<&OpInfo> {
        self.ops.get(name)
    }

    pub fn ops(&self) -> impl Iterator<Item = &OpInfo> {
        self.ops.values()
    }

    /// Calls an operation by name with JSON input.
    pub async fn call(
        &self,
        app: &App,
        caller: &Caller,
        name: &str,
        input: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let op = self.ops.get(name).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownOperation,
                format!("unknown operation '{name}'"),
            )
        })?;
        let input = if input.is_null() {
            serde_json::json!({})
        } else {
            input
        };
        (op.handler)(app.clone(), caller.clone(), input).await
    }

    /// Every operation of the product.
    pub fn standard() -> Self {
        use OpKind::*;
        let mut r = Registry::default();
        r.add(
            "catalogue.list",
            Read,
            "Models with their parameters, limits and credit cost",
            |a, c, i| async move { ops::catalogue_list(&a, &c, i).await },
        );
        r.add(
            "providers.list",
            Read,
            "Providers and whether each is configured",
            |a, c, i| async move { ops::providers_list(&a, &c, i).await },
        );
        r.add(
            "account.get",
            Read,
            "The caller's account and credit balance",
            |a, c, i| async move { ops::account_get(&a, &c, i).await },
        );
        r.add(
            "account.update",
            Write,
            "Change the caller's username and settings",
            |a, c, i| async move { ops::account_update(&a, &c, i).await },
        );
        r.add(
            "sessions.list",
            Read,
            "Where the caller is signed in: browser sessions and API tokens",
            |a, c, i| async move { ops::sessions_list(&a, &c, i).await },
        );
        r.add(
            "sessions.revoke",
            Write,
            "Sign one session or token out",
            |a, c, i| async move { ops::sessions_revoke(&a, &c, i).await },
        );
        r.add(
            "sessions.revoke_all",
            Write,
            "Sign out everywhere",
            |a, c, i| async move { ops::sessions_revoke_all(&a, &c, i).await },
        );
        r.add(
            "tokens.create",
            Write,
            "Create a bearer token for an API client (shown once)",
            |a, c, i| async move { ops::tokens_create(&a, &c, i).await },
        );
        r.add(
            "generations.create",
            Write,
            "Validate, reserve credits and queue a set of images",
            |a, c, i| async move { ops::generations_create(&a, &c, i).await },
        );
        r.add(
            "generations.get",
            Read,
            "One job with its state and progress",
            |a, c, i| async move { ops::generations_get(&a, &c, i).await },
        );
        r.add(
            "generations.list",
            Read,
            "The caller's recent jobs",
            |a, c, i| async move { ops::generations_list(&a, &c, i).await },
        );
        r.add(
            "generations.cancel",
            Write,
            "Cancel a queued or running job (refunded)",
            |a, c, i| async move { ops::generations_cancel(&a, &c, i).await },
        );
        r.add(
            "generations.retry",
            Write,
            "Run a failed job's request again",
            |a, c, i| async move { ops::generations_retry(&a, &c, i).await },
        );
        r.add(
            "sets.get",
            Read,
            "A set with its jobs and images",
            |a, c, i| async move { ops::sets_get(&a, &c, i).await },
        );
        r.add(
            "sets.list",
            Read,
            "The caller's sets, newest first",
            |a, c, i| async move { ops::sets_list(&a, &c, i).await },
        );
        r.add(
            "images.get",
            Read,
            "One image with its generation record",
            |a, c, i| async move { ops::images_get(&a, &c, i).await },
        );
        r.add(
            "images.list",
            Read,
            "The caller's images with filters, newest first",
            |a, c, i| async move { ops::images_list(&a, &c, i).await },
        );
        r.add(
            "images.delete",
            Write,
            "Delete the caller's images",
            |a, c, i| async move { ops::images_delete(&a, &c, i).await },
        );
        r.add(
            "images.set_visibility",
            Write,
            "Make the caller's images public or private",
            |a, c, i| async move { ops::images_set_visibility(&a, &c, i).await },
        );
        r.add(
            "images.publish",
            Write,
            "Publish an image made elsewhere (the desktop's library) with its generation record",
            |a, c, i| async move { ops::images_publish(&a, &c, i).await },
        );
        r.add(
            "generations.compare",
            Write,
            "Run one prompt on 2-4 models side by side",
            |a, c, i| async move { ops::generations_compare(&a, &c, i).await },
        );
        r.add(
            "comparisons.get",
            Read,
            "A comparison with each model's set, jobs and images",
            |a, c, i| async move { ops::comparisons_get(&a, &c, i).await },
        );
        r.add(
            "providers.health",
            Read,
            "Whether each configured provider answers, and its balance where the API offers it",
            |a, c, i| async move { ops::providers_health(&a, &c, i).await },
        );
        r.add(
            "records.import",
            Write,
            "Read the generation record of a PNG made by AUTOMATIC1111, ComfyUI or InvokeAI",
            |a, c, i| async move { ops::records_import(&a, &c, i).await },
        );
        r.add(
            "ledger.list",
            Read,
            "The caller's credit ledger and balance",
            |a, c, i| async move { ops::ledger_list(&a, &c, i).await },
        );
        r
    }
}
