//! The email dispatchers get when a customer's approver decides: every fact, the comment and
//! the link in both bodies and both languages, user data escaped in HTML.

use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;
use onsite_domain::text::EmailAddress;
use onsite_i18n::{Locale, SUPPORTED};
use onsite_notify::record_emails::{DecidedRecord, DecisionFacts, record_decided};

fn facts(zone: &TimeZone) -> DecisionFacts<'_> {
    DecisionFacts {
        record: DecidedRecord::Estimate,
        approved: false,
        number: "WO-000042",
        title: "Replace the compressor",
        account: "Boulangerie <Saint-Denis>",
        decided_by: "Ana Roy <ana@boulangerie.example>",
        // 2026-06-01 14:30 UTC = 10:30 in Montréal.
        decided_at: "2026-06-01T14:30:00Z".parse::<Timestamp>().unwrap(),
        time_zone: zone,
        comment: Some("Too expensive <b>for now</b>"),
        renewed_until: None,
        recipient_name: "Dina",
        link: "https://portal.example.com/staff/work-orders/42",
    }
}

#[test]
fn decision_email_says_who_what_when_and_why_in_both_languages() {
    let zone = TimeZone::get("America/Toronto").unwrap();
    let to = EmailAddress::parse("dina@service.example").unwrap();
    for (tag, subject, parts) in [
        (
            "en",
            "Estimate rejected: WO-000042 (Boulangerie <Saint-Denis>)",
            [
                "Hello Dina,",
                "rejected the estimate of work order WO-000042",
                "Monday, June 1, 2026, 10:30 AM",
                "The work order is canceled.",
            ],
        ),
        (
            "fr",
            "Devis refusé : WO-000042 (Boulangerie <Saint-Denis>)",
            [
                "Bonjour Dina,",
                "a refusé le devis du bon de travail WO-000042",
                "lundi 1er juin 2026, 10 h 30",
                "Le bon de travail est annulé.",
            ],
        ),
    ] {
        let locale = Locale::from_tag(tag).unwrap();
        let email = record_decided(&to, locale, "approval:7:3".into(), &facts(&zone)).unwrap();
        assert_eq!(email.kind, "record-decided");
        assert_eq!(email.event_key, "approval:7:3");
        assert_eq!(email.subject, subject);
        for part in parts.iter().chain(&[
            "https://portal.example.com/staff/work-orders/42",
            "Replace the compressor",
        ]) {
            assert!(
                email.text.contains(part),
                "{tag}: {part} missing from\n{}",
                email.text
            );
        }
        assert!(
            email.text.contains("Too expensive <b>for now</b>"),
            "plain text is verbatim"
        );
        assert!(
            !email.html.contains("<b>for now</b>"),
            "HTML escapes user data"
        );
        assert!(
            email.html.contains("Too expensive &#60;b&#62;for now")
                || email.html.contains("Too expensive &lt;b&gt;for now"),
            "{}",
            email.html
        );
    }
}

#[test]
fn an_approved_renewal_says_until_when() {
    let zone = TimeZone::UTC;
    let to = EmailAddress::parse("dina@service.example").unwrap();
    let f = DecisionFacts {
        record: DecidedRecord::Renewal,
        approved: true,
        comment: None,
        renewed_until: Some(date(2026, 12, 31)),
        recipient_name: "",
        ..facts(&zone)
    };
    let email = record_decided(&to, Locale::from_tag("en").unwrap(), "k".into(), &f).unwrap();
    assert_eq!(
        email.subject,
        "Renewal approved: WO-000042 (Boulangerie <Saint-Denis>)"
    );
    assert!(email.text.starts_with("Hello,\n"), "{}", email.text);
    assert!(
        email
            .text
            .contains("renewed until Thursday, December 31, 2026")
    );
    assert!(
        !email.text.contains("Their comment"),
        "no comment, no heading"
    );
}

#[test]
fn decision_email_is_translated_everywhere() {
    let zone = TimeZone::UTC;
    let to = EmailAddress::parse("dina@service.example").unwrap();
    for &locale in SUPPORTED {
        for (record, approved) in [
            (DecidedRecord::Estimate, true),
            (DecidedRecord::Estimate, false),
            (DecidedRecord::Renewal, true),
            (DecidedRecord::Renewal, false),
        ] {
            let f = DecisionFacts {
                record,
                approved,
                renewed_until: approved.then_some(date(2027, 1, 31)),
                ..facts(&zone)
            };
            let email = record_decided(&to, locale, "k".into(), &f).unwrap();
            for part in [&email.subject, &email.text, &email.html] {
                assert!(!part.contains("records-email"), "{}: {part}", locale.tag());
                assert!(!part.contains("Unknown localization"), "{}", locale.tag());
            }
        }
    }
}
