//! CSV export of the staff's lists as filtered (issue 16): accounts with their contacts, and
//! assets, in the columns of the import ([`crate::import`]), so that a file exported and
//! imported into an empty database makes the same records, and imported again into the one it
//! came from changes nothing. A record without an external reference is written with
//! `onsite:<kind>:<id>`, which an import matches back to it.
//!
//! An export is read a chunk at a time (a page of the list, each on a connection of its own),
//! so the web edge streams it whatever its size and its first bytes go out at once. Chunks are
//! not one snapshot: a record saved while a long export runs is written as it is when its
//! chunk is read.

use crate::context::App;
use crate::import::{ImportKind, csv_line, yes_no_text};
use crate::policy::Staff;
use onsite_store::directory::{self, AccountFilter};
use onsite_store::imports::{self, AssetExport, RefTable};
use onsite_store::records::Start;
use onsite_store::{StoreError, accounts};

/// Accounts per chunk.
const ACCOUNTS_CHUNK: u32 = 100;
/// Assets per chunk.
const ASSETS_CHUNK: i64 = 1000;

/// The header line of a kind's file.
pub fn header(kind: ImportKind) -> String {
    csv_line(kind.columns().iter().map(|c| c.name))
}

/// Where the next chunk of an accounts export starts; `None`: it is done.
pub type AccountsNext = Option<Start>;

/// The lines of the accounts (one per contact, or one for an account without contacts) of the
/// page of the staff's list that starts at `start`, and where the next page starts.
pub async fn accounts_chunk(
    app: &App,
    _staff: Staff,
    filter: &AccountFilter,
    start: Start,
) -> Result<(String, AccountsNext), StoreError> {
    let mut conn = app.store.conn().await?;
    let page = directory::accounts_page(&mut conn, filter, start, ACCOUNTS_CHUNK).await?;
    let ids: Vec<i64> = page.items.iter().map(|a| a.id.0).collect();
    let refs = imports::refs_of(&mut conn, RefTable::Accounts, &ids).await?;
    let mut out = String::new();
    for listed in &page.items {
        let a = accounts::account(&mut conn, listed.id).await?;
        let contacts = accounts::contacts_of_account(&mut conn, a.id).await?;
        let contact_ids: Vec<i64> = contacts.iter().map(|c| c.id.0).collect();
        let contact_refs = imports::refs_of(&mut conn, RefTable::Contacts, &contact_ids).await?;
        let reference = imports::reference(
            RefTable::Accounts,
            a.id.0,
            refs.get(&a.id.0).map(String::as_str),
        );
        let (lat, lon) = (
            a.address.location.lat().to_string(),
            a.address.location.lon().to_string(),
        );
        let account = [
            reference.as_str(),
            a.kind.as_str(),
            &a.name,
            &a.address.line,
            &a.address.city,
            &a.address.postal_code,
            &a.address.country,
            &lat,
            &lon,
            a.address.time_zone.as_str(),
            &a.notes,
            yes_no_text(a.active),
        ];
        if contacts.is_empty() {
            out.push_str(&csv_line(
                account.iter().copied().chain(["", "", "", "", "", "", ""]),
            ));
        }
        for c in &contacts {
            let contact_ref = imports::reference(
                RefTable::Contacts,
                c.id.0,
                contact_refs.get(&c.id.0).map(String::as_str),
            );
            // The roles the contact's page shows: its portal user's, else its next invitation's.
            let web_roles = match accounts::user_of_contact(&mut conn, c.id).await? {
                Some(user) => match accounts::user_by_id(&mut conn, user).await? {
                    Some(user) => crate::customers::web_roles_of(&user.roles),
                    None => c.web_roles.clone(),
                },
                None => c.web_roles.clone(),
            };
            let roles: Vec<&str> = web_roles.iter().map(|r| r.as_str()).collect();
            let roles = roles.join(",");
            let contact = [
                contact_ref.as_str(),
                &c.first_name,
                &c.last_name,
                c.email.as_str(),
                c.phone.as_ref().map_or("", |p| p.as_str()),
                c.language.as_deref().unwrap_or_default(),
                &roles,
            ];
            out.push_str(&csv_line(account.iter().copied().chain(contact)));
        }
    }
    let next = match page.next {
        Some(cursor) => Some(
            directory::accounts_page_start(cursor.as_str())
                .map_err(|e| StoreError::Corrupt(format!("next cursor: {e:?}")))?,
        ),
        None => None,
    };
    Ok((out, next))
}

/// Where the next chunk of an assets export starts: components or top-level assets, after
/// which id; `None`: it is done.
pub type AssetsNext = Option<(bool, i64)>;

/// The first chunk of an assets export starts here.
pub const ASSETS_START: (bool, i64) = (false, 0);

/// The lines of up to [`ASSETS_CHUNK`] assets from `at` (top-level assets first, then
/// components, each by id), and where the next chunk starts.
pub async fn assets_chunk(
    app: &App,
    _staff: Staff,
    which: &AssetExport,
    (components, after): (bool, i64),
) -> Result<(String, AssetsNext), StoreError> {
    let mut conn = app.store.conn().await?;
    let lines = imports::assets_after(&mut conn, which, components, after, ASSETS_CHUNK).await?;
    let mut out = String::new();
    for a in &lines {
        out.push_str(&csv_line([
            a.reference.as_str(),
            &a.account_ref,
            a.parent_ref.as_deref().unwrap_or_default(),
            &a.name,
            &a.product,
            a.serial_number.as_deref().unwrap_or_default(),
            yes_no_text(a.expose_to_customer),
        ]));
    }
    let next = match lines.last() {
        Some(last) if lines.len() as i64 == ASSETS_CHUNK => Some((components, last.id)),
        _ if !components && !which.top_level => Some((true, 0)),
        _ => None,
    };
    Ok((out, next))
}
