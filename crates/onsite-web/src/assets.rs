//! Static assets embedded in the binary (gathered by `build.rs`: Pico CSS, htmx, Leaflet from
//! npm, and our own `assets/src/**`), served under `/assets/<version>/<path>`.
//!
//! The version is a hash of every embedded byte, so a URL names exactly one content and may be
//! cached forever (`immutable`). A request for a known file under another version (a page
//! from a newer or older server of the same deployment during a rolling upgrade) still gets
//! the file, but with `no-cache`, so no cache keeps the wrong bytes under that URL.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Path below `/assets/<version>/`, e.g. `vendor/htmx.min.js`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

// `VERSION`, `ENTITY_TAG` and `FILES`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The embedded file at `path`, if any.
pub fn get_asset(path: &str) -> Option<&'static Asset> {
    FILES
        .binary_search_by(|a| a.path.cmp(path))
        .ok()
        .map(|i| &FILES[i])
}

/// Every embedded file.
pub fn all() -> &'static [Asset] {
    FILES
}

/// The URL of an embedded file, for templates (`page.asset("onsite.css")`).
pub fn url(path: &str) -> String {
    debug_assert!(get_asset(path).is_some(), "no embedded asset {path}");
    format!("/assets/{VERSION}/{path}")
}

pub async fn serve(
    Path((version, path)): Path<(String, String)>,
    request_headers: HeaderMap,
) -> Result<Response, WebError> {
    let asset = get_asset(&path).ok_or(WebError::NotFound)?;
    let etag = HeaderValue::from_static(ENTITY_TAG);
    let cache = if version == VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut headers = HeaderMap::new();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(ETAG, etag.clone());
    if request_headers
        .get(IF_NONE_MATCH)
        .is_some_and(|v| v == etag)
    {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    Ok((headers, asset.bytes).into_response())
}
