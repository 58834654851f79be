//! Calendar invitations (`.ics`, RFC 5545 with the iTIP methods of RFC 5546) attached to the
//! booking emails, so the visit lands in the customer's calendar and follows it: a booking or a
//! reschedule is a `REQUEST`, a cancellation a `CANCEL`, all with the visit's one `UID` and a
//! `SEQUENCE` that grows with every change, which is how calendars know which version wins.
//!
//! Written by hand rather than with a crate: an event is a dozen lines, and the rules that
//! matter (CRLF line ends, text escaping, folding at 75 octets without splitting a character,
//! no control characters from user text, UTC times) are few and tested here.

use crate::email::Attachment;
use jiff::Timestamp;

/// What the invitation asks of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add or update the event (booked, rescheduled).
    Request,
    /// Remove the event (canceled).
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person on the invitation: a display name and an email address.
#[derive(Debug, Clone, Copy)]
pub struct Party<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// One visit as a calendar event.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub method: Method,
    /// The visit's calendar UID: the same for its whole life.
    pub uid: &'a str,
    /// 0 when booked, one more at every change sent to the customer.
    pub sequence: i64,
    /// When this version was made (DTSTAMP).
    pub stamp: Timestamp,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    /// Who sends the invitation (iTIP requires one for REQUEST and CANCEL).
    pub organizer: Party<'a>,
    /// The customer it is for.
    pub attendee: Party<'a>,
}

/// The `.ics` text: CRLF line ends, long lines folded.
pub fn render(e: &Event<'_>) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Onsite//Onsite field service portal//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{}", e.method.as_str()),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", text(e.uid)),
        format!("SEQUENCE:{}", e.sequence.max(0)),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(e.starts_at)),
        format!("DTEND:{}", utc(e.ends_at)),
        format!("SUMMARY:{}", text(e.summary)),
    ];
    if !e.description.trim().is_empty() {
        lines.push(format!("DESCRIPTION:{}", text(e.description)));
    }
    if !e.location.trim().is_empty() {
        lines.push(format!("LOCATION:{}", text(e.location)));
    }
    lines.push(format!(
        "ORGANIZER;CN={}:mailto:{}",
        param(e.organizer.name),
        address(e.organizer.email)
    ));
    lines.push(format!(
        "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
        param(e.attendee.name),
        address(e.attendee.email)
    ));
    lines.push(
        match e.method {
            Method::Request => "STATUS:CONFIRMED",
            Method::Cancel => "STATUS:CANCELLED",
        }
        .into(),
    );
    lines.push("TRANSP:OPAQUE".into());
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        fold_into(&mut out, line);
    }
    out
}

/// The invitation as an email attachment. The `method` parameter of the content type is what
/// lets mail clients offer "add to calendar" / "remove from calendar" buttons.
pub fn attachment(e: &Event<'_>) -> Attachment {
    let (filename, method) = match e.method {
        Method::Request => ("invite.ics", "REQUEST"),
        Method::Cancel => ("cancel.ics", "CANCEL"),
    };
    Attachment {
        filename: filename.into(),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content: render(e).into_bytes(),
    }
}

/// `20260309T143000Z`: every time in UTC, so no VTIMEZONE is needed and every calendar shows
/// the right instant in its own zone.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon and comma escaped, line breaks as `\n`, every other
/// control character dropped (user text must not smuggle in lines or properties).
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
    for c in normalized.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name): always quoted, and a quoted value may hold neither a double
/// quote nor a control character.
fn param(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    format!("\"{}\"", cleaned.trim())
}

/// An address after `mailto:`: no spaces, controls or characters that would end the value.
fn address(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, '"' | ';' | ','))
        .collect()
}

/// Appends `line` and its CRLF, folded so that no physical line exceeds 75 octets: a fold is a
/// CRLF followed by one space, placed between characters, never inside a UTF-8 sequence.
fn fold_into(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > budget {
            out.push_str("\r\n ");
            // The leading space counts towards the 75 octets of a continuation line.
            budget = 74;
            used = 0;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Reads an `.ics` back into `(name with parameters, value)` pairs, unfolded and unescaped.
/// Enough for tests and for checking what was sent; not a general parser.
pub fn parse(ics: &str) -> Vec<(String, String)> {
    let mut logical: Vec<String> = Vec::new();
    for raw in ics.split("\r\n") {
        if let Some(rest) = raw.strip_prefix(' ') {
            if let Some(last) = logical.last_mut() {
                last.push_str(rest);
            }
        } else if !raw.is_empty() {
            logical.push(raw.to_owned());
        }
    }
    logical
        .into_iter()
        .filter_map(|l| {
            // The value starts at the first colon outside a quoted parameter value.
            let mut quoted = false;
            let split = l.char_indices().find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ':' && !quoted
            })?;
            let (name, value) = l.split_at(split.0);
            Some((name.to_owned(), unescape(&value[1..])))
        })
        .collect()
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(method: Method, description: &'a str, location: &'a str) -> Event<'a> {
        Event {
            method,
            uid: "b-7f3a@portal.example.com",
            sequence: 2,
            stamp: "2026-03-01T12:00:00Z".parse().unwrap(),
            starts_at: "2026-03-09T14:30:00Z".parse().unwrap(),
            ends_at: "2026-03-09T15:30:00Z".parse().unwrap(),
            summary: "Service visit: Furnace maintenance",
            description,
            location,
            organizer: Party {
                name: "Onsite",
                email: "no-reply@portal.example.com",
            },
            attendee: Party {
                name: "Ana \"A\" Silva",
                email: "ana@example.com",
            },
        }
    }

    fn value<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
        props
            .iter()
            .find(|(n, _)| n == name || n.starts_with(&format!("{name};")))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn an_invitation_carries_uid_sequence_method_and_utc_times() {
        let ics = render(&event(
            Method::Request,
            "Technician: Ana",
            "4301 Rue Saint-Denis",
        ));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        let props = parse(&ics);
        assert_eq!(value(&props, "METHOD"), "REQUEST");
        assert_eq!(value(&props, "UID"), "b-7f3a@portal.example.com");
        assert_eq!(value(&props, "SEQUENCE"), "2");
        assert_eq!(value(&props, "DTSTART"), "20260309T143000Z");
        assert_eq!(value(&props, "DTEND"), "20260309T153000Z");
        assert_eq!(value(&props, "STATUS"), "CONFIRMED");
        assert_eq!(value(&props, "ATTENDEE"), "mailto:ana@example.com");
        assert!(ics.contains("ATTENDEE;CN=\"Ana A Silva\";"), "{ics}");
        let cancel = parse(&render(&event(Method::Cancel, "", "")));
        assert_eq!(value(&cancel, "METHOD"), "CANCEL");
        assert_eq!(value(&cancel, "STATUS"), "CANCELLED");
        assert!(
            !cancel
                .iter()
                .any(|(n, _)| n == "DESCRIPTION" || n == "LOCATION")
        );
    }

    #[test]
    fn user_text_is_escaped_and_cannot_add_properties() {
        let sneaky = "Door code 12;34, ring twice\\\r\nEND:VEVENT\r\nBEGIN:VEVENT\u{7}\u{1b}";
        let ics = render(&event(Method::Request, sneaky, "a;b,c"));
        // The text stays inside its property: no line of its own.
        let lines: Vec<&str> = ics.split("\r\n").collect();
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 1);
        assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 1);
        assert!(!ics.contains('\u{7}') && !ics.contains('\u{1b}'));
        let props = parse(&ics);
        assert_eq!(
            value(&props, "DESCRIPTION"),
            "Door code 12;34, ring twice\\\nEND:VEVENT\nBEGIN:VEVENT"
        );
        assert_eq!(value(&props, "LOCATION"), "a;b,c");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let long = "é".repeat(100) + &"x".repeat(101) + "€🙂";
        let ics = render(&event(Method::Request, &long, ""));
        for physical in ics.split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        assert_eq!(value(&parse(&ics), "DESCRIPTION"), long);
    }

    #[test]
    fn the_attachment_says_its_method() {
        let a = attachment(&event(Method::Cancel, "", ""));
        assert_eq!(a.filename, "cancel.ics");
        assert_eq!(
            a.content_type,
            "text/calendar; charset=utf-8; method=CANCEL"
        );
        assert!(
            String::from_utf8(a.content)
                .unwrap()
                .contains("METHOD:CANCEL\r\n")
        );
    }
}
