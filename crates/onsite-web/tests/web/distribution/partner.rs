//! The partner portal: a partner declines, the next accepts, works and wins, and the metrics
//! follow; internal opportunities do not count against capacity; partner A never reaches
//! partner B's opportunities, by any route.

use super::*;

both_backends!(
    a_partner_declines_the_next_accepts_works_and_wins_and_the_metrics_follow,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let id = m
            .distributed_to(&app, &world, "Heat pump for a duplex", m.partner_a)
            .await;
        let mut a = app.browser_as(world.user("partner")).await;
        let home = a.get("/").await.text();
        assert!(
            home.contains(r#"<a class="button" href="/partner/opportunities">"#),
            "{home}"
        );
        assert!(!home.contains(r#"href="/staff/opportunities""#));

        let list = a.get("/partner/opportunities").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(html.contains("Heat pump for a duplex"), "{html}");
        assert!(html.contains("$14,500.00"));
        assert!(html.contains("No history yet"));
        let page = a.get(&format!("/partner/opportunities/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(">Accept<") && html.contains(">Decline<"));
        assert!(html.contains("Accept it by "));
        assert!(html.contains("Heat pump"), "products shown");

        // Declining needs a reason; refused, it stays with partner A.
        let decline = format!("/partner/opportunities/{id}/decline");
        let refused = a.post(&decline, &[("reason", "   ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r#"id="decline-reason-error""#));
        assert!(refused.text().contains("This field is required."));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_a))
        );
        let declined = a
            .post(&decline, &[("reason", "Too far for our crew")])
            .await;
        assert_eq!(declined.status, StatusCode::SEE_OTHER);
        assert_eq!(
            declined.header("location"),
            "/partner/opportunities?notice=declined"
        );
        // At once with the next available partner; partner A no longer sees it.
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_b))
        );
        assert_eq!(
            a.get(&format!("/partner/opportunities/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let after = a.get("/partner/opportunities?notice=declined").await.text();
        assert!(after.contains("You declined the opportunity."));
        assert!(!after.contains("Heat pump for a duplex"));
        // Staff see why partner A is out now.
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let explained = staff
            .get(&format!("/staff/opportunities/{id}"))
            .await
            .text();
        assert!(explained.contains("Already declined this opportunity or let it expire."));
        assert!(explained.contains("Distributed to Bravo Chauffage."));

        // Partner B accepts, works it and closes it won.
        let mut b = app.browser_as(m.partner_b_user).await;
        let base = format!("/partner/opportunities/{id}");
        let accepted = b.post(&format!("{base}/accept"), &[]).await;
        assert_eq!(
            accepted.header("location"),
            format!("{base}?notice=accepted")
        );
        let again = b.post(&format!("{base}/accept"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again
                .text()
                .contains("You cannot accept this opportunity now: it is in progress.")
        );
        let tab = b.get("/partner/opportunities?tab=accepted").await.text();
        assert!(tab.contains("Heat pump for a duplex"), "{tab}");
        let bad_stage = b
            .post(&format!("{base}/stage"), &[("stage", "celebrate")])
            .await;
        assert_eq!(bad_stage.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_stage.text().contains(r#"id="stage-error""#));
        let staged = b
            .post(&format!("{base}/stage"), &[("stage", "propose")])
            .await;
        assert_eq!(
            staged.header("location"),
            format!("{base}?notice=stage-saved")
        );
        let tab = b.get("/partner/opportunities?tab=in_progress").await.text();
        assert!(tab.contains("Heat pump for a duplex") && tab.contains("Propose"));
        let empty_note = b.post(&format!("{base}/notes"), &[("note", "")]).await;
        assert_eq!(empty_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty_note.text().contains(r#"id="note-error""#));
        let noted = b
            .post(&format!("{base}/notes"), &[("note", "Visited the duplex")])
            .await;
        assert_eq!(
            noted.header("location"),
            format!("{base}?notice=note-added")
        );
        let lost_no_reason = b
            .post(
                &format!("{base}/lost"),
                &[("reason", ""), ("feedback", "x")],
            )
            .await;
        assert_eq!(lost_no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = lost_no_reason.text();
        assert!(html.contains(r#"id="lost-reason-error""#));
        assert!(html.contains(">x</textarea>"), "what was typed is kept");
        let won = b
            .post(&format!("{base}/won"), &[("feedback", "Happy customer")])
            .await;
        assert_eq!(won.header("location"), format!("{base}?notice=closed-won"));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Won, Some(m.partner_b))
        );
        let page = b.get(&format!("{base}?notice=closed-won")).await.text();
        for line in [
            "Closed won",
            "Visited the duplex",
            "Happy customer",
            "Propose",
            "Accepted",
        ] {
            assert!(page.contains(line), "{line} in the history");
        }
        let more = b
            .post(
                &format!("{base}/feedback"),
                &[("feedback", "They sent a referral")],
            )
            .await;
        assert_eq!(
            more.header("location"),
            format!("{base}?notice=feedback-added")
        );

        // The metrics follow: B won 1 of 1; A won none of its 1 (declined).
        let b_list = b.get("/partner/opportunities?tab=closed").await.text();
        assert!(b_list.contains("Heat pump for a duplex"));
        assert!(
            b_list.contains("100 % (1 of 1 finished opportunity)"),
            "{b_list}"
        );
        let a_list = a.get("/partner/opportunities").await.text();
        assert!(
            a_list.contains("0 % (0 of 1 finished opportunity)"),
            "{a_list}"
        );
        // Staff's explanation of a new opportunity ranks B on its win now.
        let next = m.new_opportunity(&app, &world, "Another heat pump").await;
        let explained = staff
            .get(&format!("/staff/opportunities/{next}"))
            .await
            .text();
        assert!(
            explained.contains("Its own: 100 % over 1 finished opportunity"),
            "{explained}"
        );
    }
);

both_backends!(
    partner_a_never_reaches_partner_bs_opportunities,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let theirs = m
            .distributed_to(&app, &world, "Bravo secret lead", m.partner_b)
            .await;
        let mine = m
            .distributed_to(&app, &world, "Plumbing own lead", m.partner_a)
            .await;
        let (session, csrf) = app.session_for(world.user("partner")).await;
        let mut checked = 0;
        // Every partner route that names an opportunity, with B's id and with one that does
        // not exist: the same 404.
        for route in table()
            .into_iter()
            .filter(|r| r.capability == Capability::WorkOpportunities && r.path.contains("{id}"))
        {
            for id in [theirs.0, 987_654] {
                let path = route.path.replace("{id}", &id.to_string());
                let api = path.starts_with("/api/");
                let mut request = axum::http::Request::builder()
                    .method(route.method.clone())
                    .uri(&path)
                    .header("host", "onsite.test")
                    .header("sec-fetch-site", "same-origin")
                    .header("cookie", format!("onsite_session={session}"));
                let body = if route.method == Method::POST {
                    request = request.header("x-csrf-token", &csrf);
                    if api {
                        request = request.header("content-type", "application/json");
                        match path.rsplit('/').next() {
                            Some("decline") => r#"{"reason":"mine now"}"#,
                            Some("stage") => r#"{"stage":"propose"}"#,
                            Some("notes") => r#"{"note":"n"}"#,
                            Some("close") => r#"{"outcome":"won","feedback":"f"}"#,
                            Some("feedback") => r#"{"feedback":"f"}"#,
                            _ => "{}",
                        }
                    } else {
                        request =
                            request.header("content-type", "application/x-www-form-urlencoded");
                        "reason=mine+now&stage=propose&note=n&feedback=f"
                    }
                } else {
                    ""
                };
                let answer = app
                    .send(request.body(axum::body::Body::from(body)).unwrap())
                    .await;
                assert_eq!(
                    answer.status,
                    StatusCode::NOT_FOUND,
                    "{} {path}",
                    route.method
                );
                let text = answer.text();
                assert!(!text.contains("Bravo secret lead"), "{path}: {text}");
                checked += 1;
            }
        }
        assert!(checked >= 2 * 14, "{checked}");
        assert_eq!(
            status_of(&app, theirs).await,
            (OpportunityStatus::Distributed, Some(m.partner_b)),
            "nothing happened to B's opportunity"
        );
        // A's lists and API show A's opportunity and never B's.
        let mut a = app.browser_as(world.user("partner")).await;
        for path in [
            "/partner/opportunities",
            "/partner/opportunities?tab=accepted",
            "/partner/opportunities?tab=in_progress",
            "/partner/opportunities?tab=closed",
            "/api/v1/partner/opportunities",
            "/api/v1/partner/opportunities?filter=new",
        ] {
            let text = a.get(path).await.text();
            assert!(!text.contains("Bravo secret lead"), "{path}");
        }
        assert!(
            a.get("/partner/opportunities")
                .await
                .text()
                .contains("Plumbing own lead")
        );
        let own = a
            .get(&format!("/api/v1/partner/opportunities/{mine}"))
            .await;
        assert_eq!(own.status, StatusCode::OK);
        assert_eq!(own.json()["opportunity"]["name"], "Plumbing own lead");
        // Customers and technicians have no partner pages at all.
        for who in ["customer of A", "technician", "dispatcher"] {
            let mut other = app.browser_as(world.user(who)).await;
            assert!(
                !other
                    .get("/")
                    .await
                    .text()
                    .contains("/partner/opportunities"),
                "{who}'s navigation"
            );
            assert_eq!(
                other.get("/partner/opportunities").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
            assert_eq!(
                other
                    .get(&format!("/partner/opportunities/{mine}"))
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
        }
    }
);

#[tokio::test]
async fn partners_record_internal_opportunities_that_do_not_count_against_capacity() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let mut a = app.browser_as(world.user("partner")).await;
    let form = a.get("/partner/opportunities/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("New internal opportunity"));
    let refused = a
        .post(
            "/partner/opportunities",
            &[("name", "Our lead"), ("estimated_revenue", "-3")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(opportunity_count(&app).await, 0);
    let created = a
        .post(
            "/partner/opportunities",
            &[
                ("name", "Our lead"),
                ("customer_name", "Voisin"),
                ("latitude", "45.52"),
                ("longitude", "-73.58"),
                ("estimated_revenue", "2000"),
                ("lead_type", "residential"),
                ("product", &m.thermostat.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let id = id_in(created.header("location"));
    assert_eq!(
        status_of(&app, id).await,
        (OpportunityStatus::InProgress, Some(m.partner_a))
    );
    let accepted = a.get("/partner/opportunities?tab=accepted").await.text();
    assert!(accepted.contains("Our lead") && accepted.contains("Found by the partner (internal)"));
    // Three of them would fill partner A's capacity of 3 if they counted; they do not.
    for n in 0..3 {
        dist::create_internal_opportunity(
            app.app(),
            principal(&app, world.user("partner"))
                .await
                .grant()
                .unwrap(),
            &m.input(&format!("Internal {n}")),
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    let next = m.new_opportunity(&app, &world, "Still available").await;
    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let explained = staff
        .get(&format!("/staff/opportunities/{next}"))
        .await
        .text();
    assert!(explained.contains("Why Partner Plumbing Co ranks number 1"));
}
