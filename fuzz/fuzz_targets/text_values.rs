//! Typed text values as people type them into forms: email addresses, phone numbers, names
//! (`single_line`), comments (`free_text`), currencies, decimals, amounts, coordinates, ids,
//! roles and statuses. A value that parses is normalized for good: parsing its text again gives
//! the same value, and it holds nothing the type forbids.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_app::records::staff::{decimal_text, parse_decimal};
use onsite_domain::money::Currency;
use onsite_domain::role::Role;
use onsite_domain::text::{EmailAddress, PhoneNumber, free_text, single_line};
use onsite_fuzz::{SUPPORTED, has_control};
use onsite_web::fuzzing;

fuzz_target!(|raw: &str| {
    if let Ok(email) = EmailAddress::parse(raw) {
        let s = email.as_str();
        assert!(
            s.len() <= 254 && s.contains('@') && !has_control(s),
            "{s:?}"
        );
        assert_eq!(s, s.to_lowercase().trim(), "normalized");
        assert_eq!(EmailAddress::parse(s).as_ref(), Ok(&email), "stable");
    }
    if let Ok(phone) = PhoneNumber::parse(raw) {
        let digits = phone.as_str().chars().filter(char::is_ascii_digit).count();
        assert!((6..=20).contains(&digits));
        assert_eq!(PhoneNumber::parse(phone.as_str()).as_ref(), Ok(&phone));
    }
    for max in [1, 40, 200] {
        if let Ok(s) = single_line("f", raw, max) {
            assert!(!s.is_empty() && s.chars().count() <= max && !has_control(&s));
            assert_eq!(single_line("f", &s, max).as_ref(), Ok(&s));
        }
        if let Ok(Some(s)) = free_text("f", raw, max) {
            assert!(s.chars().count() <= max);
            assert!(
                !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{s:?}"
            );
        }
    }
    if let Ok(c) = Currency::parse(raw) {
        assert_eq!(Currency::parse(c.as_str()), Ok(c));
    }
    for digits in [0, 2, 3] {
        if let Ok(n) = parse_decimal("f", raw, digits) {
            // The text a form shows again reads back as the same number.
            for trim in [false, true] {
                let text = decimal_text(n, digits, trim);
                assert_eq!(parse_decimal("f", &text, digits), Ok(n), "{text:?}");
            }
        }
    }
    for locale in SUPPORTED {
        if let Some(Ok(minor)) = fuzzing::parse_amount(*locale, raw) {
            assert!(minor >= 0, "an amount is never negative: {raw:?} → {minor}");
        }
        if let Some(v) = fuzzing::parse_coordinate(*locale, raw) {
            assert!(v.is_finite());
        }
    }
    if let Some(id) = fuzzing::parse_id(raw) {
        assert!(id > 0);
    }
    if let Ok(role) = raw.parse::<Role>() {
        assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
    }
    let _ = fuzzing::invitation_roles(&[raw.to_owned()]);
    let _ = fuzzing::technician_action(Some(raw));
    let _ = fuzzing::dispatch_action(Some(raw));
    use onsite_domain::agreement::AgreementStatus;
    use onsite_domain::booking::BookingState;
    use onsite_domain::invoice::InvoiceStatus;
    use onsite_domain::work_order::WorkOrderStatus;
    if let Ok(s) = BookingState::parse(raw) {
        assert_eq!(s.as_str(), raw);
    }
    if let Ok(s) = WorkOrderStatus::parse(raw) {
        assert_eq!(WorkOrderStatus::parse(s.as_str()), Ok(s));
    }
    if let Ok(s) = AgreementStatus::parse(raw) {
        assert_eq!(AgreementStatus::parse(s.as_str()), Ok(s));
    }
    if let Ok(s) = InvoiceStatus::parse(raw) {
        assert_eq!(InvoiceStatus::parse(s.as_str()), Ok(s));
    }
});
