//! Territories, as staff keep them (SPEC §10; dispatchers and administrators, so every use case
//! takes [`Staff`]): a name, postal-code prefixes and/or an area drawn on a map, and who is in
//! each — the accounts whose address it covers, the technicians and partners serving it.
//!
//! A save changes who is in the territory, in its own transaction:
//! - every account's territory follows its address ([`territory_of`]: the first territory, by
//!   id, covering it); only the accounts whose territory changes are written, and counted;
//! - the scheduling snapshot follows (the `territories` triggers bump its version), so the
//!   very next slot search on every server uses the new coverage;
//! - a technician serving a territory that an address of one of their future Scheduled visits
//!   left gets a background reassignment job ([`crate::reassign`]), queued in the same
//!   transaction and run right after the commit: the visit goes to another eligible
//!   technician at the same time, or is flagged and the customer asked to pick a new time.
//!
//! Changes of coverage run one at a time (`territories::lock_coverage`), so that two saves
//! never each recompute the accounts without the other's change.
//!
//! A save carries the version its form showed and is refused ([`TerritoryError::Changed`])
//! when someone else saved in between. A territory is removed only while nothing refers to
//! it (no account in it, no technician or partner serving it); the audit line of its removal
//! keeps everything it was. Every change is audited with its before → after.

use crate::context::App;
use crate::failure::{Failure, Kind, invalid_message};
use crate::policy::{Grant, Staff};
use crate::reassign;
use jiff::Timestamp;
use onsite_domain::account::AccountKind;
use onsite_domain::geo::{GeoPoint, Polygon};
use onsite_domain::territory::{Territory, territory_of};
use onsite_domain::text::single_line;
use onsite_domain::{InvalidInput, TechnicianId, TerritoryId};
use onsite_i18n::{Arg, Locale};
use onsite_store::reassignment::{self, ChangeReason, JobId};
use onsite_store::territories::{
    self as store, Member, NewTerritory, PostalPrefix, TerritorySummary, TerritoryUse,
};
use onsite_store::{Conn, StoreError, audit, bookings};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Longest territory name.
const NAME_MAX: usize = 100;
/// Most postal-code prefixes of one territory.
const PREFIXES_MAX: usize = 200;
/// Most accounts of each kind a territory's page lists (the counts say how many in all).
pub const MEMBERS_SHOWN: i64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum TerritoryError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Another territory has this name.
    #[error("name is taken")]
    Taken,
    /// The territory changed since the form was shown (another member of staff saved it).
    #[error("changed meanwhile")]
    Changed,
    /// Accounts, technicians or partners still refer to the territory.
    #[error("in use")]
    InUse(TerritoryUse),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for TerritoryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { constraint } if constraint.contains("name") => {
                TerritoryError::Taken
            }
            e => TerritoryError::Store(e),
        }
    }
}

impl Failure for TerritoryError {
    fn kind(&self) -> Kind {
        match self {
            TerritoryError::Invalid(_) => Kind::Invalid,
            TerritoryError::Taken | TerritoryError::Changed | TerritoryError::InUse(_) => {
                Kind::Conflict
            }
            TerritoryError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            TerritoryError::Taken => "taken",
            TerritoryError::Changed => "changed",
            TerritoryError::InUse(_) => "in_use",
            e => e.kind().code(),
        }
    }

    fn field(&self) -> Option<Cow<'static, str>> {
        match self {
            TerritoryError::Invalid(i) => Some(Cow::Borrowed(i.field)),
            TerritoryError::Taken => Some(Cow::Borrowed("name")),
            _ => None,
        }
    }

    fn message(&self, locale: Locale) -> String {
        match self {
            TerritoryError::Invalid(i) => invalid_message(locale, i.reason),
            TerritoryError::Taken => locale.text("territory-error-taken"),
            TerritoryError::Changed => locale.text("territory-error-changed"),
            TerritoryError::InUse(used) => locale.text_with(
                "territory-error-in-use",
                &[
                    ("accounts", Arg::Num(used.accounts as f64)),
                    ("technicians", Arg::Num(used.technicians as f64)),
                    ("partners", Arg::Num(used.partners as f64)),
                ],
            ),
            TerritoryError::Store(e) => e.message(locale),
        }
    }
}

type Result<T, E = TerritoryError> = std::result::Result<T, E>;

/// A territory as staff type it.
#[derive(Debug, Clone, Default)]
pub struct TerritoryInput {
    pub name: String,
    /// Postal-code prefixes separated by commas, semicolons, spaces or lines (`h2j, H2K`).
    pub postal_prefixes: String,
    /// The area: one vertex a line, `latitude, longitude` (`45.52, -73.58`); empty for none.
    pub area: String,
}

/// The input checked: what the store saves.
struct TerritoryValues {
    name: String,
    prefixes: Vec<PostalPrefix>,
    polygon: Option<Polygon>,
}

impl TerritoryValues {
    fn parse(input: &TerritoryInput) -> Result<TerritoryValues> {
        let name = single_line("name", &input.name, NAME_MAX)?;
        let prefixes = parse_prefixes(&input.postal_prefixes)?;
        let polygon = parse_area(&input.area)?;
        if prefixes.is_empty() && polygon.is_none() {
            return Err(InvalidInput::new("postal_prefixes", "prefixes-or-area").into());
        }
        Ok(TerritoryValues {
            name,
            prefixes,
            polygon,
        })
    }

    fn new_territory(&self) -> NewTerritory<'_> {
        NewTerritory {
            name: &self.name,
            postal_prefixes: &self.prefixes,
            polygon: self.polygon.as_ref(),
        }
    }

    /// What the audit log shows of it.
    fn audited(&self) -> serde_json::Value {
        audited(
            &self.name,
            self.prefixes.iter().map(PostalPrefix::as_str),
            self.polygon.as_ref(),
        )
    }
}

fn audited<'a>(
    name: &str,
    prefixes: impl Iterator<Item = &'a str>,
    polygon: Option<&Polygon>,
) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "postal_prefixes": prefixes.collect::<Vec<_>>().join(", "),
        "area": polygon.map(|p| area_text(p).replace('\n', "; ")),
    })
}

fn audited_territory(t: &Territory) -> serde_json::Value {
    audited(
        &t.name,
        t.postal_prefixes.iter().map(String::as_str),
        t.polygon.as_ref(),
    )
}

/// Prefixes as typed, separated by commas, semicolons or white space, each normalized (upper
/// case, no spaces); each once, in the order typed.
pub fn parse_prefixes(raw: &str) -> Result<Vec<PostalPrefix>, InvalidInput> {
    let mut seen = BTreeSet::new();
    let mut prefixes = Vec::new();
    for piece in raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let prefix = PostalPrefix::parse(piece)
            .map_err(|e| InvalidInput::new("postal_prefixes", e.reason))?;
        if seen.insert(prefix.clone()) {
            prefixes.push(prefix);
        }
    }
    if prefixes.len() > PREFIXES_MAX {
        return Err(InvalidInput::new("postal_prefixes", "too-many-prefixes"));
    }
    Ok(prefixes)
}

/// An area as typed: one vertex a line, `latitude, longitude` (a comma, semicolon or spaces
/// between them; a decimal point in each); blank lines ignored; no lines, no area.
pub fn parse_area(raw: &str) -> Result<Option<Polygon>, InvalidInput> {
    let mut vertices = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let numbers: Vec<&str> = line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        let [lat, lon] = numbers[..] else {
            return Err(InvalidInput::new("area", "area-line"));
        };
        let number = |s: &str| {
            s.replace('\u{2212}', "-")
                .parse::<f64>()
                .map_err(|_| InvalidInput::new("area", "area-line"))
        };
        let point = GeoPoint::new(number(lat)?, number(lon)?)
            .map_err(|e| InvalidInput::new("area", e.reason))?;
        vertices.push(point);
    }
    if vertices.is_empty() {
        return Ok(None);
    }
    Polygon::drawn("area", vertices).map(Some)
}

/// An area as the form's text shows it: `latitude, longitude` a line, six decimals (about
/// 10 cm).
pub fn area_text(polygon: &Polygon) -> String {
    polygon
        .vertices()
        .iter()
        .map(|v| format!("{:.6}, {:.6}", v.lat(), v.lon()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every territory by name, with its counts of accounts, technicians and partners.
pub async fn territories(app: &App, _staff: Staff) -> Result<Vec<TerritorySummary>, StoreError> {
    store::territory_summaries(&mut *app.store.conn().await?).await
}

/// A territory with who is in it.
#[derive(Debug, Clone)]
pub struct TerritoryDetail {
    pub territory: Territory,
    pub version: i64,
    pub used: TerritoryUse,
    /// The first [`MEMBERS_SHOWN`] customer accounts in it, by name.
    pub customers: Vec<Member>,
    /// The partner accounts whose address is in it (first [`MEMBERS_SHOWN`]).
    pub partner_accounts: Vec<Member>,
    pub technicians: Vec<Member>,
    /// The partners whose distribution profile lists it.
    pub partners: Vec<Member>,
}

/// One territory and who is in it.
pub async fn territory(
    app: &App,
    _staff: Staff,
    id: TerritoryId,
) -> Result<TerritoryDetail, StoreError> {
    let mut conn = app.store.conn().await?;
    let conn = &mut *conn;
    let territory = store::territory(conn, id).await?;
    Ok(TerritoryDetail {
        version: store::territory_version(conn, id).await?,
        used: store::territory_use(conn, id).await?,
        customers: store::accounts_in(conn, id, AccountKind::Customer, MEMBERS_SHOWN).await?,
        partner_accounts: store::accounts_in(conn, id, AccountKind::Partner, MEMBERS_SHOWN).await?,
        technicians: store::technicians_serving(conn, id).await?,
        partners: store::partners_serving(conn, id).await?,
        territory,
    })
}

/// What a save did beyond the territory itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: TerritoryId,
    /// Accounts whose territory changed (only those rows were written).
    pub accounts_moved: usize,
    /// Of those, the accounts now in this territory.
    pub accounts_joined: usize,
    /// Technicians whose future visits were checked because an address left their territory.
    pub technicians_checked: usize,
    /// Visits given to another technician at the same time.
    pub visits_reassigned: usize,
    /// Visits nobody else could take: flagged, the customer asked to pick a new time.
    pub visits_flagged: usize,
}

/// Adds a territory; the accounts it covers (that no older territory covers) join it. Audited.
pub async fn create(
    app: &App,
    staff: Staff,
    input: &TerritoryInput,
    now: Timestamp,
) -> Result<Saved> {
    let values = TerritoryValues::parse(input)?;
    let mut tx = app.store.begin().await?;
    store::lock_coverage(&mut tx).await?;
    let id = store::insert_territory(&mut tx, &values.new_territory()).await?;
    let followed = follow_addresses(&mut tx, staff, (id, None), now).await?;
    let detail = values.audited();
    followed.commit(tx, staff, ("create", id), detail).await?;
    Ok(followed.finish(app, id, now).await)
}

/// Saves a territory edited from `seen_version` (the version its form showed); refused with
/// [`TerritoryError::Changed`] when someone saved it in between, and nothing changes. Accounts
/// follow the new coverage; visits of technicians an address left are reassigned. Audited with
/// each changed field's before → after.
pub async fn update(
    app: &App,
    staff: Staff,
    id: TerritoryId,
    seen_version: i64,
    input: &TerritoryInput,
    now: Timestamp,
) -> Result<Saved> {
    let values = TerritoryValues::parse(input)?;
    let mut tx = app.store.begin().await?;
    store::lock_coverage(&mut tx).await?;
    let before = store::territory(&mut tx, id).await?;
    let was = audited_territory(&before);
    let will = values.audited();
    let detail = serde_json::Value::Object(onsite_store::audit::changes(&was, &will));
    let version = store::territory_version(&mut tx, id).await?;
    if detail.as_object().is_some_and(|d| d.is_empty()) && version == seen_version {
        return Ok(Followed::nothing().finish(app, id, now).await);
    }
    if !store::update_territory(&mut tx, id, seen_version, &values.new_territory()).await? {
        return Err(TerritoryError::Changed);
    }
    let followed = follow_addresses(&mut tx, staff, (id, Some(&before)), now).await?;
    followed.commit(tx, staff, ("update", id), detail).await?;
    Ok(followed.finish(app, id, now).await)
}

/// Removes a territory nothing refers to, at `seen_version`; refused with
/// [`TerritoryError::InUse`] (saying what still refers to it) or
/// [`TerritoryError::Changed`]. Audited with everything it was.
pub async fn delete(app: &App, staff: Staff, id: TerritoryId, seen_version: i64) -> Result<()> {
    let mut tx = app.store.begin().await?;
    store::lock_coverage(&mut tx).await?;
    let before = store::territory(&mut tx, id).await?;
    let used = store::territory_use(&mut tx, id).await?;
    if !used.is_unused() {
        return Err(TerritoryError::InUse(used));
    }
    if !store::delete_territory(&mut tx, id, seen_version).await? {
        return Err(TerritoryError::Changed);
    }
    audit::record(
        &mut tx,
        Some(staff.user()),
        "territory.delete",
        "territory",
        Some(id.0),
        &audited_territory(&before),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// What following the addresses did inside the transaction.
struct Followed {
    moved: usize,
    joined: usize,
    jobs: Vec<JobId>,
}

impl Followed {
    fn nothing() -> Followed {
        Followed {
            moved: 0,
            joined: 0,
            jobs: Vec::new(),
        }
    }

    /// Records the change (`territory.<what>`: `detail`, with what following the addresses
    /// did) and commits the transaction.
    async fn commit(
        &self,
        mut tx: onsite_store::Tx,
        staff: Staff,
        (what, id): (&str, TerritoryId),
        mut detail: serde_json::Value,
    ) -> Result<()> {
        if let Some(d) = detail.as_object_mut() {
            if self.moved > 0 {
                d.insert("accounts_moved".into(), self.moved.into());
            }
            if !self.jobs.is_empty() {
                d.insert("technicians_checked".into(), self.jobs.len().into());
            }
        }
        let action = format!("territory.{what}");
        let entity = Some(id.0);
        audit::record(
            &mut tx,
            Some(staff.user()),
            &action,
            "territory",
            entity,
            &detail,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// After the commit: runs the reassignment jobs at once (a failed run is left to the
    /// worker, which retries it).
    async fn finish(self, app: &App, id: TerritoryId, now: Timestamp) -> Saved {
        let mut saved = Saved {
            id,
            accounts_moved: self.moved,
            accounts_joined: self.joined,
            technicians_checked: self.jobs.len(),
            visits_reassigned: 0,
            visits_flagged: 0,
        };
        for report in reassign::run_queued(app, &self.jobs, now).await {
            saved.visits_reassigned += report.reassigned.len();
            saved.visits_flagged += report.flagged.len();
        }
        saved
    }
}

/// Makes every account's territory follow its address after a change of `changed` (`before`:
/// what it was, `None` for a new territory), and queues the reassignment of the technicians an
/// address left. Runs in the transaction of the change.
async fn follow_addresses(
    tx: &mut Conn,
    staff: Staff,
    (changed, before): (TerritoryId, Option<&Territory>),
    now: Timestamp,
) -> Result<Followed> {
    // The booking lock of each technician serving the territory, in id order (as every other
    // holder takes one): a booking of theirs either committed before this change, and its
    // visit is looked at below, or waits and re-reads the territories with the change.
    let mut serving: Vec<TechnicianId> = store::technicians_serving(tx, changed)
        .await?
        .into_iter()
        .map(|m| TechnicianId(m.id))
        .collect();
    serving.sort();
    for technician in &serving {
        bookings::lock_technician(tx, *technician).await?;
    }
    let mut territories = store::list_territories(tx).await?;
    territories.sort_by_key(|t| t.id);
    // Territories an account left: it was in them (covered, or its territory) and is not now.
    let mut left: BTreeMap<TerritoryId, BTreeSet<onsite_domain::AccountId>> = BTreeMap::new();
    let (mut moved, mut joined) = (0, 0);
    for account in store::account_addresses(tx).await? {
        let (postal, point) = (account.postal_code.as_str(), account.location);
        let territory = territory_of(&territories, postal, point);
        let was_in = |t: TerritoryId| {
            account.territory_id == Some(t)
                || (t == changed && before.is_some_and(|b| b.covers(postal, Some(point))))
        };
        let is_in = |t: TerritoryId| {
            territory == Some(t)
                || territories
                    .iter()
                    .any(|x| x.id == t && x.covers(postal, Some(point)))
        };
        for t in account.territory_id.into_iter().chain([changed]) {
            if was_in(t) && !is_in(t) {
                left.entry(t).or_default().insert(account.id);
            }
        }
        if territory != account.territory_id {
            store::set_account_territory(tx, account.id, territory).await?;
            moved += 1;
            if territory == Some(changed) {
                joined += 1;
            }
        }
    }
    let mut technicians = BTreeSet::new();
    for (territory, accounts) in &left {
        for (technician, account) in store::scheduled_visits_of_serving(tx, *territory, now).await?
        {
            if accounts.contains(&account) {
                technicians.insert(technician);
            }
        }
    }
    let mut jobs = Vec::new();
    for technician in technicians {
        let reason = ChangeReason::Territories;
        jobs.push(reassignment::enqueue(tx, technician, reason, Some(staff.user()), now).await?);
    }
    Ok(Followed {
        moved,
        joined,
        jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_read_from_one_field_whatever_separates_them() {
        let read = |raw| {
            parse_prefixes(raw)
                .unwrap()
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(read("h2j, H2K;h2l\nH2J  h1v"), ["H2J", "H2K", "H2L", "H1V"]);
        assert!(read("  ").is_empty());
        let refused = parse_prefixes("H2J, H2-K").unwrap_err();
        assert_eq!(
            (refused.field, refused.reason),
            ("postal_prefixes", "postal-prefix")
        );
        let many: String = (0..=PREFIXES_MAX).map(|i| format!("A{i} ")).collect();
        assert_eq!(
            parse_prefixes(&many).unwrap_err().reason,
            "too-many-prefixes"
        );
    }

    #[test]
    fn an_area_is_read_one_vertex_a_line_and_shown_the_same_way() {
        let area = parse_area("45.51, -73.59\n\n45.53 -73.59\r\n45.53;−73.57\n45.51, -73.57\n")
            .unwrap()
            .unwrap();
        assert_eq!(area.vertices().len(), 4);
        assert_eq!(
            area_text(&area),
            "45.510000, -73.590000\n45.530000, -73.590000\n45.530000, -73.570000\n45.510000, -73.570000"
        );
        assert_eq!(parse_area(&area_text(&area)).unwrap().unwrap(), area);
        assert_eq!(parse_area(" \n ").unwrap(), None);
        let reason = |raw| parse_area(raw).unwrap_err().reason;
        assert_eq!(reason("45.5, -73.5, 3"), "area-line");
        assert_eq!(reason("45,5 -73,5\n45.6 -73.5\n45.6 -73.4"), "area-line");
        assert_eq!(reason("north, west"), "area-line");
        assert_eq!(reason("95, 0\n1, 1\n0, 1"), "out-of-range");
        assert_eq!(reason("0, 0\n1, 1"), "too-few-vertices");
        assert_eq!(reason("0, 0\n1, 1\n0, 1\n1, 0"), "self-intersecting");
        assert_eq!(parse_area("0, 0\n1, 1").unwrap_err().field, "area");
    }

    #[test]
    fn a_territory_needs_prefixes_or_an_area() {
        let input = TerritoryInput {
            name: "Plateau".into(),
            ..TerritoryInput::default()
        };
        let Err(TerritoryError::Invalid(e)) = TerritoryValues::parse(&input) else {
            panic!("accepted");
        };
        assert_eq!((e.field, e.reason), ("postal_prefixes", "prefixes-or-area"));
    }
}
