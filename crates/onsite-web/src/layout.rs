//! What every page's layout needs (language, request id, asset URLs, the switcher's return
//! path, who is signed in, the CSRF token of forms, the navigation this person may use),
//! gathered once per request by the [`Page`] extractor, and [`render`], which turns a template
//! into an HTML response.
//!
//! Templates live in `templates/`; each page template `{% extends "layout.html" %}` and has a
//! `page: Page` field. Text is always looked up through `page.t("message-id")` so that every
//! word on screen comes from the Fluent files.

use crate::error::{WebError, WebResult};
use crate::session::Visitor;
use crate::{assets, locale, request_id::RequestId};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_app::policy::Capability;
use onsite_i18n::{Arg, Locale};
use std::convert::Infallible;

/// Where "Sign in" leads.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// The header's navigation: (path, message id, what one needs to see it). An entry shows only
/// to people the policy lets use it; later areas add theirs here.
const NAVIGATION: &[(&str, &str, Capability)] = &[
    ("/", "bookings-nav-appointments", Capability::SelfSchedule),
    ("/staff/visits", "dispatch-nav-visits", Capability::Dispatch),
    // Book on behalf of a customer (a phone order).
    (
        "/staff/bookings/new",
        "staff-booking-nav",
        Capability::Dispatch,
    ),
    ("/staff/accounts", "customers-nav", Capability::Dispatch),
    ("/staff/users", "web-nav-users", Capability::Dispatch),
    ("/staff/mailbox", "web-nav-mailbox", Capability::Dispatch),
    ("/staff/import", "import-nav", Capability::Dispatch),
    ("/staff/catalog/skills", "catalog-nav", Capability::Dispatch),
    // Territories, and from their pages the partners serving them.
    (
        "/staff/territories",
        "territories-nav",
        Capability::Dispatch,
    ),
    // The workforce: technicians, and from their pages the working-hours templates.
    ("/staff/technicians", "workforce-nav", Capability::Dispatch),
    // Customer records, the staff's side (issue 6).
    ("/staff/assets", "records-staff-nav", Capability::Dispatch),
    (
        "/staff/opportunities",
        "partner-web-nav-staff-opportunities",
        Capability::Dispatch,
    ),
    (
        "/staff/settings/distribution",
        "partner-web-nav-settings",
        Capability::Administer,
    ),
    // Feedback (issue 5): the staff's responses; the survey and portal settings for admins.
    (
        "/staff/feedback",
        "feedback-nav-staff",
        Capability::Dispatch,
    ),
    (
        "/staff/settings/survey",
        "feedback-survey-nav",
        Capability::Administer,
    ),
    (
        "/staff/settings/portal",
        "feedback-portal-nav",
        Capability::Administer,
    ),
    (
        "/staff/settings/scheduling",
        "web-scheduling-settings-nav",
        Capability::Administer,
    ),
    ("/staff/audit", "audit-nav", Capability::Administer),
    ("/staff/webhooks", "webhooks-nav", Capability::Administer),
    (
        "/staff/api-tokens",
        "api-tokens-nav",
        Capability::Administer,
    ),
    (
        "/partner/opportunities",
        "partner-web-nav-opportunities",
        Capability::WorkOpportunities,
    ),
    // Customer records (issue 6): Field Service.
    (
        "/records/agreements",
        "records-nav-field-service",
        Capability::ReviewRecords,
    ),
    // The technician's day (issue 5).
    (
        "/technician",
        "technician-nav-day",
        Capability::TechnicianDay,
    ),
    ("/profile", "web-nav-profile", Capability::SignedIn),
];

/// The confirmations a redirect can ask the next page to show (`?notice=<key>`): (key,
/// message id). Only these: a link cannot make the portal say anything else.
pub const NOTICES: &[(&str, &str)] = &[
    ("signed-out", "identity-notice-signed-out"),
    ("password-reset", "identity-notice-password-reset"),
    ("profile-saved", "identity-notice-profile-saved"),
    ("password-changed", "identity-notice-password-changed"),
    ("linked", "identity-notice-linked"),
    ("unlinked", "identity-notice-unlinked"),
    ("roles-saved", "identity-notice-roles-saved"),
    ("user-created", "identity-notice-user-created"),
    ("access-sent", "identity-notice-access-sent"),
    ("user-disabled", "identity-notice-user-disabled"),
    ("user-enabled", "identity-notice-user-enabled"),
    ("scheduling-saved", "web-notice-settings-saved"),
    ("api-token-revoked", "api-tokens-notice-revoked"),
    ("api-tokens-saved", "web-notice-settings-saved"),
    ("retried", "web-mailbox-notice-retried"),
    // Customers.
    ("account-created", "customers-notice-account-created"),
    ("account-saved", "customers-notice-saved"),
    (
        "account-deactivated",
        "customers-notice-account-deactivated",
    ),
    ("account-activated", "customers-notice-account-activated"),
    ("contact-created", "customers-notice-contact-created"),
    ("contact-saved", "customers-notice-saved"),
    (
        "contact-deactivated",
        "customers-notice-contact-deactivated",
    ),
    ("contact-activated", "customers-notice-contact-activated"),
    ("invitation-revoked", "customers-notice-invitation-revoked"),
    // The catalogue.
    ("catalog-created", "catalog-notice-created"),
    ("catalog-saved", "catalog-notice-saved"),
    ("catalog-retired", "catalog-notice-retired"),
    ("catalog-restored", "catalog-notice-restored"),
    // Territories and partners.
    ("territory-created", "territory-notice-created"),
    ("territory-saved", "catalog-notice-saved"),
    ("territory-deleted", "territory-notice-deleted"),
    ("partner-saved", "catalog-notice-saved"),
    // The workforce.
    ("technician-created", "workforce-notice-created"),
    ("technician-saved", "workforce-notice-saved"),
    ("technician-deactivated", "workforce-notice-deactivated"),
    ("technician-activated", "workforce-notice-activated"),
    ("time-off-added", "workforce-notice-time-off-added"),
    ("time-off-removed", "workforce-notice-time-off-removed"),
    ("exception-saved", "workforce-notice-exception-saved"),
    ("exception-removed", "workforce-notice-exception-removed"),
    ("user-linked", "workforce-notice-user-linked"),
    ("sign-in-created", "workforce-notice-sign-in-created"),
    ("template-created", "workforce-notice-template-created"),
    ("template-saved", "workforce-notice-template-saved"),
    // Self-scheduling and the dispatcher's board.
    ("booking-rescheduled", "bookings-notice-rescheduled"),
    ("booking-canceled", "bookings-notice-canceled"),
    ("visit-updated", "dispatch-notice-updated"),
    ("visit-moved", "moves-notice-moved"),
    ("visit-unchanged", "moves-unchanged"),
    // Partner distribution.
    ("opportunity-created", "partner-web-notice-created"),
    ("distributed", "partner-web-notice-distributed"),
    ("settings-saved", "partner-web-notice-settings-saved"),
    ("accepted", "partner-web-notice-accepted"),
    ("declined", "partner-web-notice-declined"),
    ("stage-saved", "partner-web-notice-stage-saved"),
    ("note-added", "partner-web-notice-note-added"),
    ("closed-won", "partner-web-notice-closed-won"),
    ("closed-lost", "partner-web-notice-closed-lost"),
    ("feedback-added", "partner-web-notice-feedback-added"),
    ("internal-created", "partner-web-notice-internal-created"),
    // Customer records' approvals.
    ("estimate-approved", "records-web-notice-estimate-approved"),
    ("estimate-rejected", "records-web-notice-estimate-rejected"),
    ("renewal-approved", "records-web-notice-renewal-approved"),
    ("renewal-rejected", "records-web-notice-renewal-rejected"),
    ("record-saved", "records-web-notice-record-saved"),
    // Feedback, the survey, the portal settings.
    ("feedback-sent", "feedback-notice-sent"),
    ("survey-saved", "feedback-survey-notice-saved"),
    ("portal-saved", "feedback-portal-notice-saved"),
    // Webhooks.
    ("webhook-created", "webhooks-notice-created"),
    ("webhook-saved", "webhooks-notice-saved"),
    ("webhook-secret-rolled", "webhooks-notice-secret-rolled"),
    ("webhook-redelivered", "webhooks-notice-redelivered"),
    ("webhook-deleted", "webhooks-notice-deleted"),
    ("webhook-settings-saved", "webhooks-notice-settings-saved"),
];

/// One link of the header's navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub path: &'static str,
    pub label: String,
    /// The page shown is this entry's (or below it): `aria-current="page"`.
    pub current: bool,
}

/// The per-request context of the layout.
#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub request_id: String,
    /// The current path and query, where the language switcher comes back to.
    pub path: String,
    /// Who is asking.
    pub visitor: Visitor,
}

/// One entry of the language switcher.
#[derive(Debug, Clone)]
pub struct LanguageChoice {
    pub tag: &'static str,
    pub name: &'static str,
    pub current: bool,
}

impl Page {
    pub fn from_parts(parts: &Parts) -> Page {
        Page {
            locale: locale::choose(parts),
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(ToString::to_string)
                .unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned(),
            visitor: parts
                .extensions
                .get::<Visitor>()
                .cloned()
                .unwrap_or_else(Visitor::anonymous),
        }
    }

    /// The name of the signed-in person, for the header; `None` for anonymous visitors.
    pub fn signed_in_name(&self) -> Option<&str> {
        self.visitor.signed_in.as_ref().map(|s| s.name())
    }

    /// The CSRF token every form of this page carries (hidden field `csrf`).
    pub fn csrf(&self) -> &str {
        self.visitor.csrf_token()
    }

    /// Whether the policy lets this person use `capability` (to show or hide links).
    pub fn may(&self, capability: Capability) -> bool {
        self.visitor.actor.may(capability)
    }

    /// The navigation entries this person may use.
    pub fn nav(&self) -> Vec<NavItem> {
        let here = self.path.split('?').next().unwrap_or("/");
        NAVIGATION
            .iter()
            .filter(|(_, _, capability)| self.may(*capability))
            .map(|(path, label, _)| NavItem {
                path,
                label: self.t(label),
                current: here == *path || here.starts_with(&format!("{path}/")),
            })
            .collect()
    }

    /// An instant as the person reads it, in their language ("lundi 9 mars 2026, 10 h 30") and
    /// their profile's time zone (else their account's, else UTC), with the zone's abbreviation.
    pub fn time(&self, at: Timestamp) -> String {
        self.time_in(at, self.time_zone())
    }

    /// An instant in the person's language as local time in `zone` (a technician's or a
    /// visit's, whoever reads it), with the zone's abbreviation.
    pub fn time_in(&self, at: Timestamp, zone: TimeZone) -> String {
        let zoned = at.to_zoned(zone);
        format!(
            "{} ({})",
            onsite_i18n::datetime::date_time(self.locale, &zoned),
            zoned.strftime("%Z")
        )
    }

    /// The link to a record's history in the audit log, for those who may read it.
    pub fn history(&self, entity: &str, id: impl std::fmt::Display) -> Option<String> {
        self.may(Capability::Administer)
            .then(|| crate::staff::audit::history_link(entity, id))
    }

    /// The person's time zone: their profile's, else their account's, else UTC.
    pub fn time_zone(&self) -> TimeZone {
        let user = self.visitor.signed_in.as_ref().map(|s| &s.user);
        user.and_then(|u| u.time_zone.as_deref().or(u.account_time_zone.as_deref()))
            .and_then(|tz| TimeZone::get(tz).ok())
            .unwrap_or(TimeZone::UTC)
    }

    /// The confirmation named by the page's `notice` query parameter (after a redirect: "Your
    /// profile is saved"), if it is one of [`NOTICES`]; anything else shows nothing.
    pub fn notice(&self) -> Option<String> {
        let query = self.path.split_once('?')?.1;
        let key = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("notice="))?;
        NOTICES
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, id)| self.t(id))
    }

    /// The message `id` with one number argument.
    pub fn tn<N: TryInto<i64>>(&self, id: &str, name: &str, value: N) -> String {
        let value = value.try_into().unwrap_or(i64::MAX);
        // Counts shown on pages are far below 2^53: exact as f64.
        self.locale.text_with(id, &[(name, Arg::Num(value as f64))])
    }

    /// The message `id` in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.locale.text(id)
    }

    /// The message `id` with one text argument.
    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        let value = value.to_string();
        self.locale.text_with(id, &[(name, Arg::Str(&value))])
    }

    /// The versioned URL of an embedded asset (see [`assets::url`]).
    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    pub fn dir(&self) -> &'static str {
        self.locale.dir()
    }

    /// The switcher's options, in the order Onsite lists its languages.
    pub fn languages(&self) -> Vec<LanguageChoice> {
        onsite_i18n::SUPPORTED
            .iter()
            .map(|l| LanguageChoice {
                tag: l.tag(),
                name: l.native_name,
                current: *l == self.locale,
            })
            .collect()
    }

    pub fn sign_in_path(&self) -> &'static str {
        SIGN_IN_PATH
    }

    /// Where the switcher should return: this page, if it is a plain local path.
    pub fn return_to(&self) -> &str {
        locale::local_path(&self.path).unwrap_or("/")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Page::from_parts(parts))
    }
}

/// Renders `template` as a `200` HTML page.
pub fn render(template: &impl Template) -> WebResult<Response> {
    render_with_status(StatusCode::OK, template)
}

/// Renders `template` as an HTML page with `status` (e.g. a form shown again with 422). Pages
/// depend on the language, which depends on the cookie and `Accept-Language`: caches must
/// keep one copy per combination, and shared caches none (pages may be personal).
pub fn render_with_status(status: StatusCode, template: &impl Template) -> WebResult<Response> {
    let html = template.render().map_err(WebError::internal)?;
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}
