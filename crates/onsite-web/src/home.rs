//! The home page. For visitors it is the landing page: what Onsite does, in the words of the
//! portal (Book a new appointment, View Live Map…), who goes where, and the way in (Sign in,
//! Redeem invitation). For someone signed in it is a welcome that lists what their roles let
//! them use; customers who may book get their appointments (Book a new appointment, Active,
//! Upcoming and Past appointments) instead; dispatchers and administrators get the day at a
//! glance above it (`onsite_app::glance`, drawn with `charts`).

use crate::booking::pages as bookings;
use crate::charts::BarChart;
use crate::layout::{Page, render};
use crate::{AppState, CurrentActor, WebResult};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use onsite_app::glance::DayAtAGlance;
use onsite_app::policy::{Capability, Grant, Staff};
use onsite_i18n::Arg;

/// One thing a signed-in person can do from home.
#[derive(Debug, Clone)]
struct Card {
    title: String,
    text: String,
    /// Where to go, and the link's text, when the area exists already.
    link: Option<(&'static str, String)>,
}

/// A card's link: (path, message id of its text).
type CardLink = Option<(&'static str, &'static str)>;

/// The cards of the signed-in home: (capability, title id, text id, link). Shown to those the
/// policy lets use the capability.
const CARDS: &[(Capability, &str, &str, CardLink)] = &[
    (
        Capability::SelfSchedule,
        "web-home-card-appointments-title",
        "web-home-card-appointments-text",
        None,
    ),
    (
        Capability::ReviewRecords,
        "web-home-card-records-title",
        "web-home-card-records-text",
        None,
    ),
    (
        Capability::WorkOpportunities,
        "web-home-card-opportunities-title",
        "web-home-card-opportunities-text",
        Some(("/partner/opportunities", "partner-web-nav-opportunities")),
    ),
    (
        Capability::TechnicianDay,
        "web-home-card-day-title",
        "web-home-card-day-text",
        Some(("/technician", "technician-nav-day")),
    ),
    (
        Capability::Dispatch,
        "customers-home-card-title",
        "customers-home-card-text",
        Some(("/staff/accounts", "customers-nav")),
    ),
    (
        Capability::Dispatch,
        "partner-web-home-card-title",
        "partner-web-home-card-text",
        Some((
            "/staff/opportunities",
            "partner-web-nav-staff-opportunities",
        )),
    ),
    (
        Capability::Dispatch,
        "web-home-card-mailbox-title",
        "web-home-card-mailbox-text",
        Some(("/staff/mailbox", "web-nav-mailbox")),
    ),
    (
        Capability::Dispatch,
        "web-home-card-users-title",
        "web-home-card-users-text",
        Some(("/staff/users", "web-nav-users")),
    ),
    (
        Capability::SignedIn,
        "web-home-card-profile-title",
        "web-home-card-profile-text",
        Some(("/profile", "web-nav-profile")),
    ),
];

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    cards: Vec<Card>,
    glance: Option<Glance>,
}

/// The day at a glance, in words and charts.
#[derive(Debug, Clone)]
struct Glance {
    heading: String,
    late: String,
    waiting: String,
    /// Visits by state, then the technicians' booked shares (when someone works today).
    charts: Vec<BarChart>,
    no_technicians: bool,
}

fn glance_view(page: &Page, day: &DayAtAGlance) -> Glance {
    let locale = page.locale;
    let states = BarChart::new(
        "glance-states",
        page.t("glance-states-title"),
        (page.t("glance-col-state"), page.t("glance-col-visits")),
        0.0,
        day.by_state.iter().map(|(state, n)| {
            (
                bookings::state_label(page, *state),
                *n as f64,
                n.to_string(),
            )
        }),
    );
    let shares = BarChart::new(
        "glance-technicians",
        page.t("glance-technicians-title"),
        (page.t("glance-col-technician"), page.t("glance-col-booked")),
        100.0,
        day.technicians.iter().map(|t| {
            let booked = Arg::Num(t.booked_minutes as f64);
            if t.working_minutes > 0 {
                let percent = (t.booked_minutes * 100 + t.working_minutes / 2) / t.working_minutes;
                let shown = locale.text_with(
                    "glance-booked",
                    &[
                        ("percent", Arg::Num(percent as f64)),
                        ("booked", booked),
                        ("working", Arg::Num(t.working_minutes as f64)),
                    ],
                );
                (t.name.clone(), percent as f64, shown)
            } else {
                let shown = locale.text_with("glance-booked-not-working", &[("booked", booked)]);
                (t.name.clone(), 100.0, shown)
            }
        }),
    );
    let no_technicians = shares.is_empty();
    Glance {
        heading: page.t1(
            "glance-heading",
            "date",
            onsite_i18n::datetime::date(locale, day.date),
        ),
        late: page.tn("glance-late", "count", day.late as i64),
        waiting: page.tn("glance-waiting", "count", day.waiting as i64),
        charts: std::iter::once(states)
            .chain((!no_technicians).then_some(shares))
            .collect(),
        no_technicians,
    }
}

/// `GET /`. A customer who may book gets their appointments instead of the welcome
/// (`pages::bookings::homepage`).
pub async fn home(
    State(state): State<AppState>,
    page: Page,
    CurrentActor(visitor): CurrentActor,
    Query(query): Query<bookings::HomeQuery>,
) -> WebResult<Response> {
    if let Some(user) = &visitor.signed_in
        && visitor.actor.may(Capability::SelfSchedule)
    {
        return bookings::homepage(&state, page, user, &query).await;
    }
    let cards = if visitor.signed_in.is_some() {
        CARDS
            .iter()
            .filter(|(capability, ..)| visitor.actor.may(*capability))
            .map(|(_, title, text, link)| Card {
                title: page.t(title),
                text: page.t(text),
                link: link.map(|(path, label)| (path, page.t(label))),
            })
            .collect()
    } else {
        Vec::new()
    };
    let glance = match visitor.actor.principal().and_then(Staff::of) {
        Some(staff) => {
            let zone = page.time_zone();
            let day =
                onsite_app::glance::day_at_a_glance(&state.app, staff, &zone, state.clock.now())
                    .await?;
            Some(glance_view(&page, &day))
        }
        None => None,
    };
    render(&Home {
        page,
        cards,
        glance,
    })
}
