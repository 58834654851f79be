//! Who the person is: sign in and out, redeem an invitation, forgotten and changed passwords,
//! the profile, and external sign-in (OpenID Connect).

pub mod external;
pub mod password;
pub mod profile;
pub mod setup;
pub mod sign_in;

use crate::AppState;
use crate::guard::see_other;
use crate::locale::local_path;
use crate::session::{CookieOptions, SESSION_COOKIE, set_cookie};
use axum::response::Response;
use onsite_app::identity::Issued;

/// Starts the browser's session: sets the session cookie of `issued` and sends the person to
/// `location` (303). The session id is new at every sign-in, so an id planted before signing in
/// is worth nothing after.
pub(crate) fn start_session(state: &AppState, issued: &Issued, location: &str) -> Response {
    let mut response = see_other(location);
    set_cookie(
        response.headers_mut(),
        &state.config,
        SESSION_COOKIE,
        issued.token.expose(),
        CookieOptions::session(),
    );
    response
}

/// A form's `return_to`, if it is a path on this site (anything else is ignored).
pub(crate) fn return_path(raw: Option<&str>) -> Option<&str> {
    raw.filter(|r| !r.is_empty()).and_then(local_path)
}
