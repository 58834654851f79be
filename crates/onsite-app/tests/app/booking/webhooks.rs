//! Webhook events of visits (issue 16): each change queues its event in its own transaction,
//! for the endpoints that want its type only, once; a change that rolls back queues nothing.

use super::*;
use onsite_domain::webhook::{EventType, WebhookUrl};
use onsite_store::webhooks::{self as hooks, EndpointFields};

/// The body of the one delivery of `event_id` to each endpoint that got it.
async fn bodies(w: &World, event_id: &str) -> Vec<serde_json::Value> {
    let mut conn = w.conn().await;
    let found = hooks::deliveries_of_event(&mut conn, event_id)
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for d in found {
        let body: String = sqlx::query_scalar("SELECT body FROM webhook_deliveries WHERE id = $1")
            .bind(d.id.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        bodies.push(serde_json::from_str(&body).unwrap());
    }
    bodies
}

async fn endpoint(w: &World, events: &[EventType]) {
    let url = WebhookUrl::parse("https://erp.example.com/hooks").unwrap();
    let fields = EndpointFields {
        url: &url,
        description: "",
        active: true,
        events,
    };
    hooks::insert_endpoint(&mut *w.conn().await, &fields, "whsec_t", now())
        .await
        .unwrap();
}

both_backends!(
    every_change_of_a_visit_queues_its_event_for_the_endpoints_that_want_it,
    |db: TestDb| async move {
        let w = world(db).await;
        use EventType::*;
        endpoint(
            &w,
            &[
                BookingCreated,
                BookingRescheduled,
                BookingStateChanged,
                BookingCanceled,
            ],
        )
        .await;
        endpoint(&w, &[BookingCanceled]).await;

        let booked = w.book(&w.ana, local(tuesday(), 9, 0)).await.unwrap().visit;
        let created = bodies(&w, &format!("booking.created:{}", booked.id)).await;
        assert_eq!(created.len(), 1, "one endpoint wants it");
        let data = &created[0]["data"];
        assert_eq!(created[0]["type"], "booking.created");
        assert_eq!(data["id"], booked.id.0);
        assert_eq!(data["state"], "scheduled");
        assert_eq!(data["technician"], "Tom");
        assert_eq!(data["comments"], "Door code 1234");
        assert_eq!(data["account_id"], w.acme.0);

        let new_time = local(wednesday(), 10, 0);
        booking::reschedule(&w.app, w.ana.grant().unwrap(), booked.id, new_time, now())
            .await
            .unwrap();
        let moved = bodies(&w, &format!("booking.rescheduled:{}:1", booked.id)).await;
        assert_eq!(moved.len(), 1);
        assert_eq!(
            moved[0]["data"]["previous_starts_at"],
            local(tuesday(), 9, 0).to_string()
        );
        assert_eq!(moved[0]["data"]["starts_at"], new_time.to_string());

        let staff = w.staff.grant().unwrap();
        booking::transition(
            &w.app,
            staff,
            booked.id,
            BookingAction::StartTravel,
            None,
            now(),
        )
        .await
        .unwrap();
        let n = bookings::transitions(&mut *w.conn().await, booked.id)
            .await
            .unwrap()
            .len();
        let traveling = bodies(&w, &format!("booking.state_changed:{}:{n}", booked.id)).await;
        assert_eq!(traveling.len(), 1);
        assert_eq!(traveling[0]["data"]["state"], "traveling");
        assert_eq!(traveling[0]["data"]["previous_state"], "scheduled");

        booking::cancel(
            &w.app,
            w.staff.grant().unwrap(),
            booked.id,
            "Plans changed",
            now(),
        )
        .await
        .unwrap();
        let canceled = bodies(&w, &format!("booking.canceled:{}", booked.id)).await;
        assert_eq!(canceled.len(), 2, "both endpoints want cancellations");
        assert_eq!(canceled[0]["data"]["cancel_reason"], "Plans changed");
        assert_eq!(canceled[0]["data"]["state"], "canceled");
        assert_eq!(w.count("webhook_deliveries").await, 5);

        // Queued in the change's transaction: a change that rolls back leaves none.
        let mut tx = w.app.store.begin().await.unwrap();
        let data = serde_json::json!({});
        let queued = onsite_notify::webhooks::queue(
            &mut tx,
            BookingCanceled,
            "booking.canceled:x",
            &data,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(queued, 2);
        drop(tx);
        assert_eq!(w.count("webhook_deliveries").await, 5);
    }
);
