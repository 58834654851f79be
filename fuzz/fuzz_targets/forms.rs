//! Every form body and query string a page or the API reads, through axum's own `Form` and
//! `Query` extractors into the handlers' own types, then the checks the handlers and use cases
//! run on the fields before anything reaches the store: ids, days and slots, the booking's
//! service request, actions, the records lists' filters, sorts, orders, limits and cursors,
//! the staff's record forms (agreement, asset, work order, invoice with its lines and totals),
//! Send Feedback, and the opportunity form. A refusal is a 4xx; what is accepted holds no value
//! its type forbids.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_app::identity::{ProfileInput, parse_profile};
use onsite_app::records::staff::{AgreementInput, AssetInput, WorkOrderInput};
use onsite_app::records::{ListRequest, id_param, list_options};
use onsite_fuzz::{SUPPORTED, field, form, has_control, pairs, query};
use onsite_store::records::MAX_PAGE;
use onsite_store::records::lists::{Agreements, Assets, Invoices, WorkOrders};
use onsite_web::{
    booking, dispatch, distribution, feedback, fuzzing, identity, locale, records, staff,
    technician,
};
use std::collections::HashMap;

/// Decodes `input` as each of the handlers' types, as a body for forms and as a query string
/// for queries.
macro_rules! decode_all {
    ($input:expr; forms: $($f:ty),*; queries: $($q:ty),* $(,)?) => {{
        let body: &[u8] = $input.as_bytes();
        $( let _ = form::<$f>(body); )*
        $( let _ = query::<$q>($input); )*
    }};
}

fn list_request(req: &ListRequest) {
    for name in ListRequest::LIMITS {
        let _ = id_param(req.limit_of(name), name);
    }
    let checks = [
        list_options::<WorkOrders>(req).map(|o| (o.paging.limit, o.search)),
        list_options::<Agreements>(req).map(|o| (o.paging.limit, o.search)),
        list_options::<Assets>(req).map(|o| (o.paging.limit, o.search)),
        list_options::<Invoices>(req).map(|o| (o.paging.limit, o.search)),
    ];
    for (limit, search) in checks.into_iter().flatten() {
        assert!((1..=MAX_PAGE).contains(&limit));
        if let Some(s) = search {
            assert!(
                !s.is_empty() && !has_control(&s) && s.chars().count() <= 100,
                "{s:?}"
            );
        }
    }
}

fuzz_target!(|input: &str| {
    decode_all!(input;
        forms:
            locale::SwitchForm,
            records::staff::ExposeForm,
            identity::profile::ProfileForm,
            identity::profile::PasswordForm,
            identity::sign_in::SignInForm,
            identity::sign_in::CodeForm,
            identity::sign_in::AccountForm,
            booking::pages::BookForm,
            booking::pages::RescheduleForm,
            booking::pages::CancelForm,
            distribution::staff::DistributeForm,
            technician::TransitionForm,
            distribution::partner::ReasonForm,
            distribution::partner::StageForm,
            distribution::partner::NoteForm,
            identity::external::BeginForm,
            dispatch::TransitionForm,
            records::pages::DecisionFields,
            identity::password::ForgotForm,
            identity::password::ResetForm;
        queries:
            booking::api::AvailabilityQuery,
            booking::api::SlotsQuery,
            booking::api::StaffQuery,
            distribution::api::StatusQuery,
            distribution::api::FilterQuery,
            records::staff::SeenVersion,
            feedback::StaffQuery,
            identity::profile::ProfileQuery,
            identity::sign_in::SignInQuery,
            booking::pages::HomeQuery,
            booking::pages::NewQuery,
            booking::pages::ShowQuery,
            distribution::staff::ListQuery,
            staff::mailbox::ListQuery,
            distribution::partner::ListQuery,
            identity::external::CallbackQuery,
            dispatch::BoardQuery,
            staff::people::ListQuery,
            HashMap<String, String>,
    );

    // The fields as the handlers read them, then the checks they make.
    let fields = pairs(input.as_bytes());
    let get = |name| field(&fields, name);
    for name in ["id", "service_type", "asset", "question", "technician"] {
        if let Some(id) = get(name).and_then(fuzzing::parse_id) {
            assert!(id > 0);
        }
    }
    let _ = fuzzing::parse_date(get("date"));
    let _ = fuzzing::parse_instant(get("slot"));
    if let Ok(Some(request)) = fuzzing::service_request(get("service_type"), get("asset")) {
        assert!(request.service_type.0 > 0 && request.asset.is_none_or(|a| a.0 > 0));
    }
    let _ = fuzzing::technician_action(get("action"));
    let _ = fuzzing::dispatch_action(get("action"));
    if let Some(board) = query::<onsite_web::dispatch::BoardQuery>(input) {
        let _ = fuzzing::board_query(&board);
    }
    if let Some(token) = fuzzing::csrf_form_field(input.as_bytes()) {
        assert!(input.contains(&token) || token.contains('\u{fffd}'));
    }

    // Records: the lists' query strings, and the staff's forms.
    if let Some(req) = query::<ListRequest>(input) {
        list_request(&req);
    }
    if let Some(i) = form::<AgreementInput>(input.as_bytes()) {
        let _ = fuzzing_app::agreement_form(&i);
    }
    if let Some(i) = form::<AssetInput>(input.as_bytes()) {
        let _ = fuzzing_app::asset_form(&i);
    }
    if let Some(i) = form::<WorkOrderInput>(input.as_bytes()) {
        let _ = fuzzing_app::work_order_form(&i);
    }
    let invoice = fuzzing::invoice_form(fields.clone());
    if let Ok(totals) = fuzzing_app::invoice_form(&invoice) {
        assert_eq!(totals.gross_minor, totals.net_minor + totals.tax_minor);
    }

    // Send Feedback, as a form and as JSON.
    let answers = fuzzing::feedback_form(&fields);
    let _ = fuzzing_app::feedback_answers(&answers);
    if let Ok(serde_json::Value::Object(body)) = serde_json::from_str(input) {
        let _ = fuzzing_app::feedback_answers(&fuzzing::feedback_json(&body));
    }

    // The opportunity form, in every language (decimal marks differ).
    for locale in SUPPORTED {
        if let Ok(o) = fuzzing::opportunity_form(*locale, &fields) {
            assert!(o.estimated_revenue_minor >= 0);
            assert!((-90.0..=90.0).contains(&o.location.lat()));
            assert!(!o.name.trim().is_empty() && !o.customer_name.trim().is_empty());
        }
    }

    // The profile form.
    let profile = ProfileInput {
        display_name: get("display_name").unwrap_or_default().to_owned(),
        phone: get("phone").unwrap_or_default().to_owned(),
        language: get("language").unwrap_or_default().to_owned(),
        time_zone: get("time_zone").unwrap_or_default().to_owned(),
        notify_email: get("notify_email").is_some(),
    };
    let _ = parse_profile(&profile);
});

use onsite_app::fuzzing as fuzzing_app;
