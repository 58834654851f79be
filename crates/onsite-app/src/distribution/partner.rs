//! The partner portal (`Capability::WorkOpportunities`): the opportunities distributed to the
//! partner's own account and what the partner does with them — accept, decline (the
//! opportunity goes at once to the next available partner), move through the sales stages,
//! note, close won or lost with feedback — and the internal opportunities it creates itself.
//!
//! Every use case takes the [`Partner`] grant and is scoped to its account: an opportunity held by another
//! partner (or by nobody) answers [`DistributionError::NotFound`], exactly like an id that does
//! not exist.

use super::staff::OpportunityInput;
use super::{
    Action, DistributionError, Result, Stage, accept_window, expires_at, lock_distribution, record,
    redistribute,
};
use crate::context::App;
use crate::policy::{Grant, Partner};
use jiff::{SignedDuration, Timestamp};
use onsite_distribute::{HistoryEvent, MetricsPolicy, Tally, tally};
use onsite_domain::opportunity::OpportunityStatus;
use onsite_domain::text::free_text;
use onsite_domain::{AccountId, InvalidInput, OpportunityId, ProductId};
use onsite_store::catalog::{self, Product};
use onsite_store::distribution::{self as store, Dated, Listing};
use onsite_store::partners::OpportunityEventKind as Kind;
use onsite_store::partners::{self as partners_store, NewOpportunity, OpportunityEvent};
use onsite_store::{Conn, StoreError, audit};
use serde::Serialize;

/// Longest reason, note or feedback text, in characters.
const TEXT_MAX: usize = 2000;

/// The lists of the partner portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Offered, waiting for the partner to accept or decline (status Distributed).
    New,
    /// Accepted and not yet moved to a sales stage.
    Accepted,
    /// Accepted and being worked through the sales stages.
    InProgress,
    /// Won or lost.
    Closed,
    /// Everything the partner holds.
    All,
}

impl Filter {
    pub const ALL: [Filter; 5] = [
        Filter::New,
        Filter::Accepted,
        Filter::InProgress,
        Filter::Closed,
        Filter::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::New => "new",
            Filter::Accepted => "accepted",
            Filter::InProgress => "in_progress",
            Filter::Closed => "closed",
            Filter::All => "all",
        }
    }

    pub fn parse(raw: &str) -> Result<Filter, InvalidInput> {
        Filter::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or(InvalidInput::new("filter", "unknown"))
    }

    fn statuses(self) -> &'static [OpportunityStatus] {
        match self {
            Filter::New => &[OpportunityStatus::Distributed],
            Filter::Accepted | Filter::InProgress => &[OpportunityStatus::InProgress],
            Filter::Closed => &[OpportunityStatus::Won, OpportunityStatus::Lost],
            Filter::All => &[],
        }
    }

    fn keeps(self, d: &Dated) -> bool {
        match self {
            Filter::Accepted => d.opportunity.stage.is_none(),
            Filter::InProgress => d.opportunity.stage.is_some(),
            _ => true,
        }
    }
}

/// An opportunity as its partner sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerOpportunity {
    #[serde(flatten)]
    pub dated: Dated,
    /// For a Distributed one: when it goes to another partner if not accepted.
    pub expires_at: Option<Timestamp>,
}

/// One opportunity's page in the portal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerOpportunityDetail {
    pub opportunity: PartnerOpportunity,
    pub products: Vec<ProductView>,
    /// This partner's own history on it (never another partner's), oldest first.
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductView {
    pub id: ProductId,
    pub code: String,
    pub name: String,
}

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        ProductView {
            id: p.id,
            code: p.code,
            name: p.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The event kind (`distributed`, `accepted`, `stage`, `touched`, `won`, …; message id
    /// `distribution-event-<kind>`).
    pub kind: &'static str,
    pub at: Timestamp,
    /// The stage moved to, the note, the reason or the feedback.
    pub note: Option<String>,
}

/// The opportunity if the partner holds it; NotFound otherwise.
async fn held(conn: &mut Conn, id: OpportunityId, partner: AccountId) -> Result<Dated> {
    match store::dated(conn, id).await {
        Ok(d) if d.opportunity.partner_account_id == Some(partner) => Ok(d),
        Ok(_) | Err(StoreError::NotFound) => Err(DistributionError::NotFound),
        Err(e) => Err(e.into()),
    }
}

fn refuse<T>(action: Action, status: OpportunityStatus) -> Result<T> {
    Err(DistributionError::IllegalMove { action, status })
}

fn required_text(field: &'static str, raw: &str) -> Result<String, InvalidInput> {
    free_text(field, raw, TEXT_MAX)?.ok_or(InvalidInput::new(field, "required"))
}

/// The partner's opportunities in one list, newest first.
pub async fn partner_opportunities(
    app: &App,
    me: Partner,
    filter: Filter,
) -> Result<Vec<PartnerOpportunity>> {
    let partner = me.account;
    let mut conn = app.store.conn().await?;
    let list = store::list_dated(
        &mut conn,
        Listing {
            partner: Some(partner),
            statuses: filter.statuses(),
        },
    )
    .await?;
    let window = accept_window(&mut conn).await?;
    Ok(list
        .into_iter()
        .filter(|d| filter.keeps(d))
        .map(|dated| PartnerOpportunity {
            expires_at: expires_at(&dated.opportunity, window),
            dated,
        })
        .collect())
}

/// One of the partner's opportunities with its products and the partner's own history.
pub async fn opportunity_for_partner(
    app: &App,
    me: Partner,
    id: OpportunityId,
) -> Result<PartnerOpportunityDetail> {
    let partner = me.account;
    let mut conn = app.store.conn().await?;
    let dated = held(&mut conn, id, partner).await?;
    let window = accept_window(&mut conn).await?;
    let products = catalog::list_products(&mut conn)
        .await?
        .into_iter()
        .filter(|p| dated.opportunity.products.contains(&p.id))
        .map(ProductView::from)
        .collect();
    let history = store::events_for_partner(&mut conn, id, partner)
        .await?
        .into_iter()
        .map(|e| HistoryEntry {
            kind: e.kind.as_str(),
            at: e.at,
            note: e.note,
        })
        .collect();
    Ok(PartnerOpportunityDetail {
        opportunity: PartnerOpportunity {
            expires_at: expires_at(&dated.opportunity, window),
            dated,
        },
        products,
        history,
    })
}

async fn audit_partner(
    tx: &mut Conn,
    me: Partner,
    action: &str,
    id: OpportunityId,
    detail: serde_json::Value,
) -> Result<()> {
    audit::record(
        tx,
        Some(me.user()),
        action,
        "opportunity",
        Some(id.0),
        &detail,
    )
    .await?;
    Ok(())
}

/// Accepts an opportunity distributed to the partner: it becomes In progress. Refused once
/// the time to accept has passed ([`DistributionError::Expired`]), even before the sweep took
/// it back.
pub async fn accept(app: &App, me: Partner, id: OpportunityId, now: Timestamp) -> Result<()> {
    let partner = me.account;
    let mut tx = app.store.begin().await?;
    let d = held(&mut tx, id, partner).await?;
    if d.opportunity.status != OpportunityStatus::Distributed {
        return refuse(Action::Accept, d.opportunity.status);
    }
    let window = accept_window(&mut tx).await?;
    if expires_at(&d.opportunity, window).is_some_and(|at| now >= at) {
        return Err(DistributionError::Expired);
    }
    if !store::mark_accepted(&mut tx, id, partner, now).await? {
        return refuse(Action::Accept, d.opportunity.status);
    }
    record(&mut tx, id, partner, Kind::Accepted, None, now).await?;
    audit_partner(&mut tx, me, "opportunity.accept", id, serde_json::json!({})).await?;
    partner_event(&mut tx, id, partner, "accepted", None, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.events_queued();
    Ok(())
}

/// Declines an opportunity distributed to the partner, with a reason (required). In the same
/// transaction it goes to the next available partner (never back to one that passed on it);
/// when nobody is available it stays New for staff (audit `opportunity.unplaced`).
pub async fn decline(
    app: &App,
    me: Partner,
    id: OpportunityId,
    reason: &str,
    now: Timestamp,
) -> Result<()> {
    let partner = me.account;
    let reason = required_text("reason", reason)?;
    let mut tx = app.store.begin().await?;
    lock_distribution(app.store.backend(), &mut tx).await?;
    let d = held(&mut tx, id, partner).await?;
    if d.opportunity.status != OpportunityStatus::Distributed {
        return refuse(Action::Decline, d.opportunity.status);
    }
    if !store::take_back(&mut tx, id, partner, None).await? {
        return refuse(Action::Decline, d.opportunity.status);
    }
    partner_event(&mut tx, id, partner, "declined", Some(&reason), now).await?;
    record(&mut tx, id, partner, Kind::Declined, Some(reason), now).await?;
    audit_partner(
        &mut tx,
        me,
        "opportunity.decline",
        id,
        serde_json::json!({}),
    )
    .await?;
    let next = redistribute(app, &mut tx, id, None, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    if next.is_some() {
        app.mail_queued();
    }
    app.events_queued();
    Ok(())
}

/// Moves an opportunity in progress to a sales stage (a `stage` event). Moving to the stage it
/// is already in changes nothing.
pub async fn set_stage(
    app: &App,
    me: Partner,
    id: OpportunityId,
    stage: Stage,
    now: Timestamp,
) -> Result<()> {
    let partner = me.account;
    let mut tx = app.store.begin().await?;
    let d = held(&mut tx, id, partner).await?;
    if d.opportunity.status != OpportunityStatus::InProgress {
        return refuse(Action::SetStage, d.opportunity.status);
    }
    if d.opportunity.stage.as_deref() == Some(stage.as_str()) {
        return Ok(());
    }
    if !store::set_stage(&mut tx, id, partner, stage.as_str()).await? {
        return refuse(Action::SetStage, d.opportunity.status);
    }
    record(
        &mut tx,
        id,
        partner,
        Kind::Stage,
        Some(stage.as_str().to_owned()),
        now,
    )
    .await?;
    audit_partner(
        &mut tx,
        me,
        "opportunity.stage",
        id,
        serde_json::json!({ "stage": stage.as_str() }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Notes partner activity on an opportunity in progress (a call, a visit): a `touched` event.
pub async fn add_note(
    app: &App,
    me: Partner,
    id: OpportunityId,
    note: &str,
    now: Timestamp,
) -> Result<()> {
    let partner = me.account;
    let note = required_text("note", note)?;
    let mut tx = app.store.begin().await?;
    let d = held(&mut tx, id, partner).await?;
    if d.opportunity.status != OpportunityStatus::InProgress {
        return refuse(Action::AddNote, d.opportunity.status);
    }
    record(&mut tx, id, partner, Kind::Touched, Some(note), now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

async fn close(
    app: &App,
    me: Partner,
    id: OpportunityId,
    won: bool,
    reason: Option<String>,
    feedback: Option<String>,
    now: Timestamp,
) -> Result<()> {
    let partner = me.account;
    let mut tx = app.store.begin().await?;
    let d = held(&mut tx, id, partner).await?;
    if d.opportunity.status != OpportunityStatus::InProgress {
        return refuse(Action::Close, d.opportunity.status);
    }
    if !store::mark_closed(&mut tx, id, partner, won, now).await? {
        return refuse(Action::Close, d.opportunity.status);
    }
    let kind = if won { Kind::Won } else { Kind::Lost };
    let outcome = if won { "won" } else { "lost" };
    partner_event(&mut tx, id, partner, outcome, reason.as_deref(), now).await?;
    record(&mut tx, id, partner, kind, reason, now).await?;
    let with_feedback = feedback.is_some();
    if let Some(text) = feedback {
        record(&mut tx, id, partner, Kind::Feedback, Some(text), now).await?;
    }
    let action = if won {
        "opportunity.won"
    } else {
        "opportunity.lost"
    };
    audit_partner(
        &mut tx,
        me,
        action,
        id,
        serde_json::json!({ "feedback": with_feedback }),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.events_queued();
    Ok(())
}

/// Queues the webhook event of what the partner did (issue 16), in its transaction.
async fn partner_event(
    tx: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    outcome: &str,
    reason: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let data = crate::webhooks::OpportunityData {
        id,
        partner_account_id: partner,
        outcome,
        reason,
    };
    crate::webhooks::opportunity_event(tx, &data, now.as_millisecond(), now).await?;
    Ok(())
}

/// Closes an opportunity in progress as won, with optional feedback.
pub async fn close_won(
    app: &App,
    me: Partner,
    id: OpportunityId,
    feedback: &str,
    now: Timestamp,
) -> Result<()> {
    let feedback = free_text("feedback", feedback, TEXT_MAX)?;
    close(app, me, id, true, None, feedback, now).await
}

/// Closes an opportunity in progress as lost — returned — with the reason (required) and
/// optional feedback.
pub async fn close_lost(
    app: &App,
    me: Partner,
    id: OpportunityId,
    reason: &str,
    feedback: &str,
    now: Timestamp,
) -> Result<()> {
    let reason = required_text("reason", reason)?;
    let feedback = free_text("feedback", feedback, TEXT_MAX)?;
    close(app, me, id, false, Some(reason), feedback, now).await
}

/// Adds feedback to a closed opportunity (after the close).
pub async fn add_feedback(
    app: &App,
    me: Partner,
    id: OpportunityId,
    feedback: &str,
    now: Timestamp,
) -> Result<()> {
    let partner = me.account;
    let feedback = required_text("feedback", feedback)?;
    let mut tx = app.store.begin().await?;
    let d = held(&mut tx, id, partner).await?;
    if !matches!(
        d.opportunity.status,
        OpportunityStatus::Won | OpportunityStatus::Lost
    ) {
        return refuse(Action::AddFeedback, d.opportunity.status);
    }
    record(&mut tx, id, partner, Kind::Feedback, Some(feedback), now).await?;
    audit_partner(
        &mut tx,
        me,
        "opportunity.feedback",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// A partner records an opportunity it found itself: internal, in progress at once, never
/// counted against its capacity nor in its metrics.
pub async fn create_internal_opportunity(
    app: &App,
    me: Partner,
    input: &OpportunityInput,
    now: Timestamp,
) -> Result<OpportunityId> {
    let partner = me.account;
    let mut tx = app.store.begin().await?;
    let v = input.validate_against_catalog(&mut tx).await?;
    let id = partners_store::insert_opportunity(
        &mut tx,
        &NewOpportunity {
            name: &v.name,
            customer_name: &v.customer_name,
            location: v.location,
            postal_code: &v.postal_code,
            estimated_revenue_minor: v.estimated_revenue_minor,
            lead_type: &v.lead_type,
            products: &v.products,
            status: OpportunityStatus::InProgress,
            stage: None,
            partner_account_id: Some(partner),
            internal: true,
            distributed_at: None,
            accepted_at: Some(now),
            closed_at: None,
            created_at: now,
        },
    )
    .await?;
    audit_partner(
        &mut tx,
        me,
        "opportunity.create-internal",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// The partner's own metrics counts over the look-back window (what "my metrics" shows; the
/// ranking blends them with the average of all partners).
pub async fn my_metrics(app: &App, me: Partner, now: Timestamp) -> Result<Tally> {
    let partner = me.account;
    let policy = MetricsPolicy::default();
    let since = now - SignedDuration::from_hours(24 * i64::from(policy.lookback_days));
    let mut conn = app.store.conn().await?;
    let events: Vec<HistoryEvent> = partners_store::events_of_partner(&mut conn, partner, since)
        .await?
        .into_iter()
        .map(|e: OpportunityEvent| HistoryEvent {
            opportunity: e.opportunity_id,
            kind: e.kind,
            at: e.at,
        })
        .collect();
    Ok(tally(&events, now, &policy))
}
