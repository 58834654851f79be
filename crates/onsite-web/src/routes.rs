//! The route table: every route of the portal, with the capability it needs, in one list.
//! [`router`] builds the axum router from it (each route behind its guard, see `guard.rs`),
//! and [`table`] is public so that the access-matrix test walks the very same list: a route
//! added here is tested against every kind of person at once, and a route cannot be added
//! without saying who may use it.
//!
//! An `/api/` route also says the [`Area`] it belongs to for API tokens (`.area(…)`): a token
//! needs that area's read scope for `GET`, its write scope for anything else (`guard.rs`). A
//! route without one refuses every token; staff routes (`Dispatch`, `Administer`) must name
//! theirs, and the routes of customers, partners and technicians never do (a test below).

use crate::guard::{self, Rule};
use crate::{AppState, assets, health, locale, metrics};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use onsite_app::policy::Capability::{self, *};
use onsite_domain::api_token::Area;

/// One route: method, path template (axum syntax) and the capability it needs.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub capability: Capability,
    /// The area of the back office an API token needs a scope of (see the module doc).
    pub area: Option<Area>,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// This route, open to API tokens with a scope of `area`.
    fn area(self, area: Area) -> Route {
        Route {
            area: Some(area),
            ..self
        }
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("capability", &self.capability)
            .field("area", &self.area)
            .finish_non_exhaustive()
    }
}

fn page<H, T>(path: &'static str, capability: Capability, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        method: Method::GET,
        path,
        capability,
        area: None,
        handler: get(handler),
    }
}

fn action<H, T>(path: &'static str, capability: Capability, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        method: Method::POST,
        path,
        capability,
        area: None,
        handler: post(handler),
    }
}

/// A POST taking an upload larger than the edge's body limit allows elsewhere (`limit` bytes).
fn upload<H, T>(path: &'static str, capability: Capability, handler: H, limit: usize) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        method: Method::POST,
        path,
        capability,
        area: None,
        handler: post(handler).layer(axum::extract::DefaultBodyLimit::max(limit)),
    }
}

/// Every route. Keep it grouped by area; the capability column is the access policy of the
/// web edge (what each capability means is in `onsite_app::policy`).
pub fn table() -> Vec<Route> {
    use crate::booking::pages as bookings;
    use crate::distribution::{partner, staff as opportunities};
    use crate::identity::{external, password, profile, setup, sign_in};
    use crate::records::{pages as records, staff as staff_records};
    use crate::staff::booking::pages as staff_booking;
    use crate::staff::catalog::{self, LeadTypes, Products, SERVICE_TYPES, Section, Skills};
    use crate::staff::customers::{self, ACCOUNTS, Accounts, Contacts};
    use crate::staff::partners::{self, PARTNERS};
    use crate::staff::territories::{self, TERRITORIES};
    use crate::staff::workforce::{
        TECHNICIANS, WORKING_HOURS, technicians, templates as working_hours,
    };
    use crate::staff::{import, mailbox, people as staff, webhooks};
    use crate::{dispatch, home};
    use onsite_store::records::lists::{Agreements, Assets, Invoices, WorkOrders};
    vec![
        // Anyone.
        page("/", Public, home::home),
        action("/language", Public, locale::switch),
        page("/healthz", Public, health::healthz),
        page("/readyz", Public, health::readyz),
        // Administrators; scrapers present the metrics token instead (`metrics::scrape`).
        page(metrics::PATH, Administer, metrics::metrics),
        page("/assets/{version}/{*path}", Public, assets::serve),
        // Signing in, for people who are not.
        page("/sign-in", AnonymousOnly, sign_in::sign_in_page),
        action("/sign-in", AnonymousOnly, sign_in::sign_in),
        page("/redeem", AnonymousOnly, sign_in::redeem_page),
        action("/redeem", AnonymousOnly, sign_in::redeem_code),
        action("/redeem/account", AnonymousOnly, sign_in::redeem_account),
        action(
            "/auth/oidc/{id}/begin",
            AnonymousOnly,
            external::begin_sign_in,
        ),
        // The provider's redirect back: finishes both signing in and linking.
        page("/auth/oidc/{id}/callback", Public, external::callback),
        // An empty installation's first administrator (gone once one exists).
        page("/setup", AnonymousOnly, setup::setup_page),
        action("/setup", AnonymousOnly, setup::set_up),
        // A forgotten password: also from a browser where someone else is still signed in.
        page("/forgot-password", Public, password::forgot_page),
        action("/forgot-password", Public, password::forgot),
        page("/reset-password/{token}", Public, password::reset_page),
        action("/reset-password/{token}", Public, password::reset),
        // Oneself.
        action("/sign-out", SignedIn, sign_in::sign_out),
        page("/profile", SignedIn, profile::profile_page),
        action("/profile", SignedIn, profile::save_profile),
        action("/profile/password", SignedIn, profile::change_password),
        action("/profile/external/{id}/link", SignedIn, external::link),
        action("/profile/external/{id}/unlink", SignedIn, external::unlink),
        // Staff: customers (accounts, their contacts, invitations).
        page(ACCOUNTS, Dispatch, customers::list),
        page("/staff/accounts/new", Dispatch, customers::new_account),
        action(ACCOUNTS, Dispatch, customers::create_account),
        page(
            "/staff/accounts/{id}",
            Dispatch,
            customers::show::<Accounts>,
        ),
        action(
            "/staff/accounts/{id}",
            Dispatch,
            customers::save::<Accounts>,
        ),
        action(
            "/staff/accounts/{id}/deactivate",
            Dispatch,
            customers::deactivate::<Accounts>,
        ),
        action(
            "/staff/accounts/{id}/activate",
            Dispatch,
            customers::activate::<Accounts>,
        ),
        page(
            "/staff/accounts/{id}/contacts/new",
            Dispatch,
            customers::new_contact,
        ),
        action(
            "/staff/accounts/{id}/contacts",
            Dispatch,
            customers::create_contact,
        ),
        // The contacts page became the accounts list: its links lead there.
        page("/staff/contacts", Dispatch, customers::contacts),
        page(
            "/staff/contacts/{id}",
            Dispatch,
            customers::show::<Contacts>,
        ),
        action(
            "/staff/contacts/{id}",
            Dispatch,
            customers::save::<Contacts>,
        ),
        action(
            "/staff/contacts/{id}/deactivate",
            Dispatch,
            customers::deactivate::<Contacts>,
        ),
        action(
            "/staff/contacts/{id}/activate",
            Dispatch,
            customers::activate::<Contacts>,
        ),
        action(
            "/staff/invitations/{id}/revoke",
            Dispatch,
            customers::revoke_invitation,
        ),
        action(
            "/staff/contacts/{id}/invite",
            Dispatch,
            staff::invite_contact,
        ),
        action(
            "/staff/accounts/{id}/invite",
            Dispatch,
            staff::invite_account,
        ),
        page("/staff/users", Dispatch, staff::users),
        // Administrators: staff users, their access, disabling them.
        action("/staff/users", Administer, staff::create_user),
        action("/staff/users/{id}/access", Administer, staff::reset_access),
        action("/staff/users/{id}/disable", Administer, staff::disable_user),
        action("/staff/users/{id}/enable", Administer, staff::enable_user),
        action(
            "/staff/users/{id}/web-roles",
            Dispatch,
            staff::set_web_roles,
        ),
        action(
            "/staff/users/{id}/staff-roles",
            Administer,
            staff::set_staff_roles,
        ),
        // Self-scheduling (customers): Book a new appointment, a visit's page (the emails link
        // to both), Modify. The `slots` pages are the fragments the day pickers load in place.
        page("/bookings/new", SelfSchedule, bookings::new_booking),
        page(
            "/bookings/new/slots",
            SelfSchedule,
            bookings::new_booking_slots,
        ),
        action("/bookings", SelfSchedule, bookings::book),
        page("/bookings/{id}", SelfSchedule, bookings::show),
        page("/bookings/{id}/slots", SelfSchedule, bookings::visit_slots),
        action(
            "/bookings/{id}/reschedule",
            SelfSchedule,
            bookings::reschedule,
        ),
        action("/bookings/{id}/cancel", SelfSchedule, bookings::cancel),
        // Send Feedback on a Completed visit (while surveys are on).
        page(
            "/bookings/{id}/feedback",
            SelfSchedule,
            crate::feedback::pages::form_page,
        ),
        action(
            "/bookings/{id}/feedback",
            SelfSchedule,
            crate::feedback::pages::send,
        ),
        // Track my technician: View Live Map of a Traveling visit and its server-sent events.
        page(
            "/bookings/{id}/live",
            SelfSchedule,
            crate::tracking::pages::live_page,
        ),
        page(
            "/bookings/{id}/live/events",
            SelfSchedule,
            crate::tracking::pages::live_events,
        ),
        // Track my technician: the technician page's position and the tracking-app setup.
        action(
            "/technician/position",
            TechnicianDay,
            crate::tracking::api::browser_position,
        ),
        page(
            "/technician/tracking",
            TechnicianDay,
            crate::tracking::pages::setup,
        ),
        action(
            "/technician/tracking/token",
            TechnicianDay,
            crate::tracking::pages::new_token,
        ),
        // Tracking apps (OwnTracks, Traccar Client): Public here because they authenticate
        // by the technician's personal token alone; without a valid one they are refused.
        action("/track/owntracks", Public, crate::tracking::api::owntracks),
        page("/track/osmand", Public, crate::tracking::api::osmand),
        action("/track/osmand", Public, crate::tracking::api::osmand),
        // Staff: customer records (the approval emails link to these pages).
        page(
            "/staff/work-orders",
            Dispatch,
            staff_records::list::<WorkOrders>,
        ),
        page(
            "/staff/agreements",
            Dispatch,
            staff_records::list::<Agreements>,
        ),
        page(
            "/staff/work-orders/new",
            Dispatch,
            staff_records::new_work_order,
        ),
        action(
            "/staff/work-orders",
            Dispatch,
            staff_records::create_work_order,
        ),
        page(
            "/staff/work-orders/{id}",
            Dispatch,
            staff_records::work_order,
        ),
        page(
            "/staff/work-orders/{id}/edit",
            Dispatch,
            staff_records::edit_work_order,
        ),
        action(
            "/staff/work-orders/{id}/edit",
            Dispatch,
            staff_records::update_work_order,
        ),
        action(
            "/staff/work-orders/{id}/expose",
            Dispatch,
            staff_records::expose::<WorkOrders>,
        ),
        page(
            "/staff/agreements/new",
            Dispatch,
            staff_records::new_agreement,
        ),
        action(
            "/staff/agreements",
            Dispatch,
            staff_records::create_agreement,
        ),
        page("/staff/agreements/{id}", Dispatch, staff_records::agreement),
        page(
            "/staff/agreements/{id}/edit",
            Dispatch,
            staff_records::edit_agreement,
        ),
        action(
            "/staff/agreements/{id}/edit",
            Dispatch,
            staff_records::update_agreement,
        ),
        action(
            "/staff/agreements/{id}/expose",
            Dispatch,
            staff_records::expose::<Agreements>,
        ),
        page("/staff/assets", Dispatch, staff_records::list::<Assets>),
        page("/staff/assets/new", Dispatch, staff_records::new_asset),
        action("/staff/assets", Dispatch, staff_records::create_asset),
        page("/staff/assets/{id}", Dispatch, staff_records::asset),
        page(
            "/staff/assets/{id}/edit",
            Dispatch,
            staff_records::edit_asset,
        ),
        action(
            "/staff/assets/{id}/edit",
            Dispatch,
            staff_records::update_asset,
        ),
        action(
            "/staff/assets/{id}/expose",
            Dispatch,
            staff_records::expose::<Assets>,
        ),
        page("/staff/invoices", Dispatch, staff_records::list::<Invoices>),
        page("/staff/invoices/new", Dispatch, staff_records::new_invoice),
        action("/staff/invoices", Dispatch, staff_records::create_invoice),
        page("/staff/invoices/{id}", Dispatch, staff_records::invoice),
        page(
            "/staff/invoices/{id}/edit",
            Dispatch,
            staff_records::edit_invoice,
        ),
        action(
            "/staff/invoices/{id}/edit",
            Dispatch,
            staff_records::update_invoice,
        ),
        action(
            "/staff/invoices/{id}/expose",
            Dispatch,
            staff_records::expose::<Invoices>,
        ),
        // Staff: the dispatcher's board of visits.
        page("/staff/visits", Dispatch, dispatch::pages::board),
        // Its body alone (fetched again when the board changed) and its live events.
        page("/staff/visits/board", Dispatch, dispatch::pages::fragment),
        page("/staff/visits/events", Dispatch, dispatch::pages::events),
        // Staff: book on behalf of a customer (a phone order).
        page("/staff/bookings/new", Dispatch, staff_booking::new),
        page("/staff/bookings/new/slots", Dispatch, staff_booking::slots),
        action("/staff/bookings", Dispatch, staff_booking::book),
        page("/staff/bookings/{id}", Dispatch, staff_booking::show),
        action(
            "/staff/visits/{id}/transition",
            Dispatch,
            dispatch::pages::transition,
        ),
        // Staff: moving a visit to another technician or time (the "Move…" dialog).
        page(
            "/staff/visits/{id}/move",
            Dispatch,
            crate::moves::pages::dialog,
        ),
        action(
            "/staff/visits/{id}/move",
            Dispatch,
            crate::moves::pages::move_visit,
        ),
        // The technician's day (issue 5): today's and tomorrow's visits, and their moves.
        page("/technician", TechnicianDay, crate::technician::pages::day),
        action(
            "/technician/visits/{id}/transition",
            TechnicianDay,
            crate::technician::pages::transition,
        ),
        // Staff: the embedded mailbox.
        // The catalogue (dispatchers and administrators manage it, SPEC §10).
        page(SERVICE_TYPES, Dispatch, catalog::service_types),
        page(
            "/staff/catalog/service-types/new",
            Dispatch,
            catalog::new_service_type,
        ),
        action(SERVICE_TYPES, Dispatch, catalog::create_service_type),
        page(
            "/staff/catalog/service-types/{id}",
            Dispatch,
            catalog::service_type,
        ),
        action(
            "/staff/catalog/service-types/{id}",
            Dispatch,
            catalog::save_service_type,
        ),
        page(Skills::PATH, Dispatch, catalog::list::<Skills>),
        action(Skills::PATH, Dispatch, catalog::create::<Skills>),
        page(
            "/staff/catalog/skills/{id}",
            Dispatch,
            catalog::show::<Skills>,
        ),
        action(
            "/staff/catalog/skills/{id}",
            Dispatch,
            catalog::rename::<Skills>,
        ),
        action(
            "/staff/catalog/skills/{id}/retire",
            Dispatch,
            catalog::retire::<Skills>,
        ),
        action(
            "/staff/catalog/skills/{id}/restore",
            Dispatch,
            catalog::restore::<Skills>,
        ),
        page(Products::PATH, Dispatch, catalog::list::<Products>),
        action(Products::PATH, Dispatch, catalog::create::<Products>),
        page(
            "/staff/catalog/products/{id}",
            Dispatch,
            catalog::show::<Products>,
        ),
        action(
            "/staff/catalog/products/{id}",
            Dispatch,
            catalog::rename::<Products>,
        ),
        action(
            "/staff/catalog/products/{id}/retire",
            Dispatch,
            catalog::retire::<Products>,
        ),
        action(
            "/staff/catalog/products/{id}/restore",
            Dispatch,
            catalog::restore::<Products>,
        ),
        page(LeadTypes::PATH, Dispatch, catalog::list::<LeadTypes>),
        action(LeadTypes::PATH, Dispatch, catalog::create::<LeadTypes>),
        page(
            "/staff/catalog/lead-types/{id}",
            Dispatch,
            catalog::show::<LeadTypes>,
        ),
        action(
            "/staff/catalog/lead-types/{id}",
            Dispatch,
            catalog::rename::<LeadTypes>,
        ),
        action(
            "/staff/catalog/lead-types/{id}/retire",
            Dispatch,
            catalog::retire::<LeadTypes>,
        ),
        action(
            "/staff/catalog/lead-types/{id}/restore",
            Dispatch,
            catalog::restore::<LeadTypes>,
        ),
        // Territories (drawn or by postal-code prefix) and the partners' distribution profiles.
        page(TERRITORIES, Dispatch, territories::list),
        page(
            "/staff/territories/new",
            Dispatch,
            territories::new_territory,
        ),
        action(TERRITORIES, Dispatch, territories::create),
        page("/staff/territories/{id}", Dispatch, territories::show),
        action("/staff/territories/{id}", Dispatch, territories::save),
        action(
            "/staff/territories/{id}/delete",
            Dispatch,
            territories::delete,
        ),
        page(PARTNERS, Dispatch, partners::list),
        page("/staff/partners/{id}", Dispatch, partners::show),
        action("/staff/partners/{id}", Dispatch, partners::save),
        // The workforce (dispatchers and administrators, SPEC §10); who signs in as a
        // technician is an administrator's choice, as every user's access is.
        page(TECHNICIANS, Dispatch, technicians::list),
        page(
            "/staff/technicians/new",
            Dispatch,
            technicians::new_technician,
        ),
        action(TECHNICIANS, Dispatch, technicians::create),
        page("/staff/technicians/{id}", Dispatch, technicians::show),
        // A technician's day on a map, and a better order of its visits.
        page(
            "/staff/technicians/{id}/day",
            Dispatch,
            crate::staff::route::day,
        ),
        action("/staff/technicians/{id}", Dispatch, technicians::save),
        action(
            "/staff/technicians/{id}/deactivate",
            Dispatch,
            technicians::deactivate,
        ),
        action(
            "/staff/technicians/{id}/activate",
            Dispatch,
            technicians::activate,
        ),
        action(
            "/staff/technicians/{id}/time-off",
            Dispatch,
            technicians::add_time_off,
        ),
        action(
            "/staff/technicians/{id}/time-off/remove",
            Dispatch,
            technicians::remove_time_off,
        ),
        action(
            "/staff/technicians/{id}/exceptions",
            Dispatch,
            technicians::set_exception,
        ),
        action(
            "/staff/technicians/{id}/exceptions/remove",
            Dispatch,
            technicians::remove_exception,
        ),
        action(
            "/staff/technicians/{id}/user",
            Administer,
            technicians::link_user,
        ),
        action(
            "/staff/technicians/{id}/sign-in",
            Administer,
            technicians::create_sign_in,
        ),
        page(WORKING_HOURS, Dispatch, working_hours::list),
        page(
            "/staff/working-hours/new",
            Dispatch,
            working_hours::new_template,
        ),
        action(WORKING_HOURS, Dispatch, working_hours::create),
        page("/staff/working-hours/{id}", Dispatch, working_hours::show),
        action("/staff/working-hours/{id}", Dispatch, working_hours::save),
        // Staff: CSV import and export (issue 16).
        page("/staff/import", Dispatch, import::page),
        upload(
            "/staff/import",
            Dispatch,
            import::upload,
            import::UPLOAD_LIMIT,
        ),
        action("/staff/import/apply", Dispatch, import::apply),
        page("/staff/import/template/{kind}", Dispatch, import::template),
        page("/staff/accounts/export", Dispatch, import::export_accounts),
        page("/staff/assets/export", Dispatch, import::export_assets),
        page("/staff/mailbox", Dispatch, mailbox::list),
        page("/staff/mailbox/{id}", Dispatch, mailbox::message),
        page("/staff/mailbox/{id}/html", Dispatch, mailbox::html),
        page(
            "/staff/mailbox/{id}/attachments/{index}",
            Dispatch,
            mailbox::attachment,
        ),
        action("/staff/mailbox/{id}/retry", Dispatch, mailbox::retry),
        // Staff: partner distribution (opportunities, the explanation, distributing).
        page("/staff/opportunities", Dispatch, opportunities::list),
        action("/staff/opportunities", Dispatch, opportunities::create),
        page(
            "/staff/opportunities/new",
            Dispatch,
            opportunities::new_form,
        ),
        page("/staff/opportunities/{id}", Dispatch, opportunities::show),
        action(
            "/staff/opportunities/{id}/distribute",
            Dispatch,
            opportunities::distribute,
        ),
        page(
            "/staff/settings/distribution",
            Administer,
            opportunities::settings_page,
        ),
        action(
            "/staff/settings/distribution",
            Administer,
            opportunities::save_settings,
        ),
        // Staff: customer feedback; administrators: the survey and the portal settings.
        page(
            "/staff/feedback",
            Dispatch,
            crate::feedback::pages::staff_page,
        ),
        page(
            "/staff/settings/survey",
            Administer,
            crate::feedback::pages::survey_page,
        ),
        action(
            "/staff/settings/survey",
            Administer,
            crate::feedback::pages::survey_save,
        ),
        page(
            "/staff/settings/scheduling",
            Administer,
            crate::staff::settings::scheduling_page,
        ),
        action(
            "/staff/settings/scheduling",
            Administer,
            crate::staff::settings::scheduling_save,
        ),
        page(
            "/staff/settings/portal",
            Administer,
            crate::feedback::pages::portal_page,
        ),
        action(
            "/staff/settings/portal",
            Administer,
            crate::feedback::pages::portal_save,
        ),
        // Administrators: the audit log.
        page("/staff/audit", Administer, crate::staff::audit::page),
        // Administrators: API tokens (the secret is shown once, in the answer to the create).
        page(
            "/staff/api-tokens",
            Administer,
            crate::staff::api_tokens::list,
        ),
        action(
            "/staff/api-tokens",
            Administer,
            crate::staff::api_tokens::create,
        ),
        action(
            "/staff/api-tokens/{id}/revoke",
            Administer,
            crate::staff::api_tokens::revoke,
        ),
        action(
            "/staff/api-tokens/settings",
            Administer,
            crate::staff::api_tokens::save_settings,
        ),
        // Administrators: webhook endpoints and their delivery logs (delete last: the access
        // matrix probes the routes in this order).
        page(webhooks::WEBHOOKS, Administer, webhooks::list),
        action(webhooks::WEBHOOKS, Administer, webhooks::create),
        page("/staff/webhooks/new", Administer, webhooks::new_form),
        action(
            "/staff/webhooks/settings",
            Administer,
            webhooks::save_settings,
        ),
        page("/staff/webhooks/{id}", Administer, webhooks::show),
        action("/staff/webhooks/{id}", Administer, webhooks::save),
        action(
            "/staff/webhooks/{id}/secret",
            Administer,
            webhooks::roll_secret,
        ),
        action(
            "/staff/webhooks/{id}/deliveries/{delivery}/redeliver",
            Administer,
            webhooks::redeliver,
        ),
        action("/staff/webhooks/{id}/delete", Administer, webhooks::delete),
        // The partner portal: the opportunities distributed to one's own partner account.
        page("/partner/opportunities", WorkOpportunities, partner::list),
        action(
            "/partner/opportunities",
            WorkOpportunities,
            partner::create_internal,
        ),
        page(
            "/partner/opportunities/new",
            WorkOpportunities,
            partner::new_form,
        ),
        page(
            "/partner/opportunities/{id}",
            WorkOpportunities,
            partner::show,
        ),
        action(
            "/partner/opportunities/{id}/accept",
            WorkOpportunities,
            partner::accept,
        ),
        action(
            "/partner/opportunities/{id}/decline",
            WorkOpportunities,
            partner::decline,
        ),
        action(
            "/partner/opportunities/{id}/stage",
            WorkOpportunities,
            partner::set_stage,
        ),
        action(
            "/partner/opportunities/{id}/notes",
            WorkOpportunities,
            partner::add_note,
        ),
        action(
            "/partner/opportunities/{id}/won",
            WorkOpportunities,
            partner::close_won,
        ),
        action(
            "/partner/opportunities/{id}/lost",
            WorkOpportunities,
            partner::close_lost,
        ),
        action(
            "/partner/opportunities/{id}/feedback",
            WorkOpportunities,
            partner::add_feedback,
        ),
        // Customer records (reviewers and approvers of a customer account): the lists, the
        // asset tree, the detail pages, the invoice's print page; approvers decide.
        page(
            "/records/agreements",
            ReviewRecords,
            records::list::<Agreements>,
        ),
        page(
            "/records/agreements/{id}",
            ReviewRecords,
            records::agreement,
        ),
        action(
            "/records/agreements/{id}/decision",
            ApproveRecords,
            records::decide_agreement,
        ),
        page("/records/assets", ReviewRecords, records::list::<Assets>),
        page("/records/assets/tree", ReviewRecords, records::asset_tree),
        page("/records/assets/{id}", ReviewRecords, records::asset),
        page(
            "/records/work-orders",
            ReviewRecords,
            records::list::<WorkOrders>,
        ),
        page(
            "/records/work-orders/{id}",
            ReviewRecords,
            records::work_order,
        ),
        action(
            "/records/work-orders/{id}/decision",
            ApproveRecords,
            records::decide_work_order,
        ),
        page(
            "/records/invoices",
            ReviewRecords,
            records::list::<Invoices>,
        ),
        page("/records/invoices/{id}", ReviewRecords, records::invoice),
        page(
            "/records/invoices/{id}/print",
            ReviewRecords,
            records::invoice_print,
        ),
        // JSON API.
        action(
            "/api/v1/invitations",
            Dispatch,
            crate::staff::invitations::create,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/accounts/{id}/invitations",
            Dispatch,
            crate::staff::invitations::create_for_account,
        )
        .area(Area::Accounts),
        // JSON API: partner distribution (staff, then partners).
        page(
            "/api/v1/opportunities",
            Dispatch,
            crate::distribution::api::list,
        )
        .area(Area::Distribution),
        action(
            "/api/v1/opportunities",
            Dispatch,
            crate::distribution::api::create,
        )
        .area(Area::Distribution),
        page(
            "/api/v1/opportunities/{id}/explanation",
            Dispatch,
            crate::distribution::api::explanation,
        )
        .area(Area::Distribution),
        action(
            "/api/v1/opportunities/{id}/distribute",
            Dispatch,
            crate::distribution::api::distribute,
        )
        .area(Area::Distribution),
        page(
            "/api/v1/partner/opportunities",
            WorkOpportunities,
            crate::distribution::api::partner_list,
        ),
        action(
            "/api/v1/partner/opportunities",
            WorkOpportunities,
            crate::distribution::api::create_internal,
        ),
        page(
            "/api/v1/partner/opportunities/{id}",
            WorkOpportunities,
            crate::distribution::api::partner_get,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/accept",
            WorkOpportunities,
            crate::distribution::api::accept,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/decline",
            WorkOpportunities,
            crate::distribution::api::decline,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/stage",
            WorkOpportunities,
            crate::distribution::api::stage,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/notes",
            WorkOpportunities,
            crate::distribution::api::note,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/close",
            WorkOpportunities,
            crate::distribution::api::close,
        ),
        action(
            "/api/v1/partner/opportunities/{id}/feedback",
            WorkOpportunities,
            crate::distribution::api::feedback,
        ),
        page(
            "/api/v1/partner/metrics",
            WorkOpportunities,
            crate::distribution::api::metrics,
        ),
        // JSON API: customer records (reviewers and approvers), scoped like the pages.
        page(
            "/api/v1/records/agreements",
            ReviewRecords,
            crate::records::api::agreements,
        ),
        page(
            "/api/v1/records/agreements/{id}",
            ReviewRecords,
            crate::records::api::agreement,
        ),
        page(
            "/api/v1/records/assets",
            ReviewRecords,
            crate::records::api::assets,
        ),
        page(
            "/api/v1/records/assets/tree",
            ReviewRecords,
            crate::records::api::asset_tree,
        ),
        page(
            "/api/v1/records/assets/{id}",
            ReviewRecords,
            crate::records::api::asset,
        ),
        page(
            "/api/v1/records/work-orders",
            ReviewRecords,
            crate::records::api::work_orders,
        ),
        page(
            "/api/v1/records/work-orders/{id}",
            ReviewRecords,
            crate::records::api::work_order,
        ),
        page(
            "/api/v1/records/invoices",
            ReviewRecords,
            crate::records::api::invoices,
        ),
        page(
            "/api/v1/records/invoices/{id}",
            ReviewRecords,
            crate::records::api::invoice,
        ),
        // JSON API: self-scheduling (customers) and the visits' states (staff). The OpenAPI
        // description of every `/api/` route is public, like this source.
        page("/api/openapi.json", Public, crate::openapi::document),
        page(
            "/api/v1/service-types",
            SelfSchedule,
            crate::booking::api::service_types,
        ),
        page("/api/v1/assets", SelfSchedule, crate::booking::api::assets),
        page(
            "/api/v1/availability",
            SelfSchedule,
            crate::booking::api::availability,
        ),
        page("/api/v1/slots", SelfSchedule, crate::booking::api::slots),
        page("/api/v1/bookings", SelfSchedule, crate::booking::api::list),
        action("/api/v1/bookings", SelfSchedule, crate::booking::api::book),
        page(
            "/api/v1/bookings/{id}",
            SelfSchedule,
            crate::booking::api::get,
        ),
        // JSON API: feedback (customers on their visits; staff's responses and averages).
        page(
            "/api/v1/bookings/{id}/feedback",
            SelfSchedule,
            crate::feedback::api::get,
        ),
        action(
            "/api/v1/bookings/{id}/feedback",
            SelfSchedule,
            crate::feedback::api::send,
        ),
        page(
            "/api/v1/staff/feedback",
            Dispatch,
            crate::feedback::api::staff,
        )
        .area(Area::Bookings),
        page("/api/v1/audit", Administer, crate::staff::audit::api).area(Area::Settings),
        page(
            "/api/v1/staff/settings",
            Administer,
            crate::staff::settings::api::get,
        )
        .area(Area::Settings),
        action(
            "/api/v1/staff/settings",
            Administer,
            crate::staff::settings::api::change,
        )
        .area(Area::Settings),
        page(
            "/api/v1/bookings/{id}/live",
            SelfSchedule,
            crate::tracking::api::live,
        ),
        action(
            "/api/v1/bookings/{id}/reschedule",
            SelfSchedule,
            crate::booking::api::reschedule,
        ),
        action(
            "/api/v1/bookings/{id}/cancel",
            SelfSchedule,
            crate::booking::api::cancel,
        ),
        page("/api/v1/staff/board", Dispatch, crate::dispatch::api::board).area(Area::Bookings),
        page(
            "/api/v1/staff/visits",
            Dispatch,
            crate::booking::api::staff_visits,
        )
        .area(Area::Bookings),
        action(
            "/api/v1/staff/visits/{id}/transition",
            Dispatch,
            crate::booking::api::transition,
        )
        .area(Area::Bookings),
        action(
            "/api/v1/staff/visits/{id}/move",
            Dispatch,
            crate::moves::api::move_visit,
        )
        .area(Area::Bookings),
        // JSON API: the back office's customers (accounts, contacts, their invitations).
        page(
            "/api/v1/staff/accounts",
            Dispatch,
            crate::staff::customers::api::list,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/accounts",
            Dispatch,
            crate::staff::customers::api::create,
        )
        .area(Area::Accounts),
        page(
            "/api/v1/staff/accounts/{id}",
            Dispatch,
            crate::staff::customers::api::get,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/accounts/{id}",
            Dispatch,
            crate::staff::customers::api::update,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/accounts/{id}/active",
            Dispatch,
            crate::staff::customers::api::set_account_active,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/accounts/{id}/contacts",
            Dispatch,
            crate::staff::customers::api::create_contact,
        )
        .area(Area::Accounts),
        page(
            "/api/v1/staff/contacts/{id}",
            Dispatch,
            crate::staff::customers::api::get_contact,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/contacts/{id}",
            Dispatch,
            crate::staff::customers::api::update_contact,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/contacts/{id}/active",
            Dispatch,
            crate::staff::customers::api::set_contact_active,
        )
        .area(Area::Accounts),
        action(
            "/api/v1/staff/invitations/{id}/revoke",
            Dispatch,
            crate::staff::customers::api::revoke_invitation,
        )
        .area(Area::Accounts),
        // JSON API: the back office's catalogue (`{list}`: skills, products, lead-types).
        page(
            "/api/v1/staff/catalog/{list}",
            Dispatch,
            crate::staff::catalog::api::entries,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/catalog/{list}",
            Dispatch,
            crate::staff::catalog::api::create_entry,
        )
        .area(Area::Catalogue),
        page(
            "/api/v1/staff/catalog/{list}/{id}",
            Dispatch,
            crate::staff::catalog::api::entry,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/catalog/{list}/{id}",
            Dispatch,
            crate::staff::catalog::api::rename,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/catalog/{list}/{id}/active",
            Dispatch,
            crate::staff::catalog::api::set_entry_active,
        )
        .area(Area::Catalogue),
        page(
            "/api/v1/staff/service-types",
            Dispatch,
            crate::staff::catalog::api::service_types,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/service-types",
            Dispatch,
            crate::staff::catalog::api::create_service_type,
        )
        .area(Area::Catalogue),
        page(
            "/api/v1/staff/service-types/{id}",
            Dispatch,
            crate::staff::catalog::api::service_type,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/service-types/{id}",
            Dispatch,
            crate::staff::catalog::api::update_service_type,
        )
        .area(Area::Catalogue),
        // JSON API: the back office's territories.
        page(
            "/api/v1/staff/territories",
            Dispatch,
            crate::staff::territories::api::list,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/territories",
            Dispatch,
            crate::staff::territories::api::create,
        )
        .area(Area::Catalogue),
        page(
            "/api/v1/staff/territories/{id}",
            Dispatch,
            crate::staff::territories::api::get,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/territories/{id}",
            Dispatch,
            crate::staff::territories::api::update,
        )
        .area(Area::Catalogue),
        action(
            "/api/v1/staff/territories/{id}/delete",
            Dispatch,
            crate::staff::territories::api::delete,
        )
        .area(Area::Catalogue),
        // JSON API: book on behalf of a customer.
        page(
            "/api/v1/staff/bookings/slots",
            Dispatch,
            crate::staff::booking::api::slots,
        )
        .area(Area::Bookings),
        action(
            "/api/v1/staff/bookings",
            Dispatch,
            crate::staff::booking::api::book,
        )
        .area(Area::Bookings),
        // JSON API: the technician's day and its moves (phone apps).
        page(
            "/api/v1/technician/day",
            TechnicianDay,
            crate::technician::api::day,
        ),
        action(
            "/api/v1/technician/visits/{id}/transition",
            TechnicianDay,
            crate::technician::api::transition,
        ),
    ]
}

/// The router of the whole table, each route behind the guard of its capability.
pub fn router() -> Router<AppState> {
    table().into_iter().fold(Router::new(), |router, route| {
        let rule = Rule::for_route(&route);
        router.route(
            route.path,
            route
                .handler
                .route_layer(from_fn_with_state(rule, guard::require)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for route in table() {
            assert!(
                seen.insert((route.method.clone(), route.path)),
                "{} {} is in the table twice",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn staff_api_routes_name_their_area_and_no_other_route_does() {
        for route in table() {
            let staff = matches!(route.capability, Dispatch | Administer);
            let api = crate::error::is_api(route.path);
            assert_eq!(
                route.area.is_some(),
                staff && api,
                "{} {}: API tokens are for the staff's API routes",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn public_writes_are_few_and_deliberate() {
        // Writes anyone may make are few and known: keep this list short and deliberate.
        let public_writes: Vec<&str> = table()
            .into_iter()
            .filter(|r| r.method == Method::POST && r.capability == Public)
            .map(|r| r.path)
            .collect();
        assert_eq!(
            public_writes,
            [
                "/language",
                "/forgot-password",
                "/reset-password/{token}",
                // Tracking apps: authenticated by a personal token, not a session.
                "/track/owntracks",
                "/track/osmand",
            ]
        );
    }
}
