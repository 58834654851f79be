//! Partner distribution use cases (SPEC §9, issue 7): staff explain and distribute an
//! opportunity (or let the automatic rule do it), partners accept, decline, work and close the
//! opportunities distributed to them, and a background sweep takes back the ones not accepted in
//! time and gives them to the next partner. The ranking itself is the pure crate
//! `onsite-distribute`; this module feeds it from the store and records what happened.
//!
//! - [`staff`]: `explain`, `distribute`, `create_opportunity`, the staff list and the
//!   distribution settings (weights, automatic distribution, time to accept).
//! - [`partner`]: the partner portal, always scoped to the partner's own account ([`Partner`](crate::policy::Partner)).
//! - [`sweep`]: expiry and automatic distribution of waiting opportunities, and the worker loop.
//! - [`text`]: the localized words for criteria, metrics, statuses, stages and errors.
//!
//! Invariants:
//! - Every partner-facing step is an `opportunity_events` row written in the transaction of
//!   the change; the metrics are computed from those rows only (`docs/distribution.md`).
//! - Every status change is a guarded `UPDATE … WHERE status = <from>`: a move that is not
//!   legal any more (a double click, a race with the expiry sweep or another server) changes
//!   nothing and answers [`DistributionError::IllegalMove`].
//! - Choosing a partner and giving it the opportunity happen in one transaction, serialized
//!   with every other choice (SQLite's write lock; a PostgreSQL advisory lock), so two
//!   concurrent distributions cannot both fill a partner's last free place.
//! - The candidates (profiles, open counts, 180-day tallies) are rebuilt from the database for
//!   every decision instead of cached: open counts change with every distribution, tallies with
//!   the clock, and any app server may have made the last change. Five queries; measured in
//!   `tests/app/distribution.rs` (`candidates_build_time_is_reported`).

pub mod partner;
pub mod staff;
pub mod sweep;
pub mod text;

use crate::context::App;
use crate::failure::{Failure, Kind};
use jiff::{SignedDuration, Timestamp};
use onsite_distribute::{
    Availability, Candidate, Criterion, HistoryEvent, MetricsPolicy, Partners, Request, Weights,
    rank, tally,
};
use onsite_domain::opportunity::{Opportunity, OpportunityStatus};
use onsite_domain::settings::{self, InvalidSetting, SettingValue};
use onsite_domain::{AccountId, InvalidInput, OpportunityId, UserId};
use onsite_i18n::Locale;
use onsite_notify::emails;
use onsite_store::accounts;
use onsite_store::distribution as store;
use onsite_store::partners::{self as partners_store, OpportunityEvent, OpportunityEventKind};
use onsite_store::{Backend, Conn, StoreError, audit, territories};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

pub use partner::{
    Filter, HistoryEntry, PartnerOpportunity, PartnerOpportunityDetail, ProductView, accept,
    add_feedback, add_note, close_lost, close_won, create_internal_opportunity, decline,
    my_metrics, opportunity_for_partner, partner_opportunities, set_stage,
};
pub use staff::{
    Created, Distributed, Explanation, OpportunityInput, SETTINGS, SettingRow, StaffOpportunity,
    create_opportunity, distribute, distribution_settings, explain, set_setting,
    staff_opportunities, weights,
};
pub use sweep::{
    ExpiryReport, TickReport, WORKER_INTERVAL, distribute_waiting, distribution_worker,
    run_expiries, tick,
};

/// How many ranked partners [`explain`] returns with their explanation.
pub const EXPLAIN_TOP: usize = 25;

/// Something a person (or the sweep) does to an opportunity; names the move an
/// [`DistributionError::IllegalMove`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Distribute,
    Accept,
    Decline,
    SetStage,
    AddNote,
    Close,
    AddFeedback,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Distribute => "distribute",
            Action::Accept => "accept",
            Action::Decline => "decline",
            Action::SetStage => "set_stage",
            Action::AddNote => "add_note",
            Action::Close => "close",
            Action::AddFeedback => "add_feedback",
        }
    }
}

/// A sales stage of an opportunity in progress, in the order a sale moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Qualify,
    Develop,
    Propose,
    Negotiate,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Qualify,
        Stage::Develop,
        Stage::Propose,
        Stage::Negotiate,
    ];

    /// The stored value (`opportunities.stage`, the note of a `stage` event).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Qualify => "qualify",
            Stage::Develop => "develop",
            Stage::Propose => "propose",
            Stage::Negotiate => "negotiate",
        }
    }

    pub fn parse(raw: &str) -> Result<Stage, InvalidInput> {
        let raw = raw.trim();
        Stage::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or(InvalidInput::new("stage", "unknown"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DistributionError {
    /// No such opportunity — or, for a partner, not one distributed to it: the same answer, so
    /// a partner cannot learn which ids exist.
    #[error("opportunity not found")]
    NotFound,
    #[error("cannot {} an opportunity that is {}", action.as_str(), status.as_str())]
    IllegalMove {
        action: Action,
        status: OpportunityStatus,
    },
    /// The time to accept has passed; the sweep is about to give it to another partner.
    #[error("the time to accept this opportunity has passed")]
    Expired,
    /// Staff chose an account that is not an active partner with a distribution profile.
    #[error("not a partner that can receive opportunities")]
    UnknownPartner,
    /// Staff chose a partner that is not available for this opportunity.
    #[error("partner not available: {}", criterion.as_str())]
    Unavailable {
        criterion: Criterion,
        /// For the message: the opportunity's lead type and the missing product's name.
        lead_type: String,
        product: Option<String>,
    },
    /// Staff asked for the top partner and no partner is available.
    #[error("no partner is available for this opportunity")]
    NoPartnerAvailable,
    #[error(transparent)]
    Setting(#[from] InvalidSetting),
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot render email: {0}")]
    Email(#[from] emails::RenderError),
}

impl DistributionError {
    /// The Fluent message id that explains the error (`locales/*/distribution.ftl`). Messages
    /// with arguments are rendered whole by [`DistributionError::message`].
    pub fn message_id(&self) -> &'static str {
        match self {
            DistributionError::NotFound => "distribution-error-not-found",
            DistributionError::IllegalMove { .. } => "distribution-error-illegal-move",
            DistributionError::Expired => "distribution-error-expired",
            DistributionError::UnknownPartner => "distribution-error-unknown-partner",
            DistributionError::Unavailable { .. } => "distribution-error-unavailable",
            DistributionError::NoPartnerAvailable => "distribution-error-no-partner",
            DistributionError::Setting(s) => text::setting_message_id(s),
            DistributionError::Invalid(_) => "distribution-error-invalid",
            DistributionError::Store(_) | DistributionError::Email(_) => "error-internal",
        }
    }

    /// The error as the person reads it, with its specifics (the setting and its range, the
    /// criterion that made a partner unavailable, the move and the status).
    pub fn message(&self, locale: Locale) -> String {
        text::error_message(self, locale)
    }

    /// Whether this is the system's fault (log it, answer 500) rather than the request's.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            DistributionError::Store(_) | DistributionError::Email(_)
        )
    }
}

impl Failure for DistributionError {
    fn kind(&self) -> Kind {
        use DistributionError as E;
        match self {
            E::NotFound => Kind::NotFound,
            E::UnknownPartner | E::Setting(_) | E::Invalid(_) => Kind::Invalid,
            E::IllegalMove { .. } | E::Expired | E::Unavailable { .. } | E::NoPartnerAvailable => {
                Kind::Conflict
            }
            E::Store(e) => e.kind(),
            E::Email(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use DistributionError as E;
        match self {
            E::UnknownPartner => "unknown_partner",
            E::Unavailable { .. } => "partner_unavailable",
            E::IllegalMove { .. } => "illegal_move",
            E::Expired => "expired",
            E::NoPartnerAvailable => "no_partner_available",
            E::Store(e) => e.code(),
            _ => self.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        use DistributionError as E;
        match self {
            E::Invalid(i) => Some(Cow::Borrowed(i.field)),
            E::Setting(s) => s.field(),
            E::UnknownPartner | E::Unavailable { .. } => Some(Cow::Borrowed("partner_id")),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            DistributionError::Store(e) => e.message(locale),
            _ => text::error_message(self, locale),
        }
    }
}

pub type Result<T, E = DistributionError> = std::result::Result<T, E>;

/// What the opportunity form offers: territories, and the catalogue's products and lead types
/// (not retired ones).
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub territories: Vec<onsite_domain::territory::Territory>,
    pub products: Vec<onsite_store::catalog::Product>,
    /// (code, name), by name.
    pub lead_types: Vec<(String, String)>,
}

/// The choices of the opportunity form (staff's new opportunity, a partner's internal one).
pub async fn form_choices(app: &App) -> Result<FormChoices> {
    let mut conn = app.store.conn().await?;
    let territories = territories::list_territories(&mut conn).await?;
    let mut products = onsite_store::catalog::list_products(&mut conn).await?;
    products.retain(|p| p.active);
    let lead_types =
        onsite_store::catalog::entries(&mut conn, onsite_store::catalog::List::LeadTypes)
            .await?
            .into_iter()
            .filter(|e| e.active)
            .filter_map(|e| Some((e.code?, e.name)))
            .collect();
    Ok(FormChoices {
        territories,
        products,
        lead_types,
    })
}

/// Serializes the transactions that choose a partner (see `onsite_store::distribution::
/// lock_choices`). Take it first thing in the transaction.
async fn lock_distribution(backend: Backend, tx: &mut Conn) -> Result<()> {
    Ok(store::lock_choices(tx, backend).await?)
}

/// The engine's candidates: every active partner account with a profile, its open count and
/// its tally over the look-back window as of `now`. Five queries whatever the number of
/// partners (profiles: three; open counts: one; history: one).
pub async fn partner_candidates(app: &App, now: Timestamp) -> Result<Vec<Candidate>> {
    let mut conn = app.store.conn().await?;
    candidates_on(&mut conn, now).await
}

async fn candidates_on(conn: &mut Conn, now: Timestamp) -> Result<Vec<Candidate>> {
    let policy = MetricsPolicy::default();
    let inactive: HashSet<AccountId> =
        accounts::list_accounts(conn, onsite_domain::account::AccountKind::Partner)
            .await?
            .into_iter()
            .filter(|a| !a.active)
            .map(|a| a.id)
            .collect();
    let profiles = partners_store::list_partner_profiles(conn).await?;
    let open = store::open_counts(conn).await?;
    let since = now - SignedDuration::from_hours(24 * i64::from(policy.lookback_days));
    let mut history: HashMap<AccountId, Vec<HistoryEvent>> = HashMap::new();
    for e in store::partner_history(conn, since, now).await? {
        let Some(partner) = e.partner_account_id else {
            continue;
        };
        let kind = e.kind;
        history.entry(partner).or_default().push(HistoryEvent {
            opportunity: e.opportunity_id,
            kind,
            at: e.at,
        });
    }
    Ok(profiles
        .into_iter()
        .filter(|p| !inactive.contains(&p.account_id))
        .map(|profile| {
            let events = history.remove(&profile.account_id).unwrap_or_default();
            Candidate {
                open: open.get(&profile.account_id).copied().unwrap_or(0),
                tally: tally(&events, now, &policy),
                profile,
            }
        })
        .collect())
}

/// The seven weights as stored (a value that no longer validates reads as its default, like
/// every setting).
async fn weights_on(conn: &mut Conn) -> Result<Weights> {
    let stored = store::stored_settings(conn, "distribution/weights/").await?;
    Ok(Weights::from_settings(|s| {
        stored
            .get(s.key)
            .filter(|raw| s.parse(raw).is_ok())
            .cloned()
    })?)
}

async fn accept_window(conn: &mut Conn) -> Result<SignedDuration> {
    let hours = match onsite_store::settings::get(conn, &settings::ACCEPT_HOURS).await? {
        SettingValue::Integer(h) => h,
        _ => 48,
    };
    Ok(SignedDuration::from_hours(hours))
}

async fn automatic_on(conn: &mut Conn) -> Result<bool> {
    Ok(matches!(
        onsite_store::settings::get(conn, &settings::AUTO_DISTRIBUTION).await?,
        SettingValue::Bool(true)
    ))
}

/// When a distributed opportunity expires if not accepted.
fn expires_at(o: &Opportunity, window: SignedDuration) -> Option<Timestamp> {
    (o.status == OpportunityStatus::Distributed)
        .then_some(o.distributed_at)
        .flatten()
        .map(|at| at + window)
}

/// Who to give an opportunity to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// The best available partner.
    Top,
    /// This partner, if available.
    Partner(AccountId),
}

/// Why a placement happens (recorded in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// Staff chose (the top partner or another).
    Staff,
    /// The automatic rule, on creation or by the sweep.
    Automatic,
    /// The previous partner declined it or let it expire.
    Redistributed,
}

impl How {
    fn as_str(self) -> &'static str {
        match self {
            How::Staff => "staff",
            How::Automatic => "automatic",
            How::Redistributed => "redistributed",
        }
    }
}

/// Where an opportunity went.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Placed {
    partner: AccountId,
    /// Its rank and score when it was the top choice.
    rank: Option<(u32, f64)>,
}

/// Gives the New opportunity `id` to a partner inside the caller's transaction (which must
/// have taken [`lock_distribution`] first): re-reads it, ranks or checks the partner against
/// fresh data, moves it to Distributed, records the `distributed` event, queues the email to
/// the partner's users and writes the audit entry. `Ok(None)` when `Choice::Top` finds nobody
/// available (nothing changed).
async fn place(
    app: &App,
    tx: &mut Conn,
    id: OpportunityId,
    choice: Choice,
    actor: Option<UserId>,
    how: How,
    now: Timestamp,
) -> Result<Option<Placed>> {
    let opportunity = match partners_store::opportunity(tx, id).await {
        Err(StoreError::NotFound) => return Err(DistributionError::NotFound),
        other => other?,
    };
    if opportunity.status != OpportunityStatus::New {
        return Err(DistributionError::IllegalMove {
            action: Action::Distribute,
            status: opportunity.status,
        });
    }
    let candidates = candidates_on(tx, now).await?;
    let territories = territories::list_territories(tx).await?;
    let passed_over = store::passed_over(tx, id).await?;
    let placed = match choice {
        Choice::Top => {
            let partners = Partners::new(candidates);
            let decision = rank(&Request {
                opportunity: &opportunity,
                partners: &partners,
                territories: &territories,
                passed_over: &passed_over,
                weights: weights_on(tx).await?,
                top: 1,
            });
            let Some(best) = decision.ranked.first() else {
                return Ok(None);
            };
            Placed {
                partner: best.partner,
                rank: Some((best.rank, best.score)),
            }
        }
        Choice::Partner(partner) => {
            let candidate = candidates
                .iter()
                .find(|c| c.profile.account_id == partner)
                .ok_or(DistributionError::UnknownPartner)?;
            let availability = Availability::new(&opportunity, &territories, &passed_over);
            if let Err(criterion) = availability.check(&candidate.profile, candidate.open) {
                let product = match criterion {
                    Criterion::MissingProduct { product } => Some(
                        onsite_store::catalog::list_products(tx)
                            .await?
                            .into_iter()
                            .find(|p| p.id == product)
                            .map_or_else(|| product.to_string(), |p| p.name),
                    ),
                    _ => None,
                };
                return Err(DistributionError::Unavailable {
                    criterion,
                    lead_type: opportunity.lead_type.clone(),
                    product,
                });
            }
            Placed {
                partner,
                rank: None,
            }
        }
    };
    if !store::mark_distributed(tx, id, placed.partner, now).await? {
        // Read as New a moment ago inside this transaction: only a concurrent writer that
        // slipped past the lock could get here; refuse rather than double-distribute.
        return Err(DistributionError::IllegalMove {
            action: Action::Distribute,
            status: opportunity.status,
        });
    }
    let event_id = store::record_event(
        tx,
        &OpportunityEvent {
            opportunity_id: id,
            partner_account_id: Some(placed.partner),
            kind: OpportunityEventKind::Distributed,
            at: now,
            note: None,
        },
    )
    .await?;
    let window = accept_window(tx).await?;
    notify_partner(
        app,
        tx,
        &opportunity,
        placed.partner,
        event_id,
        now + window,
    )
    .await?;
    let detail = serde_json::json!({
        "partner": placed.partner.0,
        "how": how.as_str(),
        "rank": placed.rank.map(|r| r.0),
        "score": placed.rank.map(|r| r.1),
    });
    audit::record(
        tx,
        actor,
        "opportunity.distribute",
        "opportunity",
        Some(id.0),
        &detail,
    )
    .await?;
    Ok(Some(placed))
}

/// Queues "a new opportunity for you" to every portal user of the partner who works
/// opportunities and accepts email, each in their language and time zone.
async fn notify_partner(
    app: &App,
    tx: &mut Conn,
    o: &Opportunity,
    partner: AccountId,
    event_id: i64,
    accept_by: Timestamp,
) -> Result<()> {
    let link = app.link(&format!("/partner/opportunities/{}", o.id.0));
    for r in store::partner_recipients(tx, partner).await? {
        let locale = Locale::negotiate(r.language.as_deref(), None);
        let zone = jiff::tz::TimeZone::get(&r.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let accept_by = accept_by
            .to_zoned(zone)
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string();
        let revenue = text::money(locale, o.estimated_revenue_minor);
        let name = if r.first_name.trim().is_empty() {
            r.display_name.as_str()
        } else {
            r.first_name.as_str()
        };
        let email = emails::opportunity_offered(
            &r.email,
            locale,
            format!("opportunity-offered:{event_id}:{}", r.user_id.0),
            &emails::OpportunityOffered {
                name,
                opportunity: &o.name,
                customer: &o.customer_name,
                lead_type: &o.lead_type,
                revenue: &revenue,
                accept_by: &accept_by,
                link: &link,
            },
        )?;
        email.enqueue(tx).await?;
    }
    Ok(())
}

/// Records a partner event in the caller's transaction.
async fn record(
    tx: &mut Conn,
    id: OpportunityId,
    partner: AccountId,
    kind: OpportunityEventKind,
    note: Option<String>,
    at: Timestamp,
) -> Result<()> {
    store::record_event(
        tx,
        &OpportunityEvent {
            opportunity_id: id,
            partner_account_id: Some(partner),
            kind,
            at,
            note,
        },
    )
    .await?;
    Ok(())
}

/// After a partner gave an opportunity back (declined or expired) in this transaction: offers
/// it to the next available partner, or leaves it New for staff and says so in the audit log.
async fn redistribute(
    app: &App,
    tx: &mut Conn,
    id: OpportunityId,
    actor: Option<UserId>,
    now: Timestamp,
) -> Result<Option<AccountId>> {
    let placed = place(app, tx, id, Choice::Top, actor, How::Redistributed, now).await?;
    if placed.is_none() {
        audit::record(
            tx,
            actor,
            "opportunity.unplaced",
            "opportunity",
            Some(id.0),
            &serde_json::json!({ "reason": "no partner available" }),
        )
        .await?;
    }
    Ok(placed.map(|p| p.partner))
}
