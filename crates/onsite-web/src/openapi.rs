//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every `/api/` route, written by
//! hand in `openapi.json` (no code generator in the build: the document is small and reads
//! like the reference it is). The test below holds it to the route table both ways: every
//! `/api/` route is described, and nothing described is missing from the table.

use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`.
pub async fn document() -> Response {
    let mut response = DOCUMENT.into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::table;
    use std::collections::BTreeSet;

    fn document() -> serde_json::Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
    }

    #[test]
    fn every_api_route_is_described_and_nothing_else() {
        let doc = document();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let routed: BTreeSet<(String, String)> = table()
            .into_iter()
            .filter(|r| r.path == "/api" || r.path.starts_with("/api/"))
            .map(|r| (r.path.to_owned(), r.method.as_str().to_lowercase()))
            .collect();
        let described: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .expect("operations")
                    .keys()
                    .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                    .map(move |method| (path.clone(), method.clone()))
            })
            .collect();
        let undocumented: Vec<_> = routed.difference(&described).collect();
        assert!(
            undocumented.is_empty(),
            "add these routes to crates/onsite-web/src/api/openapi.json: {undocumented:?}"
        );
        let stale: Vec<_> = described.difference(&routed).collect();
        assert!(stale.is_empty(), "described but not routed: {stale:?}");
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut refs = Vec::new();
        fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        match (k.as_str(), v.as_str()) {
                            ("$ref", Some(r)) => refs.push(r.to_owned()),
                            _ => walk(v, refs),
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, refs)),
                _ => {}
            }
        }
        walk(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local references only");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn path_parameters_are_declared() {
        let doc = document();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for (method, op) in ops.as_object().unwrap() {
                for name in &names {
                    let declared = op["parameters"].as_array().is_some_and(|ps| {
                        ps.iter()
                            .any(|p| p["in"] == "path" && p["name"].as_str() == Some(name))
                    });
                    assert!(declared, "{method} {path}: parameter {name}");
                }
            }
        }
    }
}
