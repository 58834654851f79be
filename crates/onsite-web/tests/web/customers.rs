//! The customer pages: a dispatcher finds accounts (search, filters, keyset pages), creates and
//! edits an account whose territory follows its address, adds and edits contacts, invites one
//! and revokes the invitation (the code then fails on the real redeem page), deactivates; bad
//! input is refused naming its field with nothing changed, a stale save comes back with the
//! other person's version, and only staff reach any of it.

use crate::support::{Browser, TestApp, World};
use axum::http::StatusCode;
use onsite_domain::AccountId;
use onsite_store::territories::{self, NewTerritory, PostalPrefix};

/// The `href` of the link with `rel` (`next`, `prev`) on a page, as a browser would follow it.
fn link(html: &str, rel: &str) -> Option<String> {
    let end = html.find(&format!(r#" rel="{rel}""#))?;
    let start = html[..end].rfind(r#"href=""#)? + 6;
    Some(
        html[start..end - 1]
            .replace("&#38;", "&")
            .replace("&amp;", "&"),
    )
}

/// The value of the hidden `seen_version` of a page's first form that has one.
fn seen_version(html: &str) -> String {
    let at = html
        .find(r#"name="seen_version" value=""#)
        .expect("a version")
        + 27;
    html[at..].split('"').next().unwrap().to_owned()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap()
}

/// A valid account form, at the Plateau.
fn plateau(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("kind", "customer"),
        ("name", name),
        ("address_line", "4301 Rue Saint-Denis"),
        ("city", "Montréal"),
        ("postal_code", "H2J 2K9"),
        ("country", "CA"),
        ("latitude", "45.5226"),
        ("longitude", "-73.5831"),
        ("time_zone", "America/Toronto"),
        ("notes", "Back door"),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    field: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    match form.iter_mut().find(|(k, _)| *k == field) {
        Some(pair) => pair.1 = value,
        None => form.push((field, value)),
    }
    form
}

onsite_testkit::both_backends!(
    a_dispatcher_finds_customers_a_page_at_a_time,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut browser = app.browser_as(world.user("dispatcher")).await;
        let home = browser.get("/").await.text();
        assert!(home.contains(r#"href="/staff/accounts""#), "navigation");
        assert!(home.contains("Customers"));

        let page = browser.get("/staff/accounts?q=zephyrine").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Zephyrine Holdings"));
        assert!(
            !html.contains("Borealis Freight"),
            "the search narrows the list"
        );
        assert!(html.contains(&format!(r#"href="/staff/accounts/{}""#, world.account_a)));
        assert!(html.contains("Has an account (Self-scheduling)"));
        assert!(html.contains("No invitation"));
        assert!(html.contains("Invite Nora Newcomer"));
        assert!(html.contains("Invite all contacts of Zephyrine Holdings"));
        // By a contact's address too, case-insensitively; nothing found is said plainly.
        let by_email = browser.get("/staff/accounts?q=BRUNO.BOREALIS").await;
        assert!(by_email.text().contains("Borealis Freight"));
        let none = browser.get("/staff/accounts?q=%25_nothing").await;
        assert!(none.text().contains("No account matches."));
        // The old contacts page leads here, with its search.
        let old = browser.get("/staff/contacts?q=zephyrine").await;
        assert_eq!(old.status, StatusCode::SEE_OTHER);
        assert_eq!(old.header("location"), "/staff/accounts?q=zephyrine");
        // Kinds and statuses.
        let partners = browser.get("/staff/accounts?kind=partner").await.text();
        assert!(partners.contains("Partner Plumbing Co") && !partners.contains("Zephyrine"));

        // Pages of 20, by name; Next and Previous keep the filters.
        for i in 0..25 {
            crate::support::insert_account(
                &app,
                &format!("Acme {i:02}"),
                onsite_domain::account::AccountKind::Customer,
            )
            .await;
        }
        let first = browser.get("/staff/accounts?kind=customer").await.text();
        assert!(first.contains("Acme 00") && first.contains("Acme 19"));
        assert!(!first.contains("Acme 20") && link(&first, "prev").is_none());
        let next = link(&first, "next").expect("a next page");
        assert!(
            next.contains("kind=customer") && next.contains("cursor="),
            "{next}"
        );
        let second = browser.get(&next).await;
        assert_eq!(second.status, StatusCode::OK);
        let second = second.text();
        assert!(
            second.contains("Acme 20") && second.contains("Zephyrine Holdings"),
            "{next}: {second}"
        );
        assert!(!second.contains("Acme 19") && !second.contains("Partner Plumbing"));
        assert!(link(&second, "next").is_none());
        let back = browser.get(&link(&second, "prev").unwrap()).await.text();
        assert!(back.contains("Acme 00") && back.contains("Acme 19") && !back.contains("Acme 20"));

        // A filter that cannot be read: 422, the field named, nothing listed.
        for (query, field) in [
            ("cursor=forged", "cursor"),
            ("kind=vendor", "kind"),
            ("status=gone", "status"),
        ] {
            let refused = browser.get(&format!("/staff/accounts?{query}")).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let html = refused.text();
            assert!(html.contains(&format!(r##"href="#{field}""##)), "{html}");
            assert!(!html.contains("Zephyrine Holdings"));
        }
        // Inactive accounts are listed apart.
        sqlx::query("UPDATE accounts SET active = FALSE WHERE name = 'Acme 03'")
            .execute(&mut *app.db.store().conn().await.unwrap())
            .await
            .unwrap();
        let active = browser.get("/staff/accounts?q=acme").await.text();
        assert!(!active.contains("Acme 03"));
        let inactive = browser.get("/staff/accounts?status=inactive").await.text();
        assert!(inactive.contains("Acme 03") && !inactive.contains("Acme 04"));
        assert!(inactive.contains("inactive: its contacts cannot be invited"));
    }
);

onsite_testkit::both_backends!(
    a_dispatcher_creates_and_edits_an_account_whose_territory_follows_it,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        territories::insert_territory(
            &mut app.db.store().conn().await.unwrap(),
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
                polygon: None,
            },
        )
        .await
        .unwrap();
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let form = staff.get("/staff/accounts/new").await;
        assert_eq!(form.status, StatusCode::OK);
        let html = form.text();
        assert!(html.contains(r#"class="map-point""#), "the map picker");
        assert!(
            html.contains("<option>America/Toronto</option>"),
            "the zones"
        );
        assert!(html.contains(r#"<option value="customer" selected>"#));

        // Bad input: 422, the field named next to itself and in the summary, nothing made.
        let accounts = count(&app, "accounts").await;
        for (field, value) in [
            ("name", " "),
            ("kind", "vendor"),
            ("address_line", ""),
            ("country", "Canada"),
            ("postal_code", "H2J;2K9"),
            ("latitude", "north"),
            ("longitude", "200"),
            ("time_zone", "Mars/Olympus"),
            ("time_zone", ""),
        ] {
            let refused = staff
                .post("/staff/accounts", &with(plateau("Fabre"), field, value))
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let html = refused.text();
            assert!(
                html.contains(&format!(r##"href="#{field}""##)),
                "{field}: {html}"
            );
            assert!(html.contains(&format!(r#"id="{field}-error""#)), "{field}");
            assert!(html.contains(r#"value="Montréal""#), "kept what was typed");
        }
        assert_eq!(count(&app, "accounts").await, accounts);

        let made = staff
            .post("/staff/accounts", &plateau("Boulangerie Fabre"))
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let location = made.header("location").to_owned();
        assert!(location.ends_with("?notice=account-created"), "{location}");
        let path = location.split('?').next().unwrap().to_owned();
        let page = staff.get(&location).await.text();
        assert!(page.contains("Account created."));
        assert!(page.contains("Territory: Plateau"), "{page}");
        assert!(page.contains("Back door"));
        assert!(
            !page.contains("/staff/audit?"),
            "History is for administrators"
        );
        let version = seen_version(&page);
        assert_eq!(version, "1");

        // Moved away from the territory; then a second dispatcher saving from version 1 is
        // refused with the first one's version, and nothing of theirs is written.
        let moved = with(
            with(plateau("Boulangerie Fabre"), "postal_code", "G1R 4P5"),
            "seen_version",
            "1",
        );
        let saved = staff.post(&path, &moved).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let page = staff.get(&path).await.text();
        assert!(page.contains("No territory covers this address"));
        let stale = with(
            with(plateau("Someone else's"), "seen_version", "1"),
            "kind",
            "",
        );
        let refused = staff.post(&path, &stale).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        let html = refused.text();
        assert!(
            html.contains("Someone else saved this in the meantime"),
            "{html}"
        );
        assert!(html.contains(r#"value="G1R 4P5""#), "their version");
        assert_eq!(seen_version(&html), "2");
        assert!(!html.contains("Someone else&#x27;s") && !html.contains("Someone else's"));
        // Bad input on a saved account: named, nothing changes.
        let bad = with(with(plateau(""), "seen_version", "2"), "kind", "");
        let refused = staff.post(&path, &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains(r##"href="#name""##));
        let missing = staff.post(&path, &plateau("No version")).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            staff
                .get(&path)
                .await
                .text()
                .contains(r#"name="seen_version" value="2""#)
        );

        // Deactivated (from the version shown), then reactivated.
        let stale = staff
            .post(&format!("{path}/deactivate"), &[("seen_version", "1")])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let off = staff
            .post(&format!("{path}/deactivate"), &[("seen_version", "2")])
            .await;
        assert_eq!(
            off.header("location"),
            format!("{path}?notice=account-deactivated")
        );
        let page = staff.get(&path).await.text();
        assert!(page.contains("Reactivate the account") && page.contains("Inactive"));
        let on = staff
            .post(&format!("{path}/activate"), &[("seen_version", "3")])
            .await;
        assert_eq!(on.status, StatusCode::SEE_OTHER);

        // Administrators see its history, each change in words.
        let mut admin = app.browser_as(world.user("admin")).await;
        let page = admin.get(&path).await.text();
        let id: AccountId = AccountId(path.rsplit('/').next().unwrap().parse().unwrap());
        let history = format!("/staff/audit?entity=account&#38;id={id}");
        assert!(page.contains(&history), "{page}");
        let log = admin
            .get(&format!("/staff/audit?entity=account&id={id}"))
            .await
            .text();
        for words in [
            "Created an account",
            "Edited an account",
            "Deactivated an account",
            "Reactivated an account",
            "territory: Plateau → —",
        ] {
            assert!(log.contains(words), "{words}: {log}");
        }
        // A partner account is made the same way.
        let partner = staff
            .post(
                "/staff/accounts",
                &with(plateau("Plombiers Associés"), "kind", "partner"),
            )
            .await;
        assert_eq!(partner.status, StatusCode::SEE_OTHER);
        let list = staff.get("/staff/accounts?kind=partner").await.text();
        assert!(list.contains("Plombiers Associés"));
    }
);

onsite_testkit::both_backends!(
    a_dispatcher_keeps_contacts_and_revokes_an_invitation,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let new = format!("/staff/accounts/{}/contacts/new", world.account_a);
        let form = staff.get(&new).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("Self-scheduling") && !form.text().contains("role-partner"));
        let create = format!("/staff/accounts/{}/contacts", world.account_a);
        let zoe = [
            ("first_name", "Zoé"),
            ("last_name", "Lévesque"),
            ("email", "zoe@a-account.test"),
            ("phone", "+1 514 555 0199"),
            ("language", "fr"),
            ("role-fs-customer-reviewer", "on"),
        ];
        let contacts = count(&app, "contacts").await;
        for (field, value, status) in [
            ("last_name", "", StatusCode::UNPROCESSABLE_ENTITY),
            ("email", "zoe at home", StatusCode::UNPROCESSABLE_ENTITY),
            ("phone", "call me", StatusCode::UNPROCESSABLE_ENTITY),
            ("language", "xx", StatusCode::UNPROCESSABLE_ENTITY),
            // Another active contact's address, or a staff user's.
            (
                "email",
                "NORA.NEWCOMER@a-account.test",
                StatusCode::CONFLICT,
            ),
            ("email", "dora@staff.test", StatusCode::CONFLICT),
        ] {
            let refused = staff.post(&create, &with(zoe.to_vec(), field, value)).await;
            assert_eq!(refused.status, status, "{field} {value}");
            let html = refused.text();
            assert!(
                html.contains(&format!(r##"href="#{field}""##)),
                "{field}: {html}"
            );
        }
        let partner_role = staff
            .post(&create, &with(zoe.to_vec(), "role-partner", "on"))
            .await;
        assert_eq!(partner_role.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(partner_role.text().contains(r##"href="#web_roles""##));
        assert_eq!(count(&app, "contacts").await, contacts);

        let made = staff.post(&create, &zoe).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let path = made
            .header("location")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let page = staff.get(&path).await.text();
        assert!(page.contains("Zoé Lévesque") && page.contains("No invitation yet."));
        assert!(page.contains(r#"<option value="fr" lang="fr" selected>"#));

        // Invited: the invitation is listed as pending, then revoked; its code no longer
        // redeems on the real page, and a second revoke is refused.
        let invited = staff
            .post(
                &format!("{path}/invite"),
                &[("role-fs-customer-reviewer", "on")],
            )
            .await;
        assert_eq!(invited.status, StatusCode::OK);
        let html = invited.text();
        let start = html.find(r#"<code class="invitation-code""#).unwrap();
        let code = html[start..]
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_owned();
        assert!(
            html.contains(&format!(r#"href="{path}""#)),
            "back to the contact"
        );
        let page = staff.get(&path).await.text();
        assert!(
            page.contains("Pending") && page.contains("Customer reviewer"),
            "{page}"
        );
        let revoke_at = page.find("/staff/invitations/").expect("a revoke button");
        let revoke = page[revoke_at..].split('"').next().unwrap().to_owned();
        let revoked = staff.post(&revoke, &[]).await;
        assert_eq!(
            revoked.header("location"),
            format!("{path}?notice=invitation-revoked")
        );
        let page = staff.get(revoked.header("location")).await.text();
        assert!(page.contains("Invitation revoked") && page.contains("Revoked"));
        assert!(
            !page.contains("/staff/invitations/"),
            "nothing left to revoke"
        );
        assert_eq!(staff.post(&revoke, &[]).await.status, StatusCode::CONFLICT);
        let mut zoe_browser = Browser::new(&app);
        zoe_browser.get("/redeem").await;
        let refused = zoe_browser.post("/redeem", &[("code", &code)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("withdrawn"), "{}", refused.text());

        // Edited from a stale form: refused with the other version.
        let version = seen_version(&page);
        let edit = with(zoe.to_vec(), "seen_version", &version);
        let edit = with(edit, "last_name", "Lévesque-Roy");
        assert_eq!(staff.post(&path, &edit).await.status, StatusCode::SEE_OTHER);
        let stale = staff
            .post(&path, &with(edit.clone(), "last_name", "Mine"))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let html = stale.text();
        assert!(html.contains("Someone else saved this") && html.contains("Lévesque-Roy"));
        assert!(!html.contains(r#"value="Mine""#));

        // Deactivated: no invitation can be sent.
        let page = staff.get(&path).await.text();
        let off = staff
            .post(
                &format!("{path}/deactivate"),
                &[("seen_version", &seen_version(&page))],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        let page = staff.get(&path).await.text();
        assert!(
            page.contains("No invitation can be sent") && page.contains("Reactivate the contact")
        );
        let refused = staff
            .post(
                &format!("{path}/invite"),
                &[("role-fs-customer-reviewer", "on")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains("This contact is inactive"));
        let list = staff.get("/staff/accounts?q=zoe").await.text();
        assert!(list.contains("Lévesque-Roy") && list.contains("(inactive)"));
        assert!(!list.contains("Invite Zoé"), "no invite button");
    }
);

onsite_testkit::both_backends!(
    only_staff_reach_the_customer_pages,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let account = format!("/staff/accounts/{}", world.account_a);
        let contact = format!("/staff/contacts/{}", world.contact_a_new);
        for who in ["customer of A", "approver of A", "partner", "technician"] {
            let mut browser = app.browser_as(world.user(who)).await;
            assert_eq!(
                browser.get("/staff/accounts").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
            assert_eq!(
                browser.get(&account).await.status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
            assert_eq!(
                browser.get(&contact).await.status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
            let edit = browser.post(&account, &plateau("Mine")).await;
            assert_eq!(edit.status, StatusCode::NOT_FOUND, "{who}");
            let made = browser.post("/staff/accounts", &plateau("Mine")).await;
            assert_eq!(made.status, StatusCode::FORBIDDEN, "{who}");
        }
        assert_eq!(count(&app, "audit_events").await, 0, "nothing changed");
        let anonymous = app.get("/staff/accounts").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert!(anonymous.header("location").starts_with("/sign-in"));
    }
);

onsite_testkit::both_backends!(
    the_staff_api_keeps_accounts_and_contacts_with_versions,
    |app: TestApp| async move {
        use serde_json::json;
        let world = World::build(&app).await;
        territories::insert_territory(
            &mut app.db.store().conn().await.unwrap(),
            &NewTerritory {
                name: "Plateau",
                postal_prefixes: &[PostalPrefix::parse("H2J").unwrap()],
                polygon: None,
            },
        )
        .await
        .unwrap();
        let mut staff = app.browser_as(world.user("dispatcher")).await;
        let body = json!({
            "kind": "customer", "name": "Boulangerie Fabre", "address_line": "4301 Rue Saint-Denis",
            "city": "Montréal", "postal_code": "H2J 2K9", "country": "CA",
            "latitude": 45.5226, "longitude": -73.5831, "time_zone": "America/Toronto",
        });

        // Refused input: 422 naming the field, nothing made.
        let accounts = count(&app, "accounts").await;
        for (field, value) in [
            ("kind", json!("vendor")),
            ("name", json!(" ")),
            ("country", json!("Canada")),
            ("latitude", json!(91.0)),
            ("time_zone", json!("Mars/Olympus")),
        ] {
            let mut bad = body.clone();
            bad[field] = value;
            let refused = staff.post_json("/api/v1/staff/accounts", &bad).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert_eq!(
                refused.json()["error"]["field"],
                field,
                "{}",
                refused.text()
            );
        }
        assert_eq!(count(&app, "accounts").await, accounts);

        let made = staff.post_json("/api/v1/staff/accounts", &body).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let account = made.json();
        let id = account["id"].as_i64().unwrap();
        assert_eq!(
            made.header("location"),
            format!("/api/v1/staff/accounts/{id}")
        );
        assert_eq!(
            account["territory"], "Plateau",
            "the territory follows the address"
        );
        assert_eq!(account["version"], 1);
        assert_eq!(account["active"], true);

        let found = staff.get("/api/v1/staff/accounts?q=fabre").await.json();
        let names: Vec<_> = found["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].clone())
            .collect();
        assert_eq!(names, [json!("Boulangerie Fabre")]);
        let refused = staff.get("/api/v1/staff/accounts?status=gone").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["field"], "status");

        // A change from the version read; members left out keep their value.
        let path = format!("/api/v1/staff/accounts/{id}");
        let changed = staff
            .post_json(
                &path,
                &json!({"version": 1, "postal_code": "G1R 4P5", "notes": "Back door"}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        let changed = changed.json();
        assert_eq!(changed["version"], 2);
        assert_eq!(
            changed["territory"],
            serde_json::Value::Null,
            "moved out of the Plateau"
        );
        assert_eq!(changed["name"], "Boulangerie Fabre");
        assert_eq!(changed["notes"], "Back door");
        // A second change from version 1 is stale: 409, nothing of it written.
        let stale = staff
            .post_json(&path, &json!({"version": 1, "name": "Other"}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(stale.json()["error"]["code"], "changed");
        assert_eq!(staff.get(&path).await.json()["name"], "Boulangerie Fabre");
        let unknown = staff
            .post_json(&path, &json!({"version": 2, "colour": "red"}))
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown members are refused"
        );

        // A contact, then one with the same address: taken.
        let contact = json!({"first_name": "Ana", "last_name": "Fabre", "email": "ana@fabre.test",
            "language": "fr", "web_roles": ["self-scheduling"]});
        let made = staff.post_json(&format!("{path}/contacts"), &contact).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let contact_id = made.json()["id"].as_i64().unwrap();
        let contact_path = format!("/api/v1/staff/contacts/{contact_id}");
        assert_eq!(made.header("location"), contact_path);
        let again = staff.post_json(&format!("{path}/contacts"), &contact).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["field"], "email");
        let bad_role = staff
            .post_json(
                &format!("{path}/contacts"),
                &json!({"last_name": "B", "email": "b@fabre.test", "web_roles": ["partner"]}),
            )
            .await;
        assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_role.json()["error"]["field"], "web_roles");
        let listed = staff.get(&path).await.json();
        assert_eq!(listed["contacts"][0]["email"], "ana@fabre.test");

        let changed = staff
            .post_json(
                &contact_path,
                &json!({"version": 1, "phone": "+1 514 555 0100"}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
        let changed = changed.json();
        assert_eq!(changed["first_name"], "Ana");
        assert_eq!(changed["language"], "fr");
        assert_eq!(changed["web_roles"], json!(["self-scheduling"]));
        assert_ne!(changed["phone"], serde_json::Value::Null);
        let version = changed["version"].as_i64().unwrap();

        // An invitation, revoked through the API; a second revoke is 409.
        let invited = staff
            .post_json(
                "/api/v1/invitations",
                &json!({"contact_id": contact_id, "roles": ["self-scheduling"]}),
            )
            .await;
        assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
        let invitation = invited.json()["invitation"]["id"].as_i64().unwrap();
        let shown = staff.get(&contact_path).await.json();
        assert_eq!(shown["invitations"][0]["status"], "pending");
        assert!(
            !shown.to_string().contains("code"),
            "the code is never shown again"
        );
        let revoke = format!("/api/v1/staff/invitations/{invitation}/revoke");
        let revoked = staff.post_json(&revoke, &json!({})).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
        assert_eq!(revoked.json()["contact_id"], contact_id);
        assert_eq!(
            staff.post_json(&revoke, &json!({})).await.status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            staff.get(&contact_path).await.json()["invitations"][0]["status"],
            "revoked"
        );

        // Deactivated, from the version read.
        let off = staff
            .post_json(
                &format!("{contact_path}/active"),
                &json!({"version": version, "active": false}),
            )
            .await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.text());
        assert_eq!(off.json()["active"], false);
        let off = staff
            .post_json(
                &format!("{path}/active"),
                &json!({"version": 1, "active": false}),
            )
            .await;
        assert_eq!(off.status, StatusCode::CONFLICT, "stale");
        let off = staff
            .post_json(
                &format!("{path}/active"),
                &json!({"version": 2, "active": false}),
            )
            .await;
        assert_eq!(off.status, StatusCode::OK);
        assert_eq!(off.json()["active"], false);
        let inactive = staff
            .get("/api/v1/staff/accounts?q=fabre&status=inactive")
            .await
            .json();
        assert_eq!(inactive["accounts"][0]["id"], id);

        // Every change is in the audit log, by the dispatcher.
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_events WHERE entity IN ('account', 'contact', 'invitation') ORDER BY id",
        )
        .fetch_all(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap();
        for action in [
            "account.create",
            "account.update",
            "contact.create",
            "contact.update",
            "invitation.revoke",
            "contact.deactivate",
            "account.deactivate",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} in {actions:?}"
            );
        }

        // Customers reach none of it.
        let mut customer = app.browser_as(world.user("customer of A")).await;
        assert_eq!(customer.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            customer.get("/api/v1/staff/accounts").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
