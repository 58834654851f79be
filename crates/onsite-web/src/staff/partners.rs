//! The partner pages under `/staff/partners` (dispatchers and administrators): every partner
//! account with its distribution profile, and a page per partner to edit that profile — the
//! availability criteria the distribution engine checks (capacity, revenue range, territories,
//! lead types, products). Partner accounts themselves are created and edited on the account
//! pages (`/staff/accounts/new?kind=partner`, `/staff/accounts/{id}`).

use crate::distribution::form::parse_amount;
use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::{PathId, parse_id};
use crate::layout::{Page, render, render_with_status};
use crate::session::Granted;
use crate::{AppState, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use onsite_app::partners::{self, PartnerDetail, PartnerError, Partners, ProfileInput};
use onsite_app::policy::Staff;
use onsite_domain::opportunity::PartnerProfile;
use onsite_domain::{AccountId, InvalidInput, ProductId, TerritoryId};
use onsite_i18n::Locale;
use std::collections::BTreeSet;

/// The list page.
pub const PARTNERS: &str = "/staff/partners";

/// A partner's line of the list, in words.
struct PartnerLine {
    id: AccountId,
    name: String,
    active: bool,
    /// `None`: no profile yet (the engine does not offer it anything).
    profile: Option<ProfileText>,
}

/// A profile as the list reads it.
struct ProfileText {
    capacity: u32,
    revenue: String,
    territories: String,
    lead_types: String,
    products: String,
}

fn profile_text(locale: Locale, p: &PartnerProfile, all: &Partners) -> ProfileText {
    let names = |names: Vec<String>| names.join(", ");
    ProfileText {
        capacity: p.capacity,
        revenue: revenue_range(locale, p),
        territories: names(
            all.territories
                .iter()
                .filter(|t| p.territories.contains(&t.id))
                .map(|t| t.name.clone())
                .collect(),
        ),
        lead_types: names(
            p.lead_types
                .iter()
                .map(|code| {
                    all.lead_types
                        .iter()
                        .find(|e| e.code.as_deref() == Some(code.as_str()))
                        .map_or_else(|| code.clone(), |e| e.name.clone())
                })
                .collect(),
        ),
        products: names(
            all.products
                .iter()
                .filter(|x| p.products.contains(&x.id))
                .map(|x| x.name.clone())
                .collect(),
        ),
    }
}

fn revenue_range(locale: Locale, p: &PartnerProfile) -> String {
    format!(
        "{} – {}",
        crate::distribution::money(locale, p.revenue_min_minor),
        crate::distribution::money(locale, p.revenue_max_minor)
    )
}

#[derive(Template)]
#[template(path = "staff/partners.html")]
struct ListPage {
    page: Page,
    partners: Vec<PartnerLine>,
}

/// `GET /staff/partners`: every partner account with its profile.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
) -> WebResult<Response> {
    let all = partners::partners(&state.app, staff).await?;
    let partners = all
        .rows
        .iter()
        .map(|row| PartnerLine {
            id: row.account.id,
            name: row.account.name.clone(),
            active: row.account.active,
            profile: row
                .profile
                .as_ref()
                .map(|p| profile_text(page.locale, p, &all)),
        })
        .collect();
    render(&ListPage { page, partners })
}

/// The profile form as typed (shown again when refused).
#[derive(Debug, Clone, Default)]
struct ProfileForm {
    capacity: String,
    revenue_min: String,
    revenue_max: String,
    territories: BTreeSet<i64>,
    lead_types: BTreeSet<String>,
    products: BTreeSet<i64>,
    /// The profile's version the form showed; empty when there was no profile.
    seen_version: String,
}

/// An amount of money as the form shows it in `locale` (`1234.50`, `1234,50`).
fn amount_text(locale: Locale, minor: i64) -> String {
    let text = format!("{}.{:02}", minor / 100, minor % 100);
    if locale.tag() == "fr" {
        text.replace('.', ",")
    } else {
        text
    }
}

impl ProfileForm {
    fn of(locale: Locale, detail: &PartnerDetail) -> ProfileForm {
        let seen_version = detail.version.map(|v| v.to_string()).unwrap_or_default();
        let Some(p) = &detail.profile else {
            return ProfileForm {
                seen_version,
                ..ProfileForm::default()
            };
        };
        ProfileForm {
            capacity: p.capacity.to_string(),
            revenue_min: amount_text(locale, p.revenue_min_minor),
            revenue_max: amount_text(locale, p.revenue_max_minor),
            territories: p.territories.iter().map(|t| t.0).collect(),
            lead_types: p.lead_types.iter().cloned().collect(),
            products: p.products.iter().map(|x| x.0).collect(),
            seen_version,
        }
    }

    /// Reads the submitted pairs (`territory`, `lead_type` and `product` repeat, one per
    /// ticked box); a box that is not an id is reported as `unknown` by [`Self::parse`].
    fn from_pairs(pairs: &[(String, String)]) -> (ProfileForm, Vec<&'static str>) {
        let mut form = ProfileForm::default();
        let mut bad = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "capacity" => form.capacity = value.clone(),
                "revenue_min" => form.revenue_min = value.clone(),
                "revenue_max" => form.revenue_max = value.clone(),
                "seen_version" => form.seen_version = value.clone(),
                "lead_type" => {
                    form.lead_types.insert(value.clone());
                }
                "territory" => match parse_id(value) {
                    Some(id) => {
                        form.territories.insert(id);
                    }
                    None => bad.push("territories"),
                },
                "product" => match parse_id(value) {
                    Some(id) => {
                        form.products.insert(id);
                    }
                    None => bad.push("products"),
                },
                _ => {}
            }
        }
        (form, bad)
    }

    /// The version the form showed: `None` when it showed no profile.
    fn seen_version(&self) -> Result<Option<i64>, InvalidInput> {
        let raw = self.seen_version.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse()
            .map(Some)
            .map_err(|_| InvalidInput::new("seen_version", "out-of-range"))
    }

    /// The use case's input, or every field this form can tell is wrong (amounts are read in
    /// the person's language here; the use case checks the rest).
    fn parse(&self, locale: Locale, bad: &[&'static str]) -> Result<ProfileInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut amount = |field: &'static str, raw: &str| match parse_amount(locale, raw) {
            Some(Ok(minor)) => Some(minor),
            Some(Err(())) => {
                errors.add(field, locale.text("partner-web-invalid-amount"));
                None
            }
            None => {
                errors.add_invalid(locale, &InvalidInput::new(field, "required"));
                None
            }
        };
        let min = amount("revenue_min", &self.revenue_min);
        let max = amount("revenue_max", &self.revenue_max);
        for field in bad {
            errors.add_invalid(locale, &InvalidInput::new(field, "unknown"));
        }
        match (min, max) {
            (Some(revenue_min_minor), Some(revenue_max_minor)) if errors.is_empty() => {
                Ok(ProfileInput {
                    capacity: self.capacity.clone(),
                    revenue_min_minor,
                    revenue_max_minor,
                    territories: self.territories.iter().map(|&t| TerritoryId(t)).collect(),
                    lead_types: self.lead_types.iter().cloned().collect(),
                    products: self.products.iter().map(|&x| ProductId(x)).collect(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// A box of the form: an id or code, its label, whether it is ticked, whether it is retired.
struct Choice {
    value: String,
    label: String,
    checked: bool,
    retired: bool,
}

#[derive(Template)]
#[template(path = "staff/partner.html")]
struct PartnerPage {
    page: Page,
    id: AccountId,
    name: String,
    active: bool,
    /// Whether the partner has a profile yet.
    has_profile: bool,
    form: ProfileForm,
    territories: Vec<Choice>,
    lead_types: Vec<Choice>,
    products: Vec<Choice>,
    audit_history: Option<String>,
    errors: FieldErrors,
}

fn partner_page(
    page: Page,
    detail: PartnerDetail,
    form: ProfileForm,
    (errors, status): (FieldErrors, StatusCode),
) -> WebResult<Response> {
    let territories = detail
        .territories
        .iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name.clone(),
            checked: form.territories.contains(&t.id.0),
            retired: false,
        })
        .collect();
    let lead_types = detail
        .lead_types
        .iter()
        .filter_map(|e| {
            let code = e.code.clone()?;
            Some(Choice {
                label: format!("{} ({code})", e.name),
                checked: form.lead_types.contains(&code),
                value: code,
                retired: !e.active,
            })
        })
        .collect();
    let products = detail
        .products
        .iter()
        .map(|x| Choice {
            value: x.id.to_string(),
            label: format!("{} ({})", x.name, x.code),
            checked: form.products.contains(&x.id.0),
            retired: !x.active,
        })
        .collect();
    let id = detail.account.id;
    let view = PartnerPage {
        audit_history: page.history("partner_profile", id),
        page,
        id,
        name: detail.account.name,
        active: detail.account.active,
        has_profile: detail.profile.is_some(),
        form,
        territories,
        lead_types,
        products,
        errors,
    };
    render_with_status(status, &view)
}

/// `GET /staff/partners/{id}`: the partner's distribution profile, to edit.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<AccountId>,
) -> WebResult<Response> {
    let detail = partners::partner(&state.app, staff, id).await?;
    let form = ProfileForm::of(page.locale, &detail);
    partner_page(page, detail, form, (FieldErrors::new(), StatusCode::OK))
}

/// `POST /staff/partners/{id}`: saves the profile from the version the form showed. Someone
/// else's save in between: the form comes back with their version and says so.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    Granted(staff): Granted<Staff>,
    PathId(id): PathId<AccountId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (form, bad) = ProfileForm::from_pairs(&pairs);
    let seen_version = form.seen_version()?;
    let input = match form.parse(page.locale, &bad) {
        Ok(input) => input,
        Err(errors) => {
            let detail = partners::partner(&state.app, staff, id).await?;
            return partner_page(page, detail, form, (errors, crate::error::INVALID));
        }
    };
    match partners::save_profile(&state.app, staff, id, seen_version, &input).await {
        Ok(()) => Ok(see_other(&format!("{PARTNERS}/{id}?notice=partner-saved"))),
        Err(e) if crate::error::form_refusal_status(&e).is_some() => {
            let detail = partners::partner(&state.app, staff, id).await?;
            let form = match e {
                PartnerError::Changed => ProfileForm::of(page.locale, &detail),
                _ => form,
            };
            let mut errors = FieldErrors::new();
            errors.add_failure(page.locale, &e);
            let status = crate::error::form_status(&e);
            partner_page(page, detail, form, (errors, status))
        }
        Err(e) => Err(e.into()),
    }
}
