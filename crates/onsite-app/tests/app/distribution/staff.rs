//! Staff distribute opportunities: the explanation and the top partner, another available
//! partner but not an unavailable one, capacity (internal opportunities do not count, two
//! distributions at once cannot overfill a partner), inactive partners, bad input refused with
//! the field, and how long building the candidates takes.

use super::*;

both_backends!(
    distribute_explains_and_picks_the_top,
    staff_distributes_to_the_top
);

async fn staff_distributes_to_the_top(db: TestDb) {
    let w = world(db).await;
    let id = w.new_opportunity("Heat pump for a duplex", hours(0)).await;

    let why = dist::explain(&w.app, w.staff.grant().unwrap(), id, hours(1))
        .await
        .unwrap();
    assert_eq!(ranked_ids(&why), [w.a.id, w.b.id, w.c.id], "nearest first");
    assert_eq!(why.decision.available_count, 3);
    assert_eq!(
        excluded(&why, w.verdun.id),
        Some(Criterion::Territory { territories: 1 })
    );
    let top = &why.decision.ranked[0];
    let sum: f64 = top.contributions.iter().map(|c| c.contribution).sum();
    assert!((sum - top.score).abs() < 1e-9, "the explanation adds up");
    assert_eq!(top.contributions[0].metric, Metric::Distance);
    assert!((top.distance_km - 1.0).abs() < 0.05, "{}", top.distance_km);
    assert_eq!(why.partner_name(w.a.id), "Air Nord");
    let reason = why.criterion_text(en(), &Criterion::Territory { territories: 1 });
    assert_eq!(
        reason,
        "Its territory does not cover the customer's address."
    );
    assert!(
        serde_json::to_string(&why)
            .unwrap()
            .contains("\"kind\":\"territory\""),
        "serializes for the JSON API"
    );
    assert_eq!(
        w.opportunity(id).await.status,
        OpportunityStatus::New,
        "explaining changes nothing"
    );

    let sent = dist::distribute(&w.app, w.staff.grant().unwrap(), id, None, hours(1))
        .await
        .unwrap();
    assert_eq!((sent.partner, sent.rank), (w.a.id, Some(1)));
    let o = w.opportunity(id).await;
    assert_eq!(
        (o.status, o.partner_account_id, o.distributed_at),
        (OpportunityStatus::Distributed, Some(w.a.id), Some(hours(1)))
    );
    assert_eq!(w.events(id).await, [(Some(w.a.id), Kind::Distributed)]);
    assert!(
        w.audit_actions()
            .await
            .contains(&"opportunity.distribute".to_owned())
    );

    // The partner's user is emailed in their language, with the link and the deadline.
    let mails = w.emails(w.a.email).await;
    assert_eq!(mails.len(), 1);
    let (subject, text) = &mails[0];
    assert_eq!(
        subject,
        "Nouvelle opportunité pour vous : Heat pump for a duplex"
    );
    assert!(
        text.contains(&format!(
            "https://portal.example.com/partner/opportunities/{}",
            id.0
        )),
        "{text}"
    );
    assert!(text.contains("14\u{202f}500,00"), "{text}");
    // 48 hours after distribution, in Montréal time.
    assert!(text.contains("2026-05-30 17:26 EDT"), "{text}");
    assert!(w.emails(w.b.email).await.is_empty());

    // It is the partner's now; distributing it again is refused and changes nothing.
    let list = dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::New)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].expires_at, Some(hours(49)));
    let again = dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.b.id), hours(2))
        .await
        .unwrap_err();
    assert!(
        matches!(
            again,
            DistributionError::IllegalMove {
                action: Action::Distribute,
                status: OpportunityStatus::Distributed
            }
        ),
        "{again:?}"
    );
    assert_eq!(w.opportunity(id).await.partner_account_id, Some(w.a.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_may_pick_another_available_partner_but_not_an_unavailable_one() {
    let w = world(TestDb::sqlite().await).await;
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    let refused = dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        id,
        Some(w.verdun.id),
        hours(1),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            refused,
            DistributionError::Unavailable {
                criterion: Criterion::Territory { .. },
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(
        refused.message(en()),
        "This partner is not available for this opportunity: Its territory does not cover the customer's address."
    );
    let customer_account = w.customer.account_id.unwrap();
    assert!(matches!(
        dist::distribute(
            &w.app,
            w.staff.grant().unwrap(),
            id,
            Some(customer_account),
            hours(1)
        )
        .await,
        Err(DistributionError::UnknownPartner)
    ));
    assert_eq!(w.opportunity(id).await.status, OpportunityStatus::New);
    let sent = dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.c.id), hours(1))
        .await
        .unwrap();
    assert_eq!((sent.partner, sent.rank), (w.c.id, None));
    assert!(matches!(
        dist::distribute(
            &w.app,
            w.staff.grant().unwrap(),
            OpportunityId(9999),
            None,
            hours(1)
        )
        .await,
        Err(DistributionError::NotFound)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_at_capacity_is_excluded_and_internal_opportunities_do_not_count() {
    let w = world(TestDb::sqlite().await).await;
    // A works one distributed opportunity and two internal ones of its own: one place left.
    let first = w.new_opportunity("First", hours(0)).await;
    dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        first,
        Some(w.a.id),
        hours(0),
    )
    .await
    .unwrap();
    for name in ["Own lead 1", "Own lead 2"] {
        dist::create_internal_opportunity(
            &w.app,
            w.a.who.grant().unwrap(),
            &w.input(name),
            hours(0),
        )
        .await
        .unwrap();
    }
    let second = w.new_opportunity("Second", hours(1)).await;
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), second, hours(1))
        .await
        .unwrap();
    assert_eq!(ranked_ids(&why)[0], w.a.id, "internal ones are not counted");
    dist::distribute(&w.app, w.staff.grant().unwrap(), second, None, hours(1))
        .await
        .unwrap();

    // Now at capacity (2 of 2): excluded, with the numbers.
    let third = w.new_opportunity("Third", hours(2)).await;
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), third, hours(2))
        .await
        .unwrap();
    let full = Criterion::Capacity {
        open: 2,
        capacity: 2,
    };
    assert_eq!(excluded(&why, w.a.id), Some(full));
    assert_eq!(ranked_ids(&why), [w.b.id, w.c.id]);
    assert_eq!(
        why.criterion_text(en(), &full),
        "At capacity: 2 open opportunities of 2."
    );
    assert_eq!(
        why.criterion_text(fr(), &full),
        "Capacité atteinte : 2 opportunités ouvertes sur 2."
    );
    let refused = dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        third,
        Some(w.a.id),
        hours(2),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, DistributionError::Unavailable { criterion, .. } if criterion == full),
        "{refused:?}"
    );
    let sent = dist::distribute(&w.app, w.staff.grant().unwrap(), third, None, hours(2))
        .await
        .unwrap();
    assert_eq!(sent.partner, w.b.id);

    // Closing one frees a place.
    dist::accept(&w.app, w.a.who.grant().unwrap(), first, hours(3))
        .await
        .unwrap();
    dist::close_won(&w.app, w.a.who.grant().unwrap(), first, "", hours(4))
        .await
        .unwrap();
    let fourth = w.new_opportunity("Fourth", hours(5)).await;
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), fourth, hours(5))
        .await
        .unwrap();
    assert_eq!(excluded(&why, w.a.id), None);
}

both_backends!(
    two_distributions_at_once_cannot_overfill_a_partner,
    concurrent_distributions_respect_capacity
);

async fn concurrent_distributions_respect_capacity(db: TestDb) {
    let w = world(db).await;
    // A has one place left (capacity 2, one open).
    let first = w.new_opportunity("First", hours(0)).await;
    dist::distribute(
        &w.app,
        w.staff.grant().unwrap(),
        first,
        Some(w.a.id),
        hours(0),
    )
    .await
    .unwrap();
    let x = w.new_opportunity("X", hours(1)).await;
    let y = w.new_opportunity("Y", hours(1)).await;
    let (rx, ry) = tokio::join!(
        dist::distribute(&w.app, w.staff.grant().unwrap(), x, Some(w.a.id), hours(1)),
        dist::distribute(&w.app, w.staff.grant().unwrap(), y, Some(w.a.id), hours(1)),
    );
    let (ok, refused): (Vec<_>, Vec<_>) = [rx, ry].into_iter().partition(Result::is_ok);
    assert_eq!(ok.len(), 1, "one takes the last place");
    assert!(
        matches!(
            refused[0],
            Err(DistributionError::Unavailable {
                criterion: Criterion::Capacity {
                    open: 2,
                    capacity: 2
                },
                ..
            })
        ),
        "{:?}",
        refused[0]
    );
    let held = dist::partner_opportunities(&w.app, w.a.who.grant().unwrap(), Filter::New)
        .await
        .unwrap();
    assert_eq!(held.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inactive_partner_accounts_receive_nothing() {
    let w = world(TestDb::sqlite().await).await;
    sqlx::query("UPDATE accounts SET active = FALSE WHERE id = $1")
        .bind(w.a.id.0)
        .execute(&mut *w.app.store.conn().await.unwrap())
        .await
        .unwrap();
    let id = w.new_opportunity("Heat pump", hours(0)).await;
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), id, hours(0))
        .await
        .unwrap();
    assert_eq!(ranked_ids(&why), [w.b.id, w.c.id]);
    assert!(matches!(
        dist::distribute(&w.app, w.staff.grant().unwrap(), id, Some(w.a.id), hours(0)).await,
        Err(DistributionError::UnknownPartner)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_opportunity_input_is_refused_with_the_field() {
    let w = world(TestDb::sqlite().await).await;
    type Change = Box<dyn Fn(&mut OpportunityInput)>;
    let cases: Vec<(&str, Change)> = vec![
        ("name", Box::new(|i| i.name = " ".into())),
        (
            "customer_name",
            Box::new(|i| i.customer_name = "x".repeat(121)),
        ),
        (
            "estimated_revenue",
            Box::new(|i| i.estimated_revenue_minor = -1),
        ),
        ("lead_type", Box::new(|i| i.lead_type = "a,b".into())),
        ("products", Box::new(|i| i.products = vec![ProductId(999)])),
        (
            "postal_code",
            Box::new(|i| i.postal_code = "H2J\u{7}".into()),
        ),
    ];
    for (field, change) in cases {
        let mut input = w.input("Heat pump");
        change(&mut input);
        let e = dist::create_opportunity(&w.app, w.staff.grant().unwrap(), &input, hours(0))
            .await
            .unwrap_err();
        assert!(
            matches!(e, DistributionError::Invalid(ref i) if i.field == field),
            "{field}: {e:?}"
        );
        assert!(
            !e.message(fr()).contains("distribution-"),
            "{}",
            e.message(fr())
        );
    }
    assert!(
        dist::staff_opportunities(&w.app, w.staff.grant().unwrap(), None)
            .await
            .unwrap()
            .is_empty(),
        "nothing was created"
    );
}

// ---- How long the candidates take to build ----------------------------------------------------

/// Builds the engine's candidates from the store for a partner network bigger than the demo's
/// (300 partners, 2,960 closed opportunities and 8,880 events over the look-back window) and reports the time: the reason
/// the app rebuilds them for every decision instead of caching them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candidates_build_time_is_reported() {
    let w = world(TestDb::sqlite().await).await;
    let started = Instant::now();
    assert_eq!(
        dist::partner_candidates(&w.app, hours(0))
            .await
            .unwrap()
            .len(),
        4
    );
    let small = started.elapsed();
    let mut tx = w.app.store.begin().await.unwrap();
    let plateau = territories::list_territories(&mut tx).await.unwrap()[0].id;
    let lead = LeadType::parse("residential").unwrap();
    let mut partner_ids = Vec::new();
    for n in 0..296 {
        let name = format!("Partner {n:03}");
        let id = accounts::insert_account(
            &mut tx,
            &NewAccount {
                kind: AccountKind::Partner,
                name: &name,
                active: true,
                address: &address(CUSTOMER.0 + f64::from(n % 50) * KM, CUSTOMER.1),
                territory_id: None,
            },
        )
        .await
        .unwrap();
        partners::set_partner_profile(
            &mut tx,
            &NewPartnerProfile {
                account_id: id,
                capacity: 10,
                revenue_min_minor: 0,
                revenue_max_minor: 10_000_000,
                territories: &[plateau],
                lead_types: std::slice::from_ref(&lead),
                products: &[w.heat_pump],
            },
        )
        .await
        .unwrap();
        partner_ids.push(id);
    }
    // 10 closed opportunities per partner: distributed, accepted, won or lost.
    for (n, &p) in partner_ids.iter().enumerate() {
        for k in 0..10i64 {
            let at = |h: i64| hours(-2000 + k * 50 + h);
            let won = (n as i64 + k) % 3 != 0;
            let id = partners::insert_opportunity(
                &mut tx,
                &partners::NewOpportunity {
                    name: "History",
                    customer_name: "C",
                    location: GeoPoint::new(CUSTOMER.0, CUSTOMER.1).unwrap(),
                    postal_code: "H2J",
                    estimated_revenue_minor: 100_000,
                    lead_type: &lead,
                    products: &[],
                    status: if won {
                        OpportunityStatus::Won
                    } else {
                        OpportunityStatus::Lost
                    },
                    stage: None,
                    partner_account_id: Some(p),
                    internal: false,
                    distributed_at: Some(at(0)),
                    accepted_at: Some(at(2)),
                    closed_at: Some(at(40)),
                    created_at: at(0),
                },
            )
            .await
            .unwrap();
            let close = if won { Kind::Won } else { Kind::Lost };
            for (kind, h) in [(Kind::Distributed, 0), (Kind::Accepted, 2), (close, 40)] {
                partners::record_opportunity_event(
                    &mut tx,
                    &partners::OpportunityEvent {
                        opportunity_id: id,
                        partner_account_id: Some(p),
                        kind,
                        at: at(h),
                        note: None,
                    },
                )
                .await
                .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();

    let started = Instant::now();
    let candidates = dist::partner_candidates(&w.app, hours(0)).await.unwrap();
    let built = started.elapsed();
    assert_eq!(candidates.len(), 300);
    let busy = candidates
        .iter()
        .find(|c| c.profile.account_id == partner_ids[0])
        .unwrap();
    assert_eq!((busy.tally.won + busy.tally.lost, busy.open), (10, 0));
    let id = w.new_opportunity("Probe", hours(0)).await;
    let started = Instant::now();
    let why = dist::explain(&w.app, w.staff.grant().unwrap(), id, hours(0))
        .await
        .unwrap();
    let explained = started.elapsed();
    assert_eq!(why.decision.available_count, 299);
    eprintln!("candidates for 4 partners built in {small:?}");
    eprintln!(
        "candidates for 300 partners / 8,880 events built in {built:?}; explain in {explained:?}"
    );
    assert!(built.as_secs() < 5, "{built:?}");
}
