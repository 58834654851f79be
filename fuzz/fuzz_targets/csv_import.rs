//! The CSV import's reader (`onsite_app::import::reader`): any bytes as a file of either kind,
//! with detected or chosen encoding and delimiter, read to its end. Never a panic: a file is
//! refused whole or each row is read or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_app::import::ImportKind;
use onsite_app::import::reader::{Encoding, Read1, Source};

fuzz_target!(|input: (u8, &[u8])| {
    let (choice, bytes) = input;
    let kind = ImportKind::ALL[usize::from(choice & 1)];
    let encoding = match (choice >> 1) & 3 {
        1 => Some(Encoding::Utf8),
        2 => Some(Encoding::Windows1252),
        _ => None,
    };
    let delimiter = match (choice >> 3) & 3 {
        1 => Some(b','),
        2 => Some(b';'),
        3 => Some(b'\t'),
        _ => None,
    };
    let Ok(mut source) = Source::open(bytes, kind.columns(), encoding, delimiter) else {
        return;
    };
    let mut last = 0;
    loop {
        match source.next_row() {
            Ok(Read1::Row(row)) => {
                assert_eq!(row.fields.len(), kind.columns().len());
                assert!(row.line >= last, "lines never go back");
                last = row.line;
            }
            Ok(Read1::Unreadable { line, .. }) => {
                assert!(line >= last);
                last = line;
            }
            Ok(Read1::End) | Err(_) => break,
        }
    }
});
