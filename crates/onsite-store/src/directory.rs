//! Read models for the staff pages about people: accounts with their contacts and each
//! contact's portal status (invitation, account, roles), and users with their roles. Searches
//! are substring matches on names and email addresses that ignore case and accents alike on
//! both engines ("emilie" finds "ÉMILIE"): they compare [`search_key`]s, which the store
//! computes in Rust on every write (migration 0009); pages are offset-based (staff lists sorted
//! by name, with page numbers).

use crate::sql::{Run, placeholders, rows};
use crate::{Conn, Result, RowExt};
use jiff::Timestamp;
use onsite_domain::account::AccountKind;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId, TechnicianId, UserId};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// One page of a list, and whether another follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

/// An account and its contacts, for the staff contacts page.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountContacts {
    pub id: AccountId,
    pub name: String,
    pub kind: AccountKind,
    pub active: bool,
    pub contacts: Vec<ContactStatus>,
}

/// A contact and where they stand with the portal.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactStatus {
    pub id: ContactId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The portal user of this contact (or with this contact's address), and their roles.
    pub user: Option<(UserId, Vec<Role>)>,
    /// The newest invitation made for this contact.
    pub latest_invitation: Option<InvitationState>,
    /// The address was invited automatically once: bulk invitations skip it.
    pub invited_automatically: bool,
}

/// The dates of an invitation, from which its state follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationState {
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub redeemed_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
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

/// Accounts (sorted by name) that match `search` by their name or by one of their contacts'
/// names or addresses, with all their contacts. `search` empty: every account.
pub async fn accounts_with_contacts(
    conn: &mut Conn,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Page<AccountContacts>> {
    let filter = if search.trim().is_empty() {
        ("", None)
    } else {
        (
            "WHERE a.search_key LIKE $3 ESCAPE '\\' OR EXISTS (SELECT 1 FROM contacts c \
             WHERE c.account_id = a.id AND c.search_key LIKE $3 ESCAPE '\\')",
            Some(like_pattern(search, search_key)),
        )
    };
    let sql = format!(
        "SELECT a.id, a.name, a.kind, a.active FROM accounts a {} \
         ORDER BY LOWER(a.name), a.id LIMIT $1 OFFSET $2",
        filter.0
    );
    let Page {
        items: mut accounts,
        has_more,
    } = page(conn, &sql, filter.1, (limit, offset), |r| {
        Ok(AccountContacts {
            id: AccountId(r.i64("id")?),
            name: r.text("name")?,
            kind: AccountKind::parse(&r.text("kind")?)?,
            active: r.bool("active")?,
            contacts: Vec::new(),
        })
    })
    .await?;
    if accounts.is_empty() {
        return Ok(Page {
            items: accounts,
            has_more,
        });
    }

    let ids: Vec<i64> = accounts.iter().map(|a| a.id.0).collect();
    let sql = format!(
        "SELECT c.id, c.account_id, c.first_name, c.last_name, c.email, \
                (SELECT MIN(u.id) FROM users u WHERE u.contact_id = c.id OR u.email = c.email) AS user_id, \
                (SELECT COUNT(*) FROM invited_emails i WHERE i.email = c.email) AS auto_invited \
         FROM contacts c WHERE c.account_id IN ({}) \
         ORDER BY LOWER(c.last_name), LOWER(c.first_name), c.id",
        placeholders(1, ids.len())
    );
    let rows = rows(conn, &sql, &ids).await?;
    let mut contacts: Vec<(AccountId, ContactStatus, Option<UserId>)> = Vec::new();
    for r in &rows {
        let user_id = r.opt_i64("user_id")?.map(UserId);
        contacts.push((
            AccountId(r.i64("account_id")?),
            ContactStatus {
                id: ContactId(r.i64("id")?),
                first_name: r.text("first_name")?,
                last_name: r.text("last_name")?,
                email: r.text("email")?,
                user: None,
                latest_invitation: None,
                invited_automatically: r.i64("auto_invited")? > 0,
            },
            user_id,
        ));
    }

    let contact_ids: Vec<i64> = contacts.iter().map(|(_, c, _)| c.id.0).collect();
    let invitations = latest_invitations(conn, &contact_ids).await?;
    let user_ids: Vec<i64> = contacts
        .iter()
        .filter_map(|(_, _, u)| u.map(|u| u.0))
        .collect();
    let roles = roles_of(conn, &user_ids).await?;
    for (account_id, mut contact, user_id) in contacts {
        contact.latest_invitation = invitations.get(&contact.id.0).copied();
        contact.user = user_id.map(|u| (u, roles.get(&u.0).cloned().unwrap_or_default()));
        if let Some(account) = accounts.iter_mut().find(|a| a.id == account_id) {
            account.contacts.push(contact);
        }
    }
    Ok(Page {
        items: accounts,
        has_more,
    })
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
        let contact = r.i64("contact_id")?;
        if out.contains_key(&contact) {
            continue;
        }
        out.insert(
            contact,
            InvitationState {
                created_at: r.ts("created_at")?,
                expires_at: r.ts("expires_at")?,
                redeemed_at: r.opt_ts("redeemed_at")?,
                revoked_at: r.opt_ts("revoked_at")?,
            },
        );
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
