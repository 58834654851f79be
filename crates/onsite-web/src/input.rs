//! Reading what people send, once for pages and API alike: typed ids from the path (anything
//! but a positive whole number names nothing: 404), days and instants from forms and queries.
//! [`PathId`] also describes itself in the OpenAPI document (`params(PathId<BookingId>)`).

use crate::WebError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::InvalidInput;

/// An id from a path or a form: anything that is not a positive number names nothing.
pub fn parse_id(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// A record's id from the route's one path parameter, typed (`PathId<BookingId>`). Anything
/// else than a positive whole number is 404, like an id that does not exist or is out of
/// reach, on pages and API alike.
#[derive(Debug, Clone, Copy)]
pub struct PathId<T>(pub T);

impl<S: Send + Sync, T: From<i64>> FromRequestParts<S> for PathId<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        parse_id(&raw)
            .map(|id| PathId(T::from(id)))
            .ok_or(WebError::NotFound)
    }
}

/// The route's `{id}`, in the OpenAPI document.
impl<T> utoipa::IntoParams for PathId<T> {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let id = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1));
        vec![
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(utoipa::openapi::Required::True)
                .description(Some(
                    "The record's id; anything but a positive whole number names nothing (404).",
                ))
                .schema(Some(id))
                .build(),
        ]
    }
}

/// A day `YYYY-MM-DD`; empty is none.
pub fn parse_date(field: &'static str, raw: Option<&str>) -> Result<Option<Date>, InvalidInput> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.len() == 10 => s
            .parse::<Date>()
            .map(Some)
            .map_err(|_| InvalidInput::new(field, "date")),
        Some(_) => Err(InvalidInput::new(field, "date")),
    }
}

/// An instant, as slots give them (RFC 3339, e.g. `2026-06-09T14:00:00Z`).
pub fn parse_instant(field: &'static str, raw: Option<&str>) -> Result<Timestamp, InvalidInput> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(InvalidInput::new(field, "required"))?;
    if raw.len() > 64 {
        return Err(InvalidInput::new(field, "instant"));
    }
    raw.parse::<Timestamp>()
        .map_err(|_| InvalidInput::new(field, "instant"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_dates_and_instants_are_parsed_strictly() {
        assert_eq!(parse_id("12"), Some(12));
        for bad in ["0", "-3", "abc", "", "99999999999999999999"] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
        assert_eq!(
            parse_date("date", Some("2026-06-09")).unwrap(),
            Some(Date::constant(2026, 6, 9))
        );
        assert_eq!(parse_date("date", Some(" ")).unwrap(), None);
        for bad in ["2026-02-30", "2026-6-9", "20260609", "tomorrow"] {
            assert!(parse_date("date", Some(bad)).is_err(), "{bad}");
        }
        assert!(parse_instant("slot", Some("2026-06-09T14:00:00Z")).is_ok());
        assert_eq!(parse_instant("slot", None).unwrap_err().reason, "required");
        assert_eq!(
            parse_instant("slot", Some("soon")).unwrap_err().reason,
            "instant"
        );
    }
}
