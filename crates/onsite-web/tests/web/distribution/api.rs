//! Distribution through the JSON API: staff distribute and partners work their opportunities,
//! the bodies carrying what the API's description requires.

use super::*;

/// The `required` members of a schema of the OpenAPI document (following `allOf`).
fn required_of(schema: &str) -> std::collections::BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(onsite_web::openapi::DOCUMENT).unwrap();
    fn walk(
        doc: &serde_json::Value,
        s: &serde_json::Value,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        if let Some(r) = s["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap();
            return walk(doc, &doc["components"]["schemas"][name], out);
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            walk(doc, part, out);
        }
        for name in s["required"].as_array().into_iter().flatten() {
            out.insert(name.as_str().unwrap().to_owned());
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(&doc, &doc["components"]["schemas"][schema], &mut out);
    assert!(!out.is_empty(), "{schema} in the OpenAPI document");
    out
}

/// The members of a JSON object.
fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

both_backends!(
    the_api_distributes_and_partners_work_their_opportunities,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let body = serde_json::json!({
            "name": "API lead",
            "customer_name": "Marie Lavoie",
            "postal_code": "H2J 2L5",
            "latitude": CUSTOMER.0,
            "longitude": CUSTOMER.1,
            "estimated_revenue_minor": 1_450_000,
            "lead_type": "residential",
            "products": [m.heat_pump],
        });
        // Refused input: 422 naming the field, nothing created.
        let mut bad = body.clone();
        bad["latitude"] = serde_json::json!(123.0);
        let refused = staff.post_json("/api/v1/opportunities", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "latitude");
        let mut bad = body.clone();
        bad["name"] = serde_json::json!("");
        let refused = staff.post_json("/api/v1/opportunities", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "name");
        assert_eq!(
            refused.json()["error"]["message"],
            "Name: This field is required."
        );
        let unknown = staff
            .post_json("/api/v1/opportunities", &serde_json::json!({"name": 1}))
            .await;
        assert!(unknown.status.is_client_error());
        assert_eq!(opportunity_count(&app).await, 0);

        let created = staff.post_json("/api/v1/opportunities", &body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let id = created.json()["opportunity"]["id"].as_i64().unwrap();
        assert!(created.json()["opportunity"]["partner_id"].is_null());

        let list = staff.get("/api/v1/opportunities?status=new").await.json();
        assert_eq!(list["opportunities"][0]["id"], id);
        // The answers have exactly the members the OpenAPI document describes.
        assert_eq!(
            keys(&list["opportunities"][0]),
            required_of("StaffOpportunity")
        );
        assert_eq!(list["opportunities"][0]["currency"], "CAD");
        assert_eq!(
            staff.get("/api/v1/opportunities?status=nope").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        let x = staff
            .get(&format!("/api/v1/opportunities/{id}/explanation"))
            .await;
        assert_eq!(x.status, StatusCode::OK);
        let x = x.json();
        assert_eq!(keys(&x), required_of("Explanation"));
        assert_eq!(keys(&x["opportunity"]), required_of("Opportunity"));
        assert_eq!(
            keys(&x["ranked"][0]["contributions"][1]),
            required_of("Contribution")
        );
        assert_eq!(x["available_count"], 2);
        assert_eq!(x["ranked"][0]["partner"]["name"], "Partner Plumbing Co");
        assert_eq!(x["ranked"][0]["contributions"].as_array().unwrap().len(), 7);
        let excluded = x["excluded"].as_array().unwrap();
        let full = excluded
            .iter()
            .find(|e| e["partner"]["id"] == m.full.0)
            .unwrap();
        assert_eq!(full["criterion"]["kind"], "capacity");
        assert_eq!(full["reason"], "At capacity: 0 open opportunities of 0.");

        let path = format!("/api/v1/opportunities/{id}/distribute");
        let unavailable = staff
            .post_json(&path, &serde_json::json!({ "partner_id": m.thermo_only }))
            .await;
        assert_eq!(unavailable.status, StatusCode::CONFLICT);
        assert_eq!(unavailable.json()["error"]["code"], "partner_unavailable");
        assert_eq!(
            unavailable.json()["error"]["message"],
            "This partner is not available for this opportunity: Does not cover Heat pump."
        );
        let done = staff.post_json(&path, &serde_json::json!({})).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let done = done.json();
        assert_eq!(done["partner_id"], m.partner_a.0);
        assert_eq!(done["partner_name"], "Partner Plumbing Co");
        assert_eq!(done["rank"], 1);
        assert!(done["expires_at"].is_string());
        let again = staff.post_json(&path, &serde_json::json!({})).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "illegal_move");
        let x = staff
            .get(&format!("/api/v1/opportunities/{id}/explanation"))
            .await
            .json();
        assert_eq!(x["opportunity"]["status"], "distributed");
        assert_eq!(x["opportunity"]["expires_at"], done["expires_at"]);

        // Partner A: its list, the opportunity, a decline without a reason, then with one.
        let mut a = app.browser_as(world.user("partner")).await;
        a.get("/").await;
        let mine = a
            .get("/api/v1/partner/opportunities?filter=new")
            .await
            .json();
        assert_eq!(mine["opportunities"][0]["id"], id);
        assert!(mine["opportunities"][0]["expires_at"].is_string());
        let base = format!("/api/v1/partner/opportunities/{id}");
        let one = a.get(&base).await.json();
        assert_eq!(keys(&one), required_of("PartnerOpportunityDetail"));
        assert_eq!(keys(&one["opportunity"]), required_of("Opportunity"));
        assert_eq!(one["opportunity"]["products"][0], m.heat_pump.0);
        assert_eq!(one["products"][0]["name"], "Heat pump");
        assert_eq!(one["history"][0]["kind"], "distributed");
        let no_reason = a
            .post_json(
                &format!("{base}/decline"),
                &serde_json::json!({"reason": " "}),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["error"]["field"], "reason");
        let declined = a
            .post_json(
                &format!("{base}/decline"),
                &serde_json::json!({"reason": "Busy"}),
            )
            .await;
        assert_eq!(declined.status, StatusCode::OK, "{}", declined.text());
        assert_eq!(a.get(&base).await.status, StatusCode::NOT_FOUND);

        // Partner B has it now: accept, stage, note, close won.
        let mut b = app.browser_as(m.partner_b_user).await;
        b.get("/").await;
        let accepted = b
            .post_json(&format!("{base}/accept"), &serde_json::json!({}))
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        assert_eq!(accepted.json()["opportunity"]["status"], "in_progress");
        let bad_stage = b
            .post_json(
                &format!("{base}/stage"),
                &serde_json::json!({"stage": "win"}),
            )
            .await;
        assert_eq!(bad_stage.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_stage.json()["error"]["field"], "stage");
        let staged = b
            .post_json(
                &format!("{base}/stage"),
                &serde_json::json!({"stage": "negotiate"}),
            )
            .await;
        assert_eq!(staged.json()["opportunity"]["stage"], "negotiate");
        let noted = b
            .post_json(
                &format!("{base}/notes"),
                &serde_json::json!({"note": "Called"}),
            )
            .await;
        assert_eq!(noted.status, StatusCode::OK);
        let lost_no_reason = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "lost"}),
            )
            .await;
        assert_eq!(lost_no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(lost_no_reason.json()["error"]["field"], "reason");
        let odd = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "maybe"}),
            )
            .await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(odd.json()["error"]["field"], "outcome");
        let won = b
            .post_json(
                &format!("{base}/close"),
                &serde_json::json!({"outcome": "won", "feedback": "Great"}),
            )
            .await;
        assert_eq!(won.status, StatusCode::OK, "{}", won.text());
        assert_eq!(won.json()["opportunity"]["status"], "won");
        let metrics = b.get("/api/v1/partner/metrics").await.json();
        let win = &metrics["metrics"][0];
        assert_eq!(win["metric"], "win_rate");
        assert_eq!(win["value"], 1.0);
        assert_eq!(win["denominator"], 1);
        let feedback = b
            .post_json(
                &format!("{base}/feedback"),
                &serde_json::json!({"feedback": "More"}),
            )
            .await;
        assert_eq!(feedback.status, StatusCode::OK);
        let a_metrics = a.get("/api/v1/partner/metrics").await.json();
        assert_eq!(a_metrics["metrics"][0]["value"], 0.0);

        // An internal opportunity through the API.
        let internal = b.post_json("/api/v1/partner/opportunities", &body).await;
        assert_eq!(internal.status, StatusCode::CREATED, "{}", internal.text());
        // Staff may not use the partner API, nor partners the staff API.
        assert_eq!(
            staff.get("/api/v1/partner/opportunities").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            a.get("/api/v1/opportunities").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            a.get(&format!("/api/v1/opportunities/{id}/explanation"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);
