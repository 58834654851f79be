//! Read models for the staff pages about people: accounts with their contacts and each
//! contact's portal status (invitation, account, roles), and users with their roles. Searches
//! are substring matches on names and email addresses that ignore case and accents alike on
//! both engines ("emilie" finds "ÉMILIE"): they compare [`search_key`]s, which the store
//! computes in Rust on every write (migration 0009). The accounts list is a keyset list (by the
//! folded name, then id: migration 0015's indexes make any page a range scan from its cursor);
//! the users list is offset-based (sorted by email, with page numbers).

use crate::records::cursor::{Cursor, KeyKind, Start};
use crate::records::query::{self, Arg, Keyset, SortSpec, Where};
use crate::sql::{Run, placeholders, rows};
use crate::{Backend, Conn, Result, RowExt};
use jiff::Timestamp;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, InvalidInput, TechnicianId, UserId};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// One page of a list, and whether another follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

/// An account and its contacts, for the staff accounts list.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountContacts {
    pub id: AccountId,
    pub name: String,
    pub kind: AccountKind,
    pub active: bool,
    pub city: String,
    /// The name of the territory the address belongs to, if any.
    pub territory: Option<String>,
    pub contacts: Vec<ContactStatus>,
}

/// A contact and where they stand with the portal.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactStatus {
    pub id: ContactId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub active: bool,
    /// The portal user of this contact (or with this contact's address).
    pub user: Option<PortalUser>,
    /// The newest invitation made for this contact.
    pub latest_invitation: Option<InvitationState>,
    /// The address was invited automatically once: bulk invitations skip it.
    pub invited_automatically: bool,
}

/// A contact's portal user: who, their roles, and whether they are disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUser {
    pub id: UserId,
    pub roles: Vec<Role>,
    pub disabled: bool,
}

/// The dates of an invitation, from which its state follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationState {
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub redeemed_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Its code works until it expires.
    Pending,
    /// Its code made a portal account.
    Redeemed,
    /// Its code was not used in time.
    Expired,
    /// Staff revoked it, or a newer invitation of the contact replaced it.
    Revoked,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Redeemed => "redeemed",
            InvitationStatus::Expired => "expired",
            InvitationStatus::Revoked => "revoked",
        }
    }
}

impl InvitationState {
    /// The dates of the row's `created_at`, `expires_at`, `redeemed_at` and `revoked_at`.
    pub(crate) fn from_row(r: &AnyRow) -> Result<InvitationState> {
        Ok(InvitationState {
            created_at: r.ts("created_at")?,
            expires_at: r.ts("expires_at")?,
            redeemed_at: r.opt_ts("redeemed_at")?,
            revoked_at: r.opt_ts("revoked_at")?,
        })
    }

    /// Where the invitation stands at `now` (a redeemed one stays redeemed, a revoked one
    /// revoked, whatever its expiry).
    pub fn status(&self, now: Timestamp) -> InvitationStatus {
        if self.redeemed_at.is_some() {
            InvitationStatus::Redeemed
        } else if self.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

/// Text as searches compare it: Unicode lower case, the accents of Latin letters removed, and
/// the ligatures spelled out ("Émilie" → "emilie", "Œuvre" → "oeuvre", "Straße" → "strasse").
/// Done in Rust so that both engines compare the same text.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            // Combining marks of decomposed text ("e" + U+0301).
            '\u{300}'..='\u{36f}' => {}
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => out.push('c'),
            'ď' | 'đ' | 'ð' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => out.push('g'),
            'ĥ' | 'ħ' => out.push('h'),
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => out.push('i'),
            'ĳ' => out.push_str("ij"),
            'ĵ' => out.push('j'),
            'ķ' => out.push('k'),
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => out.push('l'),
            'ñ' | 'ń' | 'ņ' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ŕ' | 'ŗ' | 'ř' => out.push('r'),
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ţ' | 'ť' | 'ŧ' | 'ț' => out.push('t'),
            'þ' => out.push_str("th"),
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ŵ' => out.push('w'),
            'ý' | 'ÿ' | 'ŷ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            c => out.push(c),
        }
    }
    out
}

/// An account's search key: its name.
pub(crate) fn account_search_key(name: &str) -> String {
    search_key(name)
}

/// A contact's search key: "first last", then the address on a line of its own (a search,
/// which holds no line break, matches within one of them, as it would match either column).
pub(crate) fn contact_search_key(first_name: &str, last_name: &str, email: &str) -> String {
    format!(
        "{}\n{}",
        search_key(&format!("{first_name} {last_name}")),
        search_key(email)
    )
}

/// Fills the search keys of accounts and contacts written before migration 0009 (those still
/// ''); nothing to do afterwards. Run by the store right after migrating.
pub async fn fill_search_keys(conn: &mut Conn) -> Result<()> {
    let accounts = sqlx::query("SELECT id, name FROM accounts WHERE search_key = ''")
        .fetch_all(&mut *conn)
        .await?;
    for r in &accounts {
        sqlx::query("UPDATE accounts SET search_key = $1 WHERE id = $2")
            .bind(account_search_key(&r.text("name")?))
            .bind(r.i64("id")?)
            .execute(&mut *conn)
            .await?;
    }
    let contacts =
        sqlx::query("SELECT id, first_name, last_name, email FROM contacts WHERE search_key = ''")
            .fetch_all(&mut *conn)
            .await?;
    for r in &contacts {
        let key = contact_search_key(
            &r.text("first_name")?,
            &r.text("last_name")?,
            &r.text("email")?,
        );
        sqlx::query("UPDATE contacts SET search_key = $1 WHERE id = $2")
            .bind(key)
            .bind(r.i64("id")?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `%term%` for LIKE, the term `fold`ed as the column it is compared with ([`search_key`], or
/// plain lower case for a `LOWER(...)` column), with LIKE's wildcards in the term escaped (`\`) and control
/// characters dropped (no name or address holds one, and PostgreSQL refuses NUL in text).
pub(crate) fn like_pattern(term: &str, fold: fn(&str) -> String) -> String {
    let mut out = String::from("%");
    for c in fold(term.trim()).chars().filter(|c| !c.is_control()) {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One page of the rows of `sql` (its `$1` the limit, `$2` the offset, `$3` the LIKE pattern
/// when there is one), each read by `map`: at most `limit` (1 to 200) from `offset`, and
/// whether more follow.
async fn page<T>(
    conn: &mut Conn,
    sql: &str,
    pattern: Option<String>,
    (limit, offset): (i64, i64),
    map: impl FnMut(&AnyRow) -> Result<T>,
) -> Result<Page<T>> {
    let limit = limit.clamp(1, 200);
    let mut query = sqlx::query(sql).bind(limit + 1).bind(offset.max(0));
    if let Some(pattern) = pattern {
        query = query.bind(pattern);
    }
    let mut items = query.all(conn, map).await?;
    let has_more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok(Page { items, has_more })
}

/// Which accounts the staff's list shows. Every field narrows; the default is every account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFilter {
    /// Part of the account's name, or of one of its contacts' names or addresses.
    pub search: String,
    pub kind: Option<AccountKind>,
    /// Only active (`Some(true)`) or only inactive (`Some(false)`) accounts.
    pub active: Option<bool>,
}

impl AccountFilter {
    /// The conditions on `accounts x`, with their arguments.
    fn conditions(&self) -> Where {
        let mut w = Where::new();
        if let Some(kind) = self.kind {
            let p = w.arg(Arg::Text(kind.as_str().to_owned()));
            w.cond(format!("x.kind = {p}"));
        }
        if let Some(active) = self.active {
            // A literal: both engines compare a boolean column with TRUE / FALSE.
            w.cond(if active {
                "x.active = TRUE"
            } else {
                "x.active = FALSE"
            });
        }
        if !self.search.trim().is_empty() {
            let p = w.arg(Arg::Text(like_pattern(&self.search, search_key)));
            w.cond(format!(
                "(x.search_key LIKE {p} ESCAPE '\\' OR EXISTS (SELECT 1 FROM contacts c \
                 WHERE c.account_id = x.id AND c.search_key LIKE {p} ESCAPE '\\'))"
            ));
        }
        w
    }
}

/// Accounts by their folded name ([`search_key`]), then id: the same order on both engines
/// for names that differ only in case or accents.
static BY_NAME: SortSpec = SortSpec {
    name: "accounts.name",
    expr: "x.search_key",
    kind: KeyKind::Text,
};

const ACCOUNT_ROW: &str = "x.id, x.name, x.kind, x.active, x.city, t.name AS territory_name";
const ACCOUNT_JOINS: &str = "LEFT JOIN territories t ON t.id = x.territory_id";

/// Where a page of the accounts list starts, from its `cursor` token (empty: the first).
pub fn accounts_page_start(token: &str) -> std::result::Result<Start, InvalidInput> {
    Cursor::decode(token, BY_NAME.name, false, BY_NAME.kind)
}

fn accounts_keyset(filter: &AccountFilter, start: Start, limit: u32) -> Keyset {
    Keyset {
        w: filter.conditions(),
        table: "accounts",
        columns: ACCOUNT_ROW.to_owned(),
        joins: ACCOUNT_JOINS.to_owned(),
        sort: &BY_NAME,
        descending: false,
        start,
        limit,
    }
}

/// One page of the accounts matching `filter`, by name, each with all its contacts, and the
/// Next / Previous cursors. A keyset page: page 500 costs what page 1 does.
pub async fn accounts_page(
    conn: &mut Conn,
    filter: &AccountFilter,
    start: Start,
    limit: u32,
) -> Result<query::Page<AccountContacts>> {
    let mut page = query::page(conn, accounts_keyset(filter, start, limit), |r| {
        Ok(AccountContacts {
            id: AccountId(r.i64("id")?),
            name: r.text("name")?,
            kind: AccountKind::parse(&r.text("kind")?)?,
            active: r.bool("active")?,
            city: r.text("city")?,
            territory: r.opt_text("territory_name")?,
            contacts: Vec::new(),
        })
    })
    .await?;
    let ids: Vec<AccountId> = page.items.iter().map(|a| a.id).collect();
    let mut contacts = contacts_with_status(conn, &ids).await?;
    for account in &mut page.items {
        account.contacts = contacts.remove(&account.id).unwrap_or_default();
    }
    Ok(page)
}

/// The engine's plan for a page of the accounts list (`EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL): for the benchmark and the tests of its indexes.
pub async fn explain_accounts_page(
    conn: &mut Conn,
    backend: Backend,
    filter: &AccountFilter,
    start: Start,
) -> Result<Vec<String>> {
    query::explain(conn, backend, &accounts_keyset(filter, start, 20)).await
}

/// The contacts of an account with where each stands with the portal, by name.
pub async fn account_contacts(conn: &mut Conn, account: AccountId) -> Result<Vec<ContactStatus>> {
    Ok(contacts_with_status(conn, &[account])
        .await?
        .remove(&account)
        .unwrap_or_default())
}

/// The contacts of `accounts`, each with its portal user (by contact, or by address), newest
/// invitation and automatic invitation, by account; each account's sorted by name.
async fn contacts_with_status(
    conn: &mut Conn,
    accounts: &[AccountId],
) -> Result<HashMap<AccountId, Vec<ContactStatus>>> {
    let mut out: HashMap<AccountId, Vec<ContactStatus>> = HashMap::new();
    if accounts.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = accounts.iter().map(|a| a.0).collect();
    let sql = format!(
        "SELECT c.id, c.account_id, c.first_name, c.last_name, c.email, c.active, \
                u.id AS user_id, u.disabled AS user_disabled, \
                (SELECT COUNT(*) FROM invited_emails i WHERE i.email = c.email) AS auto_invited \
         FROM contacts c LEFT JOIN users u ON u.id = (SELECT MIN(v.id) FROM users v \
              WHERE v.contact_id = c.id OR v.email = c.email) \
         WHERE c.account_id IN ({}) \
         ORDER BY LOWER(c.last_name), LOWER(c.first_name), c.id",
        placeholders(1, ids.len())
    );
    let mut contacts: Vec<(AccountId, ContactStatus)> = Vec::new();
    for r in &rows(conn, &sql, &ids).await? {
        let user = match r.opt_i64("user_id")? {
            Some(id) => Some(PortalUser {
                id: UserId(id),
                roles: Vec::new(),
                disabled: r.bool("user_disabled")?,
            }),
            None => None,
        };
        contacts.push((
            AccountId(r.i64("account_id")?),
            ContactStatus {
                id: ContactId(r.i64("id")?),
                first_name: r.text("first_name")?,
                last_name: r.text("last_name")?,
                email: r.text("email")?,
                active: r.bool("active")?,
                user,
                latest_invitation: None,
                invited_automatically: r.i64("auto_invited")? > 0,
            },
        ));
    }
    let contact_ids: Vec<i64> = contacts.iter().map(|(_, c)| c.id.0).collect();
    let invitations = latest_invitations(conn, &contact_ids).await?;
    let user_ids: Vec<i64> = contacts
        .iter()
        .filter_map(|(_, c)| c.user.as_ref().map(|u| u.id.0))
        .collect();
    let roles = roles_of(conn, &user_ids).await?;
    for (account_id, mut contact) in contacts {
        contact.latest_invitation = invitations.get(&contact.id.0).copied();
        if let Some(user) = &mut contact.user {
            user.roles = roles.get(&user.id.0).cloned().unwrap_or_default();
        }
        out.entry(account_id).or_default().push(contact);
    }
    Ok(out)
}

/// The newest invitation of each contact, by contact id.
async fn latest_invitations(
    conn: &mut Conn,
    contact_ids: &[i64],
) -> Result<HashMap<i64, InvitationState>> {
    let mut out = HashMap::new();
    if contact_ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT contact_id, created_at, expires_at, redeemed_at, revoked_at FROM invitations \
         WHERE contact_id IN ({}) ORDER BY id DESC",
        placeholders(1, contact_ids.len())
    );
    for r in rows(conn, &sql, contact_ids).await? {
        // Newest first: the first row of each contact is its latest invitation.
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(r.i64("contact_id")?) {
            slot.insert(InvitationState::from_row(&r)?);
        }
    }
    Ok(out)
}

/// The roles of each user, sorted, by user id.
async fn roles_of(conn: &mut Conn, user_ids: &[i64]) -> Result<HashMap<i64, Vec<Role>>> {
    let mut out: HashMap<i64, Vec<Role>> = HashMap::new();
    if user_ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT user_id, role FROM user_roles WHERE user_id IN ({})",
        placeholders(1, user_ids.len())
    );
    for r in rows(conn, &sql, user_ids).await? {
        let role: Role = r.text("role")?.parse()?;
        out.entry(r.i64("user_id")?).or_default().push(role);
    }
    for roles in out.values_mut() {
        roles.sort();
    }
    Ok(out)
}

/// A user as the staff users page lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub disabled: bool,
    pub roles: Vec<Role>,
    /// The account of the user's contact: (id, name, kind).
    pub account: Option<(AccountId, String, AccountKind)>,
    /// The technician this user signs in as: (id, name).
    pub technician: Option<(TechnicianId, String)>,
}

/// Users sorted by email, matching `search` by email or display name.
pub async fn users(
    conn: &mut Conn,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Page<UserSummary>> {
    let (filter, pattern) = if search.trim().is_empty() {
        ("", None)
    } else {
        (
            "WHERE LOWER(u.email) LIKE $3 ESCAPE '\\' OR LOWER(u.display_name) LIKE $3 ESCAPE '\\'",
            Some(like_pattern(search, str::to_lowercase)),
        )
    };
    let sql = format!(
        "SELECT u.id, u.email, u.display_name, u.disabled, a.id AS account_id, a.name AS account_name, \
                a.kind AS account_kind, t.id AS technician_id, t.name AS technician_name \
         FROM users u LEFT JOIN contacts c ON c.id = u.contact_id \
         LEFT JOIN accounts a ON a.id = c.account_id \
         LEFT JOIN technicians t ON t.user_id = u.id {filter} \
         ORDER BY LOWER(u.email), u.id LIMIT $1 OFFSET $2"
    );
    let Page {
        mut items,
        has_more,
    } = page(conn, &sql, pattern, (limit, offset), |r| {
        let account = match r.opt_i64("account_id")? {
            Some(id) => Some((
                AccountId(id),
                r.text("account_name")?,
                AccountKind::parse(&r.text("account_kind")?)?,
            )),
            None => None,
        };
        Ok(UserSummary {
            id: UserId(r.i64("id")?),
            email: r.text("email")?,
            display_name: r.text("display_name")?,
            disabled: r.bool("disabled")?,
            roles: Vec::new(),
            account,
            technician: match r.opt_i64("technician_id")? {
                Some(id) => Some((TechnicianId(id), r.text("technician_name")?)),
                None => None,
            },
        })
    })
    .await?;
    let ids: Vec<i64> = items.iter().map(|u| u.id.0).collect();
    let roles = roles_of(conn, &ids).await?;
    for user in &mut items {
        user.roles = roles.get(&user.id.0).cloned().unwrap_or_default();
    }
    Ok(Page { items, has_more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fold_case_and_accents() {
        assert_eq!(search_key("Émilie"), "emilie");
        assert_eq!(search_key("ÉMILIE"), "emilie");
        assert_eq!(search_key("E\u{301}milie"), "emilie", "decomposed");
        assert_eq!(search_key("Œuvre Straße Łódź"), "oeuvre strasse lodz");
        assert_eq!(
            search_key("Çà et là, ÀÂÄ îï ÔÖ ÙÛÜ Ÿ"),
            "ca et la, aaa ii oo uuu y"
        );
        assert_eq!(search_key("ana@Example.TEST"), "ana@example.test");
        assert_eq!(
            search_key("Дмитрий"),
            "дмитрий",
            "other scripts: lower case"
        );
    }

    #[test]
    fn search_terms_match_literally() {
        assert_eq!(like_pattern(" Ana ", search_key), "%ana%");
        assert_eq!(like_pattern("50%_a\\b", search_key), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern("a\0b\n", search_key), "%ab%");
        assert_eq!(like_pattern("ÉMILIE", search_key), "%emilie%");
        assert_eq!(like_pattern("ÉMILIE", str::to_lowercase), "%émilie%");
        assert_eq!(placeholders(3, 2), "$3, $4");
    }
}
