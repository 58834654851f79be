//! Invitation codes as people type them (spaces, dashes, lower case, O for 0, I or L for 1):
//! the canonical form is groups of five separated by dashes, and normalizing it again changes
//! nothing, so a code typed any of these ways meets the one stored.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_app::secrets::normalize_code;

fuzz_target!(|raw: &str| {
    let code = normalize_code(raw);
    let canonical = code.expose();
    assert_eq!(normalize_code(canonical).expose(), canonical, "{raw:?}");
    for group in canonical.split('-') {
        let n = group.chars().count();
        assert!(
            canonical.is_empty() || (1..=5).contains(&n),
            "{canonical:?}"
        );
    }
    assert!(
        !canonical
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, 'O' | 'I' | 'L'))
    );
    // The redemption form, through axum.
    let _ = onsite_fuzz::form::<onsite_web::identity::sign_in::CodeForm>(raw.as_bytes());
});
