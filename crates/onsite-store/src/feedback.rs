//! Feedback (SPEC §7): the survey's questions an administrator configures, the customers'
//! responses (one per visit: the table's unique booking makes a second one a
//! [`StoreError::Conflict`], whatever the race) with their answers, and what the staff read of
//! them: the responses, newest first, and average ratings per technician, service type and
//! month.

use crate::records::cursor::{Cursor, KeyKind, Start};
use crate::records::query::{self, Arg, Keyset, Page, SortSpec, Where};
use crate::sql::{Run, placeholders};
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::feedback::{Answer, QuestionKind, QuestionLabels, Stars};
use onsite_domain::{
    AccountId, BookingId, FeedbackId, ServiceTypeId, SurveyQuestionId, TechnicianId, UserId,
};
use sqlx::any::AnyRow;
use std::collections::HashMap;

// ---- The survey -----------------------------------------------------------------------------

/// A question of the survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: SurveyQuestionId,
    pub kind: QuestionKind,
    pub labels: QuestionLabels,
    /// A response must answer it.
    pub required: bool,
    pub position: i64,
    /// Retired questions are off the form; their answers stay.
    pub active: bool,
}

fn question_from_row(r: &AnyRow) -> Result<Question> {
    let kind = r.text("kind")?;
    let labels = r.text("labels")?;
    Ok(Question {
        id: SurveyQuestionId(r.i64("id")?),
        kind: QuestionKind::parse(&kind)?,
        labels: serde_json::from_str(&labels)
            .map_err(|e| StoreError::Corrupt(format!("question labels: {e}")))?,
        required: r.bool("required")?,
        position: r.i64("position")?,
        active: r.bool("active")?,
    })
}

const QUESTION: &str = "SELECT id, kind, labels, required, position, active FROM survey_questions";

/// The survey's questions in order: the active ones, or (for the admin's page) all of them,
/// retired ones after the active.
pub async fn questions(conn: &mut Conn, with_retired: bool) -> Result<Vec<Question>> {
    let sql = if with_retired {
        format!("{QUESTION} ORDER BY active DESC, position, id")
    } else {
        format!("{QUESTION} WHERE active = TRUE ORDER BY position, id")
    };
    sqlx::query(&sql).all(conn, question_from_row).await
}

pub async fn question(conn: &mut Conn, id: SurveyQuestionId) -> Result<Question> {
    sqlx::query(&format!("{QUESTION} WHERE id = $1"))
        .bind(id.0)
        .one(conn, question_from_row)
        .await
}

fn labels_json(labels: &QuestionLabels) -> String {
    serde_json::to_string(labels).expect("labels serialize")
}

/// Adds a question at the end of the survey.
pub async fn insert_question(
    conn: &mut Conn,
    kind: QuestionKind,
    labels: &QuestionLabels,
    required: bool,
    now: Timestamp,
) -> Result<SurveyQuestionId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO survey_questions (kind, labels, required, position, active, created_at, updated_at) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions), TRUE, $4, $4) \
         RETURNING id",
    )
    .bind(kind.as_str())
    .bind(labels_json(labels))
    .bind(required)
    .bind(to_ms(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(SurveyQuestionId(id))
}

/// Changes a question's labels and whether it is required. Its kind never changes: the answers
/// already given are of that kind.
pub async fn update_question(
    conn: &mut Conn,
    id: SurveyQuestionId,
    labels: &QuestionLabels,
    required: bool,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE survey_questions SET labels = $1, required = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(labels_json(labels))
    .bind(required)
    .bind(to_ms(now))
    .bind(id.0)
    .changed_or_not_found(conn)
    .await
}

/// Retires a question (off the form, answers kept) or brings it back.
pub async fn set_active(
    conn: &mut Conn,
    id: SurveyQuestionId,
    active: bool,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE survey_questions SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active)
        .bind(to_ms(now))
        .bind(id.0)
        .changed_or_not_found(conn)
        .await
}

/// Swaps an active question with its active neighbour before (`up`) or after it; at the end
/// already, nothing moves. Run it in a transaction.
pub async fn move_question(conn: &mut Conn, id: SurveyQuestionId, up: bool) -> Result<()> {
    let order: Vec<Question> = questions(conn, false).await?;
    let Some(i) = order.iter().position(|q| q.id == id) else {
        return Err(StoreError::NotFound);
    };
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    let Some(other) = j.and_then(|j| order.get(j)) else {
        return Ok(());
    };
    let (a, b) = (&order[i], other);
    // Positions may tie (imports); renumbering the two from their order keeps them distinct.
    let (pa, pb) = if a.position == b.position {
        let lo = a.position.min(b.position);
        if up { (lo, lo + 1) } else { (lo + 1, lo) }
    } else {
        (b.position, a.position)
    };
    for (q, p) in [(a.id, pa), (b.id, pb)] {
        sqlx::query("UPDATE survey_questions SET position = $1 WHERE id = $2")
            .bind(p)
            .bind(q.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

// ---- Responses ------------------------------------------------------------------------------

/// A response to record: the visit's facts (kept with it for the averages) and what the
/// customer said.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    pub booking_id: BookingId,
    pub account_id: AccountId,
    pub technician_id: TechnicianId,
    pub service_type_id: ServiceTypeId,
    /// `YYYY-MM`, the visit's month in the account's zone.
    pub visit_month: &'a str,
    pub rating: Stars,
    pub comment: Option<&'a str>,
    pub user_id: Option<UserId>,
    pub author_name: &'a str,
    pub submitted_at: Timestamp,
    pub answers: &'a [(SurveyQuestionId, Answer)],
}

/// Records a response and its answers. A second response for the same visit is
/// [`StoreError::Conflict`] (the unique booking), even from a concurrent transaction.
pub async fn insert_response(conn: &mut Conn, r: &NewResponse<'_>) -> Result<FeedbackId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO feedback_responses (booking_id, account_id, technician_id, service_type_id, \
         visit_month, rating, comment, user_id, author_name, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(r.booking_id.0)
    .bind(r.account_id.0)
    .bind(r.technician_id.0)
    .bind(r.service_type_id.0)
    .bind(r.visit_month)
    .bind(i64::from(r.rating))
    .bind(r.comment)
    .bind(r.user_id.map(|u| u.0))
    .bind(r.author_name)
    .bind(to_ms(r.submitted_at))
    .fetch_one(&mut *conn)
    .await?;
    for (question, answer) in r.answers {
        let (rating, yes, text) = match answer {
            Answer::Rating(s) => (Some(i64::from(*s)), None, None),
            Answer::YesNo(b) => (None, Some(*b), None),
            Answer::Text(t) => (None, None, Some(t.as_str())),
        };
        sqlx::query(
            "INSERT INTO feedback_answers (response_id, question_id, rating, yes, text_value) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(question.0)
        .bind(rating)
        .bind(yes)
        .bind(text)
        .execute(&mut *conn)
        .await?;
    }
    Ok(FeedbackId(id))
}

/// A recorded response, with the names staff read it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub id: FeedbackId,
    pub booking_id: BookingId,
    pub account_id: AccountId,
    pub account_name: String,
    pub technician_id: TechnicianId,
    pub technician_name: String,
    pub service_type_id: ServiceTypeId,
    pub service_type_name: String,
    pub visit_month: String,
    pub visit_starts_at: Timestamp,
    pub rating: Stars,
    pub comment: Option<String>,
    pub author_name: String,
    pub submitted_at: Timestamp,
    /// In the survey's order (retired questions included).
    pub answers: Vec<(SurveyQuestionId, Answer)>,
}

/// A response's columns over `feedback_responses x` joined with [`RESPONSE_JOINS`].
const RESPONSE_COLUMNS: &str = "x.id, x.booking_id, x.account_id, a.name AS account_name, \
     x.technician_id, t.name AS technician_name, x.service_type_id, s.name AS service_type_name, \
     x.visit_month, b.starts_at, x.rating, x.comment, x.author_name, x.submitted_at";
const RESPONSE_JOINS: &str = "JOIN bookings b ON b.id = x.booking_id \
     JOIN accounts a ON a.id = x.account_id \
     JOIN technicians t ON t.id = x.technician_id \
     JOIN service_types s ON s.id = x.service_type_id";

/// The staff list's order: newest first (`feedback_responses_submitted` index).
static NEWEST_FIRST: SortSpec = SortSpec {
    name: "feedback.submitted",
    expr: "x.submitted_at",
    kind: KeyKind::Int,
};

fn response_from_row(r: &AnyRow) -> Result<Response> {
    Ok(Response {
        id: FeedbackId(r.i64("id")?),
        booking_id: BookingId(r.i64("booking_id")?),
        account_id: AccountId(r.i64("account_id")?),
        account_name: r.text("account_name")?,
        technician_id: TechnicianId(r.i64("technician_id")?),
        technician_name: r.text("technician_name")?,
        service_type_id: ServiceTypeId(r.i64("service_type_id")?),
        service_type_name: r.text("service_type_name")?,
        visit_month: r.text("visit_month")?,
        visit_starts_at: r.ts("starts_at")?,
        rating: Stars::new(r.i64("rating")?)?,
        comment: r.opt_text("comment")?,
        author_name: r.text("author_name")?,
        submitted_at: r.ts("submitted_at")?,
        answers: Vec::new(),
    })
}

fn answer_from_row(r: &AnyRow, kind: QuestionKind) -> Result<Option<Answer>> {
    Ok(match kind {
        QuestionKind::Rating => match r.opt_i64("rating")? {
            Some(v) => Some(Answer::Rating(Stars::new(v)?)),
            None => None,
        },
        // -1 for no answer, else 1 or 0 (the same integers on both engines).
        QuestionKind::YesNo => match r.i64("yes_value")? {
            -1 => None,
            v => Some(Answer::YesNo(v == 1)),
        },
        QuestionKind::Text => r.opt_text("text_value")?.map(Answer::Text),
    })
}

/// Loads the answers of `responses` into them.
async fn load_answers(conn: &mut Conn, responses: &mut [Response]) -> Result<()> {
    if responses.is_empty() {
        return Ok(());
    }
    let placeholders = placeholders(1, responses.len());
    let sql = format!(
        "SELECT fa.response_id, fa.question_id, q.kind, fa.rating, fa.text_value, \
         CASE WHEN fa.yes IS NULL THEN -1 WHEN fa.yes THEN 1 ELSE 0 END AS yes_value \
         FROM feedback_answers fa JOIN survey_questions q ON q.id = fa.question_id \
         WHERE fa.response_id IN ({placeholders}) ORDER BY q.active DESC, q.position, q.id"
    );
    let mut query = sqlx::query(&sql);
    for r in responses.iter() {
        query = query.bind(r.id.0);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let index: HashMap<i64, usize> = responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.0, i))
        .collect();
    for row in &rows {
        let kind = QuestionKind::parse(&row.text("kind")?)?;
        let Some(answer) = answer_from_row(row, kind)? else {
            continue;
        };
        if let Some(&i) = index.get(&row.i64("response_id")?) {
            responses[i]
                .answers
                .push((SurveyQuestionId(row.i64("question_id")?), answer));
        }
    }
    Ok(())
}

/// The response given for a visit, if any (callers scope the visit first).
pub async fn response_for_booking(conn: &mut Conn, booking: BookingId) -> Result<Option<Response>> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM feedback_responses x {RESPONSE_JOINS} \
         WHERE x.booking_id = $1"
    ))
    .bind(booking.0)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let mut one = [response_from_row(&row)?];
    load_answers(conn, &mut one).await?;
    let [r] = one;
    Ok(Some(r))
}

/// The visits of an account that have feedback (for the homepage's Send Feedback).
pub async fn answered_bookings(conn: &mut Conn, account: AccountId) -> Result<Vec<BookingId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT booking_id FROM feedback_responses WHERE account_id = $1")
            .bind(account.0)
            .fetch_all(&mut *conn)
            .await?;
    Ok(ids.into_iter().map(BookingId).collect())
}

/// Which responses the staff look at. Every field narrows; none is everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseFilter {
    pub technician: Option<TechnicianId>,
    pub service_type: Option<ServiceTypeId>,
    /// `YYYY-MM`: visits of that month.
    pub month: Option<String>,
}

impl ResponseFilter {
    /// The conditions on `feedback_responses x`, with their arguments.
    fn conditions(&self) -> Where {
        let mut w = Where::new();
        if let Some(t) = self.technician {
            let p = w.arg(Arg::I64(t.0));
            w.cond(format!("x.technician_id = {p}"));
        }
        if let Some(s) = self.service_type {
            let p = w.arg(Arg::I64(s.0));
            w.cond(format!("x.service_type_id = {p}"));
        }
        if let Some(m) = &self.month {
            let p = w.arg(Arg::Text(m.clone()));
            w.cond(format!("x.visit_month = {p}"));
        }
        w
    }
}

/// Where a page of the staff list starts, from its `cursor` token (empty: the newest).
pub fn responses_start(token: &str) -> std::result::Result<Start, onsite_domain::InvalidInput> {
    Cursor::decode(token, NEWEST_FIRST.name, true, NEWEST_FIRST.kind)
}

/// One page of the responses matching `filter`, newest first, with their answers and the
/// Next / Previous cursors.
pub async fn responses(
    conn: &mut Conn,
    filter: &ResponseFilter,
    start: Start,
    limit: u32,
) -> Result<Page<Response>> {
    let mut page = query::page(
        conn,
        Keyset {
            w: filter.conditions(),
            table: "feedback_responses",
            columns: RESPONSE_COLUMNS.to_owned(),
            joins: RESPONSE_JOINS.to_owned(),
            sort: &NEWEST_FIRST,
            descending: true,
            start,
            limit,
        },
        response_from_row,
    )
    .await?;
    load_answers(conn, &mut page.items).await?;
    Ok(page)
}

/// What averages are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Technician,
    ServiceType,
    Month,
}

/// The ratings of one group: how many, and their sum (the average is `sum / count`).
#[derive(Debug, Clone, PartialEq)]
pub struct Average {
    /// The technician's or service type's id, or the month `YYYY-MM`.
    pub key: String,
    /// The technician's or service type's name, or the month.
    pub label: String,
    pub count: i64,
    pub sum: i64,
}

impl Average {
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }
}

/// The average overall rating of the responses matching `filter`, per group: technicians and
/// service types by name, months newest first.
pub async fn averages(
    conn: &mut Conn,
    by: Grouping,
    filter: &ResponseFilter,
) -> Result<Vec<Average>> {
    let w = filter.conditions();
    let cond = w.to_sql();
    // PostgreSQL's SUM of BIGINT is NUMERIC, which `Any` cannot read: cast it.
    let sql = match by {
        Grouping::Technician => format!(
            "SELECT CAST(x.technician_id AS TEXT) AS k, t.name AS label, COUNT(*) AS n, \
             CAST(SUM(x.rating) AS BIGINT) AS total FROM feedback_responses x \
             JOIN technicians t ON t.id = x.technician_id WHERE {cond} \
             GROUP BY x.technician_id, t.name ORDER BY t.name, x.technician_id"
        ),
        Grouping::ServiceType => format!(
            "SELECT CAST(x.service_type_id AS TEXT) AS k, s.name AS label, COUNT(*) AS n, \
             CAST(SUM(x.rating) AS BIGINT) AS total FROM feedback_responses x \
             JOIN service_types s ON s.id = x.service_type_id WHERE {cond} \
             GROUP BY x.service_type_id, s.name ORDER BY s.name, x.service_type_id"
        ),
        Grouping::Month => format!(
            "SELECT x.visit_month AS k, x.visit_month AS label, COUNT(*) AS n, \
             CAST(SUM(x.rating) AS BIGINT) AS total FROM feedback_responses x WHERE {cond} \
             GROUP BY x.visit_month ORDER BY x.visit_month DESC"
        ),
    };
    w.bind(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Average {
                key: r.text("k")?,
                label: r.text("label")?,
                count: r.i64("n")?,
                sum: r.i64("total")?,
            })
        })
        .collect()
}

/// The answers to one question over the responses matching `filter`: how many, the sum of the
/// ratings (rating questions) and how many said yes (yes/no questions).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionSummary {
    pub question_id: SurveyQuestionId,
    pub answers: i64,
    pub rating_sum: i64,
    pub yes: i64,
}

pub async fn question_summaries(
    conn: &mut Conn,
    filter: &ResponseFilter,
) -> Result<Vec<QuestionSummary>> {
    let w = filter.conditions();
    let sql = format!(
        "SELECT fa.question_id, COUNT(*) AS n, CAST(COALESCE(SUM(fa.rating), 0) AS BIGINT) AS total, \
         CAST(COALESCE(SUM(CASE WHEN fa.yes THEN 1 ELSE 0 END), 0) AS BIGINT) AS yes_count \
         FROM feedback_answers fa JOIN feedback_responses x ON x.id = fa.response_id \
         WHERE {cond} GROUP BY fa.question_id ORDER BY fa.question_id",
        cond = w.to_sql()
    );
    w.bind(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(QuestionSummary {
                question_id: SurveyQuestionId(r.i64("question_id")?),
                answers: r.i64("n")?,
                rating_sum: r.i64("total")?,
                yes: r.i64("yes_count")?,
            })
        })
        .collect()
}
