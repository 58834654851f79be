//! The workforce pages over HTTP: a dispatcher makes a skill, a service type, a working-hours
//! template and a technician whom a customer then books, gives them time off over that visit
//! and reads what happened to it; bad input is answered 422 naming the field and changes
//! nothing; a stale save is refused; administrators (only) give a technician a sign-in, which
//! the users page then names.

use crate::support::{Browser, TestApp, TestResponse, World};
use axum::http::StatusCode;
use onsite_store::territories::{self, NewTerritory, PostalPrefix};
use onsite_testkit::both_backends;

/// The id at the end of a redirect's path (`/staff/technicians/7?notice=…` → `7`).
fn created_id(response: &TestResponse) -> String {
    assert_eq!(
        response.status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text()
    );
    let path = response.header("location").split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_owned()
}

/// The `seen_version` of the first form in `page` that has one.
fn seen_version(page: &str) -> String {
    let (_, rest) = page
        .split_once(r#"name="seen_version" value=""#)
        .expect("a form with its version");
    rest.split('"').next().unwrap().to_owned()
}

/// Account A's territory (the world's accounts are in postal area H1V).
async fn east_end(app: &TestApp) -> i64 {
    let mut conn = app.db.store().conn().await.unwrap();
    territories::insert_territory(
        &mut conn,
        &NewTerritory {
            name: "Mercier–Hochelaga",
            postal_prefixes: &[PostalPrefix::parse("H1V").unwrap()],
            polygon: None,
        },
    )
    .await
    .unwrap()
    .0
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap()
}

/// A template working every day from 07:00 to 19:00, made through its page.
async fn every_day(staff: &mut Browser<'_>) -> String {
    let mut fields = vec![("name", "Every day 7-19")];
    for day in [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ] {
        fields.push((day, "07:00-19:00"));
    }
    created_id(&staff.post("/staff/working-hours", &fields).await)
}

/// A technician at the east end's address, through the New technician form.
async fn new_technician(
    staff: &mut Browser<'_>,
    name: &str,
    template: &str,
    territory: i64,
    skill: Option<&str>,
) -> TestResponse {
    let territory = format!("territory-{territory}");
    let mut fields = vec![
        ("name", name),
        ("latitude", "45.556"),
        ("longitude", "-73.552"),
        ("time_zone", "America/Toronto"),
        ("working_hours_template", template),
        (territory.as_str(), "on"),
    ];
    let skill_field = skill.map(|s| format!("skill-{s}"));
    if let Some(field) = &skill_field {
        fields.push((field.as_str(), "5"));
    }
    staff.post("/staff/technicians", &fields).await
}

both_backends!(
    a_dispatcher_sets_up_a_technician_and_time_off_over_a_booked_visit_is_reported,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let territory = east_end(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let nav = staff.get("/staff/technicians").await;
        assert_eq!(nav.status, StatusCode::OK);
        assert!(
            nav.text().contains(r#"href="/staff/technicians""#),
            "Workforce in the header"
        );
        assert!(nav.text().contains(r#"href="/staff/working-hours""#));

        let skill = created_id(
            &staff
                .post("/staff/catalog/skills", &[("name", "Heat pumps")])
                .await,
        );
        let skill_field = format!("skill-{skill}");
        let made = staff
            .post(
                "/staff/catalog/service-types",
                &[
                    ("name", "Heat pump service"),
                    ("duration_minutes", "60"),
                    ("self_scheduling", "true"),
                    (skill_field.as_str(), "3"),
                ],
            )
            .await;
        let service_type: i64 = created_id(&made).parse().unwrap();
        let template = every_day(&mut staff).await;
        let form = staff.get("/staff/technicians/new").await.text();
        assert!(
            form.contains("map-point") && form.contains(r#"name="latitude""#),
            "{form}"
        );
        assert!(form.contains(&format!(r#"<option value="{template}" selected>"#)));
        let made =
            new_technician(&mut staff, "Karim Tech", &template, territory, Some(&skill)).await;
        let technician = created_id(&made);
        let page = staff.get(made.header("location")).await.text();
        assert!(page.contains("Technician created."), "{page}");
        assert!(page.contains("Karim Tech") && page.contains("Every day 7-19"));

        // The customer books: the visit goes to the new technician.
        let customer = crate::bookings::principal(&app, world.user("customer of A")).await;
        let booking = crate::bookings::book_first(
            &app,
            &customer,
            onsite_domain::ServiceTypeId(service_type),
        )
        .await;
        let visit =
            onsite_store::bookings::booking(&mut app.db.store().conn().await.unwrap(), booking)
                .await
                .unwrap();
        assert_eq!(visit.technician_id.to_string(), technician);

        // Time off over the visit (local time, the technician's zone): nobody else can take it.
        let zone = jiff::tz::TimeZone::get("America/Toronto").unwrap();
        let local = |at: jiff::Timestamp| {
            at.to_zoned(zone.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let starts = local(visit.starts_at - jiff::SignedDuration::from_hours(1));
        let ends = local(visit.ends_at + jiff::SignedDuration::from_hours(1));
        let path = format!("/staff/technicians/{technician}");
        let added = staff
            .post(
                &format!("{path}/time-off"),
                &[
                    ("starts_at", &starts),
                    ("ends_at", &ends),
                    ("reason", "Dentist"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
        let location = added.header("location").to_owned();
        assert!(location.contains("jobs="), "{location}");
        let report = staff.get(&location).await.text();
        assert!(report.contains("Time off added."), "{report}");
        assert!(report.contains("1 booked visit affected"), "{report}");
        assert!(
            report.contains("Zephyrine Holdings, Heat pump service: nobody else is free then. The customer was asked by email to pick a new time"),
            "{report}"
        );
        // The visit's time as the customer and the technician know it (the address's zone),
        // not the dispatcher's (none in their profile: UTC).
        let visit_time = visit.starts_at.to_zoned(zone.clone());
        let when = format!(
            "{} ({}) — Zephyrine Holdings",
            onsite_i18n::datetime::date_time(onsite_i18n::DEFAULT, &visit_time),
            visit_time.strftime("%Z")
        );
        assert!(report.contains(&when), "{when} in {report}");
        assert!(report.contains("Dentist"), "the time off is listed");
        let asked: Vec<String> = sqlx::query_scalar(
            "SELECT recipient FROM email_outbox WHERE kind = 'booking-new-time'",
        )
        .fetch_all(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap();
        assert_eq!(asked, ["ana.zephyrine@a-account.test"]);
        // The list finds them, active.
        let list = staff
            .get("/staff/technicians?q=karim&status=active")
            .await
            .text();
        assert!(
            list.contains("Karim Tech") && list.contains("Mercier–Hochelaga"),
            "{list}"
        );
        let none = staff
            .get("/staff/technicians?q=karim&status=inactive")
            .await
            .text();
        assert!(none.contains("No technicians match."), "{none}");
    }
);

both_backends!(
    bad_input_is_answered_422_naming_the_field_and_changes_nothing,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let territory = east_end(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let template = every_day(&mut staff).await;
        let technician =
            created_id(&new_technician(&mut staff, "Lina", &template, territory, None).await);
        let before = (
            count(&app, "technicians").await,
            count(&app, "audit_events").await,
            count(&app, "time_off").await,
            count(&app, "working_exceptions").await,
            count(&app, "working_hours_templates").await,
        );
        let refused = |response: TestResponse, field: &str| {
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}: {}",
                response.text()
            );
            let text = response.text();
            assert!(
                text.contains(&format!(r##"href="#{field}""##)),
                "{field}: {text}"
            );
            assert!(
                text.contains(&format!(r#"id="{field}-error""#)) || field == "cursor",
                "{field}: {text}"
            );
        };
        for (field, value) in [
            ("time_zone", "Mars/Olympus"),
            ("latitude", "north"),
            ("name", " "),
        ] {
            let mut fields = vec![
                ("name", "Mo"),
                ("latitude", "45.5"),
                ("longitude", "-73.6"),
                ("time_zone", "America/Toronto"),
            ];
            fields.retain(|(k, _)| *k != field);
            fields.push((field, value));
            refused(staff.post("/staff/technicians", &fields).await, field);
        }
        let path = format!("/staff/technicians/{technician}");
        refused(
            staff
                .post(
                    &format!("{path}/time-off"),
                    &[
                        ("starts_at", "2030-01-02T10:00"),
                        ("ends_at", "2030-01-02T09:00"),
                    ],
                )
                .await,
            "ends_at",
        );
        refused(
            staff
                .post(
                    &format!("{path}/time-off"),
                    &[("starts_at", "tomorrow"), ("ends_at", "")],
                )
                .await,
            "starts_at",
        );
        refused(
            staff
                .post(
                    &format!("{path}/exceptions"),
                    &[("date", "2030-01-02"), ("hours", "nine to five")],
                )
                .await,
            "hours",
        );
        refused(
            staff
                .post(
                    &format!("{path}/exceptions"),
                    &[("date", "2030-02-30"), ("hours", "")],
                )
                .await,
            "date",
        );
        let page = staff.get(&path).await.text();
        let version = seen_version(&page);
        let territory_field = format!("territory-{territory}");
        refused(
            staff
                .post(
                    &path,
                    &[
                        ("name", "Lina"),
                        ("latitude", "45.5"),
                        ("longitude", "-73.6"),
                        ("time_zone", "America/Toronto"),
                        ("working_hours_template", &template),
                        (territory_field.as_str(), "on"),
                        ("skill-999", "4"),
                        ("seen_version", &version),
                    ],
                )
                .await,
            "skills",
        );
        refused(
            staff
                .post(
                    "/staff/working-hours",
                    &[("name", "Split"), ("monday", "08:00-12:00, 11:00-13:00")],
                )
                .await,
            "monday",
        );
        refused(
            staff
                .post(
                    &format!("/staff/working-hours/{template}"),
                    &[
                        ("name", "Every day 7-19"),
                        ("friday", "8-16"),
                        ("seen_version", "1"),
                    ],
                )
                .await,
            "friday",
        );
        refused(
            staff.get("/staff/technicians?status=sideways").await,
            "status",
        );
        refused(
            staff.get("/staff/technicians?cursor=nonsense").await,
            "cursor",
        );
        let typed = staff
            .post(
                &format!("{path}/time-off"),
                &[
                    ("starts_at", "2030-01-02T10:00"),
                    ("ends_at", "later"),
                    ("reason", "Training"),
                ],
            )
            .await
            .text();
        assert!(
            typed.contains(r#"value="Training""#),
            "what was typed is shown again"
        );
        let after = (
            count(&app, "technicians").await,
            count(&app, "audit_events").await,
            count(&app, "time_off").await,
            count(&app, "working_exceptions").await,
            count(&app, "working_hours_templates").await,
        );
        assert_eq!(before, after, "nothing was written");
        assert_eq!(
            staff.get("/staff/technicians/999").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            staff.get("/staff/technicians/abc").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            staff.get("/staff/working-hours/999").await.status,
            StatusCode::NOT_FOUND
        );
    }
);

both_backends!(
    two_staff_save_one_technician_and_the_second_is_refused,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let territory = east_end(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let mut admin = app.browser_as(world.user("admin")).await;
        let template = every_day(&mut dispatcher).await;
        let technician =
            created_id(&new_technician(&mut dispatcher, "Noor", &template, territory, None).await);
        let path = format!("/staff/technicians/{technician}");
        let version = seen_version(&dispatcher.get(&path).await.text());
        assert_eq!(seen_version(&admin.get(&path).await.text()), version);
        let territory_field = format!("territory-{territory}");
        let profile = |name: &'static str| {
            vec![
                ("name", name),
                ("latitude", "45.5"),
                ("longitude", "-73.6"),
                ("time_zone", "America/Toronto"),
                ("working_hours_template", template.as_str()),
                (territory_field.as_str(), "on"),
                ("seen_version", version.as_str()),
            ]
        };
        let saved = dispatcher.post(&path, &profile("Noor Haddad")).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let refused = admin.post(&path, &profile("Noor H.")).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let text = refused.text();
        assert!(
            text.contains("Someone else saved this in the meantime"),
            "{text}"
        );
        assert!(
            text.contains(r#"value="Noor Haddad""#),
            "shows their version"
        );
        assert_ne!(seen_version(&text), version);
        // The deactivate button of the stale page is refused too.
        let stale = admin
            .post(
                &format!("{path}/deactivate"),
                &[("seen_version", version.as_str())],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let fresh = seen_version(&text);
        let off = admin
            .post(
                &format!("{path}/deactivate"),
                &[("seen_version", fresh.as_str())],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        let page = admin.get(off.header("location")).await.text();
        assert!(
            page.contains("Deactivated") && page.contains("No booked visit was affected"),
            "{page}"
        );
        // The audit log names what happened.
        let log = admin
            .get(&format!("/staff/audit?entity=technician&id={technician}"))
            .await
            .text();
        for words in [
            "Created a technician",
            "Edited a technician",
            "Deactivated a technician",
            "Noor → Noor Haddad",
        ] {
            assert!(log.contains(words), "{words}: {log}");
        }
        assert!(
            page.contains("/staff/audit?entity=technician&") && page.contains(">History</a>"),
            "History link: {page}"
        );
    }
);

both_backends!(
    administrators_give_a_technician_a_sign_in_and_dispatchers_cannot,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let territory = east_end(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let template = every_day(&mut dispatcher).await;
        let technician = created_id(
            &new_technician(&mut dispatcher, "Sami Roy", &template, territory, None).await,
        );
        let path = format!("/staff/technicians/{technician}");
        let page = dispatcher.get(&path).await.text();
        assert!(page.contains("Nobody signs in as this technician yet."));
        assert!(
            !page.contains(&format!(r#"action="{path}/sign-in""#)),
            "not for dispatchers"
        );
        let refused = dispatcher
            .post(&format!("{path}/sign-in"), &[("email", "sami@staff.test")])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert_eq!(
            count(&app, "users WHERE email = 'sami@staff.test'").await,
            0
        );

        let mut admin = app.browser_as(world.user("admin")).await;
        let page = admin.get(&path).await.text();
        assert!(page.contains(&format!(r#"action="{path}/sign-in""#)));
        let bad = admin
            .post(&format!("{path}/sign-in"), &[("email", "not an address")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains(r##"href="#email""##));
        let made = admin
            .post(
                &format!("{path}/sign-in"),
                &[("email", "sami@staff.test"), ("language", "fr")],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let page = admin.get(made.header("location")).await.text();
        assert!(page.contains("Signs in as sami@staff.test."), "{page}");
        assert_eq!(
            count(
                &app,
                "email_outbox WHERE kind = 'access-granted' AND recipient = 'sami@staff.test'"
            )
            .await,
            1
        );
        let users = admin.get("/staff/users?q=sami").await.text();
        assert!(
            users.contains(&format!(
                r#"<a href="/staff/technicians/{technician}">Sami Roy</a>"#
            )),
            "{users}"
        );
        // Unlinked, the user can be linked again from the list of free technician users.
        let unlinked = admin.post(&format!("{path}/user"), &[("user", "")]).await;
        assert_eq!(unlinked.status, StatusCode::SEE_OTHER);
        let page = admin.get(&path).await.text();
        assert!(
            page.contains("sami@staff.test (Sami Roy)"),
            "offered again: {page}"
        );
        let bad = admin
            .post(&format!("{path}/user"), &[("user", "abc")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains(r##"href="#user""##));
    }
);

both_backends!(
    the_start_page_draws_the_day_at_a_glance_for_staff_only,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let territory = east_end(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let skill = created_id(
            &staff
                .post("/staff/catalog/skills", &[("name", "Heat pumps")])
                .await,
        );
        let skill_field = format!("skill-{skill}");
        let made = staff
            .post(
                "/staff/catalog/service-types",
                &[
                    ("name", "Heat pump service"),
                    ("duration_minutes", "60"),
                    ("self_scheduling", "true"),
                    (skill_field.as_str(), "3"),
                ],
            )
            .await;
        let service_type: i64 = created_id(&made).parse().unwrap();
        let template = every_day(&mut staff).await;
        new_technician(&mut staff, "Karim Tech", &template, territory, Some(&skill)).await;
        let customer = crate::bookings::principal(&app, world.user("customer of A")).await;
        let booking = crate::bookings::book_first(
            &app,
            &customer,
            onsite_domain::ServiceTypeId(service_type),
        )
        .await;
        // The visit moved to the first hour of today (the dispatcher's day: UTC, their profile
        // has no zone): it has started without the technician, so it is late.
        let now = crate::support::now(&app);
        let midnight = now
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond();
        sqlx::query("UPDATE bookings SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(midnight)
            .bind(midnight + 3_600_000)
            .bind(booking.0)
            .execute(&mut *app.db.store().conn().await.unwrap())
            .await
            .unwrap();

        let home = staff.get("/").await.text();
        assert!(home.contains("Today at a glance"), "{home}");
        // Visits by state: the bar and the table say the same.
        assert!(
            home.contains(r#"<title id="glance-states-title">Visits of the day by state</title>"#),
            "{home}"
        );
        assert!(home.contains(r#"aria-labelledby="glance-states-title""#));
        assert!(
            home.contains(r#"<tr><th scope="row">Scheduled</th><td>1</td></tr>"#),
            "{home}"
        );
        assert!(home.contains(r#"<tr><th scope="row">Completed</th><td>0</td></tr>"#));
        assert!(home.contains(r##"width="300.0" height="20" fill="#01609a" data-value="1""##));
        assert!(home.contains("1 late visit: not under way"), "{home}");
        assert!(home.contains("0 visits wait for a new time."), "{home}");
        // Karim works 07:00–19:00 (720 min) and has 60 of them booked.
        assert!(
            home.contains(
                r#"<tr><th scope="row">Karim Tech</th><td>8 % (60 of 720 min)</td></tr>"#
            ),
            "{home}"
        );
        assert!(home.contains(r#"data-value="8""#));

        // Nobody else sees it: not the customer, whose home is their appointments.
        let mut other = app.browser_as(world.user("customer of B")).await;
        let theirs = other.get("/").await.text();
        assert!(
            !theirs.contains("at a glance") && !theirs.contains("Karim Tech"),
            "{theirs}"
        );
        assert!(!theirs.contains("Zephyrine"));
    }
);
