//! Positions from tracking apps and the technician page: OwnTracks JSON (and its HTTP Basic
//! token), OsmAnd / Traccar Client query strings, form bodies and JSON, the browser's JSON.
//! Whatever arrives is read into a report or refused; a report the app accepts is a valid
//! position (in range, finite, not in the future), and a valid position is a `GeoPoint`.

#![no_main]

use arbitrary::Arbitrary;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use onsite_app::tracking::{CLOCK_SKEW, Report, TrackingError, validate};
use onsite_domain::TechnicianId;
use onsite_domain::geo::GeoPoint;
use onsite_store::positions::Source;
use onsite_web::tracking::api::{basic_password, browser_report, osmand_report, owntracks_report};
use std::collections::HashMap;

#[derive(Debug, Arbitrary)]
enum Input<'a> {
    Browser(&'a [u8]),
    OwnTracks {
        body: &'a [u8],
        authorization: &'a [u8],
    },
    OsmAnd {
        json: bool,
        query: &'a str,
        body: &'a [u8],
    },
}

/// A fixed "now" near the device times the fuzzer finds easily (2023-11-14).
fn now() -> Timestamp {
    Timestamp::from_second(1_700_000_000).expect("in range")
}

fn check(report: Result<Report, TrackingError>, source: Source) {
    let Ok(report) = report else { return };
    let Ok(position) = validate(TechnicianId(1), &report, source, now()) else {
        return;
    };
    let point = GeoPoint::new(position.latitude, position.longitude)
        .expect("a valid position is a GeoPoint");
    assert!((-90.0..=90.0).contains(&point.lat()) && (-180.0..=180.0).contains(&point.lon()));
    assert!(position.recorded_at <= now() + CLOCK_SKEW);
    for v in [
        position.accuracy_m,
        position.speed_kmh,
        position.heading_deg,
    ]
    .into_iter()
    .flatten()
    {
        assert!(v.is_finite() && v >= 0.0, "{position:?}");
    }
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Browser(body) => check(browser_report(body), Source::Browser),
    Input::OwnTracks {
        body,
        authorization,
    } => {
        if let Ok(value) = HeaderValue::from_bytes(authorization) {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value);
            let _ = basic_password(&headers);
        }
        if let Some(report) = owntracks_report(body) {
            check(report, Source::OwnTracks);
        }
    }
    Input::OsmAnd { json, query, body } => {
        // The query as axum's `Query<HashMap<String, String>>` hands it to the handler.
        let Some(fields) = onsite_fuzz::query::<HashMap<String, String>>(query) else {
            return;
        };
        let content_type = if json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let (_token, report) = osmand_report(content_type, fields, body);
        check(report, Source::OsmAnd);
    }
});
