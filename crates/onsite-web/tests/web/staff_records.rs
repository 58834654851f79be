//! The staff's asset and invoice pages (issue 6): a dispatcher lists, searches, creates, edits
//! and exposes assets and invoices of every account; the customer's reviewer sees a record
//! once it is exposed and stops seeing it when it is hidden again; a refused form says why and
//! changes nothing; nobody but staff reaches these pages.

use crate::records::Records;
use crate::support::{Browser, TestApp, TestResponse, World};
use axum::http::StatusCode;
use onsite_testkit::both_backends;

async fn setup(app: &TestApp) -> (World, Records) {
    let world = World::build(app).await;
    let schedule = crate::bookings::schedule(app, &world).await;
    let records = Records::build(app, &world, schedule.service_type).await;
    (world, records)
}

/// The id in a redirect to a record's page (`/staff/assets/12?notice=record-saved`).
fn saved_id(answer: &TestResponse, base: &str) -> i64 {
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    answer
        .header("location")
        .trim_start_matches(base)
        .trim_start_matches('/')
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The values of the options of the select named `name` in `page`.
fn options_of(page: &str, name: &str) -> Vec<String> {
    let start = page
        .find(&format!("<select id=\"f-{name}\" name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let select = &page[start..];
    let select = &select[..select.find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| o[..o.find('"').unwrap()].to_owned())
        .collect()
}

/// Form fields as the test browser posts them.
fn borrow<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Where the page's record form posts (its edit form carries `seen_version`).
async fn form_action(browser: &mut Browser<'_>, path: &str) -> String {
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    page.text()
        .split("<form method=\"post\" action=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
}

both_backends!(
    a_dispatcher_creates_edits_and_exposes_assets_and_the_reviewer_follows,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;

        // The list: every account's assets, hidden ones too; searchable, one account at a time.
        let list = dispatcher.get("/staff/assets").await;
        assert_eq!(list.status, StatusCode::OK);
        let text = list.text();
        for name in ["Roof unit A", "Secret unit A", "Freight unit B"] {
            assert!(text.contains(name), "{name}");
        }
        let found = dispatcher.get("/staff/assets?q=secret").await.text();
        assert!(found.contains("Secret unit A") && !found.contains("Roof unit A"));
        let of_b = dispatcher
            .get(&format!("/staff/assets?account={}", world.account_b))
            .await
            .text();
        assert!(of_b.contains("Freight unit B") && !of_b.contains("Roof unit A"));
        // Keyset pages: one asset a page, Next leads to the second.
        let first = dispatcher.get("/staff/assets?limit=1").await.text();
        let next = first
            .split("rel=\"next\" href=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        assert!(
            next.starts_with("/staff/assets?") && next.contains("limit=1"),
            "{next}"
        );
        assert_eq!(dispatcher.get(&next).await.status, StatusCode::OK);

        // A parent of another account is refused with the reason; nothing is made.
        assert_eq!(
            dispatcher.get("/staff/assets/new").await.status,
            StatusCode::OK
        );
        let account = world.account_a.to_string();
        let (parent_a, parent_b) = (r.asset_a.to_string(), r.asset_b.to_string());
        let refused = dispatcher
            .post(
                "/staff/assets",
                &[
                    ("account", &account),
                    ("parent", &parent_b),
                    ("name", "Chiller A"),
                    ("product", "Chiller CH-2"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .text()
                .contains("The linked record must exist and belong to the same account."),
            "{}",
            refused.text()
        );
        assert!(
            !dispatcher
                .get("/staff/assets?q=Chiller")
                .await
                .text()
                .contains("Chiller A")
        );

        // Made under asset A, not exposed: the reviewer does not see it.
        let created = dispatcher
            .post(
                "/staff/assets",
                &[
                    ("account", &account),
                    ("parent", &parent_a),
                    ("name", "Chiller A"),
                    ("product", "Chiller CH-2"),
                    ("serial_number", "CH-0042"),
                ],
            )
            .await;
        let id = saved_id(&created, "/staff/assets");
        let page = dispatcher.get(&format!("/staff/assets/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Chiller A") && text.contains("Roof unit A"));
        assert!(text.contains("Zephyrine Holdings"), "its account");
        let customer_path = format!("/records/assets/{id}");
        assert_eq!(
            reviewer.get(&customer_path).await.status,
            StatusCode::NOT_FOUND
        );

        // Expose to Customer: the reviewer sees it; hidden again, they do not.
        let expose = format!("/staff/assets/{id}/expose");
        let exposed = dispatcher.post(&expose, &[("exposed", "true")]).await;
        assert_eq!(exposed.status, StatusCode::SEE_OTHER);
        let shown = reviewer.get(&customer_path).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("CH-0042"));
        dispatcher.post(&expose, &[("exposed", "false")]).await;
        assert_eq!(
            reviewer.get(&customer_path).await.status,
            StatusCode::NOT_FOUND
        );

        // Edit: under its own component is a cycle, refused with the reason, nothing moves.
        let action = form_action(
            &mut dispatcher,
            &format!("/staff/assets/{}/edit", r.asset_a),
        )
        .await;
        assert!(action.contains("seen_version="), "{action}");
        let component = r.component_a.to_string();
        let cycle = dispatcher
            .post(
                &action,
                &[
                    ("account", &account),
                    ("parent", &component),
                    ("name", "Roof unit A"),
                    ("product", "Rooftop unit RTU-9"),
                    ("expose_to_customer", "true"),
                ],
            )
            .await;
        assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(cycle.text().contains("cannot be a component of itself"));
        let renamed = [
            ("account", account.as_str()),
            ("name", "Roof unit A, north"),
            ("product", "Rooftop unit RTU-9"),
            ("expose_to_customer", "true"),
        ];
        let saved = dispatcher.post(&action, &renamed).await;
        assert_eq!(saved_id(&saved, "/staff/assets"), r.asset_a.0);
        // The same form again: the asset changed since it was shown.
        let stale = dispatcher.post(&action, &renamed).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale
                .text()
                .contains("Someone saved this record since you opened the form")
        );
        assert!(
            reviewer
                .get(&format!("/records/assets/{}", r.asset_a))
                .await
                .text()
                .contains("Roof unit A, north")
        );
    }
);

both_backends!(
    a_dispatcher_creates_edits_and_exposes_invoices_with_their_lines,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;

        let list = dispatcher.get("/staff/invoices?filter=all").await;
        assert_eq!(list.status, StatusCode::OK);
        let text = list.text();
        for number in ["INV-A-1", "INV-A-SECRET", "INV-B-1"] {
            assert!(text.contains(number), "{number}");
        }

        // "New invoice" starts with the customer: a search of the accounts, each a link to
        // the form for that account.
        let account = world.account_a.to_string();
        let choose = dispatcher.get("/staff/invoices/new").await;
        assert_eq!(choose.status, StatusCode::OK);
        assert!(!choose.text().contains("name=\"line_description\""));
        assert!(
            choose
                .text()
                .contains(&format!("href=\"/staff/invoices/new?account={account}\"")),
            "{}",
            choose.text()
        );
        let new = dispatcher
            .get(&format!("/staff/invoices/new?account={account}"))
            .await;
        assert_eq!(new.status, StatusCode::OK);
        let rows = |page: &str| page.matches("name=\"line_description\"").count();
        let blank_rows = rows(&new.text());
        let work_order = r.estimate_a.to_string();
        let fields = |price: &'static str| {
            vec![
                ("account", account.clone()),
                ("number", "INV-A-7".to_owned()),
                ("work_order", work_order.clone()),
                ("status", "issued".to_owned()),
                ("currency", "CAD".to_owned()),
                ("issued_on", "2030-04-01".to_owned()),
                ("due_on", "2030-04-30".to_owned()),
                ("line_description", "Labour".to_owned()),
                ("line_quantity", "1.5".to_owned()),
                ("line_unit_price", price.to_owned()),
                ("line_tax_rate", "14.975".to_owned()),
                ("line_description", String::new()),
                ("line_quantity", String::new()),
                ("line_unit_price", String::new()),
                ("line_tax_rate", String::new()),
                ("line_description", "Filter".to_owned()),
                ("line_quantity", "2".to_owned()),
                ("line_unit_price", "10.00".to_owned()),
                ("line_tax_rate", "5".to_owned()),
            ]
        };

        // "Add a line": the form again with one more row, nothing saved.
        let mut more = fields("95.00");
        more.push(("add_line", "1".to_owned()));
        let again = dispatcher.post("/staff/invoices", &borrow(&more)).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(rows(&again.text()), 4, "two lines, the blank row, one more");
        assert!(blank_rows >= 1);

        // A price finer than the cent is refused with the reason; nothing is made.
        let bad = fields("95.001");
        let refused = dispatcher.post("/staff/invoices", &borrow(&bad)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        assert!(text.contains("Each line needs"), "{text}");
        assert!(text.contains("value=\"95.001\""), "what was typed is kept");
        assert!(
            !dispatcher
                .get("/staff/invoices?filter=all&q=INV-A")
                .await
                .text()
                .contains("INV-A-7")
        );

        let good = fields("95.00");
        let id = saved_id(
            &dispatcher.post("/staff/invoices", &borrow(&good)).await,
            "/staff/invoices",
        );
        let page = dispatcher.get(&format!("/staff/invoices/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        // 1.5 × 95.00 + 2 × 10.00 = 162.50 net.
        assert!(text.contains("Labour") && text.contains("Filter"));
        assert!(text.contains("CAD 162.50"), "{text}");
        assert!(text.contains("WO-A-1"), "its work order");

        // Not exposed yet; exposed, the reviewer reads it; hidden again, gone.
        let customer_path = format!("/records/invoices/{id}");
        assert_eq!(
            reviewer.get(&customer_path).await.status,
            StatusCode::NOT_FOUND
        );
        let expose = format!("/staff/invoices/{id}/expose");
        dispatcher.post(&expose, &[("exposed", "true")]).await;
        let shown = reviewer.get(&customer_path).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.text().contains("CAD 162.50"));
        dispatcher.post(&expose, &[("exposed", "false")]).await;
        assert_eq!(
            reviewer.get(&customer_path).await.status,
            StatusCode::NOT_FOUND
        );

        // Edit: the lines come back as typed; an edit of an older version is refused.
        let edit = dispatcher
            .get(&format!("/staff/invoices/{id}/edit"))
            .await
            .text();
        assert!(edit.contains("value=\"95.00\"") && edit.contains("value=\"1.5\""));
        assert!(edit.contains("value=\"14.975\""));
        let action = form_action(&mut dispatcher, &format!("/staff/invoices/{id}/edit")).await;
        let mut changed = fields("100.00");
        changed.push(("expose_to_customer", "true".to_owned()));
        let saved = dispatcher.post(&action, &borrow(&changed)).await;
        assert_eq!(saved_id(&saved, "/staff/invoices"), id);
        // 1.5 × 100.00 + 20.00 = 170.00 net; exposed with the edit.
        assert!(
            reviewer
                .get(&customer_path)
                .await
                .text()
                .contains("CAD 170.00")
        );
        assert_eq!(
            dispatcher.post(&action, &borrow(&changed)).await.status,
            StatusCode::CONFLICT
        );
        // A work order of another account is refused.
        let foreign = r.work_order_b.to_string();
        let mut other = fields("100.00");
        other[2].1 = foreign;
        let action = form_action(&mut dispatcher, &format!("/staff/invoices/{id}/edit")).await;
        let refused = dispatcher.post(&action, &borrow(&other)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            dispatcher
                .get(&format!("/staff/invoices/{id}"))
                .await
                .text()
                .contains("WO-A-1")
        );
    }
);

both_backends!(
    only_staff_reach_the_staff_asset_and_invoice_pages,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        for who in ["reviewer of A", "approver of A", "customer of A"] {
            let mut browser = app.browser_as(world.user(who)).await;
            for path in [
                format!("/staff/assets/{}", r.asset_a),
                format!("/staff/invoices/{}", r.invoice_a),
                format!("/staff/invoices/{}/edit", r.invoice_a),
            ] {
                assert_eq!(
                    browser.get(&path).await.status,
                    StatusCode::NOT_FOUND,
                    "{who} {path}"
                );
            }
            assert_eq!(
                browser.get("/staff/assets").await.status,
                StatusCode::FORBIDDEN,
                "{who}"
            );
            let account = world.account_a.to_string();
            let made = browser
                .post(
                    "/staff/assets",
                    &[("account", &account), ("name", "Sneaky unit")],
                )
                .await;
            assert_eq!(made.status, StatusCode::FORBIDDEN, "{who}");
            let exposed = browser
                .post(
                    &format!("/staff/invoices/{}/expose", r.invoice_a_hidden),
                    &[("exposed", "true")],
                )
                .await;
            assert_eq!(exposed.status, StatusCode::NOT_FOUND, "{who}");
        }
        // Nothing changed: the hidden invoice is still hidden, no asset was made.
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        assert_eq!(
            reviewer
                .get(&format!("/records/invoices/{}", r.invoice_a_hidden))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        assert!(
            !dispatcher
                .get("/staff/assets?q=Sneaky")
                .await
                .text()
                .contains("Sneaky unit")
        );
        // The dispatcher's header leads to the records.
        assert!(
            dispatcher
                .get("/")
                .await
                .text()
                .contains("href=\"/staff/assets\"")
        );
    }
);

both_backends!(
    the_staff_record_pages_speak_french,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        dispatcher.accept_language = Some("fr-CA,fr;q=0.9");
        let asset = dispatcher
            .get(&format!("/staff/assets/{}", r.asset_a))
            .await
            .text();
        assert!(asset.contains("Rendre visible au client") || asset.contains("Masquer au client"));
        assert!(asset.contains("Ajouter un composant"));
        let form = dispatcher
            .get(&format!("/staff/invoices/new?account={}", world.account_a))
            .await
            .text();
        assert!(
            form.contains("Ajouter une ligne") && form.contains("Les lignes vides sont ignorées")
        );
        let invoice = dispatcher
            .get(&format!("/staff/invoices/{}", r.invoice_a))
            .await
            .text();
        assert!(invoice.contains("592,45"), "French amounts");
    }
);

both_backends!(
    an_assets_staff_page_names_the_skills_working_on_it_requires,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut conn = app.db.store().conn().await.unwrap();
        let brazing = onsite_store::catalog::insert_characteristic(&mut conn, "Brazing")
            .await
            .unwrap();
        let skills = [onsite_domain::skill::SkillLevel {
            characteristic_id: brazing,
            rating: onsite_domain::skill::Rating::new(7).unwrap(),
        }];
        let id = onsite_store::assets::insert_asset(
            &mut conn,
            &onsite_store::assets::NewAsset {
                account_id: world.account_a,
                parent_id: Some(r.asset_a),
                name: "Condenser A",
                product: "Condenser C-1",
                serial_number: None,
                required_skills: &skills,
                expose_to_customer: true,
            },
        )
        .await
        .unwrap();
        drop(conn);
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let page = dispatcher.get(&format!("/staff/assets/{id}")).await.text();
        assert!(page.contains("Skills required") && page.contains("Brazing — 7/10"));
        // An asset that requires none has no such section.
        let plain = dispatcher
            .get(&format!("/staff/assets/{}", r.asset_a))
            .await
            .text();
        assert!(!plain.contains("Skills required") && plain.contains("Condenser A"));
    }
);

both_backends!(
    staff_list_every_accounts_work_orders_and_agreements_hidden_ones_too,
    |app: TestApp| async move {
        let (world, _) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let work_orders = dispatcher.get("/staff/work-orders?filter=all").await;
        assert_eq!(work_orders.status, StatusCode::OK);
        let text = work_orders.text();
        for number in ["WO-A-1", "WO-A-SECRET", "WO-B-1"] {
            assert!(text.contains(number), "{number}");
        }
        let awaiting = dispatcher
            .get(&format!(
                "/staff/work-orders?filter=awaiting-approval&account={}",
                world.account_b
            ))
            .await
            .text();
        assert!(awaiting.contains("WO-B-1") && !awaiting.contains("WO-A-1"));
        let agreements = dispatcher.get("/staff/agreements?filter=all&q=care").await;
        assert_eq!(agreements.status, StatusCode::OK);
        let text = agreements.text();
        for number in ["AGR-A-1", "AGR-A-SECRET", "AGR-B-1"] {
            assert!(text.contains(number), "{number}");
        }
        let mut reviewer = app.browser_as(world.user("reviewer of A")).await;
        for path in ["/staff/work-orders", "/staff/agreements"] {
            assert_eq!(
                reviewer.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }
);

both_backends!(
    new_record_forms_linked_from_a_record_start_filled_in,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;
        let (account, asset, agreement) = (
            world.account_a.to_string(),
            r.asset_a.to_string(),
            r.agreement_a.to_string(),
        );
        // The asset's page links a work order on it; the agreement's, one under it.
        let asset_page = dispatcher
            .get(&format!("/staff/assets/{asset}"))
            .await
            .text();
        let link = format!("/staff/work-orders/new?account={account}&amp;asset={asset}");
        assert!(asset_page.contains(&link), "{asset_page}");
        let form = dispatcher.get(&link.replace("&amp;", "&")).await.text();
        assert!(
            form.contains(&format!("<option value=\"{asset}\" selected>")),
            "{form}"
        );
        assert!(form.contains(&format!(
            "<input type=\"hidden\" name=\"account\" value=\"{account}\">"
        )));
        let agreement_page = dispatcher
            .get(&format!("/staff/agreements/{agreement}"))
            .await
            .text();
        let link = format!("/staff/invoices/new?account={account}&amp;agreement={agreement}");
        assert!(agreement_page.contains(&link));
        let form = dispatcher.get(&link.replace("&amp;", "&")).await.text();
        assert!(form.contains(&format!("<option value=\"{agreement}\" selected>")));
    }
);

both_backends!(
    record_forms_pick_the_account_by_search_and_its_records_by_name,
    |app: TestApp| async move {
        let (world, r) = setup(&app).await;
        let mut dispatcher = app.browser_as(world.user("dispatcher")).await;

        // The search finds an account by part of its name, in any case, and not the others.
        let found = dispatcher
            .get("/staff/work-orders/new?q=zephyr")
            .await
            .text();
        let a_link = format!(
            "href=\"/staff/work-orders/new?account={}\"",
            world.account_a
        );
        let b_link = format!(
            "href=\"/staff/work-orders/new?account={}\"",
            world.account_b
        );
        assert!(found.contains(&a_link), "{found}");
        assert!(!found.contains(&b_link));
        let nothing = dispatcher
            .get("/staff/work-orders/new?q=nobody-by-that-name")
            .await;
        assert_eq!(nothing.status, StatusCode::OK);
        assert!(!nothing.text().contains("/staff/work-orders/new?account="));

        // The form offers the account's own assets and agreements by name, never another
        // account's; no field asks for an id.
        let form = dispatcher
            .get(&format!(
                "/staff/work-orders/new?account={}",
                world.account_a
            ))
            .await
            .text();
        assert!(form.contains("Zephyrine Holdings"));
        let assets = options_of(&form, "asset");
        let agreements = options_of(&form, "agreement");
        assert!(assets.contains(&r.asset_a.to_string()));
        assert!(agreements.contains(&r.agreement_a.to_string()));
        assert!(!assets.contains(&r.asset_b.to_string()));
        assert!(!agreements.contains(&r.agreement_b.to_string()));
        assert!(!form.contains("inputmode=\"numeric\""), "{form}");

        // An asset's parent picker leaves the asset itself out.
        let edit = dispatcher
            .get(&format!("/staff/assets/{}/edit", r.asset_a))
            .await
            .text();
        let parents = options_of(&edit, "parent");
        assert!(!parents.contains(&r.asset_a.to_string()));
        assert!(parents.contains(&r.component_a.to_string()));

        // A save naming an account that does not exist: the account search again, 422,
        // nothing made.
        let before = dispatcher.get("/staff/assets?filter=all").await.text();
        let refused = dispatcher
            .post(
                "/staff/assets",
                &[("account", "999999"), ("name", "Ghost boiler")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("name=\"q\""));
        let after = dispatcher.get("/staff/assets?filter=all").await.text();
        assert!(!after.contains("Ghost boiler"));
        assert_eq!(before.matches("<tr").count(), after.matches("<tr").count());
    }
);
