//! The distribution settings page: administrators set the weights (bad values refused with
//! their range), and with automatic distribution a new opportunity goes to the top partner at
//! once.

use super::*;

#[tokio::test]
async fn administrators_set_the_weights_and_bad_values_are_refused_with_their_range() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
    assert_eq!(
        dispatcher.get("/staff/settings/distribution").await.status,
        StatusCode::FORBIDDEN
    );
    let mut admin = app.browser_as(world.user("admin")).await;
    assert!(
        admin
            .get("/")
            .await
            .text()
            .contains(r#"href="/staff/settings/distribution""#)
    );
    let page = admin.get("/staff/settings/distribution").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for words in [
        "distribution/weights/distance",
        "distribution/weights/avgtimetoclose",
        "Between -0.01 and 0",
        "Between 0 and 5",
        "A whole number from 1 to 720",
        r#"value="-0.005""#,
        r#"value="48""#,
    ] {
        assert!(html.contains(words), "{words}");
    }
    let valid = [
        ("distribution/weights/distance", "-0.01"),
        ("distribution/weights/winrate", "5"),
        ("distribution/weights/returnrate", "0"),
        ("distribution/weights/feedbackrate", "0"),
        ("distribution/weights/stallrate", "-5"),
        ("distribution/weights/touchrate", "2.5"),
        ("distribution/weights/avgtimetoclose", "-0.5"),
        ("distribution/accept_hours", "24"),
        ("distribution/automatic", "on"),
    ];
    let with = |key: &str, value: &'static str| {
        valid
            .iter()
            .map(|&(k, v)| (k, if k == key { value } else { v }))
            .collect::<Vec<_>>()
    };
    // Out of range, not a number, not whole: refused with the setting's name and range, what
    // was typed shown again, nothing saved (not even the valid values of the same form).
    for (key, bad, message) in [
        (
            "distribution/weights/distance",
            "0.5",
            "distribution/weights/distance must be a number between -0.01 and 0.",
        ),
        (
            "distribution/weights/winrate",
            "abc",
            "distribution/weights/winrate must be a number between 0 and 5.",
        ),
        (
            "distribution/weights/avgtimetoclose",
            "NaN",
            "distribution/weights/avgtimetoclose must be a number between -0.5 and 0.",
        ),
        (
            "distribution/accept_hours",
            "1.5",
            "distribution/accept_hours must be a whole number between 1 and 720.",
        ),
    ] {
        let refused = admin
            .post("/staff/settings/distribution", &with(key, bad))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        let html = refused.text();
        assert!(html.contains(message), "{key}: {html}");
        assert!(html.contains(&format!(r#"value="{bad}""#)), "{key}");
        for row in dist::distribution_settings(app.app()).await.unwrap() {
            assert_eq!(
                row.value,
                row.setting.parse(row.setting.default).unwrap(),
                "nothing saved after {key}: {}",
                row.setting.key
            );
        }
    }
    let saved = admin.post("/staff/settings/distribution", &valid).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let html = admin.get(saved.header("location")).await.text();
    assert!(html.contains("The distribution settings are saved."));
    assert!(html.contains(r#"value="-0.01""#) && html.contains(r#"value="24""#));
    assert!(html.contains("role=\"switch\" value=\"on\" checked"));
    let weights = dist::weights(app.app()).await.unwrap();
    assert_eq!(weights.get(onsite_distribute::Metric::TouchRate), 2.5);
    assert_eq!(weights.get(onsite_distribute::Metric::ReturnRate), 0.0);

    // In French, with a decimal comma; the switch unticked turns automatic distribution off.
    admin.accept_language = Some("fr");
    let mut french = with("distribution/weights/distance", "-0,002");
    french.retain(|(k, _)| *k != "distribution/automatic");
    let saved = admin.post("/staff/settings/distribution", &french).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let weights = dist::weights(app.app()).await.unwrap();
    assert_eq!(weights.get(onsite_distribute::Metric::Distance), -0.002);
    let refused = admin
        .post(
            "/staff/settings/distribution",
            &with("distribution/weights/distance", "-1"),
        )
        .await;
    assert!(
        refused
            .text()
            .contains("distribution/weights/distance doit être un nombre entre -0,01 et 0.")
    );
}

#[tokio::test]
async fn with_automatic_distribution_a_new_opportunity_goes_to_the_top_partner_at_once() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let m = Market::build(&app, &world).await;
    let mut admin = app.browser_as(world.user("admin")).await;
    dist::set_setting(
        app.app(),
        principal(&app, world.user("admin")).await.grant().unwrap(),
        "distribution/automatic",
        "true",
    )
    .await
    .unwrap();
    let created = admin
        .post(
            "/staff/opportunities",
            &[
                ("name", "Automatic"),
                ("customer_name", "Marie"),
                ("latitude", "45,52"),
                ("longitude", "-73.58"),
                ("estimated_revenue", "9000"),
                ("lead_type", "residential"),
                ("product", &m.heat_pump.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    assert!(created.header("location").ends_with("?notice=distributed"));
    let id = id_in(created.header("location"));
    assert_eq!(
        status_of(&app, id).await,
        (OpportunityStatus::Distributed, Some(m.partner_a))
    );
}
