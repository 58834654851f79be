//! Reading a CSV file as people export it from a spreadsheet or another system: UTF-8 with or
//! without a byte-order mark, or Windows-1252 (Excel's "CSV" on Western Windows); comma or
//! semicolon (Excel's in French locales) between fields; a first line of column names, matched
//! to a kind's columns ignoring case, accents, spaces and punctuation, and through each
//! column's aliases. Rows are read one at a time from any [`Read`]: memory stays flat whatever
//! the file's size.
//!
//! Encoding and delimiter are detected from the file's first 64 KiB unless chosen. Fields are
//! split on the raw bytes (delimiters, quotes and line ends are ASCII in both encodings) and
//! each field is decoded afterwards, so a byte that is not UTF-8 in a row past the sample
//! refuses that row, not the file.

use super::{Column, ImportError};
use std::borrow::Cow;
use std::io::{Chain, Cursor, Read};

/// How much of the file encoding and delimiter are detected from.
const SAMPLE: usize = 64 * 1024;

/// The text encodings a file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// `utf-8`/`utf8`, `windows-1252`/`cp1252`/`latin1` (any case).
    pub fn parse(raw: &str) -> Option<Encoding> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// A field's text; `None` when its bytes are not text in this encoding.
    fn decode(self, bytes: &[u8]) -> Option<Cow<'_, str>> {
        match self {
            Encoding::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Encoding::Windows1252 => Some(
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0,
            ),
        }
    }
}

/// The field separators a file may use.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// A delimiter's name as typed: `,` `;` or `tab`.
pub fn parse_delimiter(raw: &str) -> Option<u8> {
    match raw.trim() {
        "," | "comma" => Some(b','),
        ";" | "semicolon" => Some(b';'),
        "\t" | "tab" => Some(b'\t'),
        _ => None,
    }
}

/// An open file: how it is read, which of its columns are which, and its rows.
pub struct Source<R: Read> {
    pub encoding: Encoding,
    pub delimiter: u8,
    /// Column names of the file that match none of the kind's columns (ignored).
    pub ignored: Vec<String>,
    /// For each of the kind's columns, the position of the file's column, if it has it.
    positions: Vec<Option<usize>>,
    /// How many fields the header has.
    width: usize,
    reader: csv::Reader<Lf<Chain<Cursor<Vec<u8>>, R>>>,
    /// Line ends before the last row read (the header is line 1).
    lines_before: u64,
    record: csv::ByteRecord,
}

/// One row of the file: its line and its fields in the kind's column order.
#[derive(Debug, Default)]
pub struct Row {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub fields: Vec<String>,
}

/// What a row read from the file is.
pub enum Read1 {
    Row(Row),
    /// A row that cannot be read: its line and why (`columns`: more fields than the header
    /// has; `encoding`: bytes that are not text in the file's encoding).
    Unreadable {
        line: u64,
        reason: &'static str,
    },
    End,
}

impl<R: Read> Source<R> {
    /// Opens `input`: reads its sample, detects or takes the encoding and delimiter, reads the
    /// header and matches it to `columns`. Refused: a UTF-16 or binary file, an empty one, a
    /// header naming a column twice or lacking a required one.
    pub fn open(
        mut input: R,
        columns: &[Column],
        encoding: Option<Encoding>,
        delimiter: Option<u8>,
    ) -> Result<Source<R>, ImportError> {
        let mut sample = Vec::with_capacity(SAMPLE);
        (&mut input)
            .take(SAMPLE as u64)
            .read_to_end(&mut sample)
            .map_err(|e| ImportError::Unreadable(e.to_string()))?;
        if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
            return Err(ImportError::Encoding);
        }
        let bom = sample.starts_with(&[0xEF, 0xBB, 0xBF]);
        if bom {
            sample.drain(..3);
        }
        if sample.contains(&0) {
            return Err(ImportError::Encoding);
        }
        let encoding = match encoding {
            Some(e) => e,
            None if bom => Encoding::Utf8,
            None => detect_encoding(&sample),
        };
        let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(&sample));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(Lf::new(Cursor::new(sample).chain(input)));
        let mut header = csv::ByteRecord::new();
        let read = reader
            .read_byte_record(&mut header)
            .map_err(|e| ImportError::Unreadable(e.to_string()))?;
        if !read {
            return Err(ImportError::Empty);
        }
        let mut positions = vec![None; columns.len()];
        let mut ignored = Vec::new();
        for (at, raw) in header.iter().enumerate() {
            let name = encoding.decode(raw).ok_or(ImportError::Encoding)?;
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            match columns.iter().position(|c| c.matches(name)) {
                Some(c) if positions[c].is_some() => {
                    return Err(ImportError::DuplicateColumn(columns[c].name.to_owned()));
                }
                Some(c) => positions[c] = Some(at),
                None => ignored.push(name.to_owned()),
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .zip(&positions)
            .filter(|(c, at)| c.required && at.is_none())
            .map(|(c, _)| c.name)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing.join(", ")));
        }
        Ok(Source {
            encoding,
            delimiter,
            ignored,
            positions,
            width: header.len(),
            lines_before: 0,
            reader,
            record: csv::ByteRecord::new(),
        })
    }

    /// The next row with anything in it (blank lines and rows of empty fields are skipped).
    pub fn next_row(&mut self) -> Result<Read1, ImportError> {
        loop {
            let read = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| ImportError::Unreadable(e.to_string()))?;
            if !read {
                return Ok(Read1::End);
            }
            let line = self.line_at(self.record.position().map_or(0, |p| p.byte()));
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if self
                .record
                .iter()
                .skip(self.width)
                .any(|f| !f.iter().all(u8::is_ascii_whitespace))
            {
                return Ok(Read1::Unreadable {
                    line,
                    reason: "columns",
                });
            }
            // A NUL is no text in either encoding (and PostgreSQL refuses it in any string).
            if self.record.as_slice().contains(&0) {
                return Ok(Read1::Unreadable {
                    line,
                    reason: "encoding",
                });
            }
            let mut fields = Vec::with_capacity(self.positions.len());
            for at in &self.positions {
                let raw = at.and_then(|at| self.record.get(at)).unwrap_or_default();
                match self.encoding.decode(raw) {
                    Some(text) => fields.push(text.trim().to_owned()),
                    None => {
                        return Ok(Read1::Unreadable {
                            line,
                            reason: "encoding",
                        });
                    }
                }
            }
            return Ok(Read1::Row(Row { line, fields }));
        }
    }
}

/// A reader that turns each `\r\n` into `\n` and notes where the line ends it passes on are,
/// so that each row's line is the one a text editor shows (the csv crate's own count misses
/// skipped blank lines and is one short at each record of a CRLF file). The offsets are
/// dropped as rows pass them: what is kept spans the csv reader's buffer and one row.
struct Lf<R> {
    inner: R,
    /// Offsets (in what was passed on) of the line ends not yet behind a row.
    newlines: std::collections::VecDeque<u64>,
    /// Bytes passed on so far.
    passed: u64,
    /// A `\r` read last, not yet passed on: whether a `\n` follows decides.
    held_cr: bool,
    buf: Vec<u8>,
    at: usize,
}

impl<R: Read> Lf<R> {
    fn new(inner: R) -> Lf<R> {
        Lf {
            inner,
            newlines: std::collections::VecDeque::new(),
            passed: 0,
            held_cr: false,
            buf: Vec::new(),
            at: 0,
        }
    }
}

impl<R: Read> Read for Lf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.at == self.buf.len() {
            let mut chunk = [0u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            self.buf.clear();
            self.at = 0;
            if n == 0 {
                if std::mem::take(&mut self.held_cr) {
                    self.buf.push(b'\r');
                    break;
                }
                return Ok(0);
            }
            for &b in &chunk[..n] {
                if std::mem::take(&mut self.held_cr) && b != b'\n' {
                    self.buf.push(b'\r');
                }
                if b == b'\r' {
                    self.held_cr = true;
                } else {
                    self.buf.push(b);
                }
            }
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        for (i, b) in out[..n].iter().enumerate() {
            if *b == b'\n' {
                self.newlines.push_back(self.passed + i as u64);
            }
        }
        self.passed += n as u64;
        self.at += n;
        Ok(n)
    }
}

impl<R: Read> Source<R> {
    /// The line of a row the csv reader says starts at `offset` (after the last row's): where
    /// the blank lines it skipped there end.
    fn line_at(&mut self, mut offset: u64) -> u64 {
        let newlines = &mut self.reader.get_mut().newlines;
        while let Some(&at) = newlines.front() {
            if at < offset {
            } else if at == offset {
                // A blank line the reader skipped: the row starts after it.
                offset += 1;
            } else {
                break;
            }
            newlines.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }
}

/// UTF-8 when the sample is (a sequence cut at its end aside), else Windows-1252.
fn detect_encoding(sample: &[u8]) -> Encoding {
    match std::str::from_utf8(sample) {
        Ok(_) => Encoding::Utf8,
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Windows1252,
    }
}

/// The most frequent of `,` `;` and tab in the first line, outside quotes (`,` when none).
fn detect_delimiter(sample: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in sample {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..DELIMITERS.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        DELIMITERS[best]
    }
}

/// A column name folded for matching: lower case, Latin accents removed, every run of other
/// characters than letters and digits one `_` (`Référence client` → `reference_client`).
pub fn fold(name: &str) -> String {
    let folded = onsite_store::directory::search_key(name);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_delimiters_are_detected_from_the_first_line() {
        assert_eq!(
            detect_encoding("nom;ville\nÉcole;Montréal".as_bytes()),
            Encoding::Utf8
        );
        assert_eq!(
            detect_encoding(b"nom;ville\n\xC9cole;Montr\xE9al"),
            Encoding::Windows1252
        );
        // A sequence cut by the end of the sample is still UTF-8.
        assert_eq!(detect_encoding(&"é".as_bytes()[..1]), Encoding::Utf8);
        assert_eq!(detect_delimiter(b"a;b;c\nx,y"), b';');
        assert_eq!(detect_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(detect_delimiter(b"name\n"), b',');
    }

    #[test]
    fn crlf_becomes_lf_across_reads_and_a_lone_cr_stays() {
        let mut input = b"a\r\nb\rc\r".to_vec();
        input.extend(std::iter::repeat_n(b'x', 8191));
        input.extend_from_slice(b"\r\nend\r");
        let mut out = Vec::new();
        Lf::new(&input[..]).read_to_end(&mut out).unwrap();
        let mut expected = b"a\nb\rc\r".to_vec();
        expected.extend(std::iter::repeat_n(b'x', 8191));
        expected.extend_from_slice(b"\nend\r");
        assert_eq!(out, expected);
    }

    #[test]
    fn column_names_fold_case_accents_and_punctuation() {
        assert_eq!(fold(" Référence  Client "), "reference_client");
        assert_eq!(fold("E-mail"), "e_mail");
        assert_eq!(fold("account_ref"), "account_ref");
        assert_eq!(fold("Code postal:"), "code_postal");
    }
}
