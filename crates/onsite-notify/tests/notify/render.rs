//! The test message renders in every language, as text and HTML, with user data escaped.

use onsite_domain::text::EmailAddress;
use onsite_i18n::{Locale, SUPPORTED};
use onsite_notify::emails;

fn fr() -> Locale {
    Locale::from_tag("fr").unwrap()
}

fn en() -> Locale {
    Locale::from_tag("en").unwrap()
}

#[test]
fn test_message_reads_in_english() {
    let to = EmailAddress::parse("ana@example.com").unwrap();
    let email = emails::test_message(&to, en(), "test:1".into()).unwrap();
    assert_eq!(email.subject, "Onsite test message");
    assert_eq!(email.kind, "test");
    assert_eq!(email.event_key, "test:1");
    assert_eq!(
        email.text,
        "Email delivery works\n\n\
         This is a test message from Onsite, sent to ana@example.com to check that email delivery is set up correctly.\n\n\
         You do not need to do anything.\n\n\
         Reference: test:1\n\n\
         -- \n\
         Sent by Onsite. This is an automatic message: replies are not read.\n"
    );
    assert!(email.html.starts_with("<!DOCTYPE html>"), "{}", email.html);
    assert!(email.html.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(email.html.contains("<title>Onsite test message</title>"));
    assert!(email.html.contains(">Email delivery works</h1>"));
    assert!(email.html.contains("sent to ana@example.com to check"));
    assert!(email.html.contains("Sent by Onsite."));
}

#[test]
fn test_message_reads_in_french() {
    let to = EmailAddress::parse("ana@example.com").unwrap();
    let email = emails::test_message(&to, fr(), "test:2".into()).unwrap();
    assert_eq!(email.subject, "Message de test Onsite");
    assert!(email.text.starts_with("L’envoi des e-mails fonctionne\n\nCeci est un message de test d’Onsite, envoyé à ana@example.com"), "{}", email.text);
    assert!(email.text.contains("Référence\u{a0}: test:2\n"));
    assert!(email.text.contains("Vous n’avez rien à faire."));
    assert!(email.html.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(email.html.contains("<title>Message de test Onsite</title>"));
    assert!(email.html.contains("Envoyé par Onsite."));
    assert!(!email.html.contains("Email delivery works"));
}

#[test]
fn every_part_is_translated_in_every_locale() {
    let to = EmailAddress::parse("ana@example.com").unwrap();
    for &locale in SUPPORTED {
        let email = emails::test_message(&to, locale, "test:3".into()).unwrap();
        for part in [&email.subject, &email.text, &email.html] {
            assert!(
                !part.contains("Unknown localization"),
                "{}: {part}",
                locale.tag()
            );
            assert!(
                !part.contains("email-"),
                "{}: a message id leaked: {part}",
                locale.tag()
            );
        }
        assert!(!email.subject.contains('\n'));
    }
}

#[test]
fn user_data_is_escaped_in_html_and_verbatim_in_text() {
    let to = EmailAddress::parse("o'hara&sons@example.com").unwrap();
    let email = emails::test_message(&to, en(), "test:<b>&".into()).unwrap();
    assert!(
        email
            .text
            .contains("sent to o'hara&sons@example.com to check")
    );
    assert!(email.text.contains("Reference: test:<b>&\n"));
    assert!(!email.html.contains("hara&sons"), "{}", email.html);
    assert!(
        email
            .html
            .contains("sent to o&#39;hara&#38;sons@example.com to check")
    );
    assert!(!email.html.contains("<b>"));
    assert!(email.html.contains("Reference: test:&#60;b&#62;&#38;</p>"));
}
