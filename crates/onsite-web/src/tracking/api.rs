//! Positions in, and the live map's JSON snapshot out (Track my technician; see
//! `onsite_app::tracking` and docs/tracking.md).
//!
//! - `POST /technician/position`: the technician page's script (session + `X-CSRF-Token`),
//!   JSON `{"latitude", "longitude", "accuracy_m", "recorded_at"}` (Unix seconds).
//! - `POST /track/owntracks`: OwnTracks in HTTP mode. The token is the HTTP Basic password
//!   (OwnTracks' "Password"; the user name is ignored) or the `token` query parameter.
//!   Non-location messages are accepted and ignored; the answer is `[]`, as OwnTracks expects.
//! - `GET|POST /track/osmand`: Traccar Client and other OsmAnd-protocol devices; the token is
//!   the device identifier (`id`), the fix in the query (`lat`, `lon`, `timestamp` in seconds,
//!   milliseconds or ISO 8601, `accuracy` m, `speed` knots, `bearing`), or a form body with the
//!   same fields, or the JSON body of Traccar Client 9 (`{"device_id", "location": {…}}`).
//! - `GET /api/v1/bookings/{id}/live`: the live map as JSON, for the customer of the booking's
//!   account while the visit is Traveling.
//!
//! The `/track/` routes are Public in the route table: they authenticate by the token alone
//! (no cookie, so no CSRF token either, see `csrf.rs`). Every refusal is JSON
//! `{"error": {"code", "message", "field"}}` with a 4xx status, and nothing is stored. Bodies
//! are bounded at [`BODY_MAX`].

use crate::input::PathId;
use crate::openapi::{Errors, State as VisitState, refusal};
use crate::session::{CurrentUser, Granted};
use crate::tracking::Position;
use crate::{AppState, WebError, WebResult};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use jiff::Timestamp;
use onsite_app::failure::Kind;
use onsite_app::policy::OnDuty;
use onsite_app::tracking::{self, InvalidPosition, LiveAccess, Report, TrackingError};
use onsite_domain::BookingId;
use onsite_domain::booking::BookingState;
use onsite_store::positions::Source;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Largest body a tracking endpoint reads (a position is a few hundred bytes).
pub const BODY_MAX: usize = 16 * 1024;

/// Standard base64 that accepts a value with or without its padding.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// 1 knot in km/h (the OsmAnd protocol's speed unit).
const KNOT_KMH: f64 = 1.852;

/// A refused tracking request, in the edge's JSON error shape; a bad token also tells the app
/// to authenticate with HTTP Basic (OwnTracks' user name and password).
pub(crate) fn refusal(e: TrackingError) -> Response {
    let basic = matches!(e, TrackingError::BadToken);
    let mut response = WebError::from(e).into_response();
    if basic {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"onsite tracking\""),
        );
    }
    response
}

fn invalid(e: InvalidPosition) -> TrackingError {
    TrackingError::Invalid(e)
}

/// A number from JSON (number or numeric string).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A device time: Unix seconds (or milliseconds when it is that large), or ISO 8601 / RFC 3339,
/// or `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn parse_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<f64>() {
        return unix(n);
    }
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Some(t);
    }
    raw.replace(' ', "T")
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

fn unix(n: f64) -> Option<Timestamp> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let ms = if n > 1e11 { n } else { n * 1000.0 };
    if ms > 1e15 {
        return None;
    }
    Timestamp::from_millisecond(ms as i64).ok()
}

/// A value the device says is unknown (Traccar sends -1) is no value.
fn known(v: Option<f64>) -> Option<f64> {
    v.filter(|x| !(x.is_finite() && *x < 0.0))
}

/// A report from what a format gave: the position and time are required, the rest optional.
fn report_of(
    latitude: Option<f64>,
    longitude: Option<f64>,
    recorded_at: Option<Timestamp>,
    accuracy_m: Option<f64>,
    speed_kmh: Option<f64>,
    heading_deg: Option<f64>,
) -> Result<Report, TrackingError> {
    Ok(Report {
        latitude: latitude.ok_or(invalid(InvalidPosition::Latitude))?,
        longitude: longitude.ok_or(invalid(InvalidPosition::Longitude))?,
        recorded_at: recorded_at.ok_or(invalid(InvalidPosition::Timestamp))?,
        accuracy_m,
        speed_kmh,
        heading_deg,
    })
}

// ---- The technician page --------------------------------------------------------------------

/// The technician page's JSON body as a report (checked by `tracking::validate` later).
pub fn browser_report(body: &[u8]) -> Result<Report, TrackingError> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    report_of(
        number(value.get("latitude")),
        number(value.get("longitude")),
        number(value.get("recorded_at")).and_then(unix),
        number(value.get("accuracy_m")),
        known(number(value.get("speed_kmh"))),
        known(number(value.get("heading_deg"))),
    )
}

/// `POST /technician/position`: the signed-in technician's browser position.
pub async fn browser_position(
    State(state): State<AppState>,
    Granted(on_duty): Granted<OnDuty>,
    body: Bytes,
) -> Response {
    if body.len() > BODY_MAX {
        return WebError::PayloadTooLarge.into_response();
    }
    let result = match browser_report(&body) {
        Ok(report) => {
            tracking::record_for_technician(&state.app, on_duty, &report, state.clock.now()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(recorded) => stored(recorded),
        Err(e) => refusal(e),
    }
}

/// The answer to a position report: whether it was kept (a fix older than the last one is
/// not).
#[derive(Debug, Serialize)]
struct Stored {
    stored: bool,
}

fn stored(recorded: tracking::Recorded) -> Response {
    let stored = recorded == tracking::Recorded::Stored;
    (StatusCode::OK, Json(Stored { stored })).into_response()
}

// ---- OwnTracks ------------------------------------------------------------------------------

/// The password of an `Authorization: Basic` header (the token of an OwnTracks request).
pub fn basic_password(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    // Standard base64, with or without padding (some apps leave it out).
    let decoded = BASE64_LENIENT.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, p)| p.to_owned())
}

/// An OwnTracks message as a report; `None` when it is not a location (waypoints, transitions,
/// cards…).
pub fn owntracks_report(body: &[u8]) -> Option<Result<Report, TrackingError>> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if value.get("_type").and_then(Value::as_str) != Some("location") {
        return None;
    }
    Some(report_of(
        number(value.get("lat")),
        number(value.get("lon")),
        number(value.get("tst")).and_then(unix),
        number(value.get("acc")),
        known(number(value.get("vel"))),
        known(number(value.get("cog"))),
    ))
}

/// `POST /track/owntracks`: OwnTracks' HTTP mode.
pub async fn owntracks(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if body.len() > BODY_MAX {
        return WebError::PayloadTooLarge.into_response();
    }
    let token = basic_password(&headers).or_else(|| query.get("token").cloned());
    let now = state.clock.now();
    let sender = match tracking::check_token(&state.app, token.as_deref()).await {
        Ok(t) => t,
        Err(e) => return refusal(e),
    };
    let Some(parsed) = owntracks_report(&body) else {
        // Waypoints, transitions, cards…: nothing for us, but not an error to OwnTracks.
        return owntracks_ok();
    };
    let result = match parsed {
        Ok(report) => {
            tracking::record_for(&state.app, sender, &report, Source::OwnTracks, now).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => owntracks_ok(),
        Err(e) => refusal(e),
    }
}

/// What OwnTracks expects back: `[]` (no messages for the device).
fn owntracks_ok() -> Response {
    (StatusCode::OK, Json(Vec::<Value>::new())).into_response()
}

// ---- OsmAnd / Traccar Client ----------------------------------------------------------------

/// `GET|POST /track/osmand`: the OsmAnd protocol (Traccar Client).
pub async fn osmand(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if body.len() > BODY_MAX {
        return WebError::PayloadTooLarge.into_response();
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (token, parsed) = osmand_report(content_type, query, &body);
    let now = state.clock.now();
    let sender = match tracking::check_token(&state.app, token.as_deref()).await {
        Ok(t) => t,
        Err(e) => return refusal(e),
    };
    let result = match parsed {
        Ok(report) => tracking::record_for(&state.app, sender, &report, Source::OsmAnd, now).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => StatusCode::OK.into_response(),
        Err(e) => refusal(e),
    }
}

/// An OsmAnd request's token (the device identifier) and report, from the query and the body
/// (a form, or Traccar Client 9's JSON when `content_type` says JSON).
pub fn osmand_report(
    content_type: &str,
    query: HashMap<String, String>,
    body: &[u8],
) -> (Option<String>, Result<Report, TrackingError>) {
    if content_type.contains("json") {
        // Traccar Client 9: {"device_id", "location": {"timestamp", "coords": {…}}}; speed m/s.
        let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let location = value.get("location").unwrap_or(&Value::Null);
        let coords = location.get("coords").unwrap_or(&Value::Null);
        let token = value
            .get("device_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| query.get("id").cloned());
        let recorded_at = match location.get("timestamp") {
            Some(Value::String(s)) => parse_time(s),
            other => number(other).and_then(unix),
        };
        (
            token,
            report_of(
                number(coords.get("latitude")),
                number(coords.get("longitude")),
                recorded_at,
                number(coords.get("accuracy")),
                known(number(coords.get("speed"))).map(|ms| ms * 3.6),
                known(number(coords.get("heading"))),
            ),
        )
    } else {
        // Query parameters, and for a form body its fields too.
        let mut fields = query;
        if !body.is_empty()
            && let Ok(form) = serde_urlencoded_pairs(body)
        {
            fields.extend(form);
        }
        let get = |k: &str| fields.get(k).map(String::as_str);
        let num = |k: &str| get(k).and_then(|v| v.trim().parse::<f64>().ok());
        let token = get("id").or(get("deviceid")).map(str::to_owned);
        (
            token,
            report_of(
                num("lat"),
                num("lon"),
                get("timestamp").and_then(parse_time),
                num("accuracy"),
                known(num("speed")).map(|kn| kn * KNOT_KMH),
                known(num("bearing").or(num("heading"))),
            ),
        )
    }
}

/// The fields of a URL-encoded body.
fn serde_urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ()> {
    std::str::from_utf8(body).map_err(|_| ())?;
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

// ---- The live map as JSON -------------------------------------------------------------------

/// The live map of a Traveling visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveAnswer {
    live: Live,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Live {
    booking_id: i64,
    /// `traveling`, the one state with a live map.
    #[schema(value_type = VisitState)]
    state: BookingState,
    technician: String,
    destination: Destination,
    /// When the visit started Traveling, Unix seconds.
    traveling_since: i64,
    /// `null` until the technician's device sends a position.
    #[schema(required = true)]
    position: Option<Position>,
    /// Unix seconds.
    server_now: i64,
}

/// The service address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Destination {
    latitude: f64,
    longitude: f64,
    address: String,
}

refusal!(
    /// No live map to show.
    NoLiveMap,
    Kind::NotFound,
    "Not a visit of the caller's account, not Traveling, or tracking is off (`not_found`).",
);

/// `GET /api/v1/bookings/{id}/live`: the technician's last position and the ETA of a
/// Traveling visit of the caller's account; 404 otherwise (another account's visit, a visit
/// not Traveling, tracking off).
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}/live",
    tag = "self-scheduling",
    summary = "The live map of one of my visits while it is Traveling",
    description = "The technician's last position (recorded since the visit started \
        Traveling), the service address and the estimated arrival (now plus the drive from the \
        position with the site's travel model). Only for a customer of the visit's own account, \
        only while the visit is Traveling and tracking is on: otherwise 404. Instants are Unix \
        seconds. The live map page follows the same data pushed as server-sent events \
        (`GET /bookings/{id}/live/events`, events `position` and `state`).",
    params(PathId<BookingId>),
    responses(
        (status = 200, description = "The live map.", body = LiveAnswer),
        Errors<NoLiveMap>,
    ),
)]
pub async fn live(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<BookingId>,
) -> WebResult<Json<LiveAnswer>> {
    let now = state.clock.now();
    let map = match tracking::live_map(&state.app, user.grant()?, id, now).await {
        Ok(LiveAccess::Traveling(map)) => map,
        Ok(LiveAccess::Left(_)) => return Err(WebError::NotFound),
        Err(TrackingError::Store(e)) => return Err(WebError::internal(e)),
        Err(_) => return Err(WebError::NotFound),
    };
    Ok(Json(LiveAnswer {
        live: Live {
            booking_id: map.visit.id.0,
            state: map.visit.state,
            technician: map.visit.technician_name.clone(),
            destination: Destination {
                latitude: map.destination.lat(),
                longitude: map.destination.lon(),
                address: map.visit.address.clone(),
            },
            traveling_since: map.since.as_second(),
            position: Position::of(&map, now),
            server_now: now.as_second(),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn osmand_fixes_are_read_from_the_query_a_form_body_or_json() {
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let q = query(&[("id", "tok"), ("lat", "45.5"), ("lon", "-73.6")]);
        let (token, report) = osmand_report("", q, b"timestamp=1700000000&speed=10&bearing=90");
        let report = report.unwrap();
        assert_eq!(token.as_deref(), Some("tok"));
        assert_eq!((report.latitude, report.longitude), (45.5, -73.6));
        assert_eq!(report.recorded_at, at);
        assert_eq!(report.speed_kmh, Some(10.0 * KNOT_KMH));
        assert_eq!(report.heading_deg, Some(90.0));

        let body = br#"{"device_id": "dev", "location": {"timestamp": "2023-11-14T22:13:20Z",
            "coords": {"latitude": 45.5, "longitude": -73.6, "speed": 10, "heading": -1}}}"#;
        let (token, report) = osmand_report("application/json", HashMap::new(), body);
        let report = report.unwrap();
        assert_eq!(token.as_deref(), Some("dev"));
        assert_eq!(report.recorded_at, at);
        assert_eq!(report.speed_kmh, Some(36.0));
        assert_eq!(report.heading_deg, None, "-1 is unknown");

        let (_, missing) = osmand_report("", query(&[("lat", "45.5")]), b"");
        assert!(matches!(
            missing,
            Err(TrackingError::Invalid(InvalidPosition::Longitude))
        ));
    }

    #[test]
    fn owntracks_reads_locations_and_ignores_other_messages() {
        let body =
            br#"{"_type": "location", "lat": 45.5, "lon": -73.6, "tst": 1700000000, "acc": 12}"#;
        let report = owntracks_report(body).unwrap().unwrap();
        assert_eq!(report.accuracy_m, Some(12.0));
        assert!(owntracks_report(br#"{"_type": "waypoint"}"#).is_none());
        assert!(owntracks_report(b"not json").is_none());
        assert!(matches!(
            owntracks_report(br#"{"_type": "location", "lat": 1, "lon": 2}"#),
            Some(Err(TrackingError::Invalid(InvalidPosition::Timestamp)))
        ));
        assert!(matches!(
            browser_report(
                br#"{"latitude": "45.5", "longitude": -73.6, "recorded_at": 1700000000}"#
            ),
            Ok(Report { latitude: 45.5, .. })
        ));
    }
}
