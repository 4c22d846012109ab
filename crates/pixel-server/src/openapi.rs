//! `GET /api/openapi.json`: the API described from the operation registry's JSON Schemas.

use pixel_core::registry::{OpKind, Registry};
use serde_json::{json, Map, Value};

/// Moves a schema's local definitions into `components` and points `$ref`s there.
fn absorb(schema: &schemars::schema::RootSchema, components: &mut Map<String, Value>) -> Value {
    let text = serde_json::to_string(schema)
        .unwrap_or_default()
        .replace("#/definitions/", "#/components/schemas/");
    let mut value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if let Some(obj) = value.as_object_mut() {
        if let Some(Value::Object(mut defs)) = obj.remove("definitions") {
            defs.values_mut().for_each(bound_integers);
            components.extend(defs);
        }
        obj.remove("$schema");
    }
    bound_integers(&mut value);
    value
}

fn number(n: i128) -> Value {
    i64::try_from(n)
        .map(Value::from)
        .or_else(|_| u64::try_from(n).map(Value::from))
        .unwrap_or(Value::Null)
}

/// States the range of each sized integer (schemars gives only its `format`), so a client or a fuzzer
/// reading the document knows that 2^40 is not a valid `uint32` before the server says so.
fn bound_integers(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            let range = match obj.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, i128::from(u8::MAX))),
                Some("uint16") => Some((0, i128::from(u16::MAX))),
                Some("uint32" | "uint") => Some((0, i128::from(u32::MAX))),
                Some("int32") => Some((i128::from(i32::MIN), i128::from(i32::MAX))),
                Some("uint64") => Some((0, i128::from(u64::MAX))),
                Some("int64" | "int") => Some((i128::from(i64::MIN), i128::from(i64::MAX))),
                _ => None,
            };
            if let Some((min, max)) = range {
                let bound = |key: &str, limit: i128, tighter: fn(f64, f64) -> bool| {
                    let kept = obj
                        .get(key)
                        .and_then(Value::as_f64)
                        .is_some_and(|c| tighter(c, limit as f64));
                    (!kept).then(|| number(limit))
                };
                let minimum = bound("minimum", min, |c, l| c >= l);
                let maximum = bound("maximum", max, |c, l| c <= l);
                if let Some(v) = minimum {
                    obj.insert("minimum".into(), v);
                }
                if let Some(v) = maximum {
                    obj.insert("maximum".into(), v);
                }
            }
            obj.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

pub fn document(registry: &Registry) -> Value {
    let mut components = Map::new();
    let mut paths = Map::new();
    for op in registry.ops() {
        let input = absorb(&op.input_schema, &mut components);
        let output = absorb(&op.output_schema, &mut components);
        paths.insert(
            format!("/api/ops/{}", op.name),
            json!({ "post": {
                "operationId": op.name,
                "summary": op.summary,
                "tags": [op.name.split('.').next().unwrap_or("ops")],
                "x-pixel-kind": if op.kind == OpKind::Write { "write" } else { "read" },
                "x-pixel-rate-class": op.rate.as_str(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": input } } },
                "responses": {
                    "200": { "description": "OK", "content": { "application/json": { "schema": output } } },
                    "400": { "description": "The body is not what this document says (code invalid_body)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } },
                    "422": { "description": "The body is well formed but cannot be done: a rule this document cannot state (codes invalid_input, invalid_prompt, unknown_model, invalid_size, invalid_count, invalid_parameter, unsupported_parameter)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } },
                    "429": { "description": "Over the caller's per-minute limit for this operation's x-pixel-rate-class (code rate_limited); Retry-After says how many seconds to wait", "headers": { "Retry-After": { "schema": { "type": "integer", "minimum": 1 } } }, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } },
                    "default": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } }
                }
            }}),
        );
    }
    components.insert(
        "ErrorBody".into(),
        json!({ "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
            "required": ["code", "message"], "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } } }),
    );
    paths.insert("/api/events".into(), json!({ "get": { "summary": "WebSocket of the caller's events (generation.progress, generation.completed, generation.failed, balance.changed, notification.created, message.created)", "responses": { "101": { "description": "Switching protocols" }, "400": { "description": "Not a WebSocket upgrade request" }, "401": { "description": "Not signed in" }, "403": { "description": "A cross-site origin" } } } }));
    paths.insert("/media/{image_id}/{variant}".into(), json!({ "get": { "summary": "An image's original or WebP thumbnail (ETag, Range)", "parameters": [
        { "name": "image_id", "in": "path", "required": true, "schema": { "type": "string" } },
        { "name": "variant", "in": "path", "required": true, "schema": { "type": "string", "enum": ["original", "thumb"] } }],
        "responses": { "200": { "description": "The file" }, "206": { "description": "A range of the file" }, "304": { "description": "Not modified" }, "404": { "description": "No such image, or not yours" } } } }));
    paths.insert("/media-link/{image_id}".into(), json!({ "get": { "summary": "An image's original through a signed link this server gave a provider (it expires within 15 minutes)", "parameters": [
        { "name": "image_id", "in": "path", "required": true, "schema": { "type": "string" } },
        { "name": "expires", "in": "query", "required": true, "schema": { "type": "integer" } },
        { "name": "sig", "in": "query", "required": true, "schema": { "type": "string" } }],
        "responses": { "200": { "description": "The original" }, "404": { "description": "No such image, or a link that is forged or expired" } } } }));
    paths.insert("/healthz".into(), json!({ "get": { "summary": "Liveness and database reachability", "responses": { "200": { "description": "OK" }, "503": { "description": "Database unreachable" } } } }));
    paths.insert("/metrics".into(), json!({ "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "Prometheus text format" } } } }));
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Pixel Studio API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": { "schemas": components },
    })
}
