//! The "new opportunity for you" email a partner's portal users get when an opportunity is
//! distributed to their company: every detail and the link in both bodies and both languages.

use onsite_domain::text::EmailAddress;
use onsite_i18n::{Locale, SUPPORTED};
use onsite_notify::emails::{OpportunityOffered, opportunity_offered};

fn ctx() -> OpportunityOffered<'static> {
    OpportunityOffered {
        name: "Luc <b>",
        opportunity: "Heat pump for a duplex",
        customer: "Marie Lavoie",
        lead_type: "residential",
        revenue: "14,500.00",
        accept_by: "2026-06-03 14:00 EDT",
        link: "https://portal.example.com/partner/opportunities/42",
    }
}

#[test]
fn offered_email_names_the_opportunity_and_links_to_it_in_both_languages() {
    let to = EmailAddress::parse("luc@thermo.example").unwrap();
    for (tag, subject, intro) in [
        (
            "en",
            "New opportunity for you: Heat pump for a duplex",
            "Accept it in the partner portal",
        ),
        (
            "fr",
            "Nouvelle opportunité pour vous : Heat pump for a duplex",
            "Acceptez-la dans le portail partenaire",
        ),
    ] {
        let locale = Locale::from_tag(tag).unwrap();
        let email =
            opportunity_offered(&to, locale, "opportunity-offered:7:3".into(), &ctx()).unwrap();
        assert_eq!(email.kind, "opportunity-offered");
        assert_eq!(email.subject, subject);
        assert_eq!(email.event_key, "opportunity-offered:7:3");
        for body in [&email.text, &email.html] {
            for part in [
                "Marie Lavoie",
                "residential",
                "14,500.00",
                "2026-06-03 14:00 EDT",
                "https://portal.example.com/partner/opportunities/42",
                intro,
            ] {
                assert!(body.contains(part), "{tag}: {part} missing from {body}");
            }
        }
        assert!(email.text.contains("Luc <b>"), "plain text is verbatim");
        assert!(!email.html.contains("Luc <b>"), "HTML escapes user data");
    }
}

#[test]
fn offered_email_is_translated_everywhere() {
    let to = EmailAddress::parse("luc@thermo.example").unwrap();
    for &locale in SUPPORTED {
        let email = opportunity_offered(&to, locale, "k".into(), &ctx()).unwrap();
        for part in [&email.subject, &email.text, &email.html] {
            assert!(!part.contains("email-offered"), "{}: {part}", locale.tag());
            assert!(!part.contains("Unknown localization"), "{}", locale.tag());
        }
    }
}
