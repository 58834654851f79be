//! The back office's side of technicians and working-hours templates: saves guarded by a
//! version, templates whose followers copy their hours (and the scheduling snapshot follows),
//! the list's keyset pages over folded names, removals that touch only their technician, and
//! who may be linked as a technician's sign-in.

use crate::fixtures::{self, corrupt, montreal, point, skill};
use crate::technicians::territory;
use jiff::civil::{Weekday, date};
use onsite_domain::role::Role;
use onsite_domain::technician::ResourceKind;
use onsite_domain::working_hours::WeeklyHours;
use onsite_domain::{TechnicianId, TerritoryId};
use onsite_store::records::Start;
use onsite_store::technicians::{self, NewTechnician, TechnicianChanges, TechnicianFilter};
use onsite_store::{Conn, Store, StoreError, accounts, catalog, working_hours};
use onsite_testkit::both_backends;

/// Monday to Friday `weekdays`, the weekend off.
fn week(weekdays: &str) -> WeeklyHours {
    let mut days: [String; 7] = Default::default();
    for day in &mut days[..5] {
        *day = weekdays.to_owned();
    }
    WeeklyHours::parse(&days).unwrap()
}

async fn technician(conn: &mut Conn, name: &str, territories: &[TerritoryId]) -> TechnicianId {
    technicians::insert_technician(
        conn,
        &NewTechnician {
            name,
            kind: ResourceKind::User,
            user_id: None,
            home_base: point(45.5, -73.6),
            time_zone: &montreal(),
            weekly_hours: &[],
            territories,
            skills: &[],
            active: true,
        },
    )
    .await
    .unwrap()
}

both_backends!(
    a_stale_save_of_a_technician_changes_nothing,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let plateau = territory(&mut conn, "Plateau").await;
        let hvac = catalog::insert_characteristic(&mut conn, "HVAC")
            .await
            .unwrap();
        let ana = technician(&mut conn, "Ana", &[]).await;
        let before = technicians::staff_technician(&mut conn, ana).await.unwrap();
        assert_eq!(
            (before.version, before.template, before.user),
            (1, None, None)
        );
        let zone = montreal();
        let skills = [skill(hvac, 6)];
        let changes = TechnicianChanges {
            name: "Ana Tremblay",
            home_base: point(45.53, -73.58),
            time_zone: &zone,
            territories: &[plateau],
            skills: &skills,
        };
        assert!(
            technicians::update_technician(&mut conn, ana, 1, &changes)
                .await
                .unwrap()
        );
        let after = technicians::staff_technician(&mut conn, ana).await.unwrap();
        assert_eq!(after.version, 2);
        assert_eq!(
            (
                after.technician.name.as_str(),
                after.technician.home_base,
                after.technician.territories.clone(),
                after.technician.skills.clone()
            ),
            (
                "Ana Tremblay",
                point(45.53, -73.58),
                vec![plateau],
                vec![skill(hvac, 6)]
            )
        );
        // A second member of staff saves from the form they opened at version 1.
        let stale = TechnicianChanges {
            name: "Someone else",
            territories: &[],
            skills: &[],
            ..changes
        };
        assert!(
            !technicians::update_technician(&mut conn, ana, 1, &stale)
                .await
                .unwrap()
        );
        let kept = technicians::staff_technician(&mut conn, ana).await.unwrap();
        assert_eq!(kept, after, "nothing of the stale save was written");
        assert!(
            !technicians::set_active(&mut conn, ana, 1, false)
                .await
                .unwrap()
        );
        assert!(
            technicians::set_active(&mut conn, ana, 2, false)
                .await
                .unwrap()
        );
        let inactive = technicians::staff_technician(&mut conn, ana).await.unwrap();
        assert_eq!((inactive.version, inactive.technician.active), (3, false));
        assert!(matches!(
            technicians::staff_technician(&mut conn, TechnicianId(999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    followers_copy_their_templates_hours_and_scheduling_sees_the_change,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let weekdays = week("08:00-12:00, 13:00-16:30");
        let id = working_hours::insert_template(&mut conn, "Weekdays", &weekdays, fixtures::t0())
            .await
            .unwrap();
        assert!(matches!(
            working_hours::insert_template(&mut conn, "Weekdays", &week(""), fixtures::t0()).await,
            Err(StoreError::Conflict { .. })
        ));
        let ana = technician(&mut conn, "Ana", &[]).await;
        let ben = technician(&mut conn, "Ben", &[]).await;
        technicians::follow_template(&mut conn, ana, id, weekdays.periods())
            .await
            .unwrap();
        let listed = working_hours::list_templates(&mut conn).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (
                listed[0].name.as_str(),
                listed[0].version,
                listed[0].technicians
            ),
            ("Weekdays", 1, 1)
        );
        assert_eq!(listed[0].hours, weekdays);
        assert_eq!(
            listed[0].hours.day(Weekday::Monday),
            [(480, 720), (780, 990)]
        );
        assert_eq!(
            working_hours::followers(&mut conn, id).await.unwrap(),
            [ana]
        );
        let followed = technicians::staff_technician(&mut conn, ana).await.unwrap();
        assert_eq!(followed.template, Some(id));
        assert_eq!(followed.technician.weekly_hours.len(), 10);
        assert!(
            technicians::staff_technician(&mut conn, ben)
                .await
                .unwrap()
                .technician
                .weekly_hours
                .is_empty()
        );

        // New hours, written as the app does it: the template, then each follower's copy.
        let seen = store.reference(&mut conn).await.unwrap();
        let longer = week("09:00-17:00");
        assert!(
            working_hours::update_template(&mut conn, id, 1, "Weekdays 9-17", &longer)
                .await
                .unwrap()
        );
        assert!(
            !working_hours::update_template(&mut conn, id, 1, "Stale", &week(""))
                .await
                .unwrap(),
            "a save from version 1 is refused now"
        );
        technicians::follow_template(&mut conn, ana, id, longer.periods())
            .await
            .unwrap();
        let template = working_hours::template(&mut conn, id).await.unwrap();
        assert_eq!(
            (
                template.name.as_str(),
                template.version,
                template.hours.clone()
            ),
            ("Weekdays 9-17", 2, longer.clone())
        );
        let now = store.reference(&mut conn).await.unwrap();
        assert!(
            !std::sync::Arc::ptr_eq(&seen, &now),
            "the snapshot was reloaded"
        );
        let hours = &now.technician(ana).unwrap().weekly_hours;
        assert_eq!(hours.len(), 5);
        assert!(hours.iter().all(|p| (p.start, p.end) == (540, 1020)));
        assert!(matches!(
            working_hours::template(&mut conn, onsite_domain::WorkingHoursTemplateId(999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    the_list_is_a_keyset_page_by_name_found_without_accents,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let verdun = territory(&mut conn, "Verdun").await;
        let plateau = territory(&mut conn, "Plateau").await;
        let emile = technician(&mut conn, "Émile Roy", &[]).await;
        let ana = technician(&mut conn, "Ana", &[verdun, plateau]).await;
        let bob = technician(&mut conn, "bob", &[]).await;
        let zoe = technician(&mut conn, "Zoé", &[]).await;
        technicians::set_active(&mut conn, bob, 1, false)
            .await
            .unwrap();
        let user = fixtures::user(
            &mut conn,
            "ana@example.com",
            "Ana",
            None,
            &[Role::Technician],
        )
        .await;
        technicians::link_user(&mut conn, ana, Some(user))
            .await
            .unwrap();
        let weekdays = week("08:00-16:00");
        let template =
            working_hours::insert_template(&mut conn, "Weekdays", &weekdays, fixtures::t0())
                .await
                .unwrap();
        technicians::follow_template(&mut conn, ana, template, weekdays.periods())
            .await
            .unwrap();

        let all = TechnicianFilter::default();
        let first = technicians::page(&mut conn, &all, Start::First, 2)
            .await
            .unwrap();
        let ids = |p: &onsite_store::records::Page<technicians::TechnicianRow>| {
            p.items.iter().map(|t| t.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&first), [ana, bob], "by name, whatever the case");
        assert!(first.prev.is_none());
        let row = &first.items[0];
        assert_eq!(row.territories, ["Plateau", "Verdun"]);
        assert_eq!(
            (
                row.template.as_deref(),
                row.user_email.as_deref(),
                row.active
            ),
            (Some("Weekdays"), Some("ana@example.com"), true)
        );
        assert!(!first.items[1].active);
        let next = technicians::page_start(first.next.as_ref().unwrap().as_str()).unwrap();
        let second = technicians::page(&mut conn, &all, next, 2).await.unwrap();
        assert_eq!(ids(&second), [emile, zoe]);
        assert!(second.next.is_none() && second.prev.is_some());
        let back = technicians::page_start(second.prev.as_ref().unwrap().as_str()).unwrap();
        assert_eq!(
            ids(&technicians::page(&mut conn, &all, back, 2).await.unwrap()),
            [ana, bob]
        );

        let search = |text: &str, active: Option<bool>| TechnicianFilter {
            search: text.to_owned(),
            active,
        };
        for (text, found) in [
            ("EMILE", vec![emile]),
            ("zoe", vec![zoe]),
            ("é", vec![emile, zoe]),
            ("roy", vec![emile]),
            ("50%", vec![]),
        ] {
            let page = technicians::page(&mut conn, &search(text, None), Start::First, 10)
                .await
                .unwrap();
            assert_eq!(ids(&page), found, "{text}");
        }
        let inactive = technicians::page(&mut conn, &search("", Some(false)), Start::First, 10)
            .await
            .unwrap();
        assert_eq!(ids(&inactive), [bob]);
        let active = technicians::page(&mut conn, &search("", Some(true)), Start::First, 10)
            .await
            .unwrap();
        assert_eq!(ids(&active), [ana, emile, zoe]);
        assert_eq!(
            technicians::page_start("not a cursor").unwrap_err().field,
            "cursor"
        );

        // A technician written before the search key existed is found once the store fills it.
        corrupt(&mut conn, "technicians", "search_key", "", zoe.0).await;
        technicians::fill_search_keys(&mut conn).await.unwrap();
        let found = technicians::page(&mut conn, &search("zoe", None), Start::First, 10)
            .await
            .unwrap();
        assert_eq!(ids(&found), [zoe]);
    }
);

both_backends!(
    removals_touch_only_their_technician_and_linkable_users_are_free_technicians,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let ana = technician(&mut conn, "Ana", &[]).await;
        let ben = technician(&mut conn, "Ben", &[]).await;
        let t0 = fixtures::t0();
        let off = technicians::add_time_off(
            &mut conn,
            ana,
            t0,
            t0 + jiff::SignedDuration::from_hours(8),
            Some("Dentist"),
        )
        .await
        .unwrap();
        assert_eq!(
            technicians::remove_time_off(&mut conn, ben, off)
                .await
                .unwrap(),
            None,
            "not Ben's"
        );
        let removed = technicians::remove_time_off(&mut conn, ana, off)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (removed.id, removed.starts_at, removed.reason.as_deref()),
            (off, t0, Some("Dentist"))
        );
        assert_eq!(
            technicians::remove_time_off(&mut conn, ana, off)
                .await
                .unwrap(),
            None
        );
        assert!(
            technicians::technician(&mut conn, ana)
                .await
                .unwrap()
                .time_off
                .is_empty()
        );

        let day = date(2026, 7, 1);
        technicians::set_working_exception(&mut conn, ana, day, None)
            .await
            .unwrap();
        assert!(
            !technicians::remove_working_exception(&mut conn, ben, day)
                .await
                .unwrap()
        );
        assert!(
            technicians::remove_working_exception(&mut conn, ana, day)
                .await
                .unwrap()
        );
        assert!(
            !technicians::remove_working_exception(&mut conn, ana, day)
                .await
                .unwrap()
        );

        let free = fixtures::user(
            &mut conn,
            "free@example.com",
            "Free",
            None,
            &[Role::Technician],
        )
        .await;
        let linked = fixtures::user(
            &mut conn,
            "linked@example.com",
            "Linked",
            None,
            &[Role::Technician],
        )
        .await;
        let disabled = fixtures::user(
            &mut conn,
            "off@example.com",
            "Off",
            None,
            &[Role::Technician],
        )
        .await;
        fixtures::user(
            &mut conn,
            "dispatch@example.com",
            "Dispatch",
            None,
            &[Role::Dispatcher],
        )
        .await;
        technicians::link_user(&mut conn, ben, Some(linked))
            .await
            .unwrap();
        accounts::set_disabled(&mut conn, disabled, true)
            .await
            .unwrap();
        let linkable = technicians::linkable_users(&mut conn).await.unwrap();
        assert_eq!(
            linkable
                .iter()
                .map(|u| (u.id, u.email.as_str()))
                .collect::<Vec<_>>(),
            [(free, "free@example.com")]
        );
        assert!(
            matches!(
                technicians::link_user(&mut conn, ana, Some(linked)).await,
                Err(StoreError::Conflict { .. })
            ),
            "one user signs in as one technician"
        );
    }
);
