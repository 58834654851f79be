//! The demo's feedback (issue 5): the default survey (on time? yes/no; communication, 1–5;
//! anything to improve, text; all optional, so a rating and a comment are enough) and
//! responses on about a third of the completed visits of the other customers, so that the
//! staff's averages per technician, service type and month have something to show. The demo
//! customer's own completed visits stay unrated: their most recent one is where the browser
//! journey sends feedback.
//!
//! Drawn from a generator of its own (not the city's), so adding feedback changed nothing else
//! of the city; dated from the visits themselves, so the same day gives the same responses.

use crate::build::Res;
use crate::rng::Rng;
use jiff::{SignedDuration, Timestamp};
use onsite_domain::feedback::{Answer, QuestionKind, QuestionLabels, Stars};
use onsite_domain::time::TimeZoneName;
use onsite_domain::{AccountId, BookingId, ServiceTypeId, TechnicianId};
use onsite_store::feedback::{self, NewResponse};
use onsite_store::{Conn, RowExt, from_ms};

const SEED: u64 = 0x0f33_db4c_2026;

/// The default survey: (kind, English, French, required).
const QUESTIONS: &[(QuestionKind, &str, &str, bool)] = &[
    (
        QuestionKind::YesNo,
        "Was the technician on time?",
        "Le technicien était-il à l'heure ?",
        false,
    ),
    (
        QuestionKind::Rating,
        "How would you rate the communication?",
        "Comment évaluez-vous la communication ?",
        false,
    ),
    (
        QuestionKind::Text,
        "Anything we could do better?",
        "Que pourrions-nous améliorer ?",
        false,
    ),
];

const COMMENTS: &[&str] = &[
    "Très professionnel, merci !",
    "Quick and tidy work, thank you.",
    "Arrived a bit late but explained everything clearly.",
    "Le technicien a pris le temps de tout expliquer.",
    "Had to call twice to confirm the time.",
    "Excellent service, as always.",
    "Bon travail, mais il a oublié de remettre le panneau.",
];

const IMPROVEMENTS: &[&str] = &[
    "Text me when the technician is on the way.",
    "Plus de plages horaires le samedi.",
    "Bring the replacement filter next time.",
];

struct Visit {
    booking: BookingId,
    account: AccountId,
    technician: TechnicianId,
    service_type: ServiceTypeId,
    starts_at: Timestamp,
    ends_at: Timestamp,
}

/// Adds the default survey and the other customers' responses. Returns how many responses.
pub(crate) async fn survey_and_responses(
    conn: &mut Conn,
    tz: &TimeZoneName,
    demo_account: Option<AccountId>,
    today_start: Timestamp,
) -> Res<usize> {
    let created = today_start - SignedDuration::from_hours(24 * 90);
    let mut ids = Vec::new();
    for (kind, en, fr, required) in QUESTIONS {
        let labels = QuestionLabels::new([("en", *en), ("fr", *fr)])?;
        ids.push(feedback::insert_question(conn, *kind, &labels, *required, created).await?);
    }
    let rows = sqlx::query(
        "SELECT b.id, w.account_id, b.technician_id, w.service_type_id, b.starts_at, b.ends_at \
         FROM bookings b JOIN work_orders w ON w.id = b.work_order_id \
         WHERE b.state = 'completed' AND w.account_id <> $1 ORDER BY b.id",
    )
    .bind(demo_account.map_or(0, |a| a.0))
    .fetch_all(&mut *conn)
    .await?;
    let mut visits = Vec::with_capacity(rows.len());
    for r in &rows {
        visits.push(Visit {
            booking: BookingId(r.i64("id")?),
            account: AccountId(r.i64("account_id")?),
            technician: TechnicianId(r.i64("technician_id")?),
            service_type: ServiceTypeId(r.i64("service_type_id")?),
            starts_at: from_ms(r.i64("starts_at")?)?,
            ends_at: from_ms(r.i64("ends_at")?)?,
        });
    }
    let mut rng = Rng::new(SEED);
    let mut count = 0;
    for v in &visits {
        if !rng.chance(0.35) {
            continue;
        }
        // Each technician has a manner of their own: some are rated higher than others.
        let lean = (v.technician.0 % 3) as f64 * 0.4;
        let raw = 2.6 + lean + rng.unit() * 2.6;
        let stars = Stars::new((raw.round() as i64).clamp(1, 5))?;
        let on_time = rng.chance(0.55 + 0.1 * stars.get() as f64 / 2.0);
        let mut answers = vec![(ids[0], Answer::YesNo(on_time))];
        if rng.chance(0.8) {
            let talk = (i64::from(stars.get()) + rng.range(-1, 1)).clamp(1, 5);
            answers.push((ids[1], Answer::Rating(Stars::new(talk)?)));
        }
        if rng.chance(0.15) {
            answers.push((ids[2], Answer::Text(rng.of(IMPROVEMENTS).to_owned())));
        }
        let comment = rng.chance(0.4).then(|| rng.of(COMMENTS));
        let author = author_of(conn, v.account).await?;
        // Sent a few hours after the visit, and before the demo's today.
        let submitted = (v.ends_at + SignedDuration::from_mins(rng.range(30, 60 * 30)))
            .min(today_start - SignedDuration::from_mins(rng.range(5, 120)));
        let month = v
            .starts_at
            .to_zoned(tz.time_zone())
            .strftime("%Y-%m")
            .to_string();
        feedback::insert_response(
            conn,
            &NewResponse {
                booking_id: v.booking,
                account_id: v.account,
                technician_id: v.technician,
                service_type_id: v.service_type,
                visit_month: &month,
                rating: stars,
                comment,
                user_id: None,
                author_name: &author,
                submitted_at: submitted,
                answers: &answers,
            },
        )
        .await?;
        count += 1;
    }
    Ok(count)
}

/// The account's first contact, by name (the demo's other customers have no portal user).
async fn author_of(conn: &mut Conn, account: AccountId) -> Res<String> {
    let name: Option<(String, String)> = sqlx::query_as(
        "SELECT first_name, last_name FROM contacts WHERE account_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(account.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(name.map_or_else(String::new, |(f, l)| format!("{f} {l}")))
}
