//! Staff pages of partner distribution (SPEC §9): the opportunities by status, a new
//! opportunity, one opportunity with **the explanation** of how every partner ranks for it
//! (or why it is excluded) and the buttons that distribute it, and the distribution settings.
//!
//! The use cases are `onsite_app::distribution::{staff_opportunities, create_opportunity,
//! explain, distribute, distribution_settings, set_setting}`; this module only reads forms,
//! turns the answers into words in the reader's language and shows refusals next to what
//! caused them. The opportunity form is shared with the partner portal's internal
//! opportunities (`pages/partner.rs`).

use crate::forms::{FORM, FieldErrors};
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render_with_status};
use crate::session::CurrentUser;
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::distribution::{
    self, DistributionError, Explanation, OpportunityInput, SETTINGS, StaffOpportunity, Stage, text,
};
use onsite_app::policy::Capability;
use onsite_distribute::{Contribution, Metric};
use onsite_domain::geo::GeoPoint;
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::settings::{Setting, SettingKind, SettingValue};
use onsite_domain::territory::Territory;
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId, TerritoryId};
use onsite_i18n::{Arg, Locale};
use onsite_store::distribution::Dated;
use onsite_store::{catalog, partners, territories};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// Words shared by the staff pages, the partner portal and the API.

/// An amount in Canadian dollars as the locale writes it: "$14,500.00" / "14 500,00 $" (the
/// same words as the app's explanations and emails).
pub(crate) fn money(locale: Locale, minor: i64) -> String {
    text::money(locale, minor)
}

/// How long ago: "3 days", "5 hours", "less than a minute".
pub(crate) fn age(locale: Locale, now: Timestamp, since: Timestamp) -> String {
    let minutes = now.duration_since(since).as_secs().max(0) / 60;
    let (id, n) = match minutes {
        m if m < 60 => ("partner-web-age-minutes", m),
        m if m < 60 * 24 => ("partner-web-age-hours", m / 60),
        m => ("partner-web-age-days", m / (60 * 24)),
    };
    // Ages are far below 2^53 minutes: exact as f64.
    locale.text_with(id, &[("count", Arg::Num(n as f64))])
}

pub(crate) fn status_label(locale: Locale, status: OpportunityStatus) -> String {
    locale.text(text::status_message_id(status))
}

/// A stored stage in words (a stage written by an older version reads as itself).
pub(crate) fn stage_label(locale: Locale, stage: &str) -> String {
    Stage::parse(stage).map_or_else(
        |_| stage.to_owned(),
        |s| locale.text(text::stage_message_id(s)),
    )
}

/// The CSS class suffix of a status badge.
pub(crate) fn status_key(status: OpportunityStatus) -> &'static str {
    match status {
        OpportunityStatus::New => "new",
        OpportunityStatus::Distributed => "distributed",
        OpportunityStatus::InProgress => "in-progress",
        OpportunityStatus::Won => "won",
        OpportunityStatus::Lost => "lost",
    }
}

/// A refused distribution use case the page can explain (a value at fault, or the state of
/// the opportunity): its status and message in `locale`; anything else is the error page.
pub(crate) fn refusal(
    e: DistributionError,
    locale: Locale,
) -> Result<(StatusCode, String), WebError> {
    match crate::error::form_refusal_status(&e) {
        Some(status) => Ok((status, e.message(locale))),
        None => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The opportunity form (staff: a new opportunity; partners: an internal one).

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
    pub lead_types: Vec<String>,
}

/// What the form offers: territories, products and the lead types partners work.
pub(crate) struct FormChoices {
    pub territories: Vec<Territory>,
    pub products: Vec<catalog::Product>,
    pub lead_types: Vec<String>,
}

pub(crate) async fn form_choices(state: &AppState) -> WebResult<FormChoices> {
    let mut conn = state.store.conn().await?;
    let territories = territories::list_territories(&mut conn).await?;
    let products = catalog::list_products(&mut conn).await?;
    let lead_types: BTreeSet<String> = partners::list_partner_profiles(&mut conn)
        .await?
        .into_iter()
        .flat_map(|p| p.lead_types)
        .collect();
    Ok(FormChoices {
        territories,
        products,
        lead_types: lead_types.into_iter().collect(),
    })
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
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, errors));
    }
    let (status, message) = refusal(e, locale)?;
    errors.add(FORM, message);
    Ok((status, errors))
}

// ---------------------------------------------------------------------------------------------
// The list.

/// The tabs of the staff list: every status, then everything.
const TABS: [Option<OpportunityStatus>; 6] = [
    Some(OpportunityStatus::New),
    Some(OpportunityStatus::Distributed),
    Some(OpportunityStatus::InProgress),
    Some(OpportunityStatus::Won),
    Some(OpportunityStatus::Lost),
    None,
];

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// `new` (the default), `distributed`, `in_progress`, `won`, `lost` or `all`.
    status: Option<String>,
}

#[derive(Debug)]
struct Tab {
    href: String,
    label: String,
    count: usize,
    current: bool,
}

#[derive(Debug)]
struct Row {
    id: OpportunityId,
    name: String,
    customer: String,
    partner: Option<String>,
    revenue: String,
    lead_type: String,
    age: String,
    expires: Option<String>,
    status: String,
    status_key: &'static str,
    stage: Option<String>,
    /// New again after partners passed on it and nobody else was available.
    came_back: bool,
    internal: bool,
}

/// The most rows one tab shows (the newest); the tab's count says how many there are.
const LIST_LIMIT: usize = 200;

#[derive(Template)]
#[template(path = "staff/opportunities.html")]
struct ListPage {
    page: Page,
    tabs: Vec<Tab>,
    current_label: String,
    rows: Vec<Row>,
    /// More than [`LIST_LIMIT`] in this tab: how many in all.
    truncated: Option<usize>,
}

fn row(page: &Page, now: Timestamp, s: &StaffOpportunity) -> Row {
    let o = &s.opportunity.opportunity;
    let locale = page.locale;
    Row {
        id: o.id,
        name: o.name.clone(),
        customer: o.customer_name.clone(),
        partner: s.partner_name.clone(),
        revenue: money(locale, o.estimated_revenue_minor),
        lead_type: o.lead_type.clone(),
        age: age(locale, now, o.created_at),
        expires: s.expires_at.map(|at| page.time(at)),
        status: status_label(locale, o.status),
        status_key: status_key(o.status),
        stage: o.stage.as_deref().map(|st| stage_label(locale, st)),
        came_back: o.status == OpportunityStatus::New && s.passed_over > 0,
        internal: o.internal,
    }
}

fn tab_value(status: Option<OpportunityStatus>) -> &'static str {
    status.map_or("all", OpportunityStatus::as_str)
}

fn tab_label(locale: Locale, status: Option<OpportunityStatus>) -> String {
    match status {
        Some(s) => status_label(locale, s),
        None => locale.text("distribution-filter-all"),
    }
}

/// `GET /staff/opportunities`: the opportunities of one status (New by default), newest first,
/// with where each one is.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let wanted = query.status.as_deref().map(str::trim).unwrap_or("new");
    let selected = TABS
        .into_iter()
        .find(|s| tab_value(*s) == wanted)
        .ok_or_else(|| InvalidInput::new("status", "unknown"))?;
    let all = distribution::staff_opportunities(&state.app, &user.principal(), None)
        .await
        .map_err(WebError::from)?;
    let now = state.clock.now();
    let tabs = TABS
        .into_iter()
        .map(|s| Tab {
            href: format!("/staff/opportunities?status={}", tab_value(s)),
            label: tab_label(page.locale, s),
            count: all
                .iter()
                .filter(|o| s.is_none_or(|s| o.opportunity.opportunity.status == s))
                .count(),
            current: s == selected,
        })
        .collect();
    let matching: Vec<&StaffOpportunity> = all
        .iter()
        .filter(|o| selected.is_none_or(|s| o.opportunity.opportunity.status == s))
        .collect();
    let truncated = (matching.len() > LIST_LIMIT).then_some(matching.len());
    let rows = matching
        .into_iter()
        .take(LIST_LIMIT)
        .map(|o| row(&page, now, o))
        .collect();
    let current_label = tab_label(page.locale, selected);
    render_with_status(
        StatusCode::OK,
        &ListPage {
            page,
            tabs,
            current_label,
            rows,
            truncated,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// New opportunity.

const STAFF_FORM: (&str, &str) = ("partner-web-staff-new-title", "partner-web-staff-new-intro");

/// `GET /staff/opportunities/new`.
pub async fn new_form(State(state): State<AppState>, page: Page) -> WebResult<Response> {
    let choices = form_choices(&state).await?;
    let view = OpportunityFormPage::new(
        page,
        STAFF_FORM,
        "/staff/opportunities",
        "/staff/opportunities",
        &choices,
        OpportunityFields::default(),
        FieldErrors::new(),
    );
    render_with_status(StatusCode::OK, &view)
}

/// `POST /staff/opportunities`: creates the opportunity (distributed at once when automatic
/// distribution is on) and opens its page; a refused field shows the form again with what was
/// typed, and nothing is created.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let choices = form_choices(&state).await?;
    let (fields, bad_product) = OpportunityFields::from_pairs(&pairs);
    let locale = page.locale;
    let outcome = match fields.parse(locale, &choices.territories, bad_product) {
        Ok(input) => {
            match distribution::create_opportunity(
                &state.app,
                &user.principal(),
                &input,
                state.clock.now(),
            )
            .await
            {
                Ok(created) => {
                    let notice = if created.partner.is_some() {
                        "distributed"
                    } else {
                        "opportunity-created"
                    };
                    return Ok(see_other(&format!(
                        "/staff/opportunities/{}?notice={notice}",
                        created.id
                    )));
                }
                Err(e) => form_refusal(locale, e)?,
            }
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
    };
    let (status, errors) = outcome;
    let view = OpportunityFormPage::new(
        page,
        STAFF_FORM,
        "/staff/opportunities",
        "/staff/opportunities",
        &choices,
        fields,
        errors,
    );
    render_with_status(status, &view)
}

// ---------------------------------------------------------------------------------------------
// One opportunity and its explanation.

/// One metric's line in a partner's score.
#[derive(Debug)]
struct MetricLine {
    name: String,
    value: String,
    weight: String,
    contribution: String,
    /// What the value rests on (history metrics).
    basis: String,
    /// The weight is 0: the metric does not count.
    disabled: bool,
}

#[derive(Debug)]
struct RankedView {
    rank: u32,
    partner_id: AccountId,
    partner: String,
    score: String,
    distance: String,
    lines: Vec<MetricLine>,
}

#[derive(Debug)]
struct ExcludedView {
    partner: String,
    reason: String,
}

#[derive(Debug)]
struct Facts {
    name: String,
    customer: String,
    postal_code: String,
    coordinates: String,
    revenue: String,
    lead_type: String,
    products: Vec<String>,
    status: String,
    status_key: &'static str,
    stage: Option<String>,
    partner: Option<String>,
    created: String,
    age: String,
    distributed: Option<String>,
    expires: Option<String>,
    accepted: Option<String>,
    closed: Option<String>,
    came_back: bool,
    passed_over: u32,
    internal: bool,
}

#[derive(Template)]
#[template(path = "staff/opportunities_show.html")]
struct ShowPage {
    page: Page,
    id: OpportunityId,
    facts: Facts,
    /// Still New: the distribute buttons show.
    distributable: bool,
    considered: usize,
    available: usize,
    ranked: Vec<RankedView>,
    excluded: Vec<ExcludedView>,
    /// Why the last distribution was refused.
    refusal: Option<String>,
    may_administer: bool,
}

/// A number with `places` decimals in the locale, with an explicit sign for contributions.
fn signed(locale: Locale, v: f64, places: usize) -> String {
    let s = text::decimal(locale, v, places);
    if s.starts_with('-') || s.trim_start_matches(['0', '.', ',']).is_empty() {
        s
    } else {
        format!("+{s}")
    }
}

/// A weight as short as it is exact, in the locale: "-0.005" / "-0,005".
pub(crate) fn plain_number(locale: Locale, v: f64) -> String {
    let s = (v + 0.0).to_string();
    if locale.tag() == "fr" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// The count a history metric rests on, in words: "5 finished opportunities".
fn basis_count(locale: Locale, metric: Metric, count: u32) -> String {
    let id = match metric {
        Metric::WinRate | Metric::ReturnRate => "partner-web-count-finished",
        Metric::FeedbackRate | Metric::AvgDaysToClose => "partner-web-count-closed",
        Metric::StallRate => "partner-web-count-accepted",
        Metric::TouchRate | Metric::Distance => "partner-web-count-answers",
    };
    locale.text_with(id, &[("count", Arg::Num(f64::from(count)))])
}

fn metric_line(locale: Locale, c: &Contribution) -> MetricLine {
    let basis = match c.basis {
        None => locale.text("partner-web-basis-measured"),
        Some(b) => {
            let average = text::metric_value(locale, c.metric, b.average);
            match b.own {
                Some(own) => {
                    let own = text::metric_value(locale, c.metric, own);
                    let what = basis_count(locale, c.metric, b.count);
                    locale.text_with(
                        "partner-web-basis-own",
                        &[
                            ("own", Arg::Str(&own)),
                            ("what", Arg::Str(&what)),
                            ("average", Arg::Str(&average)),
                        ],
                    )
                }
                None => {
                    locale.text_with("partner-web-basis-none", &[("average", Arg::Str(&average))])
                }
            }
        }
    };
    MetricLine {
        name: text::metric_name(locale, c.metric),
        value: text::metric_value(locale, c.metric, c.value),
        weight: plain_number(locale, c.weight),
        contribution: signed(locale, c.contribution, 3),
        basis,
        disabled: c.weight == 0.0,
    }
}

fn facts(page: &Page, now: Timestamp, x: &Explanation, listed: Option<&StaffOpportunity>) -> Facts {
    let locale = page.locale;
    let Dated {
        opportunity: o,
        accepted_at,
        closed_at,
    } = &x.opportunity;
    Facts {
        name: o.name.clone(),
        customer: o.customer_name.clone(),
        postal_code: o.postal_code.clone(),
        coordinates: format!(
            "{}, {}",
            text::decimal(locale, o.location.lat(), 5),
            text::decimal(locale, o.location.lon(), 5)
        ),
        revenue: money(locale, o.estimated_revenue_minor),
        lead_type: o.lead_type.clone(),
        products: o
            .products
            .iter()
            .map(|p| {
                x.product_names
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| p.to_string())
            })
            .collect(),
        status: status_label(locale, o.status),
        status_key: status_key(o.status),
        stage: o.stage.as_deref().map(|s| stage_label(locale, s)),
        partner: o
            .partner_account_id
            .map(|p| x.partner_name(p).to_owned())
            .or_else(|| listed.and_then(|l| l.partner_name.clone())),
        created: page.time(o.created_at),
        age: age(locale, now, o.created_at),
        distributed: o.distributed_at.map(|at| page.time(at)),
        expires: listed.and_then(|l| l.expires_at).map(|at| page.time(at)),
        accepted: accepted_at.map(|at| page.time(at)),
        closed: closed_at.map(|at| page.time(at)),
        came_back: o.status == OpportunityStatus::New && listed.is_some_and(|l| l.passed_over > 0),
        passed_over: listed.map_or(0, |l| l.passed_over),
        internal: o.internal,
    }
}

/// The page of one opportunity, with `refusal` shown above the buttons.
async fn show_page(
    state: &AppState,
    page: Page,
    user: &CurrentUser,
    id: OpportunityId,
    refused: Option<String>,
) -> WebResult<ShowPage> {
    let principal = user.principal();
    let now = state.clock.now();
    let x = distribution::explain(&state.app, &principal, id, now)
        .await
        .map_err(WebError::from)?;
    // The list's view of it: when the offer expires (Distributed), how often it came back
    // (New). Only those two lists are read: they stay short (bounded by the partners'
    // capacities, and by what staff have not distributed yet), unlike the closed ones.
    let status = x.opportunity.opportunity.status;
    let listed = if matches!(
        status,
        OpportunityStatus::New | OpportunityStatus::Distributed
    ) {
        distribution::staff_opportunities(&state.app, &principal, Some(status))
            .await
            .map_err(WebError::from)?
            .into_iter()
            .find(|s| s.opportunity.opportunity.id == id)
    } else {
        None
    };
    let locale = page.locale;
    let ranked = x
        .decision
        .ranked
        .iter()
        .map(|r| RankedView {
            rank: r.rank,
            partner_id: r.partner,
            partner: x.partner_name(r.partner).to_owned(),
            score: text::decimal(locale, r.score, 3),
            distance: text::metric_value(locale, Metric::Distance, r.distance_km),
            lines: r
                .contributions
                .iter()
                .map(|c| metric_line(locale, c))
                .collect(),
        })
        .collect();
    let excluded = x
        .decision
        .excluded
        .iter()
        .map(|e| ExcludedView {
            partner: x.partner_name(e.partner).to_owned(),
            reason: x.criterion_text(locale, &e.criterion),
        })
        .collect();
    let may_administer = page.may(Capability::Administer);
    Ok(ShowPage {
        facts: facts(&page, now, &x, listed.as_ref()),
        id,
        distributable: status == OpportunityStatus::New,
        considered: x.decision.considered,
        available: x.decision.available_count,
        ranked,
        excluded,
        refusal: refused,
        may_administer,
        page,
    })
}

/// `GET /staff/opportunities/{id}`: the opportunity, where it is, and how every partner ranks
/// for it now — or why it is excluded.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
) -> WebResult<Response> {
    let view = show_page(&state, page, &user, OpportunityId(id), None).await?;
    render_with_status(StatusCode::OK, &view)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DistributeForm {
    /// The partner account chosen; empty for the top-ranked partner.
    partner: Option<String>,
}

/// `POST /staff/opportunities/{id}/distribute`: gives the opportunity to the top partner, or to
/// the partner chosen. Refused (not available any more, nobody available, no longer New): the
/// page again with the reason, nothing changed.
pub async fn distribute(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    PathId(id): PathId<i64>,
    Form(form): Form<DistributeForm>,
) -> WebResult<Response> {
    let id = OpportunityId(id);
    let partner = match form.partner.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(AccountId(
            raw.parse()
                .map_err(|_| InvalidInput::new("partner", "unknown"))?,
        )),
    };
    let outcome = distribution::distribute(
        &state.app,
        &user.principal(),
        id,
        partner,
        state.clock.now(),
    )
    .await;
    let (status, message) = match outcome {
        Ok(_) => {
            return Ok(see_other(&format!(
                "/staff/opportunities/{id}?notice=distributed"
            )));
        }
        Err(e) => refusal(e, page.locale)?,
    };
    let view = show_page(&state, page, &user, id, Some(message)).await?;
    render_with_status(status, &view)
}

// ---------------------------------------------------------------------------------------------
// Settings.

/// One setting of a settings form (this page's and the portal settings page's).
#[derive(Debug)]
pub(crate) struct SettingField {
    pub(crate) key: &'static str,
    pub(crate) label: String,
    /// "Between -0.01 and 0", "On or off", "A whole number from 1 to 720".
    pub(crate) range: String,
    pub(crate) default: String,
    /// What the field shows: the stored value, or what was typed when refused.
    pub(crate) value: String,
    /// A switch (on/off) rather than a text field.
    pub(crate) switch: bool,
    pub(crate) on: bool,
}

#[derive(Template)]
#[template(path = "staff/opportunities_settings.html")]
struct SettingsPage {
    page: Page,
    errors: FieldErrors,
    weights: Vec<SettingField>,
    others: Vec<SettingField>,
}

fn setting_label(locale: Locale, s: &Setting) -> String {
    match Metric::ALL.into_iter().find(|m| m.setting().key == s.key) {
        Some(m) => text::metric_name(locale, m),
        None if s.key == onsite_domain::settings::AUTO_DISTRIBUTION.key => {
            locale.text("partner-web-settings-automatic")
        }
        None => locale.text("partner-web-settings-accept-hours"),
    }
}

pub(crate) fn setting_range(locale: Locale, s: &Setting) -> String {
    match s.kind {
        SettingKind::Decimal { min, max } => {
            let (min, max) = (plain_number(locale, min), plain_number(locale, max));
            locale.text_with(
                "partner-web-settings-range",
                &[("min", Arg::Str(&min)), ("max", Arg::Str(&max))],
            )
        }
        SettingKind::Integer { min, max } => {
            let (min, max) = (min.to_string(), max.to_string());
            locale.text_with(
                "partner-web-settings-range-whole",
                &[("min", Arg::Str(&min)), ("max", Arg::Str(&max))],
            )
        }
        SettingKind::Bool | SettingKind::Text => locale.text("partner-web-settings-on-off"),
    }
}

pub(crate) fn shown_value(locale: Locale, v: &SettingValue) -> String {
    match v {
        SettingValue::Bool(b) => b.to_string(),
        SettingValue::Integer(i) => i.to_string(),
        SettingValue::Decimal(d) => plain_number(locale, *d),
        SettingValue::Text(t) => t.clone(),
    }
}

fn setting_field(locale: Locale, s: &'static Setting, value: String, on: bool) -> SettingField {
    labelled_setting_field(locale, s, setting_label(locale, s), value, on)
}

/// A settings form's field for `s` under `label`, showing `value` (`on` for a switch).
pub(crate) fn labelled_setting_field(
    locale: Locale,
    s: &'static Setting,
    label: String,
    value: String,
    on: bool,
) -> SettingField {
    let default = match s.parse(s.default) {
        Ok(v) if matches!(s.kind, SettingKind::Bool) => {
            locale.text(if v == SettingValue::Bool(true) {
                "partner-web-settings-on"
            } else {
                "partner-web-settings-off"
            })
        }
        Ok(v) => shown_value(locale, &v),
        Err(_) => s.default.to_owned(),
    };
    SettingField {
        key: s.key,
        label,
        range: setting_range(locale, s),
        default,
        value,
        switch: matches!(s.kind, SettingKind::Bool),
        on,
    }
}

fn settings_view(page: Page, fields: Vec<SettingField>, errors: FieldErrors) -> SettingsPage {
    let (weights, others): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|f| f.key.starts_with("distribution/weights/"));
    SettingsPage {
        page,
        errors,
        weights,
        others,
    }
}

/// `GET /staff/settings/distribution`: the seven weights, automatic distribution, hours to
/// accept. Administrators only (see the route table).
pub async fn settings_page(State(state): State<AppState>, page: Page) -> WebResult<Response> {
    let rows = distribution::distribution_settings(&state.app)
        .await
        .map_err(WebError::internal)?;
    let locale = page.locale;
    let fields = rows
        .iter()
        .map(|r| {
            setting_field(
                locale,
                r.setting,
                shown_value(locale, &r.value),
                r.value == SettingValue::Bool(true),
            )
        })
        .collect();
    render_with_status(
        StatusCode::OK,
        &settings_view(page, fields, FieldErrors::new()),
    )
}

/// A number typed in the locale, as the setting parser reads numbers: a French decimal comma
/// becomes a point, a typographic minus a hyphen.
pub(crate) fn normalized(locale: Locale, raw: &str) -> String {
    let s = raw.trim().replace('\u{2212}', "-");
    if locale.tag() == "fr" {
        s.replace(',', ".")
    } else {
        s
    }
}

/// `POST /staff/settings/distribution`: checks every value first; if any is refused (not a
/// number, out of its range), the form comes back with what was typed and each message naming
/// the setting and its range, and nothing is saved. Otherwise saves the values that changed.
pub async fn save_settings(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let locale = page.locale;
    let typed = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::with_capacity(SETTINGS.len());
    let mut fields = Vec::with_capacity(SETTINGS.len());
    for setting in SETTINGS {
        let (raw, shown, on) = match setting.kind {
            // An unticked switch sends nothing: off.
            SettingKind::Bool => {
                let on = typed(setting.key).is_some_and(|v| v != "off" && v != "false");
                (on.to_string(), on.to_string(), on)
            }
            _ => {
                let shown = typed(setting.key).unwrap_or_default();
                (normalized(locale, &shown), shown, false)
            }
        };
        match setting.parse(&raw) {
            Ok(value) => wanted.push((setting, raw, value)),
            Err(invalid) => errors.add(
                setting.key,
                DistributionError::Setting(invalid).message(locale),
            ),
        }
        fields.push(setting_field(locale, setting, shown, on));
    }
    if !errors.is_empty() {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &settings_view(page, fields, errors),
        );
    }
    let current = distribution::distribution_settings(&state.app)
        .await
        .map_err(WebError::internal)?;
    let principal = user.principal();
    for (setting, raw, value) in wanted {
        let unchanged = current
            .iter()
            .any(|r| r.setting.key == setting.key && r.value == value);
        if unchanged {
            continue;
        }
        if let Err(e) = distribution::set_setting(&state.app, &principal, setting.key, &raw).await {
            let (status, message) = refusal(e, locale)?;
            errors.add(setting.key, message);
            return render_with_status(status, &settings_view(page, fields, errors));
        }
    }
    Ok(see_other(
        "/staff/settings/distribution?notice=settings-saved",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
