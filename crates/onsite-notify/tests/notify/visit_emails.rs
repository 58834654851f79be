//! The emails of a visit under way: "on the way" with the arrival in the customer's zone and
//! language and the live map's link only when given, "completed" with the feedback link only
//! when given; no calendar invitation; what users typed is escaped in the HTML.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_domain::BookingId;
use onsite_domain::text::EmailAddress;
use onsite_i18n::Locale;
use onsite_notify::booking_emails::VisitFacts;
use onsite_notify::visit_emails;

fn facts(tz: &TimeZone) -> VisitFacts<'_> {
    VisitFacts {
        booking_id: BookingId(42),
        recipient_name: "Ana",
        service_type: "Furnace maintenance",
        asset: Some("Furnace <basement>"),
        technician: "Marc Tremblay",
        address: "4301 Rue Saint-Denis, Montréal H2J 2K9",
        work_order: Some("WO-000042"),
        comments: Some("Door code 1234"),
        starts_at: "2026-06-08T14:30:00Z".parse().unwrap(),
        arrival_window_end: None,
        ends_at: "2026-06-08T15:30:00Z".parse().unwrap(),
        time_zone: tz,
        link: "https://portal.example.com/bookings/42",
        ics_uid: "b-1f2e@portal.example.com",
        ics_sequence: 0,
        organizer_email: "no-reply@portal.example.com",
    }
}

fn to() -> EmailAddress {
    EmailAddress::parse("ana@example.com").unwrap()
}

fn locale(tag: &str) -> Locale {
    Locale::from_tag(tag).unwrap()
}

/// 10:42 in Montréal (EDT, UTC-4).
fn eta() -> Timestamp {
    "2026-06-08T14:42:00Z".parse().unwrap()
}

/// When travel started (or stopped).
fn moved() -> Timestamp {
    "2026-06-08T14:20:00Z".parse().unwrap()
}

const LIVE: &str = "https://portal.example.com/bookings/42/live";
const FEEDBACK: &str = "https://portal.example.com/bookings/42/feedback";

#[test]
fn on_the_way_says_who_and_when_in_the_customers_zone_with_the_live_map() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let email = visit_emails::technician_on_the_way(
        &to(),
        locale("en"),
        &facts(&tz),
        "Marc",
        moved(),
        eta(),
        Some(LIVE),
    )
    .unwrap();
    // One per journey: travel may stop and start again.
    assert_eq!(
        email.event_key,
        format!("booking:42:on-the-way:{}", moved().as_millisecond())
    );
    assert_eq!(email.kind, "technician-on-the-way");
    assert_eq!(
        email.subject,
        "Marc is on the way (arrival around 10:42 AM (EDT))"
    );
    for text in [&email.text, &email.html] {
        assert!(text.contains("Estimated arrival: 10:42 AM (EDT)"), "{text}");
        assert!(text.contains(LIVE), "{text}");
        assert!(text.contains("https://portal.example.com/bookings/42"));
    }
    assert!(email.html.contains("View Live Map"));
    assert!(
        email.html.contains("Furnace &#60;basement&#62;")
            || email.html.contains("Furnace &lt;basement&gt;")
    );
    assert!(!email.html.contains("<basement>"));
    assert!(email.attachments.is_empty(), "no calendar invitation");

    let fr = visit_emails::technician_on_the_way(
        &to(),
        locale("fr"),
        &facts(&tz),
        "Marc",
        moved(),
        eta(),
        None,
    )
    .unwrap();
    assert!(
        fr.subject.starts_with("Marc est en route"),
        "{}",
        fr.subject
    );
    assert!(fr.text.contains("10 h 42"), "{}", fr.text);
    assert!(!fr.text.contains("/live") && !fr.html.contains("/live"));
}

#[test]
fn travel_stopped_says_the_visit_keeps_its_time() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let email =
        visit_emails::travel_stopped(&to(), locale("en"), &facts(&tz), "Marc", moved()).unwrap();
    assert_eq!(email.kind, "travel-stopped");
    assert_eq!(
        email.event_key,
        format!("booking:42:travel-stopped:{}", moved().as_millisecond())
    );
    assert_eq!(email.subject, "Marc is not on the way yet");
    for text in [&email.text, &email.html] {
        assert!(text.contains("Your appointment has not changed"), "{text}");
        assert!(text.contains("https://portal.example.com/bookings/42"));
    }
    assert!(email.attachments.is_empty(), "the time does not change");
    let fr =
        visit_emails::travel_stopped(&to(), locale("fr"), &facts(&tz), "Marc", moved()).unwrap();
    assert_eq!(fr.subject, "Marc n’est pas encore en route");
}

#[test]
fn completed_links_the_feedback_only_when_given() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let with =
        visit_emails::visit_completed(&to(), locale("en"), &facts(&tz), Some(FEEDBACK)).unwrap();
    assert_eq!(with.event_key, "booking:42:completed");
    assert_eq!(
        with.subject,
        "Your visit is completed: Furnace maintenance, Monday, June 8, 2026"
    );
    assert!(with.text.contains(FEEDBACK) && with.html.contains(FEEDBACK));
    assert!(with.html.contains("Send Feedback"));
    let without = visit_emails::visit_completed(&to(), locale("fr"), &facts(&tz), None).unwrap();
    assert!(without.subject.starts_with("Votre visite est terminée"));
    assert!(!without.text.contains("/feedback") && !without.html.contains("/feedback"));
}
