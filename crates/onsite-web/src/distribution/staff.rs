//! Staff pages of partner distribution (SPEC §9): the opportunities by status, a new
//! opportunity, one opportunity with **the explanation** of how every partner ranks for it
//! (or why it is excluded) and the buttons that distribute it, and the distribution settings.
//!
//! The use cases are `onsite_app::distribution::{staff_opportunities, create_opportunity,
//! explain, distribute, distribution_settings, set_setting}`; this module only reads forms,
//! turns the answers into words in the reader's language and shows refusals next to what
//! caused them. The opportunity form is shared with the partner portal's internal
//! opportunities (`pages/partner.rs`).

use super::form::{OpportunityFields, OpportunityFormPage, form_choices, form_refusal};
use super::{age, money, refusal, stage_label, status_key, status_label};
use crate::charts::StackedChart;
use crate::forms::FieldErrors;
use crate::guard::see_other;
use crate::input::PathId;
use crate::layout::{Page, render, render_with_status};
use crate::session::CurrentUser;
use crate::settings_form::{SettingField, labelled_setting_field, shown_value, submitted};
use crate::{AppState, WebError, WebResult};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use onsite_app::distribution::{
    self, DistributionError, Explanation, SETTINGS, StaffOpportunity, text,
};
use onsite_app::policy::Capability;
use onsite_app::settings;
use onsite_distribute::{Contribution, Metric};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::settings::{Setting, SettingValue};
use onsite_domain::{AccountId, InvalidInput, OpportunityId};
use onsite_i18n::{Arg, Locale};
use onsite_store::distribution::Dated;

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
    let all = distribution::staff_opportunities(&state.app, user.grant()?, None)
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
    render(&ListPage {
        page,
        tabs,
        current_label,
        rows,
        truncated,
    })
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
    render(&view)
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
                user.grant()?,
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
        Err(errors) => (crate::error::INVALID, errors),
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
    /// The ranked partners' metric contributions as stacked bars (none when nobody ranks).
    stacked: Vec<StackedChart>,
    excluded: Vec<ExcludedView>,
    /// Why the last distribution was refused.
    refusal: Option<String>,
    may_administer: bool,
}

/// Each ranked partner's score as the stacked contributions of its metrics, in the order of
/// the first partner's metrics; `None` when no partner ranks.
fn contributions_chart(page: &Page, x: &Explanation) -> Option<StackedChart> {
    let locale = page.locale;
    let metrics: Vec<Metric> = x
        .decision
        .ranked
        .first()?
        .contributions
        .iter()
        .map(|c| c.metric)
        .collect();
    let rows = x
        .decision
        .ranked
        .iter()
        .map(|r| {
            let parts = metrics
                .iter()
                .map(|m| {
                    let v = r
                        .contributions
                        .iter()
                        .find(|c| c.metric == *m)
                        .map_or(0.0, |c| c.contribution);
                    (v, signed(locale, v, 3))
                })
                .collect();
            (
                x.partner_name(r.partner).to_owned(),
                text::decimal(locale, r.score, 3),
                parts,
            )
        })
        .collect();
    Some(StackedChart::new(
        "contributions",
        page.t("partner-web-contributions-chart-title"),
        (
            page.t("partner-web-col-partner"),
            page.t("partner-web-col-score"),
        ),
        metrics
            .iter()
            .map(|m| text::metric_name(locale, *m))
            .collect(),
        rows,
    ))
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
        weight: onsite_i18n::number::shortest(locale, c.weight),
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
    let now = state.clock.now();
    let x = distribution::explain(&state.app, user.grant()?, id, now)
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
        distribution::staff_opportunities(&state.app, user.grant()?, Some(status))
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
    let stacked = contributions_chart(&page, &x).into_iter().collect();
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
        stacked,
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
    render(&view)
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
    let outcome =
        distribution::distribute(&state.app, user.grant()?, id, partner, state.clock.now()).await;
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

fn setting_field(locale: Locale, s: &'static Setting, value: String, on: bool) -> SettingField {
    labelled_setting_field(locale, s, setting_label(locale, s), value, on)
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
    render(&settings_view(page, fields, FieldErrors::new()))
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
    let mut errors = FieldErrors::new();
    let mut wanted = Vec::with_capacity(SETTINGS.len());
    let mut fields = Vec::with_capacity(SETTINGS.len());
    for sent in submitted(locale, &SETTINGS, &pairs) {
        match sent.setting.parse(&sent.raw) {
            Ok(_) => wanted.push((sent.setting, sent.raw)),
            Err(invalid) => errors.add(
                sent.setting.key,
                DistributionError::Setting(invalid).message(locale),
            ),
        }
        fields.push(setting_field(locale, sent.setting, sent.shown, sent.on));
    }
    if !errors.is_empty() {
        return render_with_status(crate::error::INVALID, &settings_view(page, fields, errors));
    }
    settings::save(&state.app, user.grant()?, &wanted).await?;
    Ok(see_other(
        "/staff/settings/distribution?notice=settings-saved",
    ))
}
