//! The test message renders in every language, as text and HTML, with user data escaped.

use onsite_domain::text::EmailAddress;
use onsite_i18n::SUPPORTED;
use onsite_notify::emails;
use onsite_testkit::fixtures::{en, fr};

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

#[test]
fn invitation_carries_the_link_and_code_in_both_bodies_and_both_languages() {
    use onsite_notify::emails::{Invitation, SECRET, invitation};
    let to = onsite_domain::text::EmailAddress::parse("ana@example.com").unwrap();
    let code = "7KQ2M-XW9RD-00000-11111-22222-3";
    for (tag, subject) in [
        ("en", "Your invitation to the service portal"),
        ("fr", "Votre invitation au portail de service"),
    ] {
        let locale = onsite_i18n::Locale::from_tag(tag).unwrap();
        let ctx = Invitation {
            name: "Ana <script>",
            link: "https://portal.example.com/sign-in?tab=redeem",
            expires: "2026-12-06",
        };
        let email = invitation(&to, locale, "invitation:1".into(), &ctx, code).unwrap();
        assert_eq!(email.subject, subject);
        assert_eq!(email.kind, "invitation");
        // The code rides apart, for the recipient's copy only; the text has its placeholder.
        assert_eq!(email.secret.as_ref().map(|s| s.expose()), Some(code));
        assert!(!format!("{email:?}").contains(code), "Debug hides the code");
        for body in [&email.text, &email.html] {
            assert!(body.contains(SECRET), "{body}");
            assert!(!body.contains(code), "{body}");
            assert!(
                body.contains("https://portal.example.com/sign-in?tab=redeem")
                    || body.contains("https://portal.example.com/sign-in?tab&#x3d;redeem"),
                "{body}"
            );
            assert!(body.contains("2026-12-06"));
        }
        assert!(
            email.text.contains("Ana <script>"),
            "plain text is not escaped"
        );
        assert!(
            !email.html.contains("<script>"),
            "HTML escapes user data: {}",
            email.html
        );
    }
}

#[test]
fn password_reset_carries_the_link_and_its_lifetime() {
    use onsite_notify::emails::{PasswordReset, SECRET, password_reset};
    let to = onsite_domain::text::EmailAddress::parse("ana@example.com").unwrap();
    let fr = onsite_i18n::Locale::from_tag("fr").unwrap();
    let token = "0123456789abcdef".repeat(4);
    let email = password_reset(
        &to,
        fr,
        "password-reset:abc".into(),
        &PasswordReset {
            reset_page: "https://p.example/reset/",
            minutes: "60",
        },
        &token,
    )
    .unwrap();
    assert_eq!(email.subject, "Réinitialiser votre mot de passe");
    let link = format!("https://p.example/reset/{SECRET}");
    assert!(email.text.contains(&link) && email.text.contains("60 minutes"));
    assert!(email.html.contains(&format!("href=\"{link}\"")));
    for part in [&email.subject, &email.text, &email.html] {
        assert!(!part.contains(&token), "{part}");
    }
    assert_eq!(email.secret.as_ref().map(|s| s.expose()), Some(&*token));
}
