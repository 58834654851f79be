//! CSV import against a fresh database, on both engines: accounts with contacts and assets with
//! parents created by a file, the same file again changing nothing, a changed row updating its
//! record, a dry run writing nothing, bad rows reported with their column and reason (and then
//! nothing written), encodings, delimiters and header aliases, and files refused whole.

use crate::app_on;
use crate::catalog::dispatcher;
use jiff::Timestamp;
use onsite_app::App;
use onsite_app::import::{self, Encoding, ImportError, ImportKind, Options, Outcome, Report};
use onsite_app::policy::Staff;
use onsite_i18n::{DEFAULT, Locale};
use onsite_testkit::TestDb;
use onsite_testkit::both_backends;

pub(crate) const ACCOUNTS: &str = "\
account_ref,kind,name,address_line,city,postal_code,country,latitude,longitude,time_zone,notes,active,contact_ref,first_name,last_name,email,phone,language,web_roles
CRM-1,customer,Boulangerie Fabre,4301 Rue Saint-Denis,Montréal,H2J 2K9,CA,45.5226,-73.5831,America/Toronto,Back door,true,CRM-1-a,Émilie,Fabre,emilie@example.com,+1 514 555 0101,fr,self-scheduling
CRM-1,customer,Boulangerie Fabre,4301 Rue Saint-Denis,Montréal,H2J 2K9,CA,45.5226,-73.5831,America/Toronto,Back door,true,CRM-1-b,Paul,Fabre,paul@example.com,,en,
CRM-2,customer,Garage Lemieux,12 Rue Ontario,Montréal,H2L 1N4,CA,45.5150,-73.5600,America/Toronto,,true,,,,,,,
CRM-3,partner,Froid Plus,1 Rue Notre-Dame,Montréal,H2Y 1S6,CA,45.5050,-73.5550,America/Toronto,,false,CRM-3-a,Luc,Roy,luc@example.com,,,partner
";

pub(crate) const ASSETS: &str = "\
asset_ref,account_ref,parent_ref,name,product,serial_number,expose_to_customer
A-1,CRM-1,,Oven line,Bongard 8.64,SN-1,true
A-2,CRM-1,A-1,Deck oven,Bongard,SN-2,true
A-3,CRM-1,A-2,Burner,,,false
A-4,CRM-2,,Lift,Rotary,,yes
";

pub(crate) fn options(kind: ImportKind, dry_run: bool) -> Options {
    Options {
        kind,
        dry_run,
        encoding: None,
        delimiter: None,
    }
}

pub(crate) async fn run(
    app: &App,
    staff: Staff,
    kind: ImportKind,
    dry_run: bool,
    file: &[u8],
) -> Result<Report, ImportError> {
    run_in(app, staff, kind, dry_run, file, DEFAULT).await
}

async fn run_in(
    app: &App,
    staff: Staff,
    kind: ImportKind,
    dry_run: bool,
    file: &[u8],
    locale: Locale,
) -> Result<Report, ImportError> {
    import::run(
        app,
        staff,
        options(kind, dry_run),
        file,
        locale,
        Timestamp::now(),
    )
    .await
}

fn counts(r: &Report) -> (u64, u64, u64, u64) {
    (r.created, r.updated, r.unchanged, r.refused)
}

pub(crate) async fn count(app: &App, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *app.store.conn().await.unwrap())
        .await
        .unwrap()
}

both_backends!(
    accounts_and_contacts_are_imported_once_and_a_second_import_changes_nothing,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let file = ACCOUNTS.as_bytes();

        let dry = run(&app, staff, ImportKind::Accounts, true, file)
            .await
            .unwrap();
        assert_eq!(counts(&dry), (4, 0, 0, 0), "{:?}", dry.refused_rows);
        assert!(!dry.applied);
        assert_eq!(count(&app, "accounts").await, 0, "a dry run writes nothing");
        assert_eq!(count(&app, "contacts").await, 0);

        let done = run(&app, staff, ImportKind::Accounts, false, file)
            .await
            .unwrap();
        assert_eq!(counts(&done), (4, 0, 0, 0));
        assert!(done.applied);
        assert_eq!(count(&app, "accounts").await, 3);
        assert_eq!(count(&app, "contacts").await, 3);
        let (name, active, kind): (String, i64, String) = sqlx::query_as(
            "SELECT name, CASE WHEN active THEN 1 ELSE 0 END AS active, kind FROM accounts \
             WHERE external_ref = 'CRM-3'",
        )
        .fetch_one(&mut *app.store.conn().await.unwrap())
        .await
        .unwrap();
        assert_eq!(
            (name.as_str(), active, kind.as_str()),
            ("Froid Plus", 0, "partner")
        );
        let (first, language, roles): (String, Option<String>, String) = sqlx::query_as(
            "SELECT first_name, language, web_roles FROM contacts WHERE external_ref = 'CRM-1-a'",
        )
        .fetch_one(&mut *app.store.conn().await.unwrap())
        .await
        .unwrap();
        assert_eq!(
            (first.as_str(), language.as_deref(), roles.as_str()),
            ("Émilie", Some("fr"), "self-scheduling")
        );
        let audited = count(&app, "audit_events").await;

        let again = run(&app, staff, ImportKind::Accounts, false, file)
            .await
            .unwrap();
        assert_eq!(counts(&again), (0, 0, 4, 0), "{:?}", again.other_rows);
        assert_eq!(count(&app, "accounts").await, 3);
        assert_eq!(count(&app, "contacts").await, 3);
        // Only the import's own line.
        assert_eq!(count(&app, "audit_events").await, audited + 1);

        let edited = ACCOUNTS.replace("Garage Lemieux", "Garage Lemieux et fils");
        let update = run(&app, staff, ImportKind::Accounts, false, edited.as_bytes())
            .await
            .unwrap();
        assert_eq!(counts(&update), (0, 1, 3, 0));
        assert_eq!(update.other_rows[2].outcome, Outcome::Updated);
        assert_eq!(update.other_rows[2].reference, "CRM-2");
        assert_eq!(update.other_rows[2].line, 4);
    }
);

both_backends!(
    assets_are_imported_with_their_parents_and_a_second_import_changes_nothing,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        run(
            &app,
            staff,
            ImportKind::Accounts,
            false,
            ACCOUNTS.as_bytes(),
        )
        .await
        .unwrap();

        let dry = run(&app, staff, ImportKind::Assets, true, ASSETS.as_bytes())
            .await
            .unwrap();
        assert_eq!(counts(&dry), (4, 0, 0, 0), "{:?}", dry.refused_rows);
        assert_eq!(count(&app, "assets").await, 0);

        let done = run(&app, staff, ImportKind::Assets, false, ASSETS.as_bytes())
            .await
            .unwrap();
        assert_eq!(counts(&done), (4, 0, 0, 0));
        let rows: Vec<(String, Option<i64>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT x.external_ref, x.parent_id, x.master_id, \
             CASE WHEN x.expose_to_customer THEN 1 ELSE 0 END AS exposed FROM assets x ORDER BY x.id",
        )
        .fetch_all(&mut *app.store.conn().await.unwrap())
        .await
        .unwrap();
        assert_eq!(rows[0].0, "A-1");
        assert_eq!(rows[1].1, Some(first_id(&app).await));
        assert_eq!(
            rows[2].2,
            Some(first_id(&app).await),
            "the burner's master is the line"
        );
        assert_eq!(rows[2].3, 0);

        let again = run(&app, staff, ImportKind::Assets, false, ASSETS.as_bytes())
            .await
            .unwrap();
        assert_eq!(counts(&again), (0, 0, 4, 0), "{:?}", again.other_rows);

        // A moved component is an update; a parent named by nobody is refused.
        let moved = ASSETS.replace("A-3,CRM-1,A-2", "A-3,CRM-1,A-1") + "A-5,CRM-1,A-9,Fan,,,\n";
        let r = run(&app, staff, ImportKind::Assets, false, moved.as_bytes())
            .await
            .unwrap();
        assert_eq!(counts(&r), (0, 1, 3, 1));
        assert!(!r.applied);
        let refused = &r.refused_rows[0];
        assert_eq!(
            (
                refused.line,
                refused.reference.as_str(),
                refused.column.as_deref()
            ),
            (6, "A-5", Some("parent_ref"))
        );
        let parent: Option<i64> =
            sqlx::query_scalar("SELECT parent_id FROM assets WHERE external_ref = 'A-3'")
                .fetch_one(&mut *app.store.conn().await.unwrap())
                .await
                .unwrap();
        assert_ne!(
            parent,
            Some(first_id(&app).await),
            "a refused file writes nothing"
        );
    }
);

async fn first_id(app: &App) -> i64 {
    sqlx::query_scalar("SELECT id FROM assets WHERE external_ref = 'A-1'")
        .fetch_one(&mut *app.store.conn().await.unwrap())
        .await
        .unwrap()
}

both_backends!(
    three_bad_rows_among_a_thousand_are_reported_with_their_reasons_and_nothing_is_written,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        run(
            &app,
            staff,
            ImportKind::Accounts,
            false,
            ACCOUNTS.as_bytes(),
        )
        .await
        .unwrap();
        let mut file = String::from(
            "asset_ref,account_ref,parent_ref,name,product,serial_number,expose_to_customer\n",
        );
        for i in 1..=1000 {
            let line = match i {
                100 => format!("B-{i},CRM-404,,Unit {i},,,\n"),
                500 => format!("B-{i},CRM-1,,,,,\n"),
                900 => format!("B-{i},CRM-2,,Unit {i},,,maybe\n"),
                _ => format!("B-{i},CRM-1,,Unit {i},,,\n"),
            };
            file.push_str(&line);
        }
        for dry_run in [true, false] {
            let r = run(&app, staff, ImportKind::Assets, dry_run, file.as_bytes())
                .await
                .unwrap();
            assert_eq!(counts(&r), (997, 0, 0, 3));
            assert!(!r.applied);
            let refused: Vec<(u64, &str, Option<&str>, &str)> = r
                .refused_rows
                .iter()
                .map(|x| {
                    (
                        x.line,
                        x.reference.as_str(),
                        x.column.as_deref(),
                        x.reason.as_deref().unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                refused,
                [
                    (
                        101,
                        "B-100",
                        Some("account_ref"),
                        DEFAULT.text("invalid-unknown").as_str()
                    ),
                    (
                        501,
                        "B-500",
                        Some("name"),
                        DEFAULT.text("invalid-required").as_str()
                    ),
                    (
                        901,
                        "B-900",
                        Some("expose_to_customer"),
                        DEFAULT.text("invalid-yes-no").as_str()
                    ),
                ]
            );
            assert_eq!(count(&app, "assets").await, 0, "nothing is written");
        }
        // The reasons in the person's language.
        let fr = Locale::from_tag("fr").unwrap();
        let r = run_in(&app, staff, ImportKind::Assets, true, file.as_bytes(), fr)
            .await
            .unwrap();
        assert_eq!(
            r.refused_rows[0].reason.as_deref(),
            Some(fr.text("invalid-unknown").as_str())
        );
        assert_ne!(fr.text("invalid-unknown"), DEFAULT.text("invalid-unknown"));
    }
);

both_backends!(
    spreadsheets_in_windows_1252_with_semicolons_and_french_headers_are_read,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        // Excel's "CSV (séparateur : point-virgule)" on a French Windows: Windows-1252, `;`,
        // decimal commas, and its own column names.
        let text = "Référence client;Nom;Adresse;Ville;Pays;Lat;Long;Fuseau horaire;Courriel;Prénom;Nom de famille;Référence contact;Autre\r\n\
                    C-9;Café Étoile;1 Rue Saint-Paul;Montréal;ca;45,5;-73,6;America/Toronto;cafe@example.com;Zoé;Côté;C-9-1;x\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let r = run(&app, staff, ImportKind::Accounts, false, &bytes)
            .await
            .unwrap();
        assert_eq!((r.encoding, r.delimiter), (Encoding::Windows1252, b';'));
        assert_eq!(r.ignored, ["Autre"]);
        assert_eq!(counts(&r), (1, 0, 0, 0), "{:?}", r.refused_rows);
        assert_eq!(
            r.other_rows[0].line, 2,
            "lines as an editor shows them, CRLF or not"
        );
        let (name, city, country): (String, String, String) =
            sqlx::query_as("SELECT name, city, country FROM accounts WHERE external_ref = 'C-9'")
                .fetch_one(&mut *app.store.conn().await.unwrap())
                .await
                .unwrap();
        assert_eq!(
            (name.as_str(), city.as_str(), country.as_str()),
            ("Café Étoile", "Montréal", "CA")
        );
        let first: String =
            sqlx::query_scalar("SELECT first_name FROM contacts WHERE external_ref = 'C-9-1'")
                .fetch_one(&mut *app.store.conn().await.unwrap())
                .await
                .unwrap();
        assert_eq!(first, "Zoé");

        // UTF-8 with a byte-order mark: the same file again, unchanged.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let r = run(&app, staff, ImportKind::Accounts, false, &bom)
            .await
            .unwrap();
        assert_eq!(r.encoding, Encoding::Utf8);
        assert_eq!(counts(&r), (0, 0, 1, 0), "{:?}", r.refused_rows);
    }
);

both_backends!(
    files_that_cannot_be_read_are_refused_whole_and_bad_rows_never_stop_the_report,
    |db: TestDb| async move {
        let app = app_on(&db);
        let (_, staff) = dispatcher(&app).await;
        let refused = async |file: &[u8]| {
            run(&app, staff, ImportKind::Assets, true, file)
                .await
                .map(|r| counts(&r))
                .unwrap_err()
        };
        assert!(matches!(refused(b"").await, ImportError::Empty));
        assert!(matches!(
            refused(b"\xFF\xFEa\x00s\x00").await,
            ImportError::Encoding
        ));
        match refused(b"asset_ref,name\nA,B\n").await {
            ImportError::MissingColumns(c) => assert_eq!(c, "account_ref"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            refused(b"asset_ref,account_ref,name,Name\n").await,
            ImportError::DuplicateColumn(_)
        ));
        // A header alone is an empty import.
        let r = run(
            &app,
            staff,
            ImportKind::Assets,
            false,
            b"ref,account,name\n",
        )
        .await
        .unwrap();
        assert_eq!(counts(&r), (0, 0, 0, 0));
        // Rows too wide, not UTF-8 past the sample, holding a NUL, or an unclosed quote: each
        // refused, the report goes on.
        let mut file = b"asset_ref,account_ref,name\nA,B,C,D\n".to_vec();
        file.extend(std::iter::repeat_n(b'\n', 70 * 1024));
        file.extend_from_slice(b"A2,B,\xE9t\xE9\nA4,B\x00,C\n\"A3,B,C\n");
        let r = run(&app, staff, ImportKind::Assets, true, &file)
            .await
            .unwrap();
        assert_eq!(r.refused, 4, "{:?}", r.refused_rows);
        assert_eq!(r.refused_rows[0].line, 2);
        assert_eq!(r.refused_rows[1].line, 3 + 70 * 1024);
        assert_eq!(
            r.refused_rows[0].reason.as_deref(),
            Some(DEFAULT.text("import-row-columns").as_str())
        );
        for encoding in &r.refused_rows[1..3] {
            assert_eq!(
                encoding.reason.as_deref(),
                Some(DEFAULT.text("import-row-encoding").as_str())
            );
        }
    }
);
