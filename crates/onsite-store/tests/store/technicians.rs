//! Technicians with their hours, exceptions, time off, territories and skills.

use crate::fixtures::{self, corrupt, montreal, point, skill};
use jiff::civil::{Weekday, date};
use onsite_domain::technician::ResourceKind;
use onsite_domain::text::EmailAddress;
use onsite_domain::time::WorkingPeriod;
use onsite_domain::{TechnicianId, TerritoryId, UserId};
use onsite_store::catalog;
use onsite_store::technicians::{self, DayHours, NewTechnician};
use onsite_store::territories::{self, NewTerritory};
use onsite_store::{Conn, Store, StoreError};
use onsite_testkit::both_backends;

/// A territory without prefixes or area (also the workforce tests').
pub(crate) async fn territory(conn: &mut Conn, name: &str) -> TerritoryId {
    territories::insert_territory(
        conn,
        &NewTerritory {
            name,
            postal_prefixes: &[],
            polygon: None,
        },
    )
    .await
    .unwrap()
}

fn weekdays(start: u16, end: u16) -> Vec<WorkingPeriod> {
    [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ]
    .into_iter()
    .map(|d| WorkingPeriod::new(d, start, end).unwrap())
    .collect()
}

both_backends!(
    technicians_round_trip_with_everything_scheduling_needs,
    |store: Store| async move {
        let mut tx = store.begin().await.unwrap();
        let plateau = territory(&mut tx, "Plateau").await;
        let verdun = territory(&mut tx, "Verdun").await;
        let hvac = catalog::insert_characteristic(&mut tx, "HVAC")
            .await
            .unwrap();
        let gas = catalog::insert_characteristic(&mut tx, "Gas fitting")
            .await
            .unwrap();
        let tz = montreal();
        // A split day (lunch break) on Monday and a Saturday morning.
        let mut hours = weekdays(480, 990);
        hours[0] = WorkingPeriod::new(Weekday::Monday, 480, 720).unwrap();
        hours.push(WorkingPeriod::new(Weekday::Monday, 780, 1020).unwrap());
        hours.push(WorkingPeriod::new(Weekday::Saturday, 540, 780).unwrap());
        let ana = technicians::insert_technician(
            &mut tx,
            &NewTechnician {
                name: "Ana Tremblay",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.53, -73.58),
                time_zone: &tz,
                weekly_hours: &hours,
                territories: &[plateau, verdun],
                skills: &[skill(hvac, 7), skill(gas, 5)],
                active: true,
            },
        )
        .await
        .unwrap();
        let ben = technicians::insert_technician(
            &mut tx,
            &NewTechnician {
                name: "Ben Côté",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.46, -73.57),
                time_zone: &tz,
                weekly_hours: &weekdays(420, 930),
                territories: &[verdun],
                skills: &[skill(hvac, 4)],
                active: true,
            },
        )
        .await
        .unwrap();
        let retired = technicians::insert_technician(
            &mut tx,
            &NewTechnician {
                name: "Zoé Retired",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.46, -73.57),
                time_zone: &tz,
                weekly_hours: &[],
                territories: &[verdun],
                skills: &[],
                active: false,
            },
        )
        .await
        .unwrap();
        let crew = technicians::insert_technician(
            &mut tx,
            &NewTechnician {
                name: "Crew Verdun",
                kind: ResourceKind::Crew,
                user_id: None,
                home_base: point(45.46, -73.57),
                time_zone: &tz,
                weekly_hours: &weekdays(420, 930),
                territories: &[verdun],
                skills: &[skill(hvac, 9)],
                active: true,
            },
        )
        .await
        .unwrap();
        technicians::set_working_exception(&mut tx, ana, date(2026, 6, 24), None)
            .await
            .unwrap();
        technicians::set_working_exception(
            &mut tx,
            ana,
            date(2026, 7, 2),
            Some(DayHours::new(600, 900).unwrap()),
        )
        .await
        .unwrap();
        // Setting the same day again replaces it.
        technicians::set_working_exception(
            &mut tx,
            ana,
            date(2026, 7, 2),
            Some(DayHours::new(540, 900).unwrap()),
        )
        .await
        .unwrap();
        let start = date(2026, 8, 3)
            .at(0, 0, 0, 0)
            .to_zoned(tz.time_zone())
            .unwrap()
            .timestamp();
        let end = date(2026, 8, 15)
            .at(0, 0, 0, 0)
            .to_zoned(tz.time_zone())
            .unwrap()
            .timestamp();
        let off = technicians::add_time_off(&mut tx, ana, start, end, Some("Vacances"))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut conn = store.conn().await.unwrap();
        assert!(
            technicians::add_time_off(&mut conn, ben, end, start, None)
                .await
                .is_err(),
            "reversed interval is refused"
        );
        let t = technicians::technician(&mut conn, ana).await.unwrap();
        assert_eq!(t.name, "Ana Tremblay");
        assert_eq!(t.home_base, point(45.53, -73.58));
        assert_eq!(t.time_zone, tz);
        assert_eq!(t.territories, [plateau, verdun]);
        assert_eq!(t.skills, [skill(hvac, 7), skill(gas, 5)]);
        assert_eq!(t.weekly_hours.len(), 7);
        assert_eq!(
            t.weekly_hours
                .iter()
                .filter(|p| p.weekday == Weekday::Monday)
                .map(|p| (p.start, p.end))
                .collect::<Vec<_>>(),
            [(480, 720), (780, 1020)]
        );
        assert_eq!(t.exceptions.len(), 2);
        assert_eq!(
            (t.exceptions[0].date, t.exceptions[0].hours),
            (date(2026, 6, 24), None)
        );
        assert_eq!(t.exceptions[1].hours, Some((540, 900)));
        assert_eq!(t.time_off.len(), 1);
        assert_eq!(
            (
                t.time_off[0].id,
                t.time_off[0].starts_at,
                t.time_off[0].ends_at
            ),
            (off, start, end)
        );
        assert_eq!(t.time_off[0].reason.as_deref(), Some("Vacances"));

        let all = technicians::list_technicians(&mut conn).await.unwrap();
        assert_eq!(
            all.iter().map(|t| t.id).collect::<Vec<_>>(),
            [ana, ben, crew, retired]
        );
        assert_eq!(all[2].kind, ResourceKind::Crew);
        assert_eq!(
            all[0], t,
            "listing loads the same complete technician as the single read"
        );
        assert_eq!(all[1].skills, [skill(hvac, 4)]);
        assert!(all[1].exceptions.is_empty() && all[1].time_off.is_empty());
        // The candidates for a visit are chosen from the reference snapshot.
        let verdun_techs = store
            .reference(&mut conn)
            .await
            .unwrap()
            .active_in_territories(&[verdun]);
        assert_eq!(
            verdun_techs.iter().map(|t| t.id).collect::<Vec<_>>(),
            [ana, ben],
            "inactive technicians and crews are not candidates"
        );
        let plateau_techs = store
            .reference(&mut conn)
            .await
            .unwrap()
            .active_in_territories(&[plateau]);
        assert_eq!(plateau_techs.len(), 1);
        assert_eq!(plateau_techs[0].weekly_hours.len(), 7);

        technicians::set_territories(&mut conn, ana, &[verdun])
            .await
            .unwrap();
        technicians::set_skills(&mut conn, ana, &[skill(gas, 9)])
            .await
            .unwrap();
        technicians::set_weekly_hours(&mut conn, ana, &weekdays(600, 960))
            .await
            .unwrap();
        let t = technicians::technician(&mut conn, ana).await.unwrap();
        assert_eq!(
            (t.territories, t.skills, t.weekly_hours.len()),
            (vec![verdun], vec![skill(gas, 9)], 5)
        );
        assert!(
            store
                .reference(&mut conn)
                .await
                .unwrap()
                .active_in_territories(&[plateau])
                .is_empty()
        );
        assert!(matches!(
            technicians::technician(&mut conn, TechnicianId(999)).await,
            Err(StoreError::NotFound)
        ));
    }
);

both_backends!(
    a_technician_is_found_from_the_user_who_signs_in_as_them,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let tz = montreal();
        let id = technicians::insert_technician(
            &mut conn,
            &NewTechnician {
                name: "Luc Gagnon",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.5, -73.6),
                time_zone: &tz,
                weekly_hours: &weekdays(480, 960),
                territories: &[],
                skills: &[],
                active: true,
            },
        )
        .await
        .unwrap();
        let email = EmailAddress::parse("luc@example.com").unwrap();
        let user = fixtures::user(&mut conn, email.as_str(), "Luc", None, &[]).await;
        assert!(
            technicians::technician_for_user(&mut conn, user)
                .await
                .unwrap()
                .is_none()
        );
        technicians::link_user(&mut conn, id, Some(user))
            .await
            .unwrap();
        let t = technicians::technician_for_user(&mut conn, user)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((t.id, t.user_id, t.weekly_hours.len()), (id, Some(user), 5));
        assert!(matches!(
            technicians::link_user(&mut conn, TechnicianId(999), Some(user)).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            technicians::link_user(&mut conn, id, Some(UserId(999)))
                .await
                .is_err(),
            "the user must exist"
        );
    }
);

both_backends!(
    corrupt_technician_rows_read_as_corrupt,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let tz = montreal();
        let id = technicians::insert_technician(
            &mut conn,
            &NewTechnician {
                name: "Marc",
                kind: ResourceKind::User,
                user_id: None,
                home_base: point(45.5, -73.6),
                time_zone: &tz,
                weekly_hours: &weekdays(480, 960),
                territories: &[],
                skills: &[],
                active: true,
            },
        )
        .await
        .unwrap();
        corrupt(&mut conn, "technicians", "time_zone", "Mars/Olympus", id.0).await;
        assert!(matches!(
            technicians::technician(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            technicians::list_technicians(&mut conn).await,
            Err(StoreError::Corrupt(_))
        ));
        corrupt(
            &mut conn,
            "technicians",
            "time_zone",
            "America/Toronto",
            id.0,
        )
        .await;
        technicians::technician(&mut conn, id).await.unwrap();
        sqlx::query("INSERT INTO working_exceptions (technician_id, day, start_minute, end_minute) VALUES ($1, $2, $3, NULL)")
        .bind(id.0)
        .bind("2026-05-01")
        .bind(600_i64)
        .execute(&mut *conn)
        .await
        .unwrap();
        assert!(matches!(
            technicians::technician(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
        sqlx::query("UPDATE working_exceptions SET start_minute = 900, end_minute = 600 WHERE technician_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .unwrap();
        assert!(matches!(
            technicians::technician(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
        sqlx::query("UPDATE working_exceptions SET start_minute = 600, end_minute = 900, day = 'someday' WHERE technician_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .unwrap();
        assert!(matches!(
            technicians::technician(&mut conn, id).await,
            Err(StoreError::Corrupt(_))
        ));
    }
);
