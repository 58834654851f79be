//! The import page and the exports: a dispatcher downloads a template, uploads a file (as
//! htmx sends it: multipart with the CSRF header), reads the dry run, confirms it and finds the
//! records; a refused file or row is answered 422 with its reason and nothing written, a
//! binary file never a 500; the lists export as CSV in the import's columns.

use crate::support::{Browser, TestApp, World};
use axum::body::Body;
use axum::http::{Request, StatusCode};

const ACCOUNTS: &str = "account_ref,name,address_line,city,country,latitude,longitude,time_zone,contact_ref,first_name,last_name,email\n\
W-1,Atelier Nord,1 Rue Jarry,Montréal,CA,45.54,-73.62,America/Toronto,W-1-a,Léa,Nord,lea@atelier.test\n\
W-2,Atelier Sud,2 Rue Wellington,Montréal,CA,45.47,-73.57,America/Toronto,,,,\n";

/// Posts `file` to the import page as multipart/form-data, with the page's CSRF header.
async fn upload(browser: &Browser<'_>, kind: &str, file: &[u8]) -> crate::support::TestResponse {
    let boundary = "onsite-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("kind", kind), ("encoding", ""), ("delimiter", "")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let request = Request::post("/staff/import")
        .header("host", "onsite.test")
        .header("cookie", cookies)
        .header("sec-fetch-site", "same-origin")
        .header("x-csrf-token", browser.csrf.clone())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    browser.app.send(request).await
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let at = html.find(&marker).expect(name) + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *app.db.store().conn().await.unwrap())
        .await
        .unwrap()
}

onsite_testkit::both_backends!(
    a_dispatcher_imports_a_file_after_its_dry_run,
    |app: TestApp| async move {
        let world = World::build(&app).await;
        let mut browser = app.browser_as(world.user("dispatcher")).await;
        let home = browser.get("/").await.text();
        assert!(home.contains(r#"href="/staff/import""#), "navigation");
        let form = browser.get("/staff/import").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains(r#"hx-encoding="multipart/form-data""#));

        let template = browser.get("/staff/import/template/assets.csv").await;
        assert_eq!(template.status, StatusCode::OK);
        assert_eq!(template.header("content-type"), "text/csv; charset=utf-8");
        assert!(
            template
                .text()
                .starts_with("asset_ref,account_ref,parent_ref,name,")
        );
        assert_eq!(
            browser.get("/staff/import/template/nothing").await.status,
            StatusCode::NOT_FOUND
        );

        let accounts = count(&app, "accounts").await;
        let dry = upload(&browser, "accounts", ACCOUNTS.as_bytes()).await;
        let html = dry.text();
        assert_eq!(dry.status, StatusCode::OK, "{html}");
        assert!(
            html.contains("2 to create, 0 to update, 0 unchanged, 0 refused."),
            "{html}"
        );
        assert_eq!(
            count(&app, "accounts").await,
            accounts,
            "a dry run writes nothing"
        );

        let upload_id = hidden(&html, "upload");
        let done = browser
            .post(
                "/staff/import/apply",
                &[
                    ("upload", &upload_id),
                    ("kind", "accounts"),
                    ("encoding", ""),
                    ("delimiter", ""),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert!(done.text().contains("2 created, 0 updated, 0 unchanged."));
        assert_eq!(count(&app, "accounts").await, accounts + 2);
        // The upload is gone with its import.
        let again = browser
            .post(
                "/staff/import/apply",
                &[("upload", &upload_id), ("kind", "accounts")],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(count(&app, "accounts").await, accounts + 2);

        // Refused rows come first, with their column and reason; nothing to confirm.
        let bad = ACCOUNTS.replace("45.47", "north");
        let refused = upload(&browser, "accounts", bad.as_bytes()).await;
        let html = refused.text();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("0 to create, 0 to update, 1 unchanged, 1 refused."),
            "{html}"
        );
        assert!(html.contains("<td>latitude</td>"));
        assert!(!html.contains(r#"name="upload""#));

        // A file that is no CSV, or none at all: the reason, never a 500.
        for file in [&b"\xFF\xFE\x00\x00garbage"[..], b"", b"name\nx\n"] {
            let r = upload(&browser, "assets", file).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert!(r.text().contains(r#"role="alert""#));
        }

        // The export writes the import's columns, the imported references included.
        let export = browser
            .get("/staff/accounts/export?status=all&q=Atelier")
            .await;
        assert_eq!(export.status, StatusCode::OK);
        let text = export.text();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("account_ref,kind,name,"));
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("W-1,customer,Atelier Nord,")
        );
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("W-2,customer,Atelier Sud,")
        );
        assert_eq!(lines.next(), None);
        let assets = browser.get("/staff/assets/export").await;
        assert_eq!(assets.status, StatusCode::OK);
        assert!(assets.text().starts_with("asset_ref,account_ref,"));
        assert_eq!(
            browser
                .get("/staff/accounts/export?status=gone")
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
    }
);
