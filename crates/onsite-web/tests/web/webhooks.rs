//! Webhooks end to end: an administrator registers an endpoint, a booking queues its event in
//! its transaction, and the delivery worker POSTs it, signed, to a real HTTP receiver on a
//! loopback port — down at first (retried), then up (delivered once, the signature verifies).
//! Several workers at once deliver each event exactly once; plain HTTP to another host is
//! refused with the field's message; the pages are for administrators only.

use crate::bookings::{book_first, principal, schedule};
use crate::support::{TestApp, World};
use axum::http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use onsite_domain::webhook::{EventType, WebhookUrl};
use onsite_notify::webhooks::{self, VerifyError, WebhookOptions, WebhookOutcome, WebhookWorker};
use onsite_store::webhooks::{self as store, DeliveryId, EndpointFields, EndpointId};
use onsite_testkit::both_backends;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    signature: String,
    body: Vec<u8>,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A free loopback port (bound, then released: nothing listens there).
async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A real HTTP server on `port` that keeps every POST to `/hook` and answers 200.
async fn receiver(port: u16) -> Inbox {
    let inbox: Inbox = Arc::default();
    let kept = Arc::clone(&inbox);
    let routes = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: bytes::Bytes| {
            let kept = Arc::clone(&kept);
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                kept.lock().unwrap().push(Received {
                    event_id: header("onsite-event-id"),
                    signature: header("onsite-signature"),
                    body: body.to_vec(),
                });
                "thanks"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, routes).await });
    inbox
}

/// A worker whose clock the test moves.
fn worker(app: &TestApp, clock: &Arc<Mutex<Timestamp>>) -> WebhookWorker {
    let clock = Arc::clone(clock);
    let options = WebhookOptions {
        timeout: Duration::from_secs(5),
        ..WebhookOptions::default()
    };
    WebhookWorker::with_options(app.db.store().clone(), options)
        .with_clock(move || *clock.lock().unwrap())
}

/// The signing secret shown on an endpoint's page.
fn secret_in(page: &str) -> String {
    let start = page.find("whsec_").expect("the secret is on the page");
    page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// An endpoint (to a host nobody calls in these tests) with one delivery, for the access
/// matrix's paths.
pub(crate) async fn fixture(app: &TestApp) -> (EndpointId, DeliveryId) {
    let mut conn = app.db.store().conn().await.unwrap();
    let url = WebhookUrl::parse("https://erp.example.com/onsite").unwrap();
    let fields = EndpointFields {
        url: &url,
        description: "Matrix ERP",
        active: true,
        events: &[EventType::InvoiceExposed],
    };
    let now = crate::support::now(app);
    let id = store::insert_endpoint(&mut conn, &fields, "whsec_matrix", now)
        .await
        .unwrap();
    let queued = webhooks::queue(
        &mut conn,
        EventType::InvoiceExposed,
        "invoice.exposed:matrix",
        &serde_json::json!({ "id": 1 }),
        now,
    )
    .await
    .unwrap();
    assert_eq!(queued, 1);
    let delivery = store::deliveries(&mut conn, id, 1, None).await.unwrap()[0].id;
    (id, delivery)
}

both_backends!(
    a_booking_reaches_a_receiver_that_was_down_once_it_is_back_signed,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let schedule = schedule(&app, &world).await;
        let port = free_port().await;
        let mut admin = app.browser_as(world.user("admin")).await;

        // Plain HTTP to another machine is refused next to the field; nothing is added.
        let refused = admin
            .post(
                "/staff/webhooks",
                &[
                    ("url", "http://erp.example.com/hook"),
                    ("event", "booking.created"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(
            text.contains("Only https:// addresses are accepted"),
            "{text}"
        );
        assert!(text.contains(r#"id="url-error""#), "{text}");
        let list = admin.get("/staff/webhooks").await;
        assert!(list.text().contains("No endpoint yet."));

        // To this machine, plain HTTP is fine (tests, local relays).
        let url = format!("http://127.0.0.1:{port}/hook");
        let created = admin
            .post(
                "/staff/webhooks",
                &[
                    ("url", &url),
                    ("description", "Test ERP"),
                    ("event", "booking.created"),
                    ("event", "booking.canceled"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let location = created.header("location");
        assert!(location.ends_with("?notice=webhook-created"), "{location}");
        let endpoint_page = location.split('?').next().unwrap().to_owned();
        let page = admin.get(&endpoint_page).await;
        assert_eq!(page.status, StatusCode::OK);
        let secret = secret_in(&page.text());
        assert_eq!(secret.len(), "whsec_".len() + 64);

        // The booking queues its event in its own transaction.
        let customer = principal(&app, world.user("customer of A")).await;
        let booking = book_first(&app, &customer, schedule.service_type).await;
        let event_id = format!("booking.created:{booking}");

        // The receiver is down: the attempt fails and is retried later, not lost.
        let clock = Arc::new(Mutex::new(crate::support::now(&app)));
        let worker = worker(&app, &clock);
        let at = match worker.try_execute_task().await.unwrap() {
            WebhookOutcome::RetryLater { at, error, .. } => {
                assert!(error.contains("cannot connect"), "{error}");
                at
            }
            other => panic!("expected a retry, got {other:?}"),
        };
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::NoWork
        );
        let log = admin.get(&endpoint_page).await.text();
        assert!(
            log.contains(&event_id) && log.contains("cannot connect"),
            "{log}"
        );

        // Back up: at the retry's time it is delivered, once.
        let inbox = receiver(port).await;
        *clock.lock().unwrap() = at;
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::Delivered { status: 200, .. }
        ));
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::NoWork
        );
        let got = inbox.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert_eq!(r.event_id, event_id);
        let sent_at = Timestamp::from_second(
            r.signature
                .strip_prefix("t=")
                .and_then(|s| s.split(',').next())
                .and_then(|t| t.parse().ok())
                .unwrap(),
        )
        .unwrap();
        let tolerance = SignedDuration::from_mins(5);
        assert_eq!(
            webhooks::verify(&secret, &r.signature, &r.body, sent_at, tolerance),
            Ok(())
        );
        assert_eq!(
            webhooks::verify("whsec_other", &r.signature, &r.body, sent_at, tolerance),
            Err(VerifyError::Mismatch)
        );
        let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["id"], event_id.as_str());
        assert_eq!(body["type"], "booking.created");
        assert_eq!(body["data"]["id"], booking.0);
        assert_eq!(body["data"]["state"], "scheduled");
        assert_eq!(body["data"]["comments"], "Zephyrine: ring twice");
        assert!(body["created_at"].is_string());

        // The log says so; "Redeliver" (audited) sends the same event again, deliberately.
        let log = admin.get(&endpoint_page).await.text();
        assert!(log.contains("Delivered") && log.contains("thanks"), "{log}");
        let id: i64 = endpoint_page
            .strip_prefix("/staff/webhooks/")
            .unwrap()
            .parse()
            .unwrap();
        let mut conn = app.db.store().conn().await.unwrap();
        let delivery = store::deliveries_of_event(&mut conn, &event_id)
            .await
            .unwrap()[0]
            .id;
        drop(conn);
        let again = admin
            .post(
                &format!("/staff/webhooks/{id}/deliveries/{delivery}/redeliver"),
                &[],
            )
            .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::Delivered { .. }
        ));
        assert_eq!(inbox.lock().unwrap().len(), 2);
        assert_eq!(inbox.lock().unwrap()[1].body, r.body, "the very same body");
        let audit = admin.get("/staff/audit").await.text();
        assert!(audit.contains("Redelivered a webhook event"), "{audit}");
        assert!(audit.contains("Added a webhook endpoint"), "{audit}");
        assert!(
            !audit.contains(&secret),
            "the audit log never holds the secret"
        );

        // Rolling the secret: the page shows a new one, which signs from now on.
        let rolled = admin
            .post(&format!("/staff/webhooks/{id}/secret"), &[])
            .await;
        assert_eq!(rolled.status, StatusCode::SEE_OTHER);
        let new_secret = secret_in(&admin.get(&endpoint_page).await.text());
        assert_ne!(new_secret, secret);
    }
);

both_backends!(
    several_workers_deliver_each_event_exactly_once,
    |app: TestApp| async move {
        let port = free_port().await;
        let inbox = receiver(port).await;
        let now = crate::support::now(&app);
        let mut conn = app.db.store().conn().await.unwrap();
        let url = WebhookUrl::parse(&format!("http://127.0.0.1:{port}/hook")).unwrap();
        let fields = EndpointFields {
            url: &url,
            description: "",
            active: true,
            events: &[EventType::BookingCreated],
        };
        store::insert_endpoint(&mut conn, &fields, "whsec_k", now)
            .await
            .unwrap();
        // A type nobody wants queues nothing.
        let data = serde_json::json!({});
        let none = webhooks::queue(&mut conn, EventType::InvoiceExposed, "x:1", &data, now);
        assert_eq!(none.await.unwrap(), 0);
        const EVENTS: usize = 24;
        for n in 0..EVENTS {
            let id = format!("booking.created:{n}");
            let data = serde_json::json!({ "n": n });
            let queued = webhooks::queue(&mut conn, EventType::BookingCreated, &id, &data, now);
            assert_eq!(queued.await.unwrap(), 1);
            // A second queueing of the same event is a no-op.
            let again = webhooks::queue(&mut conn, EventType::BookingCreated, &id, &data, now);
            assert_eq!(again.await.unwrap(), 0);
        }
        drop(conn);

        let clock = Arc::new(Mutex::new(now));
        let workers: Vec<WebhookWorker> = (0..4).map(|_| worker(&app, &clock)).collect();
        let runs = workers.iter().map(|w| async move {
            let mut delivered = 0;
            loop {
                match w.try_execute_task().await.unwrap() {
                    WebhookOutcome::NoWork => return delivered,
                    WebhookOutcome::Delivered { .. } => delivered += 1,
                    other => panic!("{other:?}"),
                }
            }
        });
        let counts = futures_util::future::join_all(runs).await;
        assert_eq!(counts.iter().sum::<usize>(), EVENTS, "{counts:?}");
        let got = inbox.lock().unwrap().clone();
        assert_eq!(got.len(), EVENTS);
        let mut ids: Vec<&str> = got.iter().map(|r| r.event_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), EVENTS, "no event twice");
    }
);

both_backends!(
    only_administrators_reach_the_webhook_pages_and_the_secret,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let (endpoint, _) = fixture(&app).await;
        let page = format!("/staff/webhooks/{endpoint}");
        for who in ["dispatcher", "technician", "customer of A", "partner"] {
            let mut browser = app.browser_as(world.user(who)).await;
            let list = browser.get("/staff/webhooks").await;
            assert_eq!(list.status, StatusCode::FORBIDDEN, "{who}");
            let one = browser.get(&page).await;
            assert_eq!(one.status, StatusCode::NOT_FOUND, "{who}");
            assert!(!one.text().contains("whsec_matrix"), "{who}");
            let roll = browser.post(&format!("{page}/secret"), &[]).await;
            assert_eq!(roll.status, StatusCode::NOT_FOUND, "{who}");
            let nav = browser.get("/").await.text();
            assert!(!nav.contains(r#"href="/staff/webhooks""#), "{who}");
        }
        let mut admin = app.browser_as(world.user("admin")).await;
        let home = admin.get("/").await.text();
        assert!(
            home.contains(r#"href="/staff/webhooks""#),
            "linked from the navigation"
        );
        let shown = admin.get(&page).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("whsec_matrix"));
        assert_eq!(shown.header("cache-control"), "no-store");
        let list = admin.get("/staff/webhooks").await.text();
        assert!(list.contains("https://erp.example.com/onsite"), "{list}");
        assert!(
            !list.contains("whsec_matrix"),
            "the list does not show secrets"
        );
    }
);

both_backends!(
    a_delivery_is_given_up_after_the_sites_number_of_attempts,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        admin.get("/staff/webhooks").await;
        let out_of_range = admin
            .post(
                "/staff/webhooks/settings",
                &[("webhooks/max_attempts", "99")],
            )
            .await;
        assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(out_of_range.text().contains("webhooks/max_attempts-error"));
        let saved = admin
            .post(
                "/staff/webhooks/settings",
                &[("webhooks/max_attempts", "2")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        let port = free_port().await;
        let url = format!("http://localhost:{port}/hook");
        let created = admin
            .post(
                "/staff/webhooks",
                &[
                    ("url", &url),
                    ("event", "invoice.exposed"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER);
        let page = created
            .header("location")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let now = crate::support::now(&app);
        let mut conn = app.db.store().conn().await.unwrap();
        let data = serde_json::json!({ "id": 7 });
        webhooks::queue(
            &mut conn,
            EventType::InvoiceExposed,
            "invoice.exposed:7:1",
            &data,
            now,
        )
        .await
        .unwrap();
        drop(conn);

        let clock = Arc::new(Mutex::new(now));
        let worker = worker(&app, &clock);
        let WebhookOutcome::RetryLater { at, .. } = worker.try_execute_task().await.unwrap() else {
            panic!("the first attempt is retried");
        };
        *clock.lock().unwrap() = at;
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::GaveUp { .. }
        ));
        *clock.lock().unwrap() = at + SignedDuration::from_hours(24);
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            WebhookOutcome::NoWork
        );
        let log = admin.get(&page).await.text();
        assert!(log.contains("Given up"), "{log}");
        let list = admin.get("/staff/webhooks").await.text();
        assert!(list.contains(r#"value="2""#), "{list}");
    }
);

both_backends!(
    an_invoice_shown_to_its_customer_queues_invoice_exposed_once_per_showing,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let schedule = schedule(&app, &world).await;
        let mut conn = app.db.store().conn().await.unwrap();
        let url = WebhookUrl::parse("https://billing.example.com/onsite").unwrap();
        let fields = EndpointFields {
            url: &url,
            description: "",
            active: true,
            events: &[EventType::InvoiceExposed],
        };
        let now = crate::support::now(&app);
        let endpoint = store::insert_endpoint(&mut conn, &fields, "whsec_b", now)
            .await
            .unwrap();
        drop(conn);
        let count = async || {
            let mut conn = app.db.store().conn().await.unwrap();
            store::deliveries(&mut conn, endpoint, 500, None)
                .await
                .unwrap()
                .len()
        };
        // Created visible (A's and B's), or hidden (none).
        let r = crate::records::Records::build(&app, &world, schedule.service_type).await;
        assert_eq!(count().await, 2);

        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let expose = format!("/staff/invoices/{}/expose", r.invoice_a_hidden);
        let shown = dispatcher.post(&expose, &[("exposed", "true")]).await;
        assert_eq!(shown.status, StatusCode::SEE_OTHER);
        assert_eq!(count().await, 3);
        let mut conn = app.db.store().conn().await.unwrap();
        let last = &store::deliveries(&mut conn, endpoint, 1, None)
            .await
            .unwrap()[0];
        assert!(
            last.event_id
                .starts_with(&format!("invoice.exposed:{}:", r.invoice_a_hidden)),
            "{}",
            last.event_id
        );
        drop(conn);
        // Already visible: nothing new. Hidden and shown again: a new event.
        dispatcher.post(&expose, &[("exposed", "true")]).await;
        assert_eq!(count().await, 3);
        dispatcher.post(&expose, &[("exposed", "false")]).await;
        assert_eq!(count().await, 3);
        dispatcher.post(&expose, &[("exposed", "true")]).await;
        assert_eq!(count().await, 4);
    }
);
