//! The home page. Until sign-in exists it is the landing page: what Onsite does for a
//! customer, in the words of the portal (Book a new appointment, View Live Map…), and the way
//! in (Sign in, Redeem invitation).

use crate::layout::{Page, render};
use crate::{AppState, WebResult};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
}

async fn home(page: Page) -> WebResult<Response> {
    render(&Home { page })
}
