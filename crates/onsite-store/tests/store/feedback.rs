//! Feedback: the survey's questions (order, retiring keeps answers), one response per visit even
//! when two arrive at once, and the staff's lists and averages per technician, service type and
//! month.

use crate::fixtures::{self, point, t0};
use jiff::SignedDuration;
use onsite_domain::account::AccountKind;
use onsite_domain::booking::BookingAction;
use onsite_domain::feedback::{Answer, QuestionKind, QuestionLabels, Stars};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, TechnicianId};
use onsite_store::bookings::{self, NewBooking, RecordedTransition};
use onsite_store::feedback::{self, Grouping, NewResponse, ResponseFilter};
use onsite_store::records::Start;
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, Store};
use onsite_testkit::both_backends;

#[derive(Clone, Copy)]
struct World {
    account: AccountId,
    techs: [TechnicianId; 2],
    types: [ServiceTypeId; 2],
}

async fn world(conn: &mut Conn) -> World {
    let account = fixtures::account(conn, AccountKind::Customer, "Boulangerie").await;
    let types = [
        fixtures::service_type(conn, "Furnace maintenance", &[]).await,
        fixtures::service_type(conn, "Heat pump repair", &[]).await,
    ];
    let techs = [
        fixtures::technician(conn, "Ana", None).await,
        fixtures::technician(conn, "Ben", None).await,
    ];
    World {
        account,
        techs,
        types,
    }
}

/// A Completed visit `n` (each its own day) of `tech` for `st`.
async fn completed(
    conn: &mut Conn,
    w: &World,
    n: i64,
    tech: TechnicianId,
    st: ServiceTypeId,
) -> BookingId {
    let start = t0() + SignedDuration::from_hours(24 * n);
    let wo = work_orders::insert_work_order(
        conn,
        &NewWorkOrder {
            number: &format!("WO-{n}"),
            account_id: w.account,
            asset_id: None,
            service_type_id: st,
            agreement_id: None,
            status: WorkOrderStatus::Completed,
            summary: None,
            expose_to_customer: true,
            created_at: t0(),
        },
    )
    .await
    .unwrap();
    let steps: Vec<RecordedTransition<'_>> = [
        BookingAction::StartTravel,
        BookingAction::StartWork,
        BookingAction::Complete,
    ]
    .into_iter()
    .map(|action| RecordedTransition {
        action,
        at: start,
        actor: None,
        note: None,
    })
    .collect();
    bookings::insert_booking_with_history(
        conn,
        &NewBooking {
            work_order_id: wo,
            technician_id: tech,
            starts_at: start,
            ends_at: start + SignedDuration::from_mins(60),
            location: point(45.52, -73.58),
            ics_uid: &format!("fb-{n}@onsite"),
            idempotency_key: None,
            booked_by: None,
            booked_at: t0(),
        },
        &steps,
    )
    .await
    .unwrap()
}

fn response<'a>(
    w: &World,
    booking: BookingId,
    tech: usize,
    st: usize,
    month: &'a str,
    stars: i64,
    answers: &'a [(onsite_domain::SurveyQuestionId, Answer)],
) -> NewResponse<'a> {
    NewResponse {
        booking_id: booking,
        account_id: w.account,
        technician_id: w.techs[tech],
        service_type_id: w.types[st],
        visit_month: month,
        rating: Stars::new(stars).unwrap(),
        comment: Some("Très bien"),
        user_id: None,
        author_name: "Marie",
        submitted_at: t0() + SignedDuration::from_mins(stars),
        answers,
    }
}

fn labels(en: &str) -> QuestionLabels {
    QuestionLabels::new([("en", en)]).unwrap()
}

both_backends!(
    questions_keep_their_order_and_retired_ones_keep_their_answers,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let on_time = feedback::insert_question(
            &mut conn,
            QuestionKind::YesNo,
            &labels("On time?"),
            true,
            t0(),
        )
        .await
        .unwrap();
        let talk = feedback::insert_question(
            &mut conn,
            QuestionKind::Rating,
            &labels("Communication?"),
            false,
            t0(),
        )
        .await
        .unwrap();
        let notes = feedback::insert_question(
            &mut conn,
            QuestionKind::Text,
            &labels("Anything else?"),
            false,
            t0(),
        )
        .await
        .unwrap();
        let ids = |qs: Vec<feedback::Question>| qs.into_iter().map(|q| q.id).collect::<Vec<_>>();
        assert_eq!(
            ids(feedback::questions(&mut conn, false).await.unwrap()),
            [on_time, talk, notes]
        );

        feedback::move_question(&mut conn, notes, true)
            .await
            .unwrap();
        feedback::move_question(&mut conn, on_time, true)
            .await
            .unwrap(); // already first
        assert_eq!(
            ids(feedback::questions(&mut conn, false).await.unwrap()),
            [on_time, notes, talk]
        );

        let b = completed(&mut conn, &w, 1, w.techs[0], w.types[0]).await;
        let answers = [
            (on_time, Answer::YesNo(false)),
            (talk, Answer::Rating(Stars::new(4).unwrap())),
            (notes, Answer::Text("Gentle".into())),
        ];
        feedback::insert_response(&mut conn, &response(&w, b, 0, 0, "2026-05", 5, &answers))
            .await
            .unwrap();

        feedback::set_active(&mut conn, talk, false, t0())
            .await
            .unwrap();
        assert_eq!(
            ids(feedback::questions(&mut conn, false).await.unwrap()),
            [on_time, notes]
        );
        let all = feedback::questions(&mut conn, true).await.unwrap();
        assert_eq!(all.last().map(|q| (q.id, q.active)), Some((talk, false)));

        let stored = feedback::response_for_booking(&mut conn, b)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.rating.get(), 5);
        assert_eq!(stored.comment.as_deref(), Some("Très bien"));
        // The retired question's answer is still there, after the active ones.
        assert_eq!(
            stored.answers,
            [
                (on_time, Answer::YesNo(false)),
                (notes, Answer::Text("Gentle".into())),
                (talk, Answer::Rating(Stars::new(4).unwrap())),
            ]
        );
        let fr = QuestionLabels::new([("en", "On time?"), ("fr", "À l'heure ?")]).unwrap();
        feedback::update_question(&mut conn, on_time, &fr, false, t0())
            .await
            .unwrap();
        let q = feedback::question(&mut conn, on_time).await.unwrap();
        assert_eq!(
            (q.labels.get("fr"), q.required, q.kind),
            ("À l'heure ?", false, QuestionKind::YesNo)
        );
    }
);

both_backends!(
    a_visit_gets_one_response_even_when_two_arrive_at_once,
    |store: Store| async move {
        let w = {
            let mut conn = store.conn().await.unwrap();
            world(&mut conn).await
        };
        let b = {
            let mut conn = store.conn().await.unwrap();
            completed(&mut conn, &w, 1, w.techs[0], w.types[0]).await
        };
        let attempts = (0..4).map(|i| {
            let store = store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let r = feedback::insert_response(
                    &mut tx,
                    &response(&w, b, 0, 0, "2026-05", 1 + i, &[]),
                )
                .await;
                match r {
                    Ok(_) => tx.commit().await.map(|_| true).unwrap_or(false),
                    Err(e) => {
                        assert!(e.is_conflict(), "{e}");
                        false
                    }
                }
            }
        });
        let outcomes = futures_join(attempts).await;
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
        let mut conn = store.conn().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM feedback_responses")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            feedback::answered_bookings(&mut conn, w.account)
                .await
                .unwrap(),
            [b]
        );
    }
);

/// Runs the futures concurrently on the runtime, each on its own task.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<bool>
where
    F: std::future::Future<Output = bool> + Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

both_backends!(
    averages_group_by_technician_service_type_and_month,
    |store: Store| async move {
        let mut conn = store.conn().await.unwrap();
        let w = world(&mut conn).await;
        let yes_no = feedback::insert_question(
            &mut conn,
            QuestionKind::YesNo,
            &labels("On time?"),
            false,
            t0(),
        )
        .await
        .unwrap();
        // (tech, service type, month, stars, on time)
        let rows = [
            (0, 0, "2026-05", 5, true),
            (0, 1, "2026-05", 4, true),
            (1, 0, "2026-05", 2, false),
            (1, 0, "2026-06", 3, true),
            (0, 0, "2026-06", 1, false),
        ];
        for (n, (t, s, m, stars, yes)) in rows.into_iter().enumerate() {
            let b = completed(&mut conn, &w, n as i64, w.techs[t], w.types[s]).await;
            let answers = [(yes_no, Answer::YesNo(yes))];
            feedback::insert_response(&mut conn, &response(&w, b, t, s, m, stars, &answers))
                .await
                .unwrap();
        }
        let all = ResponseFilter::default();
        let techs = feedback::averages(&mut conn, Grouping::Technician, &all)
            .await
            .unwrap();
        let summary = |a: &[feedback::Average]| {
            a.iter()
                .map(|a| (a.label.clone(), a.count, a.sum))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            summary(&techs),
            [("Ana".into(), 3, 10), ("Ben".into(), 2, 5)]
        );
        assert!((techs[0].mean() - 10.0 / 3.0).abs() < 1e-9);
        let types = feedback::averages(&mut conn, Grouping::ServiceType, &all)
            .await
            .unwrap();
        assert_eq!(
            summary(&types),
            [
                ("Furnace maintenance".into(), 4, 11),
                ("Heat pump repair".into(), 1, 4)
            ]
        );
        let months = feedback::averages(&mut conn, Grouping::Month, &all)
            .await
            .unwrap();
        assert_eq!(
            summary(&months),
            [("2026-06".into(), 2, 4), ("2026-05".into(), 3, 11)]
        );

        // Filters narrow both the list and the averages.
        let ana_may = ResponseFilter {
            technician: Some(w.techs[0]),
            service_type: None,
            month: Some("2026-05".into()),
        };
        let list = feedback::responses(&mut conn, &ana_may, Start::First, 50)
            .await
            .unwrap()
            .items;
        assert_eq!(
            list.iter().map(|r| r.rating.get()).collect::<Vec<_>>(),
            [5, 4],
            "newest first"
        );
        assert_eq!(list[0].technician_name, "Ana");
        assert_eq!(list[0].answers, [(yes_no, Answer::YesNo(true))]);
        let months = feedback::averages(&mut conn, Grouping::Month, &ana_may)
            .await
            .unwrap();
        assert_eq!(summary(&months), [("2026-05".into(), 2, 9)]);
        let furnace = ResponseFilter {
            service_type: Some(w.types[0]),
            ..ResponseFilter::default()
        };
        let q = feedback::question_summaries(&mut conn, &furnace)
            .await
            .unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!((q[0].answers, q[0].yes), (4, 2));
        let page = feedback::responses(&mut conn, &all, Start::First, 2)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(page.next.is_some() && page.prev.is_none());
    }
);
