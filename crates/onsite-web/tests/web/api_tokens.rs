//! API tokens (issue 16), on both engines: the scope check on every `/api/` route generated
//! from the route table (a token without the route's area scope is refused, one with it passes
//! the guard), routes no token may use, expiry, revocation on the next request, a creator
//! disabled or demoted, no token on pages, CSRF with a token and with a cookie, the per-token
//! rate limit, the audit log naming the token, the secret shown once to its creator only, and
//! the administrators' page.

use crate::access::Fixture;
use crate::support::{TestApp, TestResponse, World, now};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jiff::{SignedDuration, Timestamp};
use onsite_app::policy::{Admin, Capability};
use onsite_domain::UserId;
use onsite_domain::api_token::{Access, Area, Scopes};
use onsite_domain::role::Role;
use onsite_store::api_tokens::{self, NewToken};
use onsite_testkit::both_backends;
use onsite_web::error::is_api;
use onsite_web::routes::{Route, table};

/// A token of `user` with `scopes` (text, e.g. `bookings:write`), straight into the store (so
/// that any expiry, past ones included, can be made); its secret.
async fn token_of(
    app: &TestApp,
    user: UserId,
    name: &str,
    scopes: &str,
    expires_at: Option<Timestamp>,
) -> String {
    let secret = onsite_app::secrets::Secret::api_token();
    api_tokens::insert(
        &mut app.db.store().conn().await.unwrap(),
        &NewToken {
            name,
            secret_hash: &secret.hash(),
            scopes: &Scopes::parse(scopes).unwrap(),
            created_by: user,
            now: now(app),
            expires_at,
        },
    )
    .await
    .unwrap();
    secret.expose().to_owned()
}

/// Every area with write access but `except`.
fn all_but(except: Option<Area>) -> String {
    Area::ALL
        .iter()
        .filter(|a| Some(**a) != except)
        .map(|a| format!("{}:write", a.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A request of `route` at `path` with the token (no cookie, no CSRF token), its body the
/// access matrix's.
async fn with_token(
    app: &TestApp,
    fixture: &Fixture,
    route: &Route,
    path: &str,
    secret: &str,
) -> TestResponse {
    let mut request = Request::builder()
        .method(route.method.clone())
        .uri(path)
        .header("host", "onsite.test")
        .header("authorization", format!("Bearer {secret}"));
    let body = if route.method == Method::POST {
        let (content_type, body) = fixture.body(route);
        request = request.header("content-type", content_type);
        Body::from(body)
    } else {
        Body::empty()
    };
    app.send(request.body(body).unwrap()).await
}

/// A GET of `path` with the token.
async fn get_with(app: &TestApp, path: &str, secret: &str) -> TestResponse {
    app.get_with(path, &[("authorization", &format!("Bearer {secret}"))])
        .await
}

/// A JSON POST of `path` with the token and nothing else.
async fn post_with(app: &TestApp, path: &str, body: &str, secret: &str) -> TestResponse {
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("host", "onsite.test")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {secret}"))
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

/// An invitation of account A's new contact (`POST /api/v1/invitations`, accounts:write).
fn invitation_body(world: &World) -> String {
    format!(
        r#"{{"contact_id":{},"roles":["self-scheduling"]}}"#,
        world.contact_a_new
    )
}

both_backends!(
    every_api_route_asks_a_token_for_its_areas_scope,
    |app: TestApp| async move {
        let fixture = Fixture::build(&app).await;
        let admin = fixture.world.user("admin");
        let mut failures = Vec::new();
        let mut checked = 0;
        for route in table().into_iter().filter(|r| is_api(r.path)) {
            let path = fixture.path(&route);
            let label = format!("{} {}", route.method, route.path);
            let write = route.method != Method::GET;
            // Every scope but the route's own (all of them for a route of no area).
            let without = token_of(&app, admin, "without", &all_but(route.area), None).await;
            let answer = with_token(&app, &fixture, &route, &path, &without).await;
            checked += 1;
            if route.capability == Capability::Public {
                if answer.status != StatusCode::OK {
                    failures.push(format!("{label}: public, got {}", answer.status));
                }
                continue;
            }
            if answer.status != StatusCode::FORBIDDEN
                || answer.json()["error"]["code"] != "insufficient_scope"
            {
                failures.push(format!(
                    "{label}: without its scope, expected 403 insufficient_scope, got {} {}",
                    answer.status,
                    answer.text()
                ));
            }
            let Some(area) = route.area else {
                continue;
            };
            if write {
                // Reading is not writing.
                let read = format!("{}:read", area.as_str());
                let reader = token_of(&app, admin, "reader", &read, None).await;
                let answer = with_token(&app, &fixture, &route, &path, &reader).await;
                if answer.status != StatusCode::FORBIDDEN {
                    failures.push(format!("{label}: read scope, got {}", answer.status));
                }
            }
            let access = if write { Access::Write } else { Access::Read };
            let scope = format!("{}:{}", area.as_str(), access.as_str());
            let with = token_of(&app, admin, "with", &scope, None).await;
            let answer = with_token(&app, &fixture, &route, &path, &with).await;
            let refused = matches!(
                answer.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS
            );
            if refused || answer.status.is_server_error() {
                failures.push(format!(
                    "{label}: with {scope}, got {} {}",
                    answer.status,
                    answer.text()
                ));
            }
        }
        assert!(checked >= 40, "{checked} API routes");
        assert!(
            failures.is_empty(),
            "{} unexpected answers:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

both_backends!(
    expired_and_revoked_tokens_stop_at_their_next_request,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let admin = world.user("admin");
        let at = now(&app);
        let expired = token_of(
            &app,
            admin,
            "old",
            "bookings:read",
            Some(at - SignedDuration::from_secs(1)),
        )
        .await;
        let answer = get_with(&app, "/api/v1/staff/visits", &expired).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json()["error"]["code"], "invalid_token");
        assert_eq!(
            answer.header("www-authenticate"),
            r#"Bearer error="invalid_token""#
        );

        let soon = token_of(
            &app,
            admin,
            "soon",
            "bookings:read",
            Some(at + SignedDuration::from_mins(5)),
        )
        .await;
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &soon).await.status,
            StatusCode::OK
        );
        app.state.clock.advance(SignedDuration::from_mins(6));
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &soon).await.status,
            StatusCode::UNAUTHORIZED,
            "expired since"
        );

        let live = token_of(&app, admin, "live", "bookings:read", None).await;
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &live).await.status,
            StatusCode::OK
        );
        let id = api_tokens::list(&mut app.db.store().conn().await.unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "live")
            .unwrap()
            .id;
        let mut browser = app.browser_as(admin).await;
        browser.get("/staff/api-tokens").await;
        let revoked = browser
            .post(&format!("/staff/api-tokens/{id}/revoke"), &[])
            .await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        let answer = get_with(&app, "/api/v1/staff/visits", &live).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "the next request");
        // A made-up secret, and a garbled header, are refused alike.
        let made_up = get_with(&app, "/api/v1/staff/visits", "onsite_nope").await;
        assert_eq!(made_up.status, StatusCode::UNAUTHORIZED);
    }
);

both_backends!(
    a_creator_disabled_or_demoted_stops_their_tokens,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let other_admin = crate::support::insert_user(
            &app,
            "olga@staff.test",
            "Olga Admin",
            None,
            &[Role::Admin],
        )
        .await;
        let secret = token_of(&app, other_admin, "olga's", "bookings:read", None).await;
        let works = || async { get_with(&app, "/api/v1/staff/visits", &secret).await.status };
        assert_eq!(works().await, StatusCode::OK);
        let admin: Admin = crate::bookings::principal(&app, world.user("admin"))
            .await
            .grant()
            .unwrap();
        onsite_app::team::set_disabled(app.app(), admin, other_admin, true)
            .await
            .unwrap();
        assert_eq!(works().await, StatusCode::UNAUTHORIZED, "disabled");
        onsite_app::team::set_disabled(app.app(), admin, other_admin, false)
            .await
            .unwrap();
        assert_eq!(works().await, StatusCode::OK, "enabled again");
        onsite_store::accounts::set_roles(
            &mut app.db.store().conn().await.unwrap(),
            other_admin,
            &[Role::Dispatcher],
        )
        .await
        .unwrap();
        assert_eq!(
            works().await,
            StatusCode::UNAUTHORIZED,
            "no longer an admin"
        );
    }
);

both_backends!(no_page_accepts_a_token, |app: TestApp| async move {
    let fixture = Fixture::build(&app).await;
    let secret = token_of(
        &app,
        fixture.world.user("admin"),
        "everything",
        &all_but(None),
        None,
    )
    .await;
    let mut checked = 0;
    // The metrics scrapers' route reads a bearer token of its own (`metrics::scrape`).
    for route in table().into_iter().filter(|r| {
        !is_api(r.path) && r.method == Method::GET && r.path != onsite_web::metrics::PATH
    }) {
        let path = fixture.path(&route);
        let anonymous = app.get(&path).await;
        let token = get_with(&app, &path, &secret).await;
        assert_eq!(
            (token.status, token.header("location")),
            (anonymous.status, anonymous.header("location")),
            "GET {path}: as to anyone anonymous"
        );
        checked += 1;
    }
    assert!(checked >= 60, "{checked} pages");
    // A form post with a token alone is a write without a CSRF token.
    let answer = app
        .send(
            crate::support::form("/staff/api-tokens")
                .header("authorization", format!("Bearer {secret}"))
                .body(Body::from("name=sneaky&scope-settings=write"))
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let tokens = api_tokens::list(&mut app.db.store().conn().await.unwrap())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 1, "nothing made");
});

both_backends!(
    a_token_needs_no_csrf_token_but_a_cookie_still_does,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let admin = world.user("admin");
        let secret = token_of(&app, admin, "crm", "accounts:write", None).await;
        let made = post_with(
            &app,
            "/api/v1/invitations",
            &invitation_body(&world),
            &secret,
        )
        .await;
        assert!(made.status.is_success(), "{} {}", made.status, made.text());

        let (session, _csrf) = app.session_for(admin).await;
        let cookie_only = app
            .send(
                Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/invitations")
                    .header("host", "onsite.test")
                    .header("content-type", "application/json")
                    .header("cookie", format!("onsite_session={session}"))
                    .body(Body::from(invitation_body(&world)))
                    .unwrap(),
            )
            .await;
        assert_eq!(cookie_only.status, StatusCode::FORBIDDEN);
        assert_eq!(cookie_only.json()["error"]["code"], "csrf");

        // A cookie sent along with a token grants nothing: the token alone decides.
        let reader = token_of(&app, admin, "reader", "accounts:read", None).await;
        let both = app
            .send(
                Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/invitations")
                    .header("host", "onsite.test")
                    .header("content-type", "application/json")
                    .header("cookie", format!("onsite_session={session}"))
                    .header("authorization", format!("Bearer {reader}"))
                    .body(Body::from(invitation_body(&world)))
                    .unwrap(),
            )
            .await;
        assert_eq!(both.status, StatusCode::FORBIDDEN);
        assert_eq!(both.json()["error"]["code"], "insufficient_scope");
        assert_eq!(
            both.header("www-authenticate"),
            r#"Bearer error="insufficient_scope""#
        );
    }
);

both_backends!(
    each_token_has_its_own_rate_limit,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let admin = world.user("admin");
        onsite_store::settings::set(
            &mut app.db.store().conn().await.unwrap(),
            "api/token_requests_per_minute",
            "3",
        )
        .await
        .unwrap()
        .unwrap();
        let first = token_of(&app, admin, "first", "bookings:read", None).await;
        let second = token_of(&app, admin, "second", "bookings:read", None).await;
        // Stay inside one minute's window.
        let at = now(&app);
        let into_window = at.as_millisecond().rem_euclid(60_000);
        if into_window > 50_000 {
            app.state
                .clock
                .advance(SignedDuration::from_millis(60_000 - into_window));
        }
        for _ in 0..3 {
            assert_eq!(
                get_with(&app, "/api/v1/staff/visits", &first).await.status,
                StatusCode::OK
            );
        }
        let over = get_with(&app, "/api/v1/staff/visits", &first).await;
        assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = over.header("retry-after").parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(over.json()["error"]["code"], "too_many_requests");
        // The document says so, and that a token may call this route.
        let doc = app.get("/api/openapi.json").await.json();
        let operation = &doc["paths"]["/api/v1/staff/visits"]["get"];
        assert!(operation["responses"]["429"].is_object());
        assert_eq!(operation["security"][1], serde_json::json!({"bearer": []}));
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &second).await.status,
            StatusCode::OK,
            "another token counts apart"
        );
        app.state.clock.advance(SignedDuration::from_secs(61));
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &first).await.status,
            StatusCode::OK,
            "the next minute"
        );
    }
);

both_backends!(the_audit_log_names_the_token, |app: TestApp| async move {
    let world = World::build(&app).await;
    let admin = world.user("admin");
    let mut browser = app.browser_as(admin).await;
    browser.get("/staff/api-tokens").await;
    let created = browser
        .post(
            "/staff/api-tokens",
            &[
                ("name", "Billing sync"),
                ("scope-accounts", "write"),
                ("scope-settings", "read"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let secret = secret_in(&created.text());
    let made = post_with(
        &app,
        "/api/v1/invitations",
        &invitation_body(&world),
        &secret,
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text());

    let log = get_with(&app, "/api/v1/audit", &secret).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text());
    let events = log.json()["events"].as_array().unwrap().clone();
    let by_token: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["api_token"] == "Billing sync")
        .collect();
    assert!(!by_token.is_empty(), "{events:?}");
    assert!(
        by_token.iter().all(|e| e["actor"]["id"] == admin.0),
        "the token acts for its creator"
    );
    assert!(
        by_token.iter().any(|e| e["action"] == "invitation.create"),
        "{by_token:?}"
    );
    let create = events
        .iter()
        .find(|e| e["action"] == "api_token.create")
        .expect("the creation is audited");
    assert_eq!(create["detail"]["name"], "Billing sync");
    assert!(!log.text().contains(&secret), "never the secret");

    let id = create["entity_id"].as_i64().unwrap();
    browser
        .post(&format!("/staff/api-tokens/{id}/revoke"), &[])
        .await;
    let page = browser.get("/staff/audit?entity=api_token").await;
    assert!(
        page.text().contains("Revoked an API token"),
        "{}",
        page.text()
    );
    let page = browser.get("/staff/audit").await;
    assert!(
        page.text().contains("with the API token “Billing sync”"),
        "the page names the token"
    );
});

/// The secret a page shows once.
fn secret_in(html: &str) -> String {
    let start = html.find("onsite_").expect("a secret on the page");
    html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

both_backends!(
    the_secret_is_shown_once_to_its_creator_only,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let admin = world.user("admin");
        let other_admin = crate::support::insert_user(
            &app,
            "olga@staff.test",
            "Olga Admin",
            None,
            &[Role::Admin],
        )
        .await;
        let mut browser = app.browser_as(admin).await;
        browser.get("/staff/api-tokens").await;
        let created = browser
            .post(
                "/staff/api-tokens",
                &[("name", "ERP"), ("scope-bookings", "read")],
            )
            .await;
        assert_eq!(created.status, StatusCode::OK);
        let secret = secret_in(&created.text());
        assert_eq!(secret.len(), "onsite_".len() + 64);
        assert_eq!(
            get_with(&app, "/api/v1/staff/visits", &secret).await.status,
            StatusCode::OK
        );
        let again = browser.get("/staff/api-tokens").await;
        assert!(again.text().contains("ERP"));
        assert!(!again.text().contains(&secret), "not even to its creator");
        let mut other = app.browser_as(other_admin).await;
        let theirs = other.get("/staff/api-tokens").await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(theirs.text().contains("ERP") && theirs.text().contains("Adam Admin"));
        assert!(!theirs.text().contains(&secret), "never to another");
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        assert_eq!(
            dispatcher.get("/staff/api-tokens").await.status,
            StatusCode::FORBIDDEN
        );
        let stored = api_tokens::list(&mut app.db.store().conn().await.unwrap())
            .await
            .unwrap();
        assert!(
            !format!("{stored:?}").contains(&secret[7..]),
            "only its hash"
        );
    }
);

both_backends!(
    administrators_make_list_and_revoke_tokens,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut browser = app.browser_as(world.user("admin")).await;
        let empty = browser.get("/staff/api-tokens").await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.text().contains("No API token yet."));
        assert!(
            browser
                .get("/")
                .await
                .text()
                .contains("href=\"/staff/api-tokens\""),
            "in the administrators' navigation"
        );
        // Refused forms: nothing is made, the reason is next to its field.
        let no_name = browser
            .post("/staff/api-tokens", &[("scope-bookings", "read")])
            .await;
        assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_name.text().contains("id=\"name-error\""));
        let no_scope = browser.post("/staff/api-tokens", &[("name", "ERP")]).await;
        assert_eq!(no_scope.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_scope.text().contains("id=\"scopes-error\""));
        let past = browser
            .post(
                "/staff/api-tokens",
                &[
                    ("name", "ERP"),
                    ("scope-bookings", "read"),
                    ("expires_on", "2001-01-01"),
                ],
            )
            .await;
        assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(past.text().contains("id=\"expires_on-error\""));
        assert!(
            api_tokens::list(&mut app.db.store().conn().await.unwrap())
                .await
                .unwrap()
                .is_empty()
        );

        let made = browser
            .post(
                "/staff/api-tokens",
                &[
                    ("name", "Nightly ERP"),
                    ("scope-bookings", "write"),
                    ("scope-catalogue", "read"),
                    ("expires_on", "2099-12-31"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::OK);
        let text = made.text();
        assert!(text.contains("Token “Nightly ERP” created"), "{text}");
        assert!(text.contains("Catalogue (Read)"));
        assert!(text.contains("Visits and bookings (Read and write)"));
        assert!(text.contains("Never"), "not used yet");
        let secret = secret_in(&text);
        get_with(&app, "/api/v1/staff/visits", &secret).await;
        let listed = browser.get("/staff/api-tokens").await.text();
        assert!(
            !listed.contains("Never</td>\n        <td>Active"),
            "used: {listed}"
        );
        let id = api_tokens::list(&mut app.db.store().conn().await.unwrap())
            .await
            .unwrap()[0]
            .id;
        let revoked = browser
            .post(&format!("/staff/api-tokens/{id}/revoke"), &[])
            .await;
        assert_eq!(
            revoked.header("location"),
            "/staff/api-tokens?notice=api-token-revoked"
        );
        let listed = browser
            .get("/staff/api-tokens?notice=api-token-revoked")
            .await
            .text();
        assert!(listed.contains("The token is revoked"));
        assert!(listed.contains("Revoked "));
        assert!(!listed.contains(&format!("/staff/api-tokens/{id}/revoke")));
        // Another's revoke of an unknown token is 404.
        let unknown = browser.post("/staff/api-tokens/999999/revoke", &[]).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        // French too.
        let mut french = app.browser_as(world.user("admin")).await;
        french.accept_language = Some("fr");
        assert!(
            french
                .get("/staff/api-tokens")
                .await
                .text()
                .contains("Jetons d’API")
        );

        // The rate limit: a value out of its range is refused with it, nothing saved.
        let refused = browser
            .post(
                "/staff/api-tokens/settings",
                &[("api/token_requests_per_minute", "0")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let saved = browser
            .post(
                "/staff/api-tokens/settings",
                &[("api/token_requests_per_minute", "120")],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        assert!(
            browser
                .get("/staff/api-tokens")
                .await
                .text()
                .contains("value=\"120\"")
        );
    }
);
