//! The booking emails: what the customer reads, in their zone and language, and the calendar
//! invitation that follows the visit (one UID, growing SEQUENCE, REQUEST then CANCEL).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use onsite_domain::BookingId;
use onsite_domain::text::EmailAddress;
use onsite_i18n::SUPPORTED;
use onsite_notify::booking_emails::{self, VisitFacts};
use onsite_notify::{Email, ics};
use onsite_testkit::fixtures::{en, fr};

fn facts<'a>(tz: &'a TimeZone, sequence: i64) -> VisitFacts<'a> {
    VisitFacts {
        booking_id: BookingId(42),
        recipient_name: "Ana",
        service_type: "Furnace maintenance",
        asset: Some("Furnace <basement>"),
        technician: "Marc Tremblay",
        address: "4301 Rue Saint-Denis, Montréal H2J 2K9",
        work_order: Some("WO-000042"),
        comments: Some("Door code 1234;\nring twice"),
        // 10:30 in Montréal (EDT, UTC-4).
        starts_at: "2026-06-08T14:30:00Z".parse().unwrap(),
        arrival_window_end: None,
        ends_at: "2026-06-08T15:30:00Z".parse().unwrap(),
        time_zone: tz,
        link: "https://portal.example.com/bookings/42",
        ics_uid: "b-1f2e@portal.example.com",
        ics_sequence: sequence,
        organizer_email: "no-reply@portal.example.com",
    }
}

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn to() -> EmailAddress {
    EmailAddress::parse("ana@example.com").unwrap()
}

fn calendar(email: &Email) -> Vec<(String, String)> {
    assert_eq!(email.attachments.len(), 1, "one invitation");
    let a = &email.attachments[0];
    assert!(
        a.content_type.starts_with("text/calendar"),
        "{}",
        a.content_type
    );
    ics::parse(std::str::from_utf8(&a.content).unwrap())
}

fn prop<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    props
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {props:?}"))
}

#[test]
fn confirmation_reads_in_the_customers_zone_and_language() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let email = booking_emails::booking_confirmed(&to(), en(), &facts(&tz, 0), now()).unwrap();
    assert_eq!(email.event_key, "booking:42:confirmed");
    assert_eq!(email.kind, "booking-confirmed");
    assert_eq!(
        email.subject,
        "Your visit is booked: Furnace maintenance, Monday, June 8, 2026"
    );
    for line in [
        "Hello Ana,",
        "Date: Monday, June 8, 2026",
        "Arrival: 10:30 AM",
        "Service: Furnace maintenance",
        "Equipment: Furnace <basement>",
        "Technician: Marc Tremblay",
        "Work order: WO-000042",
        "https://portal.example.com/bookings/42",
    ] {
        assert!(email.text.contains(line), "{line:?} in\n{}", email.text);
    }
    assert!(
        email.html.contains("Furnace &#60;basement&#62;")
            || email.html.contains("Furnace &lt;basement&gt;"),
        "user text is escaped in HTML: {}",
        email.html
    );
    assert!(!email.html.contains("<basement>"));

    let fr_email = booking_emails::booking_confirmed(&to(), fr(), &facts(&tz, 0), now()).unwrap();
    // Subjects are folded onto one line with plain spaces (render.rs).
    assert_eq!(
        fr_email.subject,
        "Votre visite est réservée : Furnace maintenance, lundi 8 juin 2026"
    );
    assert!(
        fr_email.text.contains("Arrivée\u{a0}: 10 h 30"),
        "{}",
        fr_email.text
    );
    assert!(fr_email.text.contains("Bonjour Ana,"));

    // The same visit for someone in Paris: their wall clock.
    let paris = TimeZone::get("Europe/Paris").unwrap();
    let email = booking_emails::booking_confirmed(&to(), fr(), &facts(&paris, 0), now()).unwrap();
    assert!(
        email.text.contains("Arrivée\u{a0}: 16 h 30"),
        "{}",
        email.text
    );
}

// A visit whose work order and asset are hidden from the customer: the email and its calendar
// invitation name neither (the application leaves them out, see `Visit::records`).
#[test]
fn hidden_records_are_not_named() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let hidden = VisitFacts {
        asset: None,
        work_order: None,
        comments: None,
        ..facts(&tz, 0)
    };
    let email = booking_emails::booking_confirmed(&to(), en(), &hidden, now()).unwrap();
    let ics = String::from_utf8(email.attachments[0].content.clone()).unwrap();
    for text in [&email.text, &email.html, &ics] {
        for word in [
            "Work order",
            "WO-000042",
            "Equipment",
            "basement",
            "Door code",
        ] {
            assert!(!text.contains(word), "{word:?} in\n{text}");
        }
    }
    assert!(email.text.contains("Technician: Marc Tremblay"));
}

#[test]
fn the_invitation_follows_the_visit_from_booking_to_cancellation() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let booked = booking_emails::booking_confirmed(&to(), en(), &facts(&tz, 0), now()).unwrap();
    let cal = calendar(&booked);
    assert_eq!(prop(&cal, "METHOD"), "REQUEST");
    assert_eq!(prop(&cal, "UID"), "b-1f2e@portal.example.com");
    assert_eq!(prop(&cal, "SEQUENCE"), "0");
    assert_eq!(prop(&cal, "DTSTART"), "20260608T143000Z");
    assert_eq!(prop(&cal, "DTEND"), "20260608T153000Z");
    assert_eq!(prop(&cal, "SUMMARY"), "Service visit: Furnace maintenance");
    assert_eq!(
        prop(&cal, "LOCATION"),
        "4301 Rue Saint-Denis, Montréal H2J 2K9"
    );

    let mut moved = facts(&tz, 1);
    moved.starts_at = "2026-06-09T18:00:00Z".parse().unwrap();
    moved.ends_at = "2026-06-09T19:00:00Z".parse().unwrap();
    moved.technician = "Julie Roy";
    let previous = "2026-06-08T14:30:00Z".parse().unwrap();
    let email = booking_emails::booking_rescheduled(&to(), en(), &moved, previous, now()).unwrap();
    assert_eq!(email.event_key, "booking:42:rescheduled:1");
    assert_eq!(
        email.subject,
        "Your visit has moved to Tuesday, June 9, 2026"
    );
    assert!(
        email
            .text
            .contains("planned for Monday, June 8, 2026, 10:30 AM"),
        "{}",
        email.text
    );
    assert!(
        email.text.contains("Arrival: 2:00 PM") && email.text.contains("Technician: Julie Roy")
    );
    let cal = calendar(&email);
    assert_eq!(
        (
            prop(&cal, "METHOD"),
            prop(&cal, "UID"),
            prop(&cal, "SEQUENCE")
        ),
        ("REQUEST", "b-1f2e@portal.example.com", "1")
    );
    assert_eq!(prop(&cal, "DTSTART"), "20260609T180000Z");

    let canceled = facts(&tz, 2);
    let email = booking_emails::booking_canceled(
        &to(),
        fr(),
        &canceled,
        "Fermé pour rénovations",
        "https://portal.example.com/bookings/new",
        now(),
    )
    .unwrap();
    assert_eq!(email.event_key, "booking:42:canceled");
    assert_eq!(
        email.subject,
        "Votre visite du lundi 8 juin 2026 est annulée"
    );
    assert!(
        email.text.contains("Motif\u{a0}: Fermé pour rénovations"),
        "{}",
        email.text
    );
    let cal = calendar(&email);
    assert_eq!(
        (
            prop(&cal, "METHOD"),
            prop(&cal, "UID"),
            prop(&cal, "SEQUENCE"),
            prop(&cal, "STATUS")
        ),
        ("CANCEL", "b-1f2e@portal.example.com", "2", "CANCELLED")
    );
}

#[test]
fn arrival_windows_and_new_time_requests_read_plainly() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let mut v = facts(&tz, 0);
    v.arrival_window_end = Some("2026-06-08T16:30:00Z".parse().unwrap());
    v.recipient_name = " ";
    v.comments = None;
    let flagged: Timestamp = "2026-06-02T09:00:00Z".parse().unwrap();
    let email = booking_emails::booking_new_time(&to(), en(), &v, flagged).unwrap();
    assert_eq!(
        email.event_key,
        format!("booking:42:new-time:{}", flagged.as_millisecond())
    );
    assert!(
        email.attachments.is_empty(),
        "the visit keeps its time: no invitation"
    );
    assert_eq!(
        email.subject,
        "Please choose a new time for your visit of Monday, June 8, 2026"
    );
    assert!(email.text.starts_with("Hello,\n"), "{}", email.text);
    assert!(
        email
            .text
            .contains("Arrival: between 10:30 AM and 12:30 PM"),
        "{}",
        email.text
    );
    assert!(!email.text.contains("Your comments"));
    assert!(
        email
            .text
            .contains("https://portal.example.com/bookings/42")
    );
}

#[test]
fn every_booking_email_is_translated_in_every_locale() {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let v = facts(&tz, 1);
    let start = v.starts_at;
    for &locale in SUPPORTED {
        let emails = [
            booking_emails::booking_confirmed(&to(), locale, &v, now()).unwrap(),
            booking_emails::booking_rescheduled(&to(), locale, &v, start, now()).unwrap(),
            booking_emails::booking_canceled(&to(), locale, &v, "r", "https://x/", now()).unwrap(),
            booking_emails::booking_new_time(&to(), locale, &v, now()).unwrap(),
        ];
        for email in &emails {
            for part in [&email.subject, &email.text, &email.html] {
                assert!(
                    !part.contains("Unknown localization") && !part.contains("booking-"),
                    "{}: {} in {part}",
                    locale.tag(),
                    email.kind
                );
            }
            assert!(
                email
                    .html
                    .contains(&format!("<html lang=\"{}\"", locale.tag()))
            );
        }
    }
}
