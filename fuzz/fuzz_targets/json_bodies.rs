//! The JSON API's request bodies, through axum's `Json` extractor into the handlers' own types
//! (bookings, opportunities, invitations, Send Feedback), then the readers the handlers apply:
//! roles of an invitation, slots, the feedback answers. A refusal is a 4xx.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_fuzz::json;
use onsite_web::booking::api as bookings;
use onsite_web::distribution::api as opportunities;
use onsite_web::fuzzing;
use onsite_web::staff::invitations;
use serde_json::{Map, Value};

fuzz_target!(|body: &[u8]| {
    let _ = json::<bookings::NewBooking>(body);
    let _ = json::<bookings::Reschedule>(body);
    let _ = json::<bookings::Cancel>(body);
    let _ = json::<bookings::Transition>(body);
    let _ = json::<opportunities::NewOpportunity>(body);
    let _ = json::<opportunities::DistributeBody>(body);
    let _ = json::<opportunities::ReasonBody>(body);
    let _ = json::<opportunities::StageBody>(body);
    let _ = json::<opportunities::NoteBody>(body);
    let _ = json::<opportunities::CloseBody>(body);
    let _ = json::<opportunities::FeedbackBody>(body);
    let _ = json::<invitations::NewInvitation>(body);
    let _ = json::<invitations::BulkInvitation>(body);
    if let Some(map) = json::<Map<String, Value>>(body) {
        let _ = onsite_app::fuzzing::feedback_answers(&fuzzing::feedback_json(&map));
        if let Some(Value::Array(roles)) = map.get("roles") {
            let roles: Vec<String> = roles
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect();
            let _ = fuzzing::invitation_roles(&roles);
        }
        if let Some(Value::String(slot)) = map.get("slot_start") {
            let _ = fuzzing::parse_instant(Some(slot));
        }
    }
});
