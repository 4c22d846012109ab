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
    dyn Fn(App, Caller, serde_json::Value) -> BoxFuture<'static, Result<Vec<u8>>> + Send + Sync,
>;

/// Whether an operation changes state (transports use it for rate limits and CSRF checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Read,
    Write,
}

/// Which per-caller rate limit an operation counts against (ORIGINAL.md's classes: generation, money,
/// writes and reads). A transport that serves many people enforces them; the desktop, one person's
/// machine, does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateClass {
    /// Starts paid work on a provider: the tightest limit.
    Generation,
    /// Moves real money or credits between people.
    Money,
    Write,
    Read,
}

impl RateClass {
    pub const ALL: [RateClass; 4] = [
        RateClass::Generation,
        RateClass::Money,
        RateClass::Write,
        RateClass::Read,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RateClass::Generation => "generation",
            RateClass::Money => "money",
            RateClass::Write => "writes",
            RateClass::Read => "reads",
        }
    }
}

pub struct OpInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub kind: OpKind,
    /// The rate limit it counts against: its kind's, unless the area says otherwise.
    pub rate: RateClass,
    pub input_schema: schemars::schema::RootSchema,
    pub output_schema: schemars::schema::RootSchema,
    /// The TypeScript names of the input and output types, for the UI's generated method map.
    pub input_ts: String,
    pub output_ts: String,
    /// The largest input a transport should read for this operation, in bytes.
    pub max_input_bytes: usize,
    handler: Handler,
}

/// The input limit of an operation that does not raise it: far above any form, far below an image.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 256 * 1024;

/// Reads an operation's input as its document describes it: a JSON object (never `null`, an array
/// or nothing, which serde would otherwise take for an empty struct or a struct's fields in order),
/// with integral numbers accepted however they are written (`5.0` is the integer JSON Schema says it
/// is). Anything else is `invalid_body`.
fn decode_input<I: DeserializeOwned>(name: &str, mut value: serde_json::Value) -> Result<I> {
    if !value.is_object() {
        let got = match &value {
            serde_json::Value::Null => "nothing",
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Object(_) => "an object",
        };
        return Err(Error::new(
            ErrorCode::InvalidBody,
            format!(
                "the body of {name} must be a JSON object ({{}} when it takes nothing); got {got}"
            ),
        ));
    }
    integral_floats_to_integers(&mut value);
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorCode::InvalidBody,
            format!("invalid input for {name}: {e}"),
        )
    })
}

fn integral_floats_to_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return };
            // Only values an integer type can hold exactly; others stay floats and fail where an
            // integer is expected, with serde's message.
            if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_floats_to_integers)
        }
        _ => {}
    }
}

impl OpInfo {
    /// Raises (or lowers) the input limit, for the few operations that take files.
    pub fn max_input(&mut self, bytes: usize) -> &mut Self {
        self.max_input_bytes = bytes;
        self
    }

    /// Counts the operation against another rate limit than its kind's.
    pub fn rate(&mut self, class: RateClass) -> &mut Self {
        self.rate = class;
        self
    }
}

#[derive(Default)]
pub struct Registry {
    ops: BTreeMap<&'static str, OpInfo>,
}

/// An operation as written in `ops/<area>.rs`: `async fn(&App, &Caller, Input) -> Result<Output>`.
/// The lifetime parameter lets the returned future borrow the app and the caller, which a plain
/// `Fn(..) -> Fut` bound cannot say.
pub trait Operation<'a, I>: Fn(&'a App, &'a Caller, I) -> Self::Fut {
    type Out;
    type Fut: Future<Output = Result<Self::Out>> + Send + 'a;
}

impl<'a, I, O, F, Fut> Operation<'a, I> for F
where
    F: Fn(&'a App, &'a Caller, I) -> Fut,
    Fut: Future<Output = Result<O>> + Send + 'a,
{
    type Out = O;
    type Fut = Fut;
}

impl Registry {
    /// Adds an operation under its method name.
    pub(crate) fn add<I, O, F>(
        &mut self,
        name: &'static str,
        kind: OpKind,
        summary: &'static str,
        op: F,
    ) -> &mut OpInfo
    where
        I: DeserializeOwned + JsonSchema + ts_rs::TS + Send + 'static,
        O: Serialize + JsonSchema + ts_rs::TS + Send + 'static,
        F: for<'a> Operation<'a, I, Out = O> + Send + Sync + Copy + 'static,
    {
        let handler: Handler = Arc::new(move |app, caller, value| {
            Box::pin(async move {
                let input: I = decode_input(name, value)?;
                let output = op(&app, &caller, input).await?;
                serde_json::to_vec(&output).map_err(Error::internal)
            })
        });
        let info = OpInfo {
            name,
            summary,
            kind,
            rate: match kind {
                OpKind::Read => RateClass::Read,
                OpKind::Write => RateClass::Write,
            },
            input_schema: schemars::schema_for!(I),
            output_schema: schemars::schema_for!(O),
            input_ts: I::name(),
            output_ts: O::name(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            handler,
        };
        self.ops.insert(name, info);
        self.ops.get_mut(name).expect("just inserted")
    }

    pub fn get(&self, name: &str) -> Option<&OpInfo> {
        self.ops.get(name)
    }

    pub fn ops(&self) -> impl Iterator<Item = &OpInfo> {
        self.ops.values()
    }

    /// Calls an operation by name with JSON input; its output as JSON text, written straight from the
    /// operation's own type. Transports send it as it is: building a `serde_json::Value` first cost an
    /// explore page of 50 images thousands of small allocations before it was written out anyway.
    pub async fn call_json(
        &self,
        app: &App,
        caller: &Caller,
        name: &str,
        input: serde_json::Value,
    ) -> Result<Vec<u8>> {
        let op = self.ops.get(name).ok_or_else(|| {
            Error::new(
                ErrorCode::UnknownOperation,
                format!("unknown operation '{name}'"),
            )
        })?;
        (op.handler)(app.clone(), caller.clone(), input).await
    }

    /// [`Registry::call_json`], read back as a JSON value (for callers that look into the output).
    pub async fn call(
        &self,
        app: &App,
        caller: &Caller,
        name: &str,
        input: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let text = self.call_json(app, caller, name, input).await?;
        serde_json::from_slice(&text).map_err(Error::internal)
    }

    /// Every operation of the product.
    pub fn standard() -> Self {
        let mut r = Registry::default();
        ops::register_all(&mut r);
        r
    }
}
