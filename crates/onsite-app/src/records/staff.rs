//! The staff's side of customer records (issue 6, item 7): Expose to Customer, and creating and
//! editing agreements, assets, work orders and invoices from simple forms. `Dispatch` only.
//!
//! Inputs arrive as the form sends them (text) and are parsed here: a bad field is
//! [`RecordsError::Invalid`] naming it, and nothing is written. Related records (an asset's
//! parent, a work order's asset or agreement, an invoice's work order) must belong to the same
//! account; an asset cannot become a component of itself or of its own components. A record's
//! account is fixed once created. Edits carry the version the editor saw when the form has one
//! ([`RecordsError::Changed`] if it moved since). Every write is audited in its transaction.

use super::{RecordsError, Result, text};
use crate::context::App;
use crate::policy::{Grant, Staff};
use crate::secrets::Secret;
use jiff::Timestamp;
use jiff::civil::Date;
use onsite_domain::account::AccountKind;
use onsite_domain::agreement::AgreementStatus;
use onsite_domain::invoice::{InvoiceLine, InvoiceStatus};
use onsite_domain::money::Currency;
use onsite_domain::text::{free_text, single_line};
use onsite_domain::work_order::WorkOrderStatus;
use onsite_domain::{
    AccountId, AgreementId, AssetId, InvalidInput, InvoiceId, ServiceTypeId, WorkOrderId,
};
use onsite_store::agreements::{self, NewAgreement};
use onsite_store::assets::{self, NewAsset};
use onsite_store::invoices::{self, NewInvoice};
use onsite_store::records::lists::{self, Agreements, Assets, Invoices, WorkOrders};
use onsite_store::records::staff::{
    self as store, AgreementChanges, AssetChanges, Edit, InvoiceChanges, WorkOrderChanges,
};
use onsite_store::records::{RecordKind, Scope};
use onsite_store::work_orders::{self, NewWorkOrder};
use onsite_store::{Conn, StoreError, accounts, audit, catalog, visits};

pub const NUMBER_MAX: usize = 40;
pub const NAME_MAX: usize = 200;
pub const SERIAL_MAX: usize = 100;
pub const TEXT_MAX: usize = 4000;
pub const LINES_MAX: usize = 200;
pub const LINE_DESCRIPTION_MAX: usize = 500;

/// Runs `f` in a transaction, committing on success and rolling back at once otherwise.
async fn in_tx<T>(app: &App, f: impl AsyncFnOnce(&mut Conn) -> Result<T>) -> Result<T> {
    let mut tx = app.store.begin().await?;
    match f(&mut tx).await {
        Ok(v) => {
            tx.commit().await.map_err(StoreError::from)?;
            Ok(v)
        }
        Err(e) => {
            tx.rollback().await.map_err(StoreError::from)?;
            Err(e)
        }
    }
}

/// Sets Expose to Customer on a record of any kind.
pub async fn set_exposed(
    app: &App,
    staff: Staff,
    kind: RecordKind,
    id: i64,
    exposed: bool,
) -> Result<()> {
    in_tx(app, async |tx: &mut Conn| {
        if kind == RecordKind::Invoice && exposed {
            let was = invoices::invoice(tx, InvoiceId(id))
                .await?
                .expose_to_customer;
            store::set_exposed(tx, kind, id, exposed).await?;
            if !was {
                crate::webhooks::invoice_exposed(tx, InvoiceId(id), Timestamp::now()).await?;
            }
        } else {
            store::set_exposed(tx, kind, id, exposed).await?;
        }
        let detail = serde_json::json!({ "exposed": exposed });
        audited(tx, staff, kind, "expose", id, detail).await
    })
    .await
}

/// Records the event `<kind>.<action>` of record `id` by this staff member.
async fn audited(
    tx: &mut Conn,
    staff: Staff,
    kind: RecordKind,
    action: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<()> {
    let event = format!("{}.{action}", kind.as_str());
    audit::record(
        tx,
        Some(staff.user()),
        &event,
        kind.as_str(),
        Some(id),
        &detail,
    )
    .await?;
    Ok(())
}

/// The end of every edit: Expose to Customer as the form says (`exposed`: before, now), and
/// the event `<kind>.update`.
async fn updated(
    tx: &mut Conn,
    staff: Staff,
    kind: RecordKind,
    id: i64,
    (was, now): (bool, bool),
    detail: serde_json::Value,
) -> Result<()> {
    if was != now {
        store::set_exposed(tx, kind, id, now).await?;
        if now && kind == RecordKind::Invoice {
            crate::webhooks::invoice_exposed(tx, InvoiceId(id), Timestamp::now()).await?;
        }
    }
    audited(tx, staff, kind, "update", id, detail).await
}

// ---- Parsing the forms ----------------------------------------------------------------------

fn date(field: &'static str, raw: &str) -> Result<Date, InvalidInput> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(InvalidInput::new(field, "required"));
    }
    raw.parse().map_err(|_| InvalidInput::new(field, "date"))
}

fn optional_id(field: &'static str, raw: &str) -> Result<Option<i64>, InvalidInput> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or(InvalidInput::new(field, "unknown"))
}

/// A decimal as typed ("1.5", "1,5", "-3", "14.975") scaled by `10^digits` exactly: more
/// decimals than the unit has are refused, not rounded. No thousands separators.
pub fn parse_decimal(field: &'static str, raw: &str, digits: u32) -> Result<i64, InvalidInput> {
    let bad = || InvalidInput::new(field, "number");
    let s = raw.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, fraction) = match s.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > digits as usize
    {
        return Err(bad());
    }
    let scale = 10i64.pow(digits);
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<i64>().map_err(|_| bad())? * 10i64.pow(digits - fraction.len() as u32)
    };
    let value = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)?;
    Ok(if negative { -value } else { value })
}

/// The inverse of [`parse_decimal`] for a form's field: `value / 10^digits` with a dot, all
/// `digits` decimals kept (a price, "95.00") or trailing zeros dropped (`trim`: "1.5", "2").
pub fn decimal_text(value: i64, digits: u32, trim: bool) -> String {
    let unit = 10u64.pow(digits);
    let abs = value.unsigned_abs();
    let sign = if value < 0 { "-" } else { "" };
    let (whole, fraction) = (abs / unit, abs % unit);
    if digits == 0 {
        return format!("{sign}{whole}");
    }
    let mut fraction = format!("{fraction:0width$}", width = digits as usize);
    if trim {
        fraction = fraction.trim_end_matches('0').to_owned();
    }
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// The customer account a record is created for.
async fn customer_account(conn: &mut Conn, raw: &str) -> Result<AccountId> {
    let id = optional_id("account", raw)?.ok_or(InvalidInput::new("account", "required"))?;
    match accounts::account(conn, AccountId(id)).await {
        Ok(a) if a.kind == AccountKind::Customer => Ok(a.id),
        Ok(_) | Err(StoreError::NotFound) => Err(InvalidInput::new("account", "unknown").into()),
        Err(e) => Err(e.into()),
    }
}

/// A related record named in a form: it must exist in the same account.
async fn related(
    conn: &mut Conn,
    account: AccountId,
    kind: RecordKind,
    field: &'static str,
    raw: &str,
) -> Result<Option<i64>> {
    let Some(id) = optional_id(field, raw)? else {
        return Ok(None);
    };
    if lists::in_scope(conn, &Scope::staff(Some(account)), kind, id).await? {
        Ok(Some(id))
    } else {
        Err(InvalidInput::new(field, "unknown").into())
    }
}

fn edited(e: Edit) -> Result<()> {
    match e {
        Edit::Done => Ok(()),
        Edit::Changed => Err(RecordsError::Changed),
    }
}

/// The record's account; an edit naming another account (or none) is refused.
async fn account_of(conn: &mut Conn, kind: RecordKind, id: i64, raw: &str) -> Result<AccountId> {
    let (_, account) = store::version_of(conn, kind, id)
        .await?
        .ok_or(RecordsError::NotFound)?;
    if let Some(named) = optional_id("account", raw)?
        && named != account.0
    {
        return Err(InvalidInput::new("account", "fixed").into());
    }
    Ok(account)
}

// ---- Agreements -----------------------------------------------------------------------------

/// The agreement form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct AgreementInput {
    /// The customer account's id (fixed once created).
    pub account: String,
    pub number: String,
    pub name: String,
    /// `draft`, `active`, `renewal_pending`, `expired`, `canceled`.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    pub description: String,
    pub expose_to_customer: bool,
}

pub(crate) struct AgreementFields {
    number: String,
    name: String,
    status: AgreementStatus,
    starts_on: Date,
    ends_on: Date,
    description: Option<String>,
}

pub(crate) fn agreement_fields(i: &AgreementInput) -> Result<AgreementFields, InvalidInput> {
    let starts_on = date("starts_on", &i.starts_on)?;
    let ends_on = date("ends_on", &i.ends_on)?;
    if ends_on < starts_on {
        return Err(InvalidInput::new("ends_on", "order"));
    }
    Ok(AgreementFields {
        number: single_line("number", &i.number, NUMBER_MAX)?,
        name: single_line("name", &i.name, NAME_MAX)?,
        status: AgreementStatus::parse(i.status.trim())?,
        starts_on,
        ends_on,
        description: free_text("description", &i.description, TEXT_MAX)?,
    })
}

pub async fn create_agreement(
    app: &App,
    staff: Staff,
    input: &AgreementInput,
) -> Result<AgreementId> {
    let f = agreement_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        let account = customer_account(tx, &input.account).await?;
        let id = agreements::insert_agreement(
            tx,
            &NewAgreement {
                number: &f.number,
                account_id: account,
                name: &f.name,
                status: f.status,
                starts_on: f.starts_on,
                ends_on: f.ends_on,
                description: f.description.as_deref(),
                expose_to_customer: input.expose_to_customer,
            },
        )
        .await?;
        audited(
            tx,
            staff,
            RecordKind::Agreement,
            "create",
            id.0,
            serde_json::json!({ "number": f.number, "status": f.status.as_str() }),
        )
        .await?;
        Ok(id)
    })
    .await
}

/// Edits an agreement (and its Expose to Customer). `seen_version`: the version the form was
/// made from, if it carries one.
pub async fn update_agreement(
    app: &App,
    staff: Staff,
    id: AgreementId,
    input: &AgreementInput,
    seen_version: Option<i64>,
) -> Result<()> {
    let f = agreement_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        account_of(tx, RecordKind::Agreement, id.0, &input.account).await?;
        let before = lists::row::<Agreements>(tx, &Scope::staff(None), id).await?;
        edited(
            store::update_agreement(
                tx,
                id,
                &AgreementChanges {
                    number: &f.number,
                    name: &f.name,
                    status: f.status,
                    starts_on: f.starts_on,
                    ends_on: f.ends_on,
                    description: f.description.as_deref(),
                },
                seen_version,
            )
            .await?,
        )?;
        let exposed = (before.expose_to_customer, input.expose_to_customer);
        let detail = serde_json::json!({
            "from": before.status.as_str(),
            "to": f.status.as_str(),
            "exposed": input.expose_to_customer,
        });
        updated(tx, staff, RecordKind::Agreement, id.0, exposed, detail).await
    })
    .await
}

// ---- Assets ---------------------------------------------------------------------------------

/// The asset form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct AssetInput {
    pub account: String,
    /// The id of the asset this one is a component of; blank for a top-level asset.
    pub parent: String,
    pub name: String,
    pub product: String,
    pub serial_number: String,
    pub expose_to_customer: bool,
}

pub(crate) struct AssetFields {
    pub(crate) name: String,
    pub(crate) product: String,
    pub(crate) serial_number: Option<String>,
}

pub(crate) fn asset_fields(i: &AssetInput) -> Result<AssetFields, InvalidInput> {
    let product = i.product.trim();
    let serial = i.serial_number.trim();
    Ok(AssetFields {
        name: single_line("name", &i.name, NAME_MAX)?,
        product: if product.is_empty() {
            String::new()
        } else {
            single_line("product", product, NAME_MAX)?
        },
        serial_number: if serial.is_empty() {
            None
        } else {
            Some(single_line("serial_number", serial, SERIAL_MAX)?)
        },
    })
}

pub async fn create_asset(app: &App, staff: Staff, input: &AssetInput) -> Result<AssetId> {
    let f = asset_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        create_asset_in(tx, staff, input, &f).await
    })
    .await
}

/// [`create_asset`] in the caller's transaction (the CSV import's), from a checked form.
pub(crate) async fn create_asset_in(
    tx: &mut Conn,
    staff: Staff,
    input: &AssetInput,
    f: &AssetFields,
) -> Result<AssetId> {
    let account = customer_account(tx, &input.account).await?;
    let parent = related(tx, account, RecordKind::Asset, "parent", &input.parent).await?;
    let id = assets::insert_asset(
        tx,
        &NewAsset {
            account_id: account,
            parent_id: parent.map(AssetId),
            name: &f.name,
            product: &f.product,
            serial_number: f.serial_number.as_deref(),
            required_skills: &[],
            expose_to_customer: input.expose_to_customer,
        },
    )
    .await?;
    audited(
        tx,
        staff,
        RecordKind::Asset,
        "create",
        id.0,
        serde_json::json!({ "name": f.name, "parent": parent }),
    )
    .await?;
    Ok(id)
}

/// Edits an asset; a new parent moves it, with its components, into that hierarchy.
pub async fn update_asset(
    app: &App,
    staff: Staff,
    id: AssetId,
    input: &AssetInput,
    seen_version: Option<i64>,
) -> Result<()> {
    let f = asset_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        update_asset_in(tx, staff, id, input, &f, seen_version).await
    })
    .await
}

/// [`update_asset`] in the caller's transaction, from a checked form.
pub(crate) async fn update_asset_in(
    tx: &mut Conn,
    staff: Staff,
    id: AssetId,
    input: &AssetInput,
    f: &AssetFields,
    seen_version: Option<i64>,
) -> Result<()> {
    let account = account_of(tx, RecordKind::Asset, id.0, &input.account).await?;
    let parent = related(tx, account, RecordKind::Asset, "parent", &input.parent).await?;
    if let Some(parent) = parent
        && store::would_cycle(tx, id, AssetId(parent)).await?
    {
        return Err(InvalidInput::new("parent", "cycle").into());
    }
    let before = lists::row::<Assets>(tx, &Scope::staff(None), id).await?;
    edited(
        store::update_asset(
            tx,
            id,
            &AssetChanges {
                parent_id: parent.map(AssetId),
                name: &f.name,
                product: &f.product,
                serial_number: f.serial_number.as_deref(),
            },
            seen_version,
        )
        .await?,
    )?;
    let exposed = (before.expose_to_customer, input.expose_to_customer);
    let detail = serde_json::json!({ "parent": parent, "exposed": input.expose_to_customer });
    updated(tx, staff, RecordKind::Asset, id.0, exposed, detail).await
}

/// The skills working on an asset requires, by name with their minimum rating (1–10), for the
/// staff's asset page. Empty when it requires none.
pub async fn asset_skills(app: &App, _: Staff, id: AssetId) -> Result<Vec<(String, u8)>> {
    let mut conn = app.store.conn().await?;
    let asset = assets::asset(&mut conn, id).await?;
    if asset.required_skills.is_empty() {
        return Ok(Vec::new());
    }
    let names = catalog::list_characteristics(&mut conn).await?;
    Ok(asset
        .required_skills
        .iter()
        .map(|s| {
            let name = names
                .iter()
                .find(|c| c.id == s.characteristic_id)
                .map_or_else(|| s.characteristic_id.to_string(), |c| c.name.clone());
            (name, s.rating.get())
        })
        .collect())
}

// ---- Work orders ----------------------------------------------------------------------------

/// The work order form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct WorkOrderInput {
    pub account: String,
    /// Blank on creation: numbered `WO-` and its id.
    pub number: String,
    pub service_type: String,
    pub asset: String,
    pub agreement: String,
    /// `estimate_pending`, `unscheduled`, `scheduled`, `in_progress`, `completed`, `posted`,
    /// `canceled`.
    pub status: String,
    pub summary: String,
    pub expose_to_customer: bool,
}

pub(crate) struct WorkOrderFields {
    number: Option<String>,
    service_type: ServiceTypeId,
    status: WorkOrderStatus,
    summary: Option<String>,
}

pub(crate) fn work_order_fields(i: &WorkOrderInput) -> Result<WorkOrderFields, InvalidInput> {
    Ok(WorkOrderFields {
        number: if i.number.trim().is_empty() {
            None
        } else {
            Some(single_line("number", &i.number, NUMBER_MAX)?)
        },
        service_type: ServiceTypeId(
            optional_id("service_type", &i.service_type)?
                .ok_or(InvalidInput::new("service_type", "required"))?,
        ),
        status: WorkOrderStatus::parse(i.status.trim())?,
        summary: free_text("summary", &i.summary, TEXT_MAX)?,
    })
}

async fn service_type_exists(conn: &mut Conn, id: ServiceTypeId) -> Result<()> {
    match catalog::service_type(conn, id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(InvalidInput::new("service_type", "unknown").into()),
        Err(e) => Err(e.into()),
    }
}

pub async fn create_work_order(
    app: &App,
    staff: Staff,
    input: &WorkOrderInput,
    now: Timestamp,
) -> Result<WorkOrderId> {
    let f = work_order_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        let account = customer_account(tx, &input.account).await?;
        service_type_exists(tx, f.service_type).await?;
        let asset = related(tx, account, RecordKind::Asset, "asset", &input.asset).await?;
        let agreement = related(
            tx,
            account,
            RecordKind::Agreement,
            "agreement",
            &input.agreement,
        )
        .await?;
        // Without a number: a provisional one, then `WO-<id>` (no counter to fight over).
        let provisional = format!("new-{}", &Secret::token().expose()[..24]);
        let id = work_orders::insert_work_order(
            tx,
            &NewWorkOrder {
                number: f.number.as_deref().unwrap_or(&provisional),
                account_id: account,
                asset_id: asset.map(AssetId),
                service_type_id: f.service_type,
                agreement_id: agreement.map(AgreementId),
                status: f.status,
                summary: f.summary.as_deref(),
                expose_to_customer: input.expose_to_customer,
                created_at: now,
            },
        )
        .await?;
        let number = match &f.number {
            Some(n) => n.clone(),
            None => visits::number_work_order(tx, id).await?,
        };
        audited(
            tx,
            staff,
            RecordKind::WorkOrder,
            "create",
            id.0,
            serde_json::json!({ "number": number, "to": f.status.as_str() }),
        )
        .await?;
        Ok(id)
    })
    .await
}

pub async fn update_work_order(
    app: &App,
    staff: Staff,
    id: WorkOrderId,
    input: &WorkOrderInput,
    seen_version: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    let f = work_order_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        let account = account_of(tx, RecordKind::WorkOrder, id.0, &input.account).await?;
        service_type_exists(tx, f.service_type).await?;
        let asset = related(tx, account, RecordKind::Asset, "asset", &input.asset).await?;
        let agreement = related(
            tx,
            account,
            RecordKind::Agreement,
            "agreement",
            &input.agreement,
        )
        .await?;
        let before = lists::row::<WorkOrders>(tx, &Scope::staff(None), id).await?;
        let number = f.number.clone().unwrap_or_else(|| before.number.clone());
        edited(
            store::update_work_order(
                tx,
                id,
                &WorkOrderChanges {
                    number: &number,
                    asset_id: asset.map(AssetId),
                    service_type_id: f.service_type,
                    agreement_id: agreement.map(AgreementId),
                    status: f.status,
                    summary: f.summary.as_deref(),
                },
                seen_version,
                now,
            )
            .await?,
        )?;
        let exposed = (before.expose_to_customer, input.expose_to_customer);
        let detail = serde_json::json!({
            "from": before.status.as_str(),
            "to": f.status.as_str(),
            "exposed": input.expose_to_customer,
        });
        updated(tx, staff, RecordKind::WorkOrder, id.0, exposed, detail).await
    })
    .await
}

// ---- Invoices -------------------------------------------------------------------------------

/// One line of the invoice form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct LineInput {
    pub description: String,
    /// "1.5" (up to 3 decimals).
    pub quantity: String,
    /// In the invoice's currency, "95.00" (as many decimals as the currency has).
    pub unit_price: String,
    /// In percent, "14.975" (up to 3 decimals).
    pub tax_rate: String,
}

/// The invoice form.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct InvoiceInput {
    pub account: String,
    pub number: String,
    pub work_order: String,
    pub agreement: String,
    /// `draft`, `issued`, `paid`, `canceled`.
    pub status: String,
    /// ISO 4217, e.g. `CAD`.
    pub currency: String,
    pub issued_on: String,
    pub due_on: String,
    pub lines: Vec<LineInput>,
    pub expose_to_customer: bool,
}

pub(crate) struct InvoiceFields {
    number: String,
    status: InvoiceStatus,
    currency: Currency,
    issued_on: Date,
    due_on: Date,
    pub(crate) lines: Vec<InvoiceLine>,
}

pub(crate) fn invoice_fields(i: &InvoiceInput) -> Result<InvoiceFields, InvalidInput> {
    let currency = Currency::parse(&i.currency)?;
    let issued_on = date("issued_on", &i.issued_on)?;
    let due_on = date("due_on", &i.due_on)?;
    if due_on < issued_on {
        return Err(InvalidInput::new("due_on", "order"));
    }
    if i.lines.len() > LINES_MAX {
        return Err(InvalidInput::new("lines", "too-many"));
    }
    let digits = text::minor_digits(currency);
    let mut lines = Vec::with_capacity(i.lines.len());
    for l in &i.lines {
        // A line left entirely blank (a spare row of the form) is no line.
        if [&l.description, &l.quantity, &l.unit_price, &l.tax_rate]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            continue;
        }
        let quantity_milli = parse_decimal("quantity", &l.quantity, 3)?;
        if quantity_milli <= 0 {
            return Err(InvalidInput::new("quantity", "range"));
        }
        let tax_rate_milli_percent = if l.tax_rate.trim().is_empty() {
            0
        } else {
            parse_decimal("tax_rate", &l.tax_rate, 3)?
        };
        if !(0..=100_000).contains(&tax_rate_milli_percent) {
            return Err(InvalidInput::new("tax_rate", "range"));
        }
        let unit_price_minor = parse_decimal("unit_price", &l.unit_price, digits)?;
        // Keep every amount of the invoice far from overflowing: a line of at most 10^15
        // minor units.
        let net = (quantity_milli as i128 * unit_price_minor as i128).abs() / 1000;
        if net > 1_000_000_000_000_000 {
            return Err(InvalidInput::new("unit_price", "range"));
        }
        lines.push(InvoiceLine {
            description: single_line("line_description", &l.description, LINE_DESCRIPTION_MAX)?,
            quantity_milli,
            unit_price_minor,
            tax_rate_milli_percent,
        });
    }
    Ok(InvoiceFields {
        number: single_line("number", &i.number, NUMBER_MAX)?,
        status: InvoiceStatus::parse(i.status.trim())?,
        currency,
        issued_on,
        due_on,
        lines,
    })
}

pub async fn create_invoice(app: &App, staff: Staff, input: &InvoiceInput) -> Result<InvoiceId> {
    let f = invoice_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        let account = customer_account(tx, &input.account).await?;
        let work_order = related(
            tx,
            account,
            RecordKind::WorkOrder,
            "work_order",
            &input.work_order,
        )
        .await?;
        let agreement = related(
            tx,
            account,
            RecordKind::Agreement,
            "agreement",
            &input.agreement,
        )
        .await?;
        let id = invoices::insert_invoice(
            tx,
            &NewInvoice {
                number: &f.number,
                account_id: account,
                work_order_id: work_order.map(WorkOrderId),
                agreement_id: agreement.map(AgreementId),
                status: f.status,
                currency: f.currency,
                issued_on: f.issued_on,
                due_on: f.due_on,
                lines: &f.lines,
                expose_to_customer: input.expose_to_customer,
            },
        )
        .await?;
        audited(
            tx,
            staff,
            RecordKind::Invoice,
            "create",
            id.0,
            serde_json::json!({ "number": f.number, "lines": f.lines.len() }),
        )
        .await?;
        if input.expose_to_customer {
            crate::webhooks::invoice_exposed(tx, id, Timestamp::now()).await?;
        }
        Ok(id)
    })
    .await
}

/// Edits an invoice, replacing its lines.
pub async fn update_invoice(
    app: &App,
    staff: Staff,
    id: InvoiceId,
    input: &InvoiceInput,
    seen_version: Option<i64>,
) -> Result<()> {
    let f = invoice_fields(input)?;
    in_tx(app, async |tx: &mut Conn| {
        let account = account_of(tx, RecordKind::Invoice, id.0, &input.account).await?;
        let work_order = related(
            tx,
            account,
            RecordKind::WorkOrder,
            "work_order",
            &input.work_order,
        )
        .await?;
        let agreement = related(
            tx,
            account,
            RecordKind::Agreement,
            "agreement",
            &input.agreement,
        )
        .await?;
        let before = lists::row::<Invoices>(tx, &Scope::staff(None), id).await?;
        edited(
            store::update_invoice(
                tx,
                id,
                &InvoiceChanges {
                    number: &f.number,
                    work_order_id: work_order.map(WorkOrderId),
                    agreement_id: agreement.map(AgreementId),
                    status: f.status,
                    currency: f.currency,
                    issued_on: f.issued_on,
                    due_on: f.due_on,
                    lines: &f.lines,
                },
                seen_version,
            )
            .await?,
        )?;
        let exposed = (before.expose_to_customer, input.expose_to_customer);
        let detail = serde_json::json!({
            "from": before.status.as_str(),
            "to": f.status.as_str(),
            "exposed": input.expose_to_customer,
        });
        updated(tx, staff, RecordKind::Invoice, id.0, exposed, detail).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly_or_refused() {
        assert_eq!(parse_decimal("q", "1.5", 3), Ok(1500));
        assert_eq!(parse_decimal("q", "1,5", 3), Ok(1500));
        assert_eq!(parse_decimal("q", " 2 ", 3), Ok(2000));
        assert_eq!(parse_decimal("q", ".25", 2), Ok(25));
        assert_eq!(parse_decimal("q", "-19.99", 2), Ok(-1999));
        assert_eq!(parse_decimal("q", "14.975", 3), Ok(14975));
        assert_eq!(parse_decimal("q", "1500", 0), Ok(1500));
        for bad in [
            "",
            "-",
            ".",
            "1.2.3",
            "1.234",
            "abc",
            "1e5",
            "1 000",
            "+1",
            "99999999999999999999",
        ] {
            assert!(parse_decimal("q", bad, 2).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decimals_shown_in_a_form_read_back_the_same() {
        assert_eq!(decimal_text(9500, 2, false), "95.00");
        assert_eq!(decimal_text(1500, 3, true), "1.5");
        assert_eq!(decimal_text(2000, 3, true), "2");
        assert_eq!(decimal_text(-1999, 2, false), "-19.99");
        assert_eq!(decimal_text(1500, 0, false), "1500");
        for (value, digits, trim) in [(14975, 3, true), (-5, 2, false), (7, 3, true)] {
            let text = decimal_text(value, digits, trim);
            assert_eq!(parse_decimal("q", &text, digits), Ok(value), "{text}");
        }
    }

    #[test]
    fn invoice_forms_refuse_what_cannot_be_billed() {
        let line = |q: &str, p: &str, t: &str| LineInput {
            description: "Labour".into(),
            quantity: q.into(),
            unit_price: p.into(),
            tax_rate: t.into(),
        };
        let form = |lines: Vec<LineInput>| InvoiceInput {
            number: "INV-1".into(),
            status: "issued".into(),
            currency: "cad".into(),
            issued_on: "2026-03-01".into(),
            due_on: "2026-03-31".into(),
            lines,
            ..Default::default()
        };
        let ok = invoice_fields(&form(vec![
            line("1.5", "95.00", "14.975"),
            LineInput::default(),
        ]))
        .unwrap();
        assert_eq!(ok.lines.len(), 1, "a blank row is no line");
        assert_eq!(ok.currency.as_str(), "CAD");
        assert_eq!(ok.lines[0].unit_price_minor, 9500);
        for (lines, field) in [
            (vec![line("0", "1", "")], "quantity"),
            (vec![line("1", "1.001", "")], "unit_price"),
            (vec![line("1", "1", "100.5")], "tax_rate"),
            (vec![line("1", "99999999999999999", "")], "unit_price"),
            (
                vec![LineInput {
                    description: String::new(),
                    ..line("1", "1", "")
                }],
                "line_description",
            ),
        ] {
            assert_eq!(
                invoice_fields(&form(lines)).err().map(|e| e.field),
                Some(field)
            );
        }
        let early = InvoiceInput {
            due_on: "2026-02-01".into(),
            ..form(vec![])
        };
        assert_eq!(
            invoice_fields(&early).err(),
            Some(InvalidInput::new("due_on", "order"))
        );
    }
}
