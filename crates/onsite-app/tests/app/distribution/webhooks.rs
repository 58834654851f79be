//! Webhook events of partner distribution (issue 16): a partner's decline, accept and close
//! each queue their event in their own transaction, naming the partner and the outcome.

use super::*;
use onsite_domain::webhook::{EventType, WebhookUrl};
use onsite_store::webhooks::{self as hooks, EndpointFields};

both_backends!(
    a_partners_decline_accept_and_close_reach_the_endpoints,
    partners_answers_are_events
);

async fn partners_answers_are_events(db: TestDb) {
    let w = world(db).await;
    let url = WebhookUrl::parse("https://crm.example.com/onsite").unwrap();
    let events = [
        EventType::OpportunityAccepted,
        EventType::OpportunityDeclined,
        EventType::OpportunityClosed,
    ];
    let fields = EndpointFields {
        url: &url,
        description: "CRM",
        active: true,
        events: &events,
    };
    let endpoint = hooks::insert_endpoint(
        &mut w.app.store.conn().await.unwrap(),
        &fields,
        "whsec_c",
        hours(0),
    )
    .await
    .unwrap();
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    dist::distribute(&w.app, w.staff.grant().unwrap(), id, None, hours(0))
        .await
        .unwrap();
    dist::decline(&w.app, w.a.who.grant().unwrap(), id, "Too far", hours(1))
        .await
        .unwrap();
    dist::accept(&w.app, w.b.who.grant().unwrap(), id, hours(2))
        .await
        .unwrap();
    dist::close_won(&w.app, w.b.who.grant().unwrap(), id, "", hours(3))
        .await
        .unwrap();

    let mut conn = w.app.store.conn().await.unwrap();
    let mut log = hooks::deliveries(&mut conn, endpoint, 10, None)
        .await
        .unwrap();
    log.reverse();
    let mut seen = Vec::new();
    for d in &log {
        let body: String = sqlx::query_scalar("SELECT body FROM webhook_deliveries WHERE id = $1")
            .bind(d.id.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["data"]["id"], id.0);
        seen.push((
            d.event_type.clone(),
            body["data"]["partner_account_id"].as_i64().unwrap(),
            body["data"]["outcome"].as_str().unwrap().to_owned(),
            body["data"]["reason"].as_str().map(str::to_owned),
        ));
    }
    assert_eq!(
        seen,
        [
            (
                "opportunity.declined".into(),
                w.a.id.0,
                "declined".into(),
                Some("Too far".into())
            ),
            (
                "opportunity.accepted".into(),
                w.b.id.0,
                "accepted".into(),
                None
            ),
            ("opportunity.closed".into(), w.b.id.0, "won".into(), None),
        ]
    );
}
