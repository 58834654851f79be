//! The opportunity form, shared by the staff's new opportunity and the partner's internal one:
//! its fields as typed, the choices it offers, and refusals put next to their field.

use super::refusal;
use crate::forms::{FORM, FieldErrors};
use crate::layout::Page;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::http::StatusCode;
use onsite_app::distribution::{DistributionError, OpportunityInput};
use onsite_domain::geo::GeoPoint;
use onsite_domain::territory::Territory;
use onsite_domain::{InvalidInput, ProductId, TerritoryId};
use onsite_i18n::Locale;
use std::collections::BTreeSet;

/// What the opportunity form holds, as typed (shown again when refused).
#[derive(Debug, Clone, Default)]
pub(crate) struct OpportunityFields {
    pub name: String,
    pub customer_name: String,
    pub postal_code: String,
    pub latitude: String,
    pub longitude: String,
    /// A territory to place the customer in when no coordinates are given.
    pub territory: String,
    pub estimated_revenue: String,
    pub lead_type: String,
    pub products: BTreeSet<i64>,
}

impl OpportunityFields {
    /// Reads the submitted pairs (`product` repeats, one per ticked box). Unknown fields are
    /// ignored; a product that is not a number is kept out and reported by [`Self::parse`].
    pub fn from_pairs(pairs: &[(String, String)]) -> (OpportunityFields, bool) {
        let mut f = OpportunityFields::default();
        let mut bad_product = false;
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v.clone(),
                "customer_name" => f.customer_name = v.clone(),
                "postal_code" => f.postal_code = v.clone(),
                "latitude" => f.latitude = v.clone(),
                "longitude" => f.longitude = v.clone(),
                "territory" => f.territory = v.clone(),
                "estimated_revenue" => f.estimated_revenue = v.clone(),
                "lead_type" => f.lead_type = v.clone(),
                "product" => match v.trim().parse::<i64>() {
                    Ok(id) => {
                        f.products.insert(id);
                    }
                    Err(_) => bad_product = true,
                },
                _ => {}
            }
        }
        (f, bad_product)
    }

    /// The use case's input, or every field this form can tell is wrong (the use case checks
    /// the rest: lengths, lead type, products that exist).
    pub fn parse(
        &self,
        locale: Locale,
        territories: &[Territory],
        bad_product: bool,
    ) -> Result<OpportunityInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        // Every required field reported at once (the use case stops at the first one).
        for (field, value) in [("name", &self.name), ("customer_name", &self.customer_name)] {
            if value.trim().is_empty() {
                errors.add_invalid(locale, &InvalidInput::new(field, "required"));
            }
        }
        let revenue = parse_amount(locale, &self.estimated_revenue);
        match &revenue {
            Some(Ok(_)) => {}
            Some(Err(())) => errors.add(
                "estimated_revenue",
                locale.text("partner-web-invalid-amount"),
            ),
            None => errors.add_invalid(locale, &InvalidInput::new("estimated_revenue", "required")),
        }
        let location = self.location(locale, territories, &mut errors);
        if self.lead_type.trim().is_empty() {
            errors.add_invalid(locale, &InvalidInput::new("lead_type", "required"));
        }
        if bad_product {
            errors.add_invalid(locale, &InvalidInput::new("products", "unknown"));
        }
        match (revenue, location) {
            (Some(Ok(revenue)), Some(location)) if errors.is_empty() => Ok(OpportunityInput {
                name: self.name.clone(),
                customer_name: self.customer_name.clone(),
                location,
                postal_code: self.postal_code.clone(),
                estimated_revenue_minor: revenue,
                lead_type: self.lead_type.clone(),
                products: self.products.iter().map(|&p| ProductId(p)).collect(),
            }),
            _ => Err(errors),
        }
    }

    /// The customer's point: the coordinates typed, else a point inside the territory picked.
    fn location(
        &self,
        locale: Locale,
        territories: &[Territory],
        errors: &mut FieldErrors,
    ) -> Option<GeoPoint> {
        let (lat, lon) = (self.latitude.trim(), self.longitude.trim());
        if !lat.is_empty() || !lon.is_empty() {
            let lat = parse_coordinate(locale, lat);
            let lon = parse_coordinate(locale, lon);
            if lat.is_none() {
                errors.add("latitude", locale.text("partner-web-invalid-latitude"));
            }
            if lon.is_none() {
                errors.add("longitude", locale.text("partner-web-invalid-longitude"));
            }
            return match GeoPoint::new(lat?, lon?) {
                Ok(p) => Some(p),
                Err(e) => {
                    let id = if e.field == "latitude" {
                        "partner-web-invalid-latitude"
                    } else {
                        "partner-web-invalid-longitude"
                    };
                    errors.add(e.field, locale.text(id));
                    None
                }
            };
        }
        if self.territory.trim().is_empty() {
            errors.add("latitude", locale.text("partner-web-location-required"));
            return None;
        }
        let territory = self
            .territory
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| territories.iter().find(|t| t.id == TerritoryId(id)));
        match territory {
            None => {
                errors.add_invalid(locale, &InvalidInput::new("territory", "unknown"));
                None
            }
            Some(t) => match point_inside(t) {
                Some(p) => Some(p),
                None => {
                    errors.add("territory", locale.text("partner-web-territory-no-area"));
                    None
                }
            },
        }
    }
}

/// A point of the territory's area: the mean of its vertices when that lies inside (it does
/// for the roughly convex areas of a city's boroughs), else its first vertex (the edge counts
/// as inside). `None` for a territory defined by postal codes only.
pub(crate) fn point_inside(t: &Territory) -> Option<GeoPoint> {
    let polygon = t.polygon.as_ref()?;
    let vertices = polygon.vertices();
    let n = vertices.len() as f64;
    let lat = vertices.iter().map(|v| v.lat()).sum::<f64>() / n;
    let lon = vertices.iter().map(|v| v.lon()).sum::<f64>() / n;
    GeoPoint::new(lat, lon)
        .ok()
        .filter(|p| polygon.contains(*p))
        .or_else(|| vertices.first().copied())
}

/// A number as people type it in the locale: "45.5", "-73,55" (French), with a Unicode minus.
pub(crate) fn parse_coordinate(locale: Locale, raw: &str) -> Option<f64> {
    let mut s: String = raw.trim().replace('\u{2212}', "-");
    if locale.tag() == "fr" || !s.contains('.') {
        s = s.replace(',', ".");
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// An amount of dollars as people type it ("12500", "12,500.50", "12 500,50 $" in French) in
/// minor units, exactly (no floating point). `None` when empty; `Err` when not an amount.
pub(crate) fn parse_amount(locale: Locale, raw: &str) -> Option<Result<i64, ()>> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$' && *c != '\u{202f}' && *c != '\u{a0}')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (grouping, decimal) = if locale.tag() == "fr" {
        ('.', ',')
    } else {
        (',', '.')
    };
    let cleaned: String = cleaned.chars().filter(|c| *c != grouping).collect();
    let (units, cents) = match cleaned.split_once(decimal) {
        Some((u, c)) => (u, c),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(units) || !(cents.is_empty() || (digits(cents) && cents.len() <= 2)) {
        return Some(Err(()));
    }
    let units: i64 = match units.parse() {
        Ok(u) => u,
        Err(_) => return Some(Err(())),
    };
    let cents: i64 = format!("{cents:0<2}").parse().unwrap_or(0);
    Some(
        units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .ok_or(()),
    )
}

/// A product checkbox.
#[derive(Debug)]
pub(crate) struct ProductOption {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

/// A territory option.
#[derive(Debug)]
pub(crate) struct TerritoryOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

/// The opportunity form page (staff's new opportunity, a partner's internal one).
#[derive(Template)]
#[template(path = "partner/opportunity_form.html")]
pub(crate) struct OpportunityFormPage {
    pub page: Page,
    pub title_id: &'static str,
    pub intro_id: &'static str,
    pub action: &'static str,
    pub back: &'static str,
    pub errors: FieldErrors,
    pub fields: OpportunityFields,
    pub territories: Vec<TerritoryOption>,
    pub products: Vec<ProductOption>,
    /// The catalogue's active lead types: (code, name).
    pub lead_types: Vec<(String, String)>,
}

pub(crate) use onsite_app::distribution::FormChoices;

/// The choices of the opportunity form.
pub(crate) async fn form_choices(state: &AppState) -> WebResult<FormChoices> {
    Ok(onsite_app::distribution::form_choices(&state.app).await?)
}

impl OpportunityFormPage {
    pub fn new(
        page: Page,
        ids: (&'static str, &'static str),
        action: &'static str,
        back: &'static str,
        choices: &FormChoices,
        fields: OpportunityFields,
        errors: FieldErrors,
    ) -> OpportunityFormPage {
        OpportunityFormPage {
            territories: choices
                .territories
                .iter()
                .map(|t| TerritoryOption {
                    id: t.id.0,
                    name: t.name.clone(),
                    selected: fields.territory.trim() == t.id.0.to_string(),
                })
                .collect(),
            products: choices
                .products
                .iter()
                .map(|p| ProductOption {
                    id: p.id.0,
                    name: p.name.clone(),
                    checked: fields.products.contains(&p.id.0),
                })
                .collect(),
            lead_types: choices.lead_types.clone(),
            page,
            title_id: ids.0,
            intro_id: ids.1,
            action,
            back,
            errors,
            fields,
        }
    }
}

/// Puts a refused use case's error next to its field in the opportunity form (or at the top).
pub(crate) fn form_refusal(
    locale: Locale,
    e: DistributionError,
) -> Result<(StatusCode, FieldErrors), WebError> {
    let mut errors = FieldErrors::new();
    if let DistributionError::Invalid(invalid) = &e {
        errors.add_invalid(locale, invalid);
        return Ok((crate::error::INVALID, errors));
    }
    let (status, message) = refusal(e, locale)?;
    errors.add(FORM, message);
    Ok((status, errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::{age, money};
    use jiff::Timestamp;

    fn en() -> Locale {
        Locale::from_tag("en").unwrap()
    }

    fn fr() -> Locale {
        Locale::from_tag("fr").unwrap()
    }

    #[test]
    fn amounts_are_read_exactly_in_each_language() {
        assert_eq!(parse_amount(en(), "12500"), Some(Ok(1_250_000)));
        assert_eq!(parse_amount(en(), " $12,500.5 "), Some(Ok(1_250_050)));
        assert_eq!(parse_amount(fr(), "12 500,05 $"), Some(Ok(1_250_005)));
        assert_eq!(parse_amount(fr(), "12\u{202f}500"), Some(Ok(1_250_000)));
        assert_eq!(parse_amount(en(), ""), None);
        for bad in [
            "abc",
            "-5",
            "1.234",
            "1e3",
            "12..5",
            ".5",
            "99999999999999999999",
        ] {
            assert_eq!(parse_amount(en(), bad), Some(Err(())), "{bad}");
        }
    }

    #[test]
    fn money_is_in_canadian_dollars_as_each_language_writes_it() {
        assert_eq!(money(en(), 1_450_000), "$14,500.00");
        assert_eq!(money(fr(), 1_450_000), "14\u{202f}500,00 $");
    }

    #[test]
    fn coordinates_accept_the_french_decimal_comma() {
        assert_eq!(parse_coordinate(fr(), "45,5"), Some(45.5));
        assert_eq!(parse_coordinate(en(), "\u{2212}73.5"), Some(-73.5));
        assert_eq!(parse_coordinate(en(), "north"), None);
        assert_eq!(parse_coordinate(en(), "NaN"), None);
    }

    #[test]
    fn ages_read_in_minutes_hours_or_days() {
        let now: Timestamp = "2026-03-09T12:00:00Z".parse().unwrap();
        let ago = |mins: i64| now - jiff::SignedDuration::from_mins(mins);
        assert_eq!(age(en(), now, ago(0)), "less than a minute");
        assert_eq!(age(en(), now, ago(59)), "59 minutes");
        assert_eq!(age(en(), now, ago(61)), "1 hour");
        assert_eq!(age(en(), now, ago(60 * 24 * 3 + 5)), "3 days");
        assert_eq!(age(fr(), now, ago(60 * 24)), "1 jour");
    }
}
