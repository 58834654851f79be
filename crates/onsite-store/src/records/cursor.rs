//! Cursors for keyset pagination: where a page starts, as the sort key and id of the row next to
//! it, carried by the pages as an opaque token.
//!
//! The token is URL-safe base64 of a versioned text form plus a checksum, and names the sort and
//! direction it was made for. Anything altered, truncated, made for another sort or direction,
//! or whose key is not of the sort's type is refused as [`InvalidInput`] (`cursor`), never a
//! database error. A cursor grants nothing: the account and exposure filters are in the query,
//! not in the cursor, so even a well-formed forged cursor only moves within the caller's own
//! list.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use onsite_domain::InvalidInput;

/// The longest token accepted (a text key is bounded by what the columns hold; anything this
/// long is not one of ours).
const MAX_TOKEN: usize = 2048;
const VERSION: &str = "1";
const SEP: char = '\u{1f}';

/// The value of the sort column at a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Int(i64),
    Text(String),
}

/// The type of a sort column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
}

impl SortKey {
    pub fn kind(&self) -> KeyKind {
        match self {
            SortKey::Int(_) => KeyKind::Int,
            SortKey::Text(_) => KeyKind::Text,
        }
    }
}

/// A row's place in a sorted list: its sort key, then its id (which breaks ties, so every row
/// has exactly one place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub key: SortKey,
    pub id: i64,
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Start {
    /// The first page.
    #[default]
    First,
    /// The rows after this one (the "Next" link).
    After(Position),
    /// The rows before this one (the "Previous" link).
    Before(Position),
}

/// An opaque page token, as links and the JSON API carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

impl Cursor {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Makes the token for `start` in the list sorted by `sort` (a stable name such as
    /// `work-orders.number`) in the given direction. `Start::First` has no token.
    pub fn encode(sort: &str, descending: bool, start: &Start) -> Option<Cursor> {
        let (side, pos) = match start {
            Start::First => return None,
            Start::After(p) => ('n', p),
            Start::Before(p) => ('p', p),
        };
        let (kind, key) = match &pos.key {
            SortKey::Int(n) => ('i', n.to_string()),
            SortKey::Text(s) => ('t', s.clone()),
        };
        let dir = if descending { 'd' } else { 'a' };
        let payload = format!(
            "{VERSION}{SEP}{sort}{SEP}{dir}{SEP}{side}{SEP}{id}{SEP}{kind}{SEP}{key}",
            id = pos.id
        );
        let mut bytes = payload.into_bytes();
        bytes.extend_from_slice(&checksum(&bytes).to_be_bytes());
        Some(Cursor(URL_SAFE_NO_PAD.encode(&bytes)))
    }

    /// Reads a token back for the list sorted by `sort` in the given direction, whose keys are
    /// of `kind`. An empty token is the first page.
    pub fn decode(
        token: &str,
        sort: &str,
        descending: bool,
        kind: KeyKind,
    ) -> Result<Start, InvalidInput> {
        let bad = || InvalidInput::new("cursor", "cursor");
        let token = token.trim();
        if token.is_empty() {
            return Ok(Start::First);
        }
        if token.len() > MAX_TOKEN {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
        if bytes.len() < 8 {
            return Err(bad());
        }
        let (payload, sum) = bytes.split_at(bytes.len() - 8);
        let sum = u64::from_be_bytes(sum.try_into().map_err(|_| bad())?);
        if checksum(payload) != sum {
            return Err(bad());
        }
        let text = std::str::from_utf8(payload).map_err(|_| bad())?;
        let parts: Vec<&str> = text.splitn(7, SEP).collect();
        let [version, found_sort, dir, side, id, found_kind, key] = parts[..] else {
            return Err(bad());
        };
        let want_dir = if descending { "d" } else { "a" };
        if version != VERSION || found_sort != sort || dir != want_dir {
            return Err(bad());
        }
        let id: i64 = id.parse().map_err(|_| bad())?;
        let key = match (found_kind, kind) {
            ("i", KeyKind::Int) => SortKey::Int(key.parse().map_err(|_| bad())?),
            ("t", KeyKind::Text) => SortKey::Text(key.to_owned()),
            _ => return Err(bad()),
        };
        let pos = Position { key, id };
        match side {
            "n" => Ok(Start::After(pos)),
            "p" => Ok(Start::Before(pos)),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Catches a token that was cut, mistyped or edited by hand.
fn checksum(bytes: &[u8]) -> u64 {
    crate::sql::fnv1a(b"onsite-cursor", bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(key: SortKey, id: i64) -> Start {
        Start::After(Position { key, id })
    }

    #[test]
    fn cursors_read_back_as_they_were_made() {
        for (start, kind) in [
            (after(SortKey::Int(-1_700_000_000_000), 42), KeyKind::Int),
            (after(SortKey::Text("wo-000042".into()), 7), KeyKind::Text),
            (
                Start::Before(Position {
                    key: SortKey::Text("Chaudière | sous-sol \u{1f} ☃".into()),
                    id: i64::MAX,
                }),
                KeyKind::Text,
            ),
            (after(SortKey::Text(String::new()), 1), KeyKind::Text),
        ] {
            let token = Cursor::encode("work-orders.number", true, &start).unwrap();
            assert!(
                token
                    .as_str()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "URL-safe: {token}"
            );
            let back = Cursor::decode(token.as_str(), "work-orders.number", true, kind).unwrap();
            assert_eq!(back, start);
        }
        assert_eq!(Cursor::encode("x", false, &Start::First), None);
        assert_eq!(
            Cursor::decode("  ", "x", false, KeyKind::Int).unwrap(),
            Start::First
        );
    }

    #[test]
    fn altered_or_foreign_cursors_are_refused() {
        let start = after(SortKey::Int(5), 9);
        let token = Cursor::encode("invoices.issued", false, &start)
            .unwrap()
            .as_str()
            .to_owned();
        let refused = |t: &str, sort: &str, desc: bool, kind: KeyKind| {
            let err = Cursor::decode(t, sort, desc, kind).unwrap_err();
            assert_eq!((err.field, err.reason), ("cursor", "cursor"), "{t:?}");
        };
        refused(&token, "invoices.number", false, KeyKind::Int);
        refused(&token, "invoices.issued", true, KeyKind::Int);
        refused(&token, "invoices.issued", false, KeyKind::Text);
        refused(
            &token[..token.len() - 1],
            "invoices.issued",
            false,
            KeyKind::Int,
        );
        refused(&format!("{token}A"), "invoices.issued", false, KeyKind::Int);
        // Every single-character change is caught.
        for i in 0..token.len() {
            let mut b = token.clone().into_bytes();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let t = String::from_utf8(b).unwrap();
            refused(&t, "invoices.issued", false, KeyKind::Int);
        }
        for junk in ["%%%", "' OR 1=1 --", "AAAA", "\u{0}", &"A".repeat(5000)] {
            refused(junk, "invoices.issued", false, KeyKind::Int);
        }
    }
}
