//! The visits after booking: the customer reschedules and cancels with a reason, another
//! account's visit is not found anywhere, hidden assets and work orders stay hidden, a visit
//! that has started cannot be modified and moves through the homepage (whose Past tab works
//! without JavaScript), and the dispatcher cancels with a reason and sees flagged visits first.

use super::*;

both_backends!(
    a_customer_reschedules_then_cancels_with_a_reason,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let who = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &who, s.service_type).await;
        let (_, before) = state_of(&app, id).await;
        let mut ana = app.browser_as(world.user("customer of A")).await;

        // Modify: the day picker and Cancel appointment.
        let page = ana.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("Modify appointment"));
        assert!(page.contains("Choose a new date and time"));
        assert!(page.contains("Cancel appointment"));
        let days = enabled_days(&page);
        let fragment = ana
            .get(&format!("/bookings/{id}/slots?date={}", days[0]))
            .await
            .text();
        let new_slot = values(&fragment, "slot")
            .into_iter()
            .find(|v| *v != before.to_string())
            .expect("another slot");
        let moved = ana
            .post(
                &format!("/bookings/{id}/reschedule"),
                &[("date", &days[0]), ("slot", &new_slot)],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert_eq!(
            moved.header("location"),
            format!("/bookings/{id}?notice=booking-rescheduled")
        );
        let (state, after) = state_of(&app, id).await;
        assert_eq!(state, BookingState::Scheduled);
        assert_eq!(after.to_string(), new_slot);
        assert_eq!(
            emails(&app, &format!("booking:{id}:rescheduled"))
                .await
                .len(),
            1
        );
        let shown = ana.get(moved.header("location")).await.text();
        assert!(shown.contains("Your appointment has a new time"));

        // Rescheduling without a time, or to a time not on the grid: refused, nothing moves.
        let none = ana
            .post(&format!("/bookings/{id}/reschedule"), &[("date", &days[0])])
            .await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.text().contains("Choose a time from the list."));
        let odd = (after + SignedDuration::from_mins(7)).to_string();
        let off_grid = ana
            .post(&format!("/bookings/{id}/reschedule"), &[("slot", &odd)])
            .await;
        assert!(off_grid.status.is_client_error(), "{}", off_grid.status);
        assert!(
            off_grid
                .text()
                .contains("This is not one of the times offered")
        );
        assert_eq!(state_of(&app, id).await.1, after);

        // Cancel needs a reason.
        let no_reason = ana
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "  ")])
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            no_reason
                .text()
                .contains("Please tell us why you are canceling.")
        );
        assert_eq!(state_of(&app, id).await.0, BookingState::Scheduled);
        let canceled = ana
            .post(
                &format!("/bookings/{id}/cancel"),
                &[("reason", "The furnace works again")],
            )
            .await;
        assert_eq!(canceled.status, StatusCode::SEE_OTHER);
        assert_eq!(
            canceled.header("location"),
            "/?tab=past&notice=booking-canceled"
        );
        assert_eq!(state_of(&app, id).await.0, BookingState::Canceled);
        assert_eq!(
            emails(&app, &format!("booking:{id}:canceled")).await.len(),
            1
        );

        // It is under Past appointments, as Canceled with its reason; nothing is upcoming.
        let past = ana.get(canceled.header("location")).await.text();
        assert!(past.contains("Your appointment is canceled"));
        assert!(past.contains("Canceled"));
        assert!(past.contains("The furnace works again"));
        assert!(past.contains(r#"aria-current="page">Past appointments"#));
        let upcoming = ana.get("/").await.text();
        assert!(upcoming.contains("No upcoming appointments."));

        // A canceled visit's page is read-only and says why; posting anyway is refused.
        let page = ana.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("This appointment is canceled."));
        assert!(!page.contains("Choose a new date and time"));
        let again = ana
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "again")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }
);

both_backends!(
    another_accounts_visit_is_not_found_anywhere,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let (_, starts) = state_of(&app, id).await;
        let mut bruno = app.browser_as(world.user("customer of B")).await;
        for path in [
            format!("/bookings/{id}"),
            format!("/bookings/{id}/slots?date=2030-01-01"),
        ] {
            let answer = bruno.get(&path).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!answer.text().contains("Zephyrine"), "{path}");
        }
        let cancel = bruno
            .post(&format!("/bookings/{id}/cancel"), &[("reason", "mine now")])
            .await;
        assert_eq!(cancel.status, StatusCode::NOT_FOUND);
        let reschedule = bruno
            .post(
                &format!("/bookings/{id}/reschedule"),
                &[(
                    "slot",
                    &(starts + SignedDuration::from_hours(1)).to_string(),
                )],
            )
            .await;
        assert_eq!(reschedule.status, StatusCode::NOT_FOUND);
        let api = Api::new(&app, world.user("customer of B")).await;
        assert_eq!(
            api.get(&format!("/api/v1/bookings/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let refused = api
            .post(
                &format!("/api/v1/bookings/{id}/cancel"),
                &json!({"reason": "x"}),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&refused), "not_found");
        let list = api.get("/api/v1/bookings").await.json();
        assert_eq!(list["upcoming"], json!([]));
        // Unchanged.
        assert_eq!(state_of(&app, id).await, (BookingState::Scheduled, starts));
    }
);

/// Books the first free slot for `who` on the asset, with the comments.
async fn book_on_asset(
    app: &TestApp,
    who: &Principal,
    s: &Schedule,
    slot: usize,
    comments: &str,
) -> booking::VisitView {
    let (_, slots) = first_free_day(app, who, s.service_type).await;
    booking::book(
        app.app(),
        who.grant().unwrap(),
        BookRequest {
            service: ServiceRequest::new(s.service_type, Some(s.asset_a)),
            slot_start: slots[slot],
            comments,
            idempotency_key: None,
        },
        crate::support::now(app),
    )
    .await
    .unwrap()
    .visit
}

/// Every text of the emails of a visit's events after the confirmation (bodies and calendar
/// invitations).
async fn later_email_texts(app: &TestApp, id: BookingId) -> Vec<String> {
    let mut conn = app.db.store().conn().await.unwrap();
    let list = outbox::list(&mut conn, &OutboxFilter::default(), 500, None)
        .await
        .unwrap();
    let mut texts = Vec::new();
    for summary in list.iter().filter(|m| {
        m.event_key.starts_with(&format!("booking:{id}:")) && !m.event_key.ends_with(":confirmed")
    }) {
        let m = outbox::get(&mut conn, summary.id).await.unwrap();
        texts.extend([m.subject, m.text_body, m.html_body]);
        texts.extend(
            m.attachments
                .iter()
                .map(|a| String::from_utf8_lossy(&a.content).into_owned()),
        );
    }
    texts
}

// Staff turn Expose to Customer off on an asset and on work orders: from then on, nothing the
// customer is shown of their visits names the asset, the work orders' numbers or their
// summaries (the customer's comments): not the visit page, the homepage, the live map, Send
// Feedback, the API, nor the emails of what happens next and their calendar invitations. Staff
// still see all of it.
both_backends!(
    hidden_assets_and_work_orders_stay_hidden_on_the_customers_visits,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let first = book_on_asset(&app, &ana, &s, 0, "Ring twice at the back door").await;
        let second = book_on_asset(&app, &ana, &s, 2, "Ring twice at the back door").await;
        let mut customer = app.browser_as(world.user("customer of A")).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let secrets = |v: &booking::VisitView| {
            [
                "Zephyrine furnace".to_owned(),
                "Ring twice".to_owned(),
                v.work_order_number.clone().unwrap(),
            ]
        };
        let page = customer
            .get(&format!("/bookings/{}", first.id))
            .await
            .text();
        for secret in secrets(&first) {
            assert!(page.contains(&secret), "exposed, {secret} is shown");
        }

        for path in [
            format!("/staff/assets/{}/expose", s.asset_a),
            format!("/staff/work-orders/{}/expose", first.work_order_id),
            format!("/staff/work-orders/{}/expose", second.work_order_id),
        ] {
            let hidden = dora.post(&path, &[("exposed", "false")]).await;
            assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{path}");
        }
        let day = first
            .starts_at
            .to_zoned(jiff::tz::TimeZone::get("America/Toronto").unwrap())
            .date();
        let travel = dora
            .post(
                &format!("/staff/visits/{}/transition", first.id),
                &[("action", "start_travel"), ("day", &day.to_string())],
            )
            .await;
        assert_eq!(travel.status, StatusCode::SEE_OTHER, "{}", travel.text());

        let api = Api::new(&app, world.user("customer of A")).await;
        let mut shown = vec![
            customer.get("/").await.text(),
            customer
                .get(&format!("/bookings/{}", first.id))
                .await
                .text(),
            customer
                .get(&format!("/bookings/{}", second.id))
                .await
                .text(),
            customer
                .get(&format!("/bookings/{}/live", first.id))
                .await
                .text(),
            api.get("/api/v1/bookings").await.text(),
            api.get(&format!("/api/v1/bookings/{}", first.id))
                .await
                .text(),
            api.get(&format!("/api/v1/bookings/{}/live", first.id))
                .await
                .text(),
        ];
        for visit in [&first, &second] {
            let answer = api
                .get(&format!("/api/v1/bookings/{}", visit.id))
                .await
                .json();
            assert_eq!(answer["booking"]["work_order"], Value::Null, "{answer}");
            assert_eq!(answer["booking"]["asset"], Value::Null);
            assert_eq!(answer["booking"]["comments"], Value::Null);
        }
        // What happens next: the visit is completed (Send Feedback), the other one canceled.
        for action in ["start_work", "complete"] {
            let moved = dora
                .post(
                    &format!("/staff/visits/{}/transition", first.id),
                    &[("action", action)],
                )
                .await;
            assert_eq!(moved.status, StatusCode::SEE_OTHER, "{action}");
        }
        shown.push(customer.get("/?tab=past").await.text());
        shown.push(
            customer
                .get(&format!("/bookings/{}/feedback", first.id))
                .await
                .text(),
        );
        let canceled = customer
            .post(
                &format!("/bookings/{}/cancel", second.id),
                &[("reason", "No longer needed")],
            )
            .await;
        assert!(canceled.status.is_redirection(), "{}", canceled.text());
        let first_emails = later_email_texts(&app, first.id).await;
        let second_emails = later_email_texts(&app, second.id).await;
        assert!(first_emails.len() >= 4, "on the way and completed");
        assert!(second_emails.len() >= 3, "canceled, with its invitation");
        shown.extend(first_emails);
        shown.extend(second_emails);
        for text in &shown {
            for secret in secrets(&first).iter().chain(&secrets(&second)) {
                assert!(!text.contains(secret.as_str()), "{secret} shown in\n{text}");
            }
        }

        // Staff see them all.
        let board = dora
            .get(&format!("/staff/visits?day={day}&visit={}", first.id))
            .await
            .text();
        assert!(board.contains("Zephyrine furnace"));
        assert!(board.contains(first.work_order_number.as_deref().unwrap()));
    }
);

both_backends!(
    visits_that_have_started_cannot_be_modified_and_move_through_the_homepage,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let mut customer = app.browser_as(world.user("customer of A")).await;

        // The board lists the visit; the dispatcher starts travel.
        let (_, starts) = state_of(&app, id).await;
        let day = starts
            .to_zoned(jiff::tz::TimeZone::get("America/Toronto").unwrap())
            .date();
        let board = dora
            .get(&format!(
                "/staff/visits?day={day}&technician={}&visit={id}",
                s.technician
            ))
            .await;
        assert_eq!(board.status, StatusCode::OK);
        let text = board.text();
        assert!(text.contains("Zephyrine Holdings"), "{text}");
        assert!(text.contains("Start travel"));
        let moved = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_travel"), ("day", &day.to_string())],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
        assert!(moved.header("location").contains("notice=visit-updated"));
        assert_eq!(state_of(&app, id).await.0, BookingState::Traveling);

        // The customer: Active appointment with the technician and the planned arrival.
        let home = customer.get("/").await.text();
        assert!(home.contains("Active appointment"));
        assert!(home.contains("Sam Servicewoman is on the way."));
        assert!(home.contains("Planned arrival at"));
        // Tracking is on (the default): View Live Map leads to the visit's live map.
        assert!(home.contains(&format!(r#"href="/bookings/{id}/live">View Live Map</a>"#)));
        // Modify is refused on the page and by the server.
        let page = customer.get(&format!("/bookings/{id}")).await.text();
        assert!(page.contains("The technician is on the way"));
        assert!(!page.contains("Cancel appointment</button>"));
        let cancel = customer
            .post(
                &format!("/bookings/{id}/cancel"),
                &[("reason", "too late?")],
            )
            .await;
        assert_eq!(cancel.status, StatusCode::CONFLICT);
        assert!(cancel.text().contains("can no longer be changed"));
        let api = Api::new(&app, world.user("customer of A")).await;
        let refused = api
            .post(
                &format!("/api/v1/bookings/{id}/reschedule"),
                &json!({"slot_start": (starts + SignedDuration::from_hours(1)).to_string()}),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(error_code(&refused), "not_modifiable");
        let fragment = customer
            .get(&format!("/bookings/{id}/slots?date={day}"))
            .await;
        assert_eq!(fragment.status, StatusCode::CONFLICT);

        // In Progress: under Upcoming, Modify shown disabled.
        let started = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_work")],
            )
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        let home = customer.get("/").await.text();
        assert!(home.contains("In Progress"));
        assert!(home.contains(r#"disabled aria-disabled="true""#));
        assert!(!home.contains("Active appointment"));

        // A move that is not allowed now is refused with the message, nothing changes.
        let illegal = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "start_travel")],
            )
            .await;
        assert_eq!(illegal.status, StatusCode::CONFLICT);
        assert!(illegal.text().contains("can no longer be changed"));

        // Completed with a note: under Past.
        let done = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "complete"), ("note", "Filter replaced")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(state_of(&app, id).await.0, BookingState::Completed);
        let past = customer.get("/?tab=past").await.text();
        assert!(past.contains("Completed"));
        assert!(past.contains("Furnace maintenance"));
    }
);

both_backends!(
    the_dispatcher_cancels_with_a_reason_and_sees_flagged_visits_first,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let ana = principal(&app, world.user("customer of A")).await;
        let id = book_first(&app, &ana, s.service_type).await;
        {
            let mut conn = app.db.store().conn().await.unwrap();
            onsite_store::reassignment::flag(&mut conn, id, "time off", crate::support::now(&app))
                .await
                .unwrap();
        }
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let board = dora.get("/staff/visits").await.text();
        let attention = board
            .find(&format!(r#"id="attention-{id}""#))
            .expect("the flagged visit in the attention lane");
        let lanes = board.find(r#"class="board-day""#);
        assert!(
            lanes.is_none_or(|t| attention < t),
            "flagged visits come first"
        );
        assert!(board.contains("Zephyrine Holdings"));
        // The customer is asked to choose a new time, first thing on the homepage.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        let home = customer.get("/").await.text();
        assert!(home.contains("We need a new time for this visit"));
        assert!(home.contains("Choose a new time"));

        // Cancel without a reason: refused; with one: done, and the customer is told.
        let bare = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "cancel")],
            )
            .await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bare.text()
                .contains("Please tell us why you are canceling.")
        );
        let canceled = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[
                    ("action", "cancel"),
                    ("note", "Technician ill, nobody free"),
                ],
            )
            .await;
        assert_eq!(canceled.status, StatusCode::SEE_OTHER);
        assert_eq!(state_of(&app, id).await.0, BookingState::Canceled);
        assert_eq!(
            emails(&app, &format!("booking:{id}:canceled")).await.len(),
            1
        );
        let board = dora.get("/staff/visits").await.text();
        assert!(
            !board.contains(&format!(r#"id="attention-{id}""#)),
            "the flag is resolved"
        );

        // Filters: a state that is not one, an unknown action.
        let bad = dora
            .get("/staff/visits?view=lost&day=2026-02-30&technician=x")
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(text.contains("This value is not one we know."), "{text}");
        assert!(text.contains("This is not a valid date"));
        let unknown = dora
            .post(
                &format!("/staff/visits/{id}/transition"),
                &[("action", "teleport")],
            )
            .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

#[tokio::test]
async fn the_homepage_past_tab_works_without_javascript() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let s = schedule(&app, &world).await;
    let ana = principal(&app, world.user("customer of A")).await;
    let id = book_first(&app, &ana, s.service_type).await;
    booking::cancel(
        app.app(),
        ana.grant().unwrap(),
        id,
        "Moved house",
        crate::support::now(&app),
    )
    .await
    .unwrap();
    let mut browser = app.browser_as(world.user("customer of A")).await;
    let upcoming = browser.get("/").await.text();
    assert!(upcoming.contains(r#"aria-current="page">Upcoming appointments"#));
    assert!(!upcoming.contains("Moved house"));
    let past = browser.get("/?tab=past").await.text();
    assert!(past.contains("Moved house"));
    assert!(past.contains(r#"<a href="/bookings/"#), "details link");
}
