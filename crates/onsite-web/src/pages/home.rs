//! The home page. Until sign-in exists it is the landing page: what Onsite does for a
//! customer, in the words of the portal (Book a new appointment, View Live Map…), and the way
//! in (Sign in, Redeem invitation).

use crate::layout::{Page, render};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

/// Where "Sign in" leads; the identity work serves this page.
pub const SIGN_IN_PATH: &str = "/sign-in";

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    sign_in: &'static str,
}

async fn home(page: Page) -> WebResult<Response> {
    render(&Home {
        page,
        sign_in: SIGN_IN_PATH,
    })
}
