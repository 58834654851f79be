//! Book on behalf of a customer (issue 15, item 3): a dispatcher takes a phone order. They find
//! the account, pick one of its assets (optional) and a service type — staff-only ones too —,
//! see the days and slots the customer would see (the same search of [`crate::booking`], the
//! same settings), with, for each slot, every technician who could take it ranked by travel
//! as the engine ranks them, and book, with the engine's choice or a technician they name among
//! the eligible ones. Booking is [`crate::booking`]'s own: one transaction under the
//! technician's lock, the customer's confirmation email with its calendar invitation, and the
//! audit line with the dispatcher as the actor (`on_behalf_of_account`).
//!
//! Staff only ([`Staff`]). Every reference the request names is checked here and refused as
//! invalid input naming its field (`account_id`, `service_type_id`, `asset_id`,
//! `technician_id`): an asset of another account, a retired service type, a technician who
//! does not exist.

use crate::booking::{
    self, BookRequest, Booked, BookingError, DayPicker, Result, ServiceRequest, VisitView,
};
use crate::context::App;
use crate::policy::Staff;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use onsite_domain::account::Account;
use onsite_domain::asset::Asset;
use onsite_domain::service_type::ServiceType;
use onsite_domain::{AccountId, AssetId, BookingId, InvalidInput, ServiceTypeId, TechnicianId};
use onsite_i18n::Locale;
use onsite_schedule::Assignment;
/// What a ranked slot is made of, from the scheduling engine.
pub use onsite_schedule::{Place, Slot, Travel};
use onsite_store::catalog::{self, ServiceTypeFilter};
use onsite_store::visibility::Visibility;
use onsite_store::{Conn, StoreError, accounts, assets, visits};

/// What the dispatcher is booking: for which account, which service type, on which asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub account: AccountId,
    pub service_type: ServiceTypeId,
    pub asset: Option<AssetId>,
}

/// What the order form offers for one account.
#[derive(Debug, Clone)]
pub struct OrderChoices {
    pub account: Account,
    /// The account's assets, hidden ones too (a dispatcher may book on any of them).
    pub assets: Vec<Asset>,
    /// Every active service type, the staff-only ones too, by name in the person's language.
    pub service_types: Vec<ServiceType>,
}

/// The account's assets and the service types the order form picks from.
/// [`BookingError::NotFound`] when there is no such account.
pub async fn choices(
    app: &App,
    _staff: Staff,
    account: AccountId,
    locale: Locale,
) -> Result<OrderChoices> {
    let mut conn = app.store.conn().await?;
    let account = booking::found(accounts::account(&mut conn, account).await)?;
    let assets = assets::assets_of_account(&mut conn, account.id, Visibility::All).await?;
    let service_types = service_types(&mut conn, locale).await?;
    Ok(OrderChoices {
        account,
        assets,
        service_types,
    })
}

/// Every active service type, named in `locale` when it has a name in it, by name.
async fn service_types(conn: &mut Conn, locale: Locale) -> Result<Vec<ServiceType>> {
    let mut types = catalog::list_service_types(conn, ServiceTypeFilter::All).await?;
    types.retain(|t| t.active);
    for (id, name) in catalog::service_type_names_in(conn, locale.tag()).await? {
        if let Some(t) = types.iter_mut().find(|t| t.id == id) {
            t.name = name;
        }
    }
    types.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
    Ok(types)
}

/// The order as the booking search takes it, once each reference it names is checked: the
/// account exists, the service type exists and is active, the asset is the account's.
async fn checked(app: &App, order: &Order) -> Result<ServiceRequest> {
    let mut conn = app.store.conn().await?;
    match accounts::account(&mut conn, order.account).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(InvalidInput::new("account_id", "unknown").into()),
        Err(e) => return Err(e.into()),
    }
    let reference = app.store.reference(&mut conn).await?;
    if !reference
        .service_type(order.service_type)
        .is_some_and(|t| t.active)
    {
        return Err(InvalidInput::new("service_type_id", "unknown").into());
    }
    if let Some(asset) = order.asset {
        match assets::asset(&mut conn, asset).await {
            Ok(a) if a.account_id == order.account => {}
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(InvalidInput::new("asset_id", "unknown").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ServiceRequest {
        service_type: order.service_type,
        asset: order.asset,
        account: Some(order.account),
    })
}

/// The day picker of an order: which days of the booking horizon have a free slot, exactly as
/// the customer's.
pub async fn days(app: &App, staff: Staff, order: &Order, now: Timestamp) -> Result<DayPicker> {
    let request = checked(app, order).await?;
    // The engine keeps the days of the horizon in the service location's zone: ask from
    // yesterday (UTC) for as long as the longest horizon.
    let today = now.to_zoned(TimeZone::UTC).date();
    let from = today.yesterday().unwrap_or(today);
    let to = from.checked_add(367.days()).unwrap_or(from);
    booking::available_days(app, staff.into(), &request, from, to, now).await
}

/// A technician who could take a slot, with the drives that rank them.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub technician_id: TechnicianId,
    pub name: String,
    /// The drive to the customer, from the previous visit or from home.
    pub travel_before: Travel,
    pub comes_from: Place,
    /// The drive on, to the next visit or home.
    pub travel_after: Travel,
    pub goes_to: Place,
}

/// A slot the customer would see, with every technician who could take it, best first: the
/// first is the one booking picks when staff name nobody.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedSlot {
    pub slot: Slot,
    pub technicians: Vec<Candidate>,
}

/// One day of an order's slots.
#[derive(Debug, Clone)]
pub struct RankedSlots {
    pub date: Date,
    pub slots: Vec<RankedSlot>,
    /// Whether anyone serves the address for this order at all.
    pub served: bool,
    /// The zone to show the times in (the dispatcher's, else the account's).
    pub time_zone: TimeZone,
}

/// The slots of one day (service location's zone) — those the customer would see — each with
/// its technicians ranked by travel.
pub async fn slots(
    app: &App,
    staff: Staff,
    order: &Order,
    date: Date,
    now: Timestamp,
) -> Result<RankedSlots> {
    let request = checked(app, order).await?;
    let day = booking::day_search(app, staff.into(), &request, date, now, |p| {
        p.ranked_slots(date)
    })
    .await?;
    let reference = app.store.reference(&mut *app.store.conn().await?).await?;
    let candidate = |a: &Assignment| Candidate {
        technician_id: a.technician_id,
        name: reference
            .technician(a.technician_id)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        travel_before: a.travel_before,
        comes_from: a.comes_from,
        travel_after: a.travel_after,
        goes_to: a.goes_to,
    };
    Ok(RankedSlots {
        date,
        slots: day
            .answer
            .iter()
            .map(|(slot, ranked)| RankedSlot {
                slot: *slot,
                technicians: ranked.iter().map(candidate).collect(),
            })
            .collect(),
        served: day.served,
        time_zone: day.time_zone,
    })
}

/// The Book button of a phone order.
#[derive(Debug, Clone, Copy)]
pub struct StaffBookRequest<'a> {
    pub order: Order,
    /// A slot's start from [`slots`].
    pub starts_at: Timestamp,
    /// The technician the dispatcher chose among the slot's; `None`: the engine's choice.
    pub technician: Option<TechnicianId>,
    pub comments: &'a str,
    /// A value the form generated once: submitting it again returns the first booking.
    pub idempotency_key: Option<&'a str>,
}

/// Books the order: [`booking::book`] for the account, with the named technician if any. The
/// customer gets the confirmation; the audit line names the dispatcher.
pub async fn book(
    app: &App,
    staff: Staff,
    req: StaffBookRequest<'_>,
    now: Timestamp,
) -> Result<Booked, BookingError> {
    let service = checked(app, &req.order).await?;
    booking::book_as(
        app,
        staff.into(),
        BookRequest {
            service,
            slot_start: req.starts_at,
            comments: req.comments,
            idempotency_key: req.idempotency_key,
        },
        req.technician,
        now,
    )
    .await
}

/// A visit just booked, as the dispatcher's confirmation shows it.
#[derive(Debug, Clone)]
pub struct BookedVisit {
    pub visit: VisitView,
    pub account: Account,
    /// Who the booking emails of this visit go to; `None`: nobody at the account gets them.
    pub emailed_to: Option<String>,
}

/// A visit of any account, with its account and who its emails go to.
pub async fn booked(app: &App, staff: Staff, id: BookingId) -> Result<BookedVisit> {
    let view = booking::booking_for_customer(app, staff.into(), id).await?;
    let mut conn = app.store.conn().await?;
    let visit = booking::found(visits::visit(&mut conn, id).await)?;
    let account = booking::found(accounts::account(&mut conn, visit.account_id).await)?;
    let emailed_to = booking::recipient(&mut conn, None, id, &account)
        .await?
        .map(|r| r.user.email.to_string());
    Ok(BookedVisit {
        visit: view,
        account,
        emailed_to,
    })
}
