//! Entry points for the fuzz targets (`fuzz/`, see docs/security.md): the web edge's private
//! readers of what requests carry, called as the handlers call them. Not an API: nothing else
//! uses this module, and it adds no behaviour.

use crate::distribution::form::OpportunityFields;
use crate::forms::FieldErrors;
use crate::records::staff::InvoiceForm;
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_app::booking::ServiceRequest;
use onsite_app::distribution::staff::OpportunityInput;
use onsite_app::feedback::FeedbackInput;
use onsite_app::records::staff::InvoiceInput;
use onsite_domain::InvalidInput;
use onsite_domain::booking::BookingAction;
use onsite_domain::role::Role;
use onsite_i18n::Locale;

/// An id from a path or a form field.
pub fn parse_id(raw: &str) -> Option<i64> {
    crate::input::parse_id(raw)
}

/// A `date` field (`YYYY-MM-DD`).
pub fn parse_date(raw: Option<&str>) -> Result<Option<Date>, InvalidInput> {
    crate::input::parse_date("date", raw)
}

/// A `slot` field (RFC 3339).
pub fn parse_instant(raw: Option<&str>) -> Result<Timestamp, InvalidInput> {
    crate::input::parse_instant("slot", raw)
}

/// The `service_type` and `asset` fields of the booking forms.
pub fn service_request(
    service_type: Option<&str>,
    asset: Option<&str>,
) -> Result<Option<ServiceRequest>, InvalidInput> {
    crate::booking::service_request(service_type, asset)
}

/// An amount typed in an opportunity form.
pub fn parse_amount(locale: Locale, raw: &str) -> Option<Result<i64, ()>> {
    crate::distribution::form::parse_amount(locale, raw)
}

/// A latitude or longitude typed in an opportunity form.
pub fn parse_coordinate(locale: Locale, raw: &str) -> Option<f64> {
    crate::distribution::form::parse_coordinate(locale, raw)
}

/// The opportunity form's fields (no territories: coordinates or nothing).
pub fn opportunity_form(
    locale: Locale,
    pairs: &[(String, String)],
) -> Result<OpportunityInput, FieldErrors> {
    let (fields, bad_product) = OpportunityFields::from_pairs(pairs);
    fields.parse(locale, &[], bad_product)
}

/// The answers of Send Feedback.
pub fn feedback_form(pairs: &[(String, String)]) -> FeedbackInput {
    crate::feedback::pages::input_of_owned(pairs)
}

/// The staff's invoice form (lines as rows of repeated fields).
pub fn invoice_form(pairs: Vec<(String, String)>) -> InvoiceInput {
    InvoiceForm::read(pairs).input
}

/// The `action` of the technician's day page.
pub fn technician_action(raw: Option<&str>) -> Option<BookingAction> {
    crate::technician::parse_action(raw)
}

/// The `action` of the dispatch board.
pub fn dispatch_action(raw: Option<&str>) -> Result<BookingAction, InvalidInput> {
    crate::dispatch::parse_action(raw)
}

/// The schedule board's query as the board checks it (in UTC): every value refused names its
/// field, and the checked request always has a period.
pub fn board_query(query: &crate::dispatch::BoardQuery) -> Result<(), InvalidInput> {
    let request = query.checked(&jiff::tz::TimeZone::UTC, jiff::Timestamp::UNIX_EPOCH)?;
    assert!(request.period().from < request.period().to);
    Ok(())
}

/// The `roles` of an invitation (JSON API).
pub fn invitation_roles(raw: &[String]) -> Result<Vec<Role>, InvalidInput> {
    crate::staff::invitations::parse_roles("roles", raw)
}

/// The CSRF field of a URL-encoded body, as the CSRF check reads it.
pub fn csrf_form_field(body: &[u8]) -> Option<String> {
    crate::csrf::form_field(body, crate::csrf::FIELD)
}

/// A form's `return_to`, as sign-in and external sign-in read it.
pub fn return_path(raw: Option<&str>) -> Option<&str> {
    crate::identity::return_path(raw)
}

/// The answers of Send Feedback's JSON body.
pub fn feedback_json(body: &serde_json::Map<String, serde_json::Value>) -> FeedbackInput {
    crate::feedback::api::json_input(body)
}
