//! Webhooks: administrators' endpoints (add, change, pause, roll the signing secret, delete,
//! each audited), their delivery logs and "Redeliver" (audited); and the events use cases queue
//! in their own transactions ([`booking_event`], [`feedback_received`], [`opportunity_event`],
//! [`invoice_exposed`]), which `onsite_notify::webhooks` signs and delivers.
//!
//! An event's id is its idempotency key, made of what it is about and which change of it:
//! `booking.created:42`, `booking.rescheduled:42:3` (the visit's calendar sequence),
//! `booking.state_changed:42:5` (its number of state changes)… so queueing it again adds
//! nothing. Its `data` is shaped like the API's body of the same thing where there is one
//! (a visit as `GET /api/v1/bookings/{id}` shows it, with what only staff see).

use crate::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::policy::{Admin, Grant};
use crate::secrets::Secret;
use jiff::Timestamp;
use onsite_domain::booking::BookingState;
use onsite_domain::text::free_text;
use onsite_domain::webhook::{EventType, WebhookUrl};
use onsite_domain::{AccountId, BookingId, InvalidInput, InvoiceId, OpportunityId, TechnicianId};
use onsite_i18n::Locale;
use onsite_notify::webhooks::queue;
use onsite_store::visibility::Visibility;
use onsite_store::visits::Visit;
use onsite_store::webhooks::{
    self as store, Delivery, DeliveryId, Endpoint, EndpointFields, EndpointId, Listed,
};
use onsite_store::{Conn, StoreError, audit};
use serde::Serialize;
use std::borrow::Cow;

/// The settings of the webhooks page: how many attempts before a delivery is given up.
pub const SETTINGS: [&onsite_domain::settings::Setting; 1] =
    [&onsite_domain::settings::WEBHOOK_MAX_ATTEMPTS];

/// The longest description of an endpoint.
pub const DESCRIPTION_MAX: usize = 200;
/// Deliveries per page of an endpoint's log.
pub const LOG_PAGE: i64 = 50;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("no such endpoint or delivery")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Someone changed the endpoint since the form was shown.
    #[error("the endpoint changed meanwhile")]
    Changed,
    /// A worker is sending this delivery right now.
    #[error("the delivery is being sent")]
    InFlight,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WebhookError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebhookError::NotFound,
            e => WebhookError::Store(e),
        }
    }
}

impl Failure for WebhookError {
    fn kind(&self) -> Kind {
        match self {
            WebhookError::NotFound => Kind::NotFound,
            WebhookError::Invalid(_) => Kind::Invalid,
            WebhookError::Changed | WebhookError::InFlight => Kind::Conflict,
            WebhookError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebhookError::Changed => "changed",
            WebhookError::InFlight => "in_flight",
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            WebhookError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            WebhookError::NotFound => locale.text("web-error-not-found"),
            WebhookError::Invalid(i) => invalid_message(locale, i.reason),
            WebhookError::Changed => locale.text("webhooks-error-changed"),
            WebhookError::InFlight => locale.text("webhooks-error-in-flight"),
            WebhookError::Store(e) => e.message(locale),
        }
    }
}

pub type Result<T, E = WebhookError> = std::result::Result<T, E>;

/// An endpoint as an administrator's form sends it.
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub active: bool,
    /// Event types by name (`booking.created`…).
    pub events: Vec<String>,
}

struct Valid {
    url: WebhookUrl,
    description: String,
    active: bool,
    events: Vec<EventType>,
}

fn validate(input: &EndpointInput) -> Result<Valid> {
    let url = WebhookUrl::parse(&input.url)?;
    let description =
        free_text("description", &input.description, DESCRIPTION_MAX)?.unwrap_or_default();
    let mut events = Vec::new();
    for name in &input.events {
        let t = EventType::parse(name.trim())?;
        if !events.contains(&t) {
            events.push(t);
        }
    }
    if events.is_empty() {
        return Err(InvalidInput::new("events", "required").into());
    }
    Ok(Valid {
        url,
        description,
        active: input.active,
        events,
    })
}

impl Valid {
    fn fields(&self) -> EndpointFields<'_> {
        EndpointFields {
            url: &self.url,
            description: &self.description,
            active: self.active,
            events: &self.events,
        }
    }
}

/// A new signing secret: 256 random bits, with a prefix that says what it is.
fn new_secret() -> String {
    format!("whsec_{}", Secret::token().expose())
}

/// What the audit log keeps of an endpoint (never its secret).
fn audit_detail(e: &Valid) -> serde_json::Value {
    serde_json::json!({
        "url": e.url.as_str(),
        "active": e.active,
        "events": e.events.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
    })
}

async fn audited(
    tx: &mut Conn,
    admin: Admin,
    action: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    let entity = if action.starts_with("webhook_delivery") {
        "webhook_delivery"
    } else {
        "webhook_endpoint"
    };
    audit::record(tx, Some(admin.user()), action, entity, Some(id), &detail).await?;
    Ok(())
}

/// Every endpoint, with its deliveries waiting and given up.
pub async fn endpoints(app: &App, _admin: Admin) -> Result<Vec<Listed>> {
    Ok(store::endpoints(&mut *app.store.conn().await?).await?)
}

/// One endpoint (its secret included: administrators copy it into the receiver) and a page
/// of its delivery log, newest first, older than `before` when given.
#[derive(Debug, Clone)]
pub struct EndpointPage {
    pub endpoint: Endpoint,
    pub deliveries: Vec<Delivery>,
    /// Older deliveries exist (pass the last id as `before`).
    pub has_more: bool,
}

pub async fn endpoint(
    app: &App,
    _admin: Admin,
    id: EndpointId,
    before: Option<DeliveryId>,
) -> Result<EndpointPage> {
    let mut conn = app.store.conn().await?;
    let endpoint = store::endpoint(&mut conn, id).await?;
    let mut deliveries = store::deliveries(&mut conn, id, LOG_PAGE + 1, before).await?;
    let has_more = deliveries.len() as i64 > LOG_PAGE;
    deliveries.truncate(LOG_PAGE as usize);
    Ok(EndpointPage {
        endpoint,
        deliveries,
        has_more,
    })
}

/// Adds an endpoint with a new signing secret.
pub async fn create(
    app: &App,
    admin: Admin,
    input: &EndpointInput,
    now: Timestamp,
) -> Result<EndpointId> {
    let valid = validate(input)?;
    let mut tx = app.store.begin().await?;
    let id = store::insert_endpoint(&mut tx, &valid.fields(), &new_secret(), now).await?;
    audited(
        &mut tx,
        admin,
        "webhook_endpoint.create",
        id.0,
        audit_detail(&valid),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// Changes an endpoint from the version its form showed ([`WebhookError::Changed`] if
/// someone saved it since).
pub async fn update(
    app: &App,
    admin: Admin,
    id: EndpointId,
    seen_version: i64,
    input: &EndpointInput,
    now: Timestamp,
) -> Result<()> {
    let valid = validate(input)?;
    let mut tx = app.store.begin().await?;
    if !store::update_endpoint(&mut tx, id, seen_version, &valid.fields(), now).await? {
        return Err(WebhookError::Changed);
    }
    audited(
        &mut tx,
        admin,
        "webhook_endpoint.update",
        id.0,
        audit_detail(&valid),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Gives an endpoint a new signing secret; the old one signs nothing from now on.
pub async fn roll_secret(app: &App, admin: Admin, id: EndpointId, now: Timestamp) -> Result<()> {
    let mut tx = app.store.begin().await?;
    store::set_secret(&mut tx, id, &new_secret(), now).await?;
    audited(
        &mut tx,
        admin,
        "webhook_endpoint.roll_secret",
        id.0,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// Deletes an endpoint and its delivery log.
pub async fn delete(app: &App, admin: Admin, id: EndpointId) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let endpoint = store::endpoint(&mut tx, id).await?;
    store::delete_endpoint(&mut tx, id).await?;
    let detail = serde_json::json!({ "url": endpoint.url.as_str() });
    audited(&mut tx, admin, "webhook_endpoint.delete", id.0, detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// "Redeliver": sends one delivery again, with a fresh set of attempts, whatever became of
/// it (delivered, given up, waiting) — unless a worker is sending it right now.
pub async fn redeliver(
    app: &App,
    admin: Admin,
    endpoint: EndpointId,
    id: DeliveryId,
    now: Timestamp,
) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let delivery = store::delivery(&mut tx, endpoint, id).await?;
    if !store::redeliver(&mut tx, endpoint, id, now).await? {
        return Err(WebhookError::InFlight);
    }
    let detail = serde_json::json!({ "endpoint": endpoint.0, "event": delivery.event_id });
    audited(&mut tx, admin, "webhook_delivery.redeliver", id.0, detail).await?;
    tx.commit().await.map_err(StoreError::from)?;
    app.events_queued();
    Ok(())
}

// The events. Each is queued by the use case that makes the change, in its transaction.

/// A visit in an event: the API's visit body (`GET /api/v1/bookings/{id}`) as staff see it,
/// with the account and technician ids a system on the other side joins on.
#[derive(Debug, Serialize)]
pub struct VisitData<'a> {
    pub id: BookingId,
    pub state: BookingState,
    pub starts_at: Timestamp,
    pub arrival_window_end: Timestamp,
    pub ends_at: Timestamp,
    pub account_id: AccountId,
    pub technician_id: TechnicianId,
    pub technician: &'a str,
    pub service_type: &'a str,
    pub asset: Option<&'a str>,
    pub work_order: Option<&'a str>,
    pub comments: Option<&'a str>,
    pub cancel_reason: Option<&'a str>,
    /// `booking.rescheduled`: the start before the move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_starts_at: Option<Timestamp>,
    /// `booking.state_changed`: the state it left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_state: Option<BookingState>,
    /// `booking.rescheduled` by background reassignment: the technician it left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_technician_id: Option<TechnicianId>,
}

impl<'a> VisitData<'a> {
    pub fn of(visit: &'a Visit) -> VisitData<'a> {
        let records = visit.records(Visibility::All);
        let b = &visit.booking;
        VisitData {
            id: b.id,
            state: b.state,
            starts_at: b.starts_at,
            arrival_window_end: visit.arrival_window_end.unwrap_or(b.starts_at),
            ends_at: b.ends_at,
            account_id: visit.account_id,
            technician_id: b.technician_id,
            technician: &visit.technician_name,
            service_type: &visit.service_type,
            asset: records.asset,
            work_order: records.work_order_number,
            comments: records.comments,
            cancel_reason: b.cancel_reason.as_deref(),
            previous_starts_at: None,
            previous_state: None,
            previous_technician_id: None,
        }
    }
}

/// What changed about a visit.
#[derive(Debug, Clone, Copy)]
pub enum VisitChange {
    Created,
    /// Moved from this start (same or another technician).
    Rescheduled {
        from: Timestamp,
    },
    /// Handed to another technician at the same time by the reassignment job `job`.
    Reassigned {
        from: TechnicianId,
        job: i64,
    },
    Canceled,
    /// Moved through its states from `from` (the `n`-th change of state of the visit).
    StateChanged {
        from: BookingState,
        n: usize,
    },
}

/// Queues the event of `change` about `visit` (as it is after the change).
pub async fn booking_event(
    tx: &mut Conn,
    visit: &Visit,
    change: VisitChange,
    now: Timestamp,
) -> std::result::Result<(), StoreError> {
    let id = visit.booking.id;
    let mut data = VisitData::of(visit);
    let (event_type, key) = match change {
        VisitChange::Created => (EventType::BookingCreated, format!("{id}")),
        VisitChange::Rescheduled { from } => {
            data.previous_starts_at = Some(from);
            let key = format!("{id}:{}", visit.booking.ics_sequence);
            (EventType::BookingRescheduled, key)
        }
        VisitChange::Reassigned { from, job } => {
            data.previous_starts_at = Some(visit.booking.starts_at);
            data.previous_technician_id = Some(from);
            let key = format!("{id}:{}:job-{job}", visit.booking.ics_sequence);
            (EventType::BookingRescheduled, key)
        }
        VisitChange::Canceled => (EventType::BookingCanceled, format!("{id}")),
        VisitChange::StateChanged { from, n } => {
            data.previous_state = Some(from);
            (EventType::BookingStateChanged, format!("{id}:{n}"))
        }
    };
    let event_id = format!("{}:{key}", event_type.as_str());
    queue(tx, event_type, &event_id, &data, now).await?;
    Ok(())
}

/// A customer's feedback on a visit.
#[derive(Debug, Serialize)]
pub struct FeedbackData<'a> {
    pub booking_id: BookingId,
    pub account_id: AccountId,
    pub technician_id: TechnicianId,
    /// 1–5.
    pub rating: u8,
    pub comment: Option<&'a str>,
    pub submitted_at: Timestamp,
}

/// Queues `feedback.received` (one per visit: a visit has one response).
pub async fn feedback_received(
    tx: &mut Conn,
    data: &FeedbackData<'_>,
    now: Timestamp,
) -> std::result::Result<(), StoreError> {
    let id = format!("feedback.received:{}", data.booking_id);
    queue(tx, EventType::FeedbackReceived, &id, data, now).await?;
    Ok(())
}

/// What a partner did with an opportunity.
#[derive(Debug, Serialize)]
pub struct OpportunityData<'a> {
    pub id: OpportunityId,
    pub partner_account_id: AccountId,
    /// `accepted`, `declined`, `won` or `lost`.
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
}

/// Queues the event of `data.outcome` (`accepted`, `declined`, `won`, `lost`); `n` tells
/// this change from the opportunity's earlier ones (an opportunity declined by one partner is
/// accepted by the next).
pub async fn opportunity_event(
    tx: &mut Conn,
    data: &OpportunityData<'_>,
    n: i64,
    now: Timestamp,
) -> std::result::Result<(), StoreError> {
    let event_type = match data.outcome {
        "accepted" => EventType::OpportunityAccepted,
        "declined" => EventType::OpportunityDeclined,
        _ => EventType::OpportunityClosed,
    };
    let id = format!(
        "{}:{}:{}:{n}",
        event_type.as_str(),
        data.id,
        data.partner_account_id
    );
    queue(tx, event_type, &id, data, now).await?;
    Ok(())
}

/// Queues `invoice.exposed`: the invoice (as the records API shows it to staff) became
/// visible to its customer at `now`. Each showing is its own event (an invoice hidden and shown
/// again is a new one), named by a random part: nothing else tells two showings apart.
pub async fn invoice_exposed(
    tx: &mut Conn,
    id: InvoiceId,
    now: Timestamp,
) -> std::result::Result<(), StoreError> {
    let invoice = onsite_store::invoices::invoice(tx, id).await?;
    let event_id = format!("invoice.exposed:{id}:{}", &Secret::token().expose()[..16]);
    queue(tx, EventType::InvoiceExposed, &event_id, &invoice, now).await?;
    Ok(())
}
