//! The capability guard in front of every route: asks the authorization policy
//! ([`Actor::may`](onsite_app::policy::Actor::may)) whether the visitor may use the route's
//! [`Capability`], and answers the refusal when not. Handlers never check roles themselves.
//!
//! Refusals, the same everywhere:
//!
//! | who | page | JSON API (`/api/…`) |
//! |---|---|---|
//! | anonymous, route needs someone signed in | 303 to `/sign-in?return_to=…` | 401 |
//! | signed in, route is for anonymous visitors (sign in, redeem) | 303 to `/` | 403 |
//! | signed in, capability missing, route names a record (`{id}` in its path) | 404 | 404 |
//! | signed in, capability missing, any other route | 403 | 403 |
//! | the session could not be loaded (database down) | 503 | 503 |
//!
//! Requests made with an API token (`Authorization: Bearer`, `/api/` routes only, see
//! `session.rs`) are checked first: a refused token is answered with its failure (401 for an
//! unknown, revoked or expired token or one whose creator may no longer administer, 429 with
//! `Retry-After` over its rate limit); then the route must belong to an [`Area`] (the route
//! table's `area`) whose scope the token has — read for `GET`, write for anything else — or
//! the answer is 403 (`insufficient_scope`), routes of no area (customers', partners',
//! technicians') included; `Public` routes let any valid token through. Then the policy
//! judges the token's creator as for their session.
//!
//! A route with a path parameter answers 404, exactly as for an id that does not exist, so
//! nobody can probe which records exist by their ids. A route without one reveals nothing by
//! existing (its address is the same in every installation), so it says plainly "not
//! allowed".

use crate::error::{WebError, is_api};
use crate::routes::Route;
use crate::session::{Bearer, Visitor};
use axum::extract::{Request, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onsite_app::policy::{Actor, Capability};
use onsite_domain::api_token::{Access, Area};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What the guard of one route knows.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub capability: Capability,
    /// The route names a record: refusals are 404 (see the module doc).
    pub names_a_record: bool,
    /// The area whose scope an API token needs here (`None`: no token may use it).
    pub area: Option<Area>,
    /// What an API token needs of the area: read for `GET`, write otherwise.
    pub access: Access,
}

impl Rule {
    pub fn for_route(route: &Route) -> Rule {
        Rule {
            capability: route.capability,
            names_a_record: route.path.contains('{'),
            area: route.area,
            access: if route.method == Method::GET {
                Access::Read
            } else {
                Access::Write
            },
        }
    }
}

/// The refusal of a request made with an API token, if any (see the module doc).
pub fn token_refusal(visitor: &Visitor, rule: Rule) -> Option<WebError> {
    match visitor.bearer.as_ref()? {
        Bearer::Refused(failure) => Some(WebError::Failed(failure.clone())),
        Bearer::Valid(_) if rule.capability == Capability::Public => None,
        Bearer::Valid(token) => match rule.area {
            Some(area) if token.scopes.allows(area, rule.access) => None,
            _ => Some(WebError::TokenScope),
        },
    }
}

/// How the guard refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 303 to the sign-in page (pages, anonymous).
    SignIn,
    /// 401 (API, anonymous).
    Unauthorized,
    /// 303 home (signed in, on a page for anonymous visitors).
    Home,
    NotFound,
    Forbidden,
    Unavailable,
}

/// The refusal for `visitor` on a route with `rule`, or `None` when the policy allows it.
pub fn refusal(visitor: &Visitor, rule: Rule, api: bool) -> Option<Refusal> {
    if visitor.actor.may(rule.capability) {
        return None;
    }
    if visitor.lookup_failed {
        return Some(Refusal::Unavailable);
    }
    Some(match (&visitor.actor, rule.capability) {
        (Actor::Anonymous, _) if api => Refusal::Unauthorized,
        (Actor::Anonymous, _) => Refusal::SignIn,
        (Actor::User(_), Capability::AnonymousOnly) if !api => Refusal::Home,
        (Actor::User(_), _) if rule.names_a_record => Refusal::NotFound,
        (Actor::User(_), _) => Refusal::Forbidden,
    })
}

/// Route layer: lets the request through or answers the refusal.
pub async fn require(State(rule): State<Rule>, request: Request, next: Next) -> Response {
    let anonymous = Visitor::anonymous();
    let visitor = request.extensions().get::<Visitor>().unwrap_or(&anonymous);
    let api = is_api(request.uri().path());
    if let Some(refused) = token_refusal(visitor, rule) {
        return refused.into_response();
    }
    let Some(refusal) = refusal(visitor, rule, api) else {
        return next.run(request).await;
    };
    match refusal {
        Refusal::SignIn => {
            // After signing in, come back to the page asked for (only for a page one can
            // open again: a refused form post goes back to the home page).
            let location = if matches!(*request.method(), Method::GET | Method::HEAD) {
                let here = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
                format!("/sign-in?return_to={}", encode_component(here))
            } else {
                "/sign-in".to_owned()
            };
            see_other(&location)
        }
        Refusal::Home => see_other("/"),
        Refusal::Unauthorized => WebError::Unauthorized.into_response(),
        Refusal::NotFound => WebError::NotFound.into_response(),
        Refusal::Forbidden => WebError::Forbidden.into_response(),
        Refusal::Unavailable => WebError::Unavailable.into_response(),
    }
}

/// A 303 redirect to a local path.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    match HeaderValue::from_str(location) {
        Ok(v) => {
            response.headers_mut().insert(LOCATION, v);
        }
        Err(_) => {
            response
                .headers_mut()
                .insert(LOCATION, HeaderValue::from_static("/"));
        }
    }
    response
}

/// Percent-encodes everything but RFC 3986's unreserved characters, for a query value.
pub fn encode_component(value: &str) -> String {
    const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(value, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_component("/staff/mailbox?status=failed&x=é"),
            "%2Fstaff%2Fmailbox%3Fstatus%3Dfailed%26x%3D%C3%A9"
        );
    }

    #[test]
    fn anonymous_visitors_are_sent_to_sign_in_and_api_callers_get_401() {
        let rule = |capability, path: &str| Rule {
            capability,
            names_a_record: path.contains('{'),
            area: None,
            access: Access::Read,
        };
        let profile = rule(Capability::SignedIn, "/profile");
        let anonymous = Visitor::anonymous();
        assert_eq!(refusal(&anonymous, profile, false), Some(Refusal::SignIn));
        assert_eq!(
            refusal(&anonymous, profile, true),
            Some(Refusal::Unauthorized)
        );
        let public = rule(Capability::Public, "/");
        assert_eq!(refusal(&anonymous, public, false), None);
    }
}
