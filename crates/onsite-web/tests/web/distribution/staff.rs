//! The staff's opportunity pages: create an opportunity, see why partners rank and distribute
//! it; a long list shows its newest and how many there are; an opportunity every partner
//! passed on comes back flagged.

use super::*;

both_backends!(
    staff_create_an_opportunity_see_why_partners_rank_and_distribute_it,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let m = Market::build(&app, &world).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let home = staff.get("/").await.text();
        assert!(home.contains(r#"href="/staff/opportunities""#));
        assert!(
            home.contains("see why each partner ranks where it does"),
            "the home card"
        );
        assert!(
            !home.contains(r#"href="/staff/settings/distribution""#),
            "settings are for administrators"
        );
        assert!(!home.contains(r#"href="/partner/opportunities""#));

        let form = staff.get("/staff/opportunities/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let html = form.text();
        assert!(html.contains("Smart thermostats") && html.contains("Plateau"));
        assert!(html.contains(r#"<option value="residential">"#));

        // Refused input: every field's message, what was typed kept, nothing created.
        let empty = staff.post("/staff/opportunities", &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text();
        for field in [
            "name",
            "customer_name",
            "latitude",
            "estimated_revenue",
            "lead_type",
        ] {
            assert!(
                html.contains(&format!(r#"id="{field}-error""#)),
                "{field} reported at once"
            );
        }
        let refused = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", ""),
                    ("customer_name", "Marie Lavoie"),
                    ("estimated_revenue", "lots"),
                    ("latitude", "95"),
                    ("longitude", "-73.58"),
                    ("lead_type", "residential"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains("Enter an amount in dollars"), "{html}");
        assert!(html.contains("Enter a latitude between -90 and 90"));
        assert!(html.contains(r#"value="Marie Lavoie""#));
        let no_name = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "  "),
                    ("customer_name", "Marie Lavoie"),
                    ("estimated_revenue", "14500"),
                    ("territory", &m.plateau.to_string()),
                    ("lead_type", "residential"),
                ],
            )
            .await;
        assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = no_name.text();
        assert!(html.contains(r#"id="name-error""#), "{html}");
        assert!(html.contains("This field is required."));
        let nowhere = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump"),
                    ("customer_name", "Marie"),
                    ("estimated_revenue", "14500"),
                    ("lead_type", "residential"),
                    ("product", "x"),
                ],
            )
            .await;
        assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            nowhere
                .text()
                .contains("Give the coordinates, or pick a territory.")
        );
        let unknown_product = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump"),
                    ("customer_name", "Marie"),
                    ("estimated_revenue", "14500"),
                    ("latitude", "45.52"),
                    ("longitude", "-73.58"),
                    ("lead_type", "residential"),
                    ("product", "999999"),
                ],
            )
            .await;
        assert_eq!(unknown_product.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown_product.text().contains(r#"id="products-error""#));
        assert_eq!(opportunity_count(&app).await, 0, "nothing created");

        // Created from a point picked in the territory.
        let created = staff
            .post(
                "/staff/opportunities",
                &[
                    ("name", "Heat pump for a duplex"),
                    ("customer_name", "Marie Lavoie"),
                    ("postal_code", ""),
                    ("territory", &m.plateau.to_string()),
                    ("estimated_revenue", "14,500"),
                    ("lead_type", "Residential"),
                    ("product", &m.heat_pump.to_string()),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
        let location = created.header("location").to_owned();
        assert!(
            location.ends_with("?notice=opportunity-created"),
            "{location}"
        );
        let id = id_in(&location);

        let page = staff.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("The opportunity is created."));
        assert!(html.contains("$14,500.00"));
        assert!(html.contains("2 partners are available."), "{html}");
        assert!(html.contains("4 partners were considered."));
        // The ranked partners with the score explained metric by metric, in words and units.
        assert!(
            html.contains("Why Partner Plumbing Co ranks number 1"),
            "{html}"
        );
        assert!(html.contains("Why Bravo Chauffage ranks number 2"));
        for words in [
            "Win rate",
            "Average time to close",
            " km</td>",
            "× -0.005",
            "× 2",
            "No history yet: the average of all partners",
        ] {
            assert!(html.contains(words), "{words}");
        }
        // The contributions as stacked bars, named, with a legend and their numbers as a
        // table whose rows end with each partner's score as ranked.
        assert!(html.contains(
            r#"<title id="contributions-title">Each partner&#39;s score, as the contributions of its metrics"#
        ), "{html}");
        assert!(html.contains(r#"aria-labelledby="contributions-title""#));
        assert!(html.contains(r#"data-series="Distance""#), "{html}");
        for partner in ["Partner Plumbing Co", "Bravo Chauffage"] {
            let ranked = format!("{partner}</a></th>");
            let after = &html[html.find(&ranked).unwrap() + ranked.len()..];
            let score = after
                .split_once(r#"<td class="number">"#)
                .unwrap()
                .1
                .split("</td>")
                .next()
                .unwrap();
            let row = format!(r#"<tr><th scope="row">{partner}</th>"#);
            let chart_row = &html[html.find(&row).expect(&row)..];
            let chart_row = &chart_row[..chart_row.find("</tr>").unwrap()];
            assert!(
                chart_row.ends_with(&format!(r#"<td class="number">{score}</td>"#)),
                "{chart_row} ends with {score}"
            );
            assert_eq!(
                chart_row.matches("<td").count(),
                8,
                "7 metrics and the score"
            );
        }
        // The excluded partners with the criterion in words.
        assert!(
            html.contains("At capacity: 0 open opportunities of 0."),
            "{html}"
        );
        assert!(html.contains("Does not cover Heat pump."));
        assert!(html.contains("Distribute to the top partner"));
        assert!(html.contains(
            "Distribute to this partner<span class=\"visually-hidden\">: Bravo Chauffage</span>"
        ));

        // A partner that is not available: refused with the reason, nothing changed.
        let path = format!("/staff/opportunities/{id}/distribute");
        let unavailable = staff.post(&path, &[("partner", &m.full.to_string())]).await;
        assert_eq!(unavailable.status, StatusCode::CONFLICT);
        assert!(unavailable.text().contains(
            "This partner is not available for this opportunity: At capacity: 0 open opportunities of 0."
        ));
        let not_a_partner = staff
            .post(&path, &[("partner", &world.account_a.to_string())])
            .await;
        assert_eq!(not_a_partner.status, StatusCode::UNPROCESSABLE_ENTITY);
        let nonsense = staff.post(&path, &[("partner", "abc")]).await;
        assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_of(&app, id).await, (OpportunityStatus::New, None));

        // To the top partner: the page shows who has it and until when it may accept.
        let done = staff.post(&path, &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            done.header("location"),
            format!("/staff/opportunities/{id}?notice=distributed")
        );
        let html = staff.get(done.header("location")).await.text();
        assert!(
            html.contains("Distributed to Partner Plumbing Co."),
            "{html}"
        );
        assert!(html.contains("The offer expires on "));
        assert!(!html.contains("Distribute to the top partner"));
        assert_eq!(
            status_of(&app, id).await,
            (OpportunityStatus::Distributed, Some(m.partner_a))
        );
        // The partner's users are emailed a link to it.
        let mail = onsite_store::outbox::list(
            &mut app.db.store().conn().await.unwrap(),
            &onsite_store::outbox::OutboxFilter {
                kind: Some("opportunity-offered".into()),
                ..Default::default()
            },
            10,
            None,
        )
        .await
        .unwrap();
        assert_eq!(mail.len(), 1, "{mail:?}");
        assert_eq!(mail[0].recipient.as_str(), "pia@partner.test");
        let message =
            onsite_store::outbox::get(&mut app.db.store().conn().await.unwrap(), mail[0].id)
                .await
                .unwrap();
        assert!(
            message
                .text_body
                .contains(&format!("/partner/opportunities/{id}"))
        );
        // Twice: refused, it is not New any more.
        let again = staff.post(&path, &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again
                .text()
                .contains("You cannot distribute this opportunity now: it is distributed.")
        );

        // To the partner chosen.
        let second = m.new_opportunity(&app, &world, "Second heat pump").await;
        let chosen = staff
            .post(
                &format!("/staff/opportunities/{second}/distribute"),
                &[("partner", &m.partner_b.to_string())],
            )
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER);
        assert_eq!(
            status_of(&app, second).await,
            (OpportunityStatus::Distributed, Some(m.partner_b))
        );

        // The list by status, with partner, revenue, lead type, age and expiry.
        let list = staff.get("/staff/opportunities?status=distributed").await;
        assert_eq!(list.status, StatusCode::OK);
        let html = list.text();
        assert!(html.contains("Heat pump for a duplex") && html.contains("Second heat pump"));
        assert!(html.contains("Bravo Chauffage") && html.contains("$14,500.00"));
        assert!(html.contains("residential") && html.contains("less than a minute"));
        assert!(html.contains("Distributed <small>(2)</small>"), "{html}");
        let new = staff.get("/staff/opportunities").await.text();
        assert!(new.contains("Nothing under “New” at the moment."), "{new}");
        assert_eq!(
            staff.get("/staff/opportunities?status=bogus").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            staff.get("/staff/opportunities/999999").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            staff
                .post("/staff/opportunities/999999/distribute", &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

#[tokio::test]
async fn a_long_list_shows_its_newest_and_says_how_many_there_are() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    for n in 0..201 {
        m.new_opportunity(&app, &world, &format!("Lead number {n:03}"))
            .await;
    }
    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let html = staff.get("/staff/opportunities").await.text();
    assert!(html.contains("New <small>(201)</small>"), "{html}");
    assert!(html.contains(
        "The 201 opportunities of this list are too many to show at once: here are the newest."
    ));
    assert!(html.contains("Lead number 200") && !html.contains("Lead number 000"));
}

#[tokio::test]
async fn an_opportunity_every_partner_passed_on_comes_back_flagged() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let id = m
        .distributed_to(&app, &world, "Nobody wants it", m.partner_a)
        .await;
    let now = app.state.clock.now();
    let a = principal(&app, world.user("partner")).await;
    dist::decline(app.app(), a.grant().unwrap(), id, "Too far", now)
        .await
        .unwrap();
    let b = principal(&app, m.partner_b_user).await;
    dist::decline(app.app(), b.grant().unwrap(), id, "Too busy", now)
        .await
        .unwrap();
    assert_eq!(status_of(&app, id).await, (OpportunityStatus::New, None));

    let mut staff = app.browser_as(world.user("dispatcher")).await;
    let list = staff.get("/staff/opportunities").await.text();
    assert!(list.contains("Nobody wants it") && list.contains("Came back: no partner available"));
    let page = staff
        .get(&format!("/staff/opportunities/{id}"))
        .await
        .text();
    assert!(
        page.contains("2 partners passed on this opportunity and no other partner was available")
    );
    assert!(page.contains("No partner is available for this opportunity: see why below."));
    assert!(!page.contains("Distribute to the top partner"));
    let refused = staff
        .post(&format!("/staff/opportunities/{id}/distribute"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .contains("No partner is available for this opportunity.")
    );
}
