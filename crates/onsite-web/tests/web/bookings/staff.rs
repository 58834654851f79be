//! Booking on behalf of a customer (issue 15, item 3): a dispatcher takes a phone order through
//! the pages (account search, asset and service type, the customer's days and slots with the
//! technicians of each, Book) and the customer sees it and gets the email; over JSON a named
//! technician must be eligible and free, another account's asset and an inactive account are
//! refused, bad input names its field; and a dispatcher and a customer racing for the last
//! free time: exactly one wins.

use super::*;
use onsite_app::staff_booking::{self, Order, StaffBookRequest};

/// A second technician of the territory who lacks the HVAC skill (eligible for nothing here).
async fn unskilled_technician(app: &TestApp) -> TechnicianId {
    let mut conn = app.db.store().conn().await.unwrap();
    let territory = territories::list_territories(&mut conn).await.unwrap()[0].id;
    technicians::insert_technician(
        &mut conn,
        &NewTechnician {
            name: "Karim Keyless",
            kind: ResourceKind::User,
            user_id: None,
            home_base: GeoPoint::new(45.556, -73.552).unwrap(),
            time_zone: &TimeZoneName::parse("America/Toronto").unwrap(),
            weekly_hours: &[],
            territories: &[territory],
            skills: &[],
            active: true,
        },
    )
    .await
    .unwrap()
}

both_backends!(
    a_dispatcher_books_for_a_customer_who_sees_it_and_gets_the_confirmation,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;

        // The navigation and the account page lead to the phone order.
        let account = dora
            .get(&format!("/staff/accounts/{}", world.account_a))
            .await
            .text();
        let order = format!("/staff/bookings/new?account_id={}", world.account_a);
        assert!(account.contains(&format!(r#"href="{order}">Book a visit for this customer"#)));
        assert!(account.contains(r#"href="/staff/bookings/new">Book for a customer"#));

        // First the account search.
        let search = dora.get("/staff/bookings/new?q=Zephyrine").await;
        assert_eq!(search.status, StatusCode::OK);
        let search = search.text();
        assert!(
            search.contains("Book a new appointment for a customer"),
            "{search}"
        );
        assert!(search.contains(&format!(r#"href="{order}">Zephyrine Holdings"#)));
        assert!(!search.contains("Borealis Freight"));

        // Then the account's assets and every service type.
        let text = dora.get(&order).await.text();
        assert!(text.contains("Book a new appointment for Zephyrine Holdings"));
        assert!(text.contains("Zephyrine furnace (Lennox EL296)"), "{text}");
        assert!(text.contains("Furnace maintenance (1 h)"));

        // The customer's own days; the slots list who could come, closest first.
        let path = format!(
            "{order}&service_type_id={}&asset_id={}",
            s.service_type, s.asset_a
        );
        let text = dora.get(&path).await.text();
        let days = enabled_days(&text);
        assert!(!days.is_empty(), "{text}");
        let key = values(&text, "idempotency_key")[0].clone();
        let fragment = dora
            .get(&format!(
                "/staff/bookings/new/slots?account_id={}&service_type_id={}&asset_id={}&date={}",
                world.account_a, s.service_type, s.asset_a, days[0]
            ))
            .await
            .text();
        assert!(!fragment.contains("<html"), "a fragment");
        let slots = values(&fragment, "starts_at");
        assert!(!slots.is_empty(), "{fragment}");
        assert!(
            fragment.contains("Sam Servicewoman: 1 min drive from home")
                || fragment.contains("Sam Servicewoman: 0 min drive from home"),
            "{fragment}"
        );
        assert!(fragment.contains("(best placed)"));
        // The same slots the customer sees that day.
        let customer = principal(&app, world.user("customer of A")).await;
        let theirs = booking::slots(
            app.app(),
            customer.grant().unwrap(),
            &ServiceRequest::new(s.service_type, Some(s.asset_a)),
            days[0].parse().unwrap(),
            crate::support::now(&app),
        )
        .await
        .unwrap();
        assert_eq!(
            slots,
            theirs
                .slots
                .iter()
                .map(|s| s.start.to_string())
                .collect::<Vec<_>>()
        );

        // Book (twice with one form: once).
        let fields = [
            ("idempotency_key", key.as_str()),
            ("account_id", &world.account_a.to_string()),
            ("service_type_id", &s.service_type.to_string()),
            ("asset_id", &s.asset_a.to_string()),
            ("date", &days[0]),
            ("starts_at", &slots[0]),
            ("technician_id", ""),
            ("comments", "Called in: the furnace is noisy"),
        ];
        let booked = dora.post("/staff/bookings", &fields).await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.text());
        let location = booked.header("location").to_owned();
        assert_eq!(
            dora.post("/staff/bookings", &fields)
                .await
                .header("location"),
            location
        );
        let id = BookingId(
            location
                .strip_prefix("/staff/bookings/")
                .unwrap()
                .parse()
                .unwrap(),
        );
        assert_eq!(bookings_of_a(&app, &world).await, 1);
        let confirmation = dora.get(&location).await.text();
        assert!(confirmation.contains("Appointment booked for Zephyrine Holdings"));
        assert!(
            confirmation.contains("The customer&#39;s confirmation, with the calendar invitation"),
            "{confirmation}"
        );
        assert!(confirmation.contains("Sam Servicewoman"));

        // The customer sees it on their homepage and got the confirmation with its invitation.
        let mut ana = app.browser_as(world.user("customer of A")).await;
        let home = ana.get("/").await.text();
        assert!(home.contains("Upcoming appointments"), "{home}");
        assert!(home.contains("Furnace maintenance"));
        let sent = emails(&app, &format!("booking:{}:", id.0)).await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(
            sent[0].1.iter().any(|t| t.starts_with("text/calendar")),
            "{sent:?}"
        );
        let mut conn = app.db.store().conn().await.unwrap();
        let outbox = outbox::list(&mut conn, &OutboxFilter::default(), 500, None)
            .await
            .unwrap();
        let to: Vec<String> = outbox
            .iter()
            .filter(|m| m.event_key.starts_with(&format!("booking:{}:", id.0)))
            .map(|m| m.recipient.to_string())
            .collect();
        assert_eq!(to, ["ana.zephyrine@a-account.test"]);

        // Audited, with the dispatcher as the actor.
        let events = onsite_store::audit::recent(&mut conn, 50).await.unwrap();
        let created = events
            .iter()
            .find(|e| e.action == "booking.create" && e.entity_id == Some(id.0))
            .expect("audited");
        assert_eq!(created.actor, Some(world.user("dispatcher")));
        assert!(
            created
                .detail
                .contains(&format!("\"on_behalf_of_account\":{}", world.account_a)),
            "{}",
            created.detail
        );
    }
);

both_backends!(
    a_named_technician_must_be_eligible_and_free_and_bad_orders_name_their_field,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let karim = unskilled_technician(&app).await;
        let api = Api::new(&app, world.user("dispatcher")).await;
        let (day, _) = first_free_day(
            &app,
            &principal(&app, world.user("customer of A")).await,
            s.service_type,
        )
        .await;

        // The slots with their ranked technicians: Sam only (Karim lacks the skill).
        let slots = api
            .get(&format!(
                "/api/v1/staff/bookings/slots?account={}&service_type={}&date={day}",
                world.account_a, s.service_type
            ))
            .await;
        assert_eq!(slots.status, StatusCode::OK, "{}", slots.text());
        let slots = slots.json();
        let first = &slots["slots"][0];
        assert_eq!(first["technicians"][0]["id"], json!(s.technician.0));
        assert_eq!(first["technicians"][0]["before"]["place"], "home");
        assert_eq!(first["technicians"].as_array().unwrap().len(), 1);
        let start = first["start"].as_str().unwrap().to_owned();
        let second = slots["slots"][2]["start"].as_str().unwrap().to_owned();

        let body = |extra: Value| {
            let mut b = json!({
                "account_id": world.account_a.0,
                "service_type_id": s.service_type.0,
                "starts_at": start,
            });
            for (k, v) in extra.as_object().unwrap() {
                b[k] = v.clone();
            }
            b
        };
        let book = "/api/v1/staff/bookings";

        // An ineligible technician: refused, with why, and nothing booked.
        let refused = api
            .post(book, &body(json!({"technician_id": karim.0})), &[])
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
        assert_eq!(error_code(&refused), "technician_ineligible");
        assert_eq!(refused.json()["error"]["field"], "technician_id");
        assert!(
            refused.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("lacks a skill"),
            "{}",
            refused.text()
        );
        // Bad input names the field.
        for (extra, field) in [
            (json!({"technician_id": 999_999}), "technician_id"),
            (json!({"asset_id": 999_999}), "asset_id"),
            (json!({"service_type_id": 999_999}), "service_type_id"),
            (json!({"account_id": 999_999}), "account_id"),
            (json!({"starts_at": "tomorrow at ten"}), "starts_at"),
        ] {
            let answer = api.post(book, &body(extra.clone()), &[]).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{extra}");
            assert_eq!(answer.json()["error"]["field"], field, "{}", answer.text());
        }
        // Another account's asset is not this order's.
        let b_asset = assets::insert_asset(
            &mut app.db.store().conn().await.unwrap(),
            &NewAsset {
                account_id: world.account_b,
                parent_id: None,
                name: "Borealis boiler",
                product: "",
                serial_number: None,
                required_skills: &[],
                expose_to_customer: true,
            },
        )
        .await
        .unwrap();
        let answer = api
            .post(book, &body(json!({"asset_id": b_asset.0})), &[])
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.json()["error"]["field"], "asset_id");
        assert_eq!(bookings_of_a(&app, &world).await, 0);

        // Sam, named: booked (201); then Sam is busy at that time for anyone.
        let booked = api
            .post(book, &body(json!({"technician_id": s.technician.0})), &[])
            .await;
        assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.text());
        assert_eq!(booked.json()["booking"]["technician"], "Sam Servicewoman");
        let again = api
            .post(book, &body(json!({"technician_id": s.technician.0})), &[])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());
        assert_eq!(error_code(&again), "slot_taken");

        // An inactive account: refused as a conflict.
        let mut conn = app.db.store().conn().await.unwrap();
        let seen = onsite_store::accounts::account(&mut conn, world.account_a)
            .await
            .unwrap()
            .version;
        assert!(
            onsite_store::accounts::set_account_active(&mut conn, world.account_a, seen, false)
                .await
                .unwrap()
        );
        drop(conn);
        let inactive = api
            .post(book, &body(json!({"starts_at": second})), &[])
            .await;
        assert_eq!(inactive.status, StatusCode::CONFLICT, "{}", inactive.text());
        assert_eq!(error_code(&inactive), "account_inactive");
        assert_eq!(bookings_of_a(&app, &world).await, 1);
    }
);

both_backends!(
    the_page_refuses_an_ineligible_technician_and_keeps_the_order,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let karim = unskilled_technician(&app).await;
        let (day, slots) = first_free_day(
            &app,
            &principal(&app, world.user("customer of A")).await,
            s.service_type,
        )
        .await;
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let answer = dora
            .post(
                "/staff/bookings",
                &[
                    ("account_id", &world.account_a.to_string()),
                    ("service_type_id", &s.service_type.to_string()),
                    ("date", &day.to_string()),
                    ("starts_at", &slots[0].to_string()),
                    ("technician_id", &karim.to_string()),
                    ("comments", "Keep this note"),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CONFLICT);
        let text = answer.text();
        assert!(text.contains("lacks a skill"), "{text}");
        assert!(text.contains("Keep this note"));
        assert!(
            text.contains(&format!(
                r#"value="{}" form="book-form" required aria-describedby="slot-1-techs" checked"#,
                slots[0]
            )),
            "{text}"
        );
        // Without a time: asked to choose one.
        let answer = dora
            .post(
                "/staff/bookings",
                &[
                    ("account_id", &world.account_a.to_string()),
                    ("service_type_id", &s.service_type.to_string()),
                ],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.text().contains("Choose a time for the visit."));
        assert_eq!(bookings_of_a(&app, &world).await, 0);
        // Nonsense in the address never errors.
        for path in [
            "/staff/bookings/new?account_id=abc",
            "/staff/bookings/new?account_id=999999",
            "/staff/bookings/new?account_id=1&service_type_id=x&date=2031-02-30",
            "/staff/bookings/new/slots?account_id=1&service_type_id=1&date=nope",
            "/staff/bookings/999999",
        ] {
            let status = dora.get(path).await.status;
            assert!(
                status.is_client_error() || status.is_success(),
                "{path}: {status}"
            );
        }
    }
);

both_backends!(
    a_dispatcher_and_a_customer_racing_for_the_last_time_one_wins,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let customer = principal(&app, world.user("customer of A")).await;
        let dispatcher = principal(&app, world.user("dispatcher")).await;
        let (_, slots) = first_free_day(&app, &customer, s.service_type).await;
        let now = crate::support::now(&app);
        // One technician: whoever books this time first takes the last one free.
        let by_customer = booking::book(
            app.app(),
            customer.grant().unwrap(),
            BookRequest {
                service: ServiceRequest::new(s.service_type, None),
                slot_start: slots[3],
                comments: "",
                idempotency_key: None,
            },
            now,
        );
        let by_dispatcher = staff_booking::book(
            app.app(),
            dispatcher.grant().unwrap(),
            StaffBookRequest {
                order: Order {
                    account: world.account_b,
                    service_type: s.service_type,
                    asset: None,
                },
                starts_at: slots[3],
                technician: None,
                comments: "",
                idempotency_key: None,
            },
            now,
        );
        let (a, b) = tokio::join!(by_customer, by_dispatcher);
        let won = [a.is_ok(), b.is_ok()];
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "{a:?} / {b:?}");
        let lost = a.err().or(b.err()).unwrap();
        assert!(matches!(lost, booking::BookingError::SlotTaken), "{lost:?}");
    }
);

both_backends!(
    a_technicians_day_shows_the_route_with_its_drives_and_the_order_verdict,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let s = schedule(&app, &world).await;
        let customer = principal(&app, world.user("customer of A")).await;
        let (day, slots) = first_free_day(&app, &customer, s.service_type).await;
        let now = crate::support::now(&app);
        for slot in [slots[0], slots[4]] {
            booking::book(
                app.app(),
                customer.grant().unwrap(),
                BookRequest {
                    service: ServiceRequest::new(s.service_type, None),
                    slot_start: slot,
                    comments: "",
                    idempotency_key: None,
                },
                now,
            )
            .await
            .unwrap();
        }
        let mut dora = app.browser_as(world.user("dispatcher")).await;
        let tech = dora
            .get(&format!("/staff/technicians/{}", s.technician))
            .await
            .text();
        let link = format!("/staff/technicians/{}/day", s.technician);
        assert!(
            tech.contains(&format!(r#"href="{link}">Day on a map"#)),
            "{tech}"
        );

        let page = dora.get(&format!("{link}?date={day}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Sam Servicewoman&#39;s day"), "{text}");
        // Home, the two visits, home again; each drive with its minutes and kilometres.
        assert_eq!(
            text.matches("Zephyrine Holdings — Furnace maintenance")
                .count(),
            2 + 2
        );
        assert!(text.contains("<th scope=\"row\">1. Home base"));
        assert!(text.contains("<th scope=\"row\">4. Back home"));
        assert!(text.contains(" min · "), "{text}");
        assert!(text.contains("Driving in all:"));
        // Both visits are at the same address: nothing to gain.
        assert!(
            text.contains("The booked order already drives the least"),
            "{text}"
        );
        // The map's points: the same stops as the list, for the script.
        assert!(
            text.contains("data-points=\"[{&#34;label&#34;:&#34;Home base"),
            "{text}"
        );

        // Another day: no visits. Bad input: refused, never a server error.
        let empty = dora
            .get(&format!(
                "{link}?date={}",
                day.checked_add(jiff::Span::new().days(400)).unwrap()
            ))
            .await
            .text();
        assert!(empty.contains("No visits this day."));
        assert_eq!(
            dora.get(&format!("{link}?date=2031-02-30")).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            dora.get("/staff/technicians/987654/day").await.status,
            StatusCode::NOT_FOUND
        );
    }
);
