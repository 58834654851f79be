//! Keyset page cursors (`cursor=` of the record lists, their JSON API, and the staff's
//! feedback responses): any token is either refused as `cursor` or names a position, which
//! encodes back to a token naming the same position; every position made by a page reads back.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use onsite_store::records::lists::{AgreementSort, AssetSort, InvoiceSort, WorkOrderSort};
use onsite_store::records::{Cursor, KeyKind, Position, SortKey, Start};

/// Every sort a page offers: its stable name and key type (lists.rs and feedback.rs).
const SORTS: &[(&str, KeyKind)] = &[
    ("work-orders.number", KeyKind::Text),
    ("work-orders.opened", KeyKind::Int),
    ("work-orders.status", KeyKind::Text),
    ("agreements.number", KeyKind::Text),
    ("agreements.name", KeyKind::Text),
    ("agreements.ends", KeyKind::Text),
    ("assets.name", KeyKind::Text),
    ("assets.product", KeyKind::Text),
    ("assets.added", KeyKind::Int),
    ("invoices.number", KeyKind::Text),
    ("invoices.issued", KeyKind::Text),
    ("invoices.due", KeyKind::Text),
    ("invoices.status", KeyKind::Text),
    ("feedback.submitted", KeyKind::Int),
];

#[derive(Debug, Arbitrary)]
enum Input<'a> {
    /// A token as a link or an API client sends it.
    Token { token: &'a str, descending: bool },
    /// A position a page makes a token for.
    Made {
        sort: u8,
        descending: bool,
        after: bool,
        int: i64,
        text: String,
        id: i64,
    },
}

fn read_back(name: &str, descending: bool, kind: KeyKind, start: &Start) {
    let Some(token) = Cursor::encode(name, descending, start) else {
        assert_eq!(start, &Start::First);
        return;
    };
    assert!(
        token
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "URL-safe: {token}"
    );
    if token.as_str().len() <= 2048 {
        assert_eq!(
            Cursor::decode(token.as_str(), name, descending, kind).as_ref(),
            Ok(start),
            "{token}"
        );
    }
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Token { token, descending } => {
        // Through the lists' own readers.
        let real = [
            WorkOrderSort::ALL
                .iter()
                .map(|s| s.cursor(token, descending))
                .collect::<Vec<_>>(),
            AgreementSort::ALL
                .iter()
                .map(|s| s.cursor(token, descending))
                .collect(),
            AssetSort::ALL
                .iter()
                .map(|s| s.cursor(token, descending))
                .collect(),
            InvoiceSort::ALL
                .iter()
                .map(|s| s.cursor(token, descending))
                .collect(),
            vec![onsite_store::feedback::responses_start(token)],
        ];
        for result in real.iter().flatten() {
            if let Err(e) = result {
                assert_eq!((e.field, e.reason), ("cursor", "cursor"));
            }
        }
        for (name, kind) in SORTS {
            if let Ok(start) = Cursor::decode(token, name, descending, *kind) {
                if let Start::After(p) | Start::Before(p) = &start {
                    assert_eq!(p.key.kind(), *kind, "a key of the sort's type");
                }
                read_back(name, descending, *kind, &start);
            }
        }
    }
    Input::Made {
        sort,
        descending,
        after,
        int,
        text,
        id,
    } => {
        let (name, kind) = SORTS[usize::from(sort) % SORTS.len()];
        let key = match kind {
            KeyKind::Int => SortKey::Int(int),
            KeyKind::Text => SortKey::Text(text),
        };
        let position = Position { key, id };
        let start = if after {
            Start::After(position)
        } else {
            Start::Before(position)
        };
        read_back(name, descending, kind, &start);
    }
});
