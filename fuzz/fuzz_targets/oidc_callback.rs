//! The OpenID Connect callback's parameters (`state`, `code`, `error` in the query, the state
//! cookie) and the "Sign in with …" form: read through axum as the handlers read them, then the
//! checks `Oidc::finish` makes before it touches the store: a state is matched by its hash,
//! and only the same presented value (spaces around it aside) matches the cookie's.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use onsite_app::secrets::Secret;
use onsite_web::identity::external::{BeginForm, CallbackQuery};
use std::collections::HashMap;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    query: &'a str,
    cookie_state: &'a str,
    begin: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let _ = onsite_fuzz::form::<BeginForm>(input.begin);
    let Some(_) = onsite_fuzz::query::<CallbackQuery>(input.query) else {
        return;
    };
    let fields = onsite_fuzz::query::<HashMap<String, String>>(input.query).unwrap_or_default();
    if let Some(state) = fields.get("state").filter(|s| !s.is_empty()) {
        let hash = Secret::from_presented(state).hash();
        assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        let same = Secret::from_presented(input.cookie_state).hash() == hash;
        assert_eq!(same, input.cookie_state.trim() == state.trim());
    }
});
