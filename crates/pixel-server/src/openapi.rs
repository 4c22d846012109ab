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
        if let Some(Value::Object(defs)) = obj.remove("definitions") {
            components.extend(defs);
        }
        obj.remove("$schema");
    }
    value
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
                "requestBody": { "required": true, "content": { "application/json": { "schema": input } } },
                "responses": {
                    "200": { "description": "OK", "content": { "application/json": { "schema": output } } },
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
    paths.insert("/api/events".into(), json!({ "get": { "summary": "WebSocket of the caller's events (generation.progress, generation.completed, generation.failed, balance.changed)", "responses": { "101": { "description": "Switching protocols" } } } }));
    paths.insert("/media/{image_id}/{variant}".into(), json!({ "get": { "summary": "An image's original or WebP thumbnail (ETag, Range)", "parameters": [
        { "name": "image_id", "in": "path", "required": true, "schema": { "type": "string" } },
        { "name": "variant", "in": "path", "required": true, "schema": { "type": "string", "enum": ["original", "thumb"] } }],
        "responses": { "200": { "description": "The file" }, "206": { "description": "A range of the file" }, "304": { "description": "Not modified" }, "404": { "description": "No such image, or not yours" } } } }));
    paths.insert("/healthz".into(), json!({ "get": { "summary": "Liveness and database reachability", "responses": { "200": { "description": "OK" }, "503": { "description": "Database unreachable" } } } }));
    paths.insert("/metrics".into(), json!({ "get": { "summary": "Prometheus metrics", "responses": { "200": { "description": "Prometheus text format" } } } }));
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Pixel Studio API", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
        "components": { "schemas": components },
    })
}
