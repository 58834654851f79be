//! Calendar text (`.ics`): any text read back by `ics::parse` without failing, and any visit
//! (whatever people typed as its description, location and names) rendered into an invitation
//! that keeps RFC 5545's shape (CRLF lines of at most 75 octets, one event, no control
//! characters) and reads back as what was typed.

#![no_main]

use arbitrary::Arbitrary;
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use onsite_notify::ics::{Event, Method, Party, parse, render};

#[derive(Debug, Arbitrary)]
enum Input<'a> {
    Text(&'a str),
    Visit {
        cancel: bool,
        sequence: i64,
        start: i64,
        minutes: u16,
        summary: &'a str,
        description: &'a str,
        location: &'a str,
        customer: &'a str,
        email: &'a str,
    },
}

/// TEXT as the invitation carries it: line breaks kept, other control characters dropped.
fn as_sent(raw: &str) -> String {
    raw.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

fn value<'a>(props: &'a [(String, String)], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|(n, _)| n == name || n.starts_with(&format!("{name};")))
        .map(|(_, v)| v.as_str())
}

fuzz_target!(|input: Input<'_>| match input {
    Input::Text(text) => {
        let _ = parse(text);
    }
    Input::Visit {
        cancel,
        sequence,
        start,
        minutes,
        summary,
        description,
        location,
        customer,
        email,
    } => {
        let Ok(starts_at) = Timestamp::from_second(start.rem_euclid(4_102_444_800)) else {
            return;
        };
        let Ok(ends_at) =
            starts_at.checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
        else {
            return;
        };
        let event = Event {
            method: if cancel {
                Method::Cancel
            } else {
                Method::Request
            },
            uid: "b-1@portal.example.com",
            sequence,
            stamp: starts_at,
            starts_at,
            ends_at,
            summary,
            description,
            location,
            organizer: Party {
                name: "Onsite",
                email: "no-reply@portal.example.com",
            },
            attendee: Party {
                name: customer,
                email,
            },
        };
        let ics = render(&event);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        let lines: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
        for line in &lines {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            assert!(!line.chars().any(char::is_control), "{line:?}");
        }
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 1);
        assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 1);
        let props = parse(&ics);
        assert_eq!(value(&props, "SUMMARY"), Some(as_sent(summary).as_str()));
        if !description.trim().is_empty() {
            assert_eq!(
                value(&props, "DESCRIPTION"),
                Some(as_sent(description).as_str())
            );
        }
        if !location.trim().is_empty() {
            assert_eq!(value(&props, "LOCATION"), Some(as_sent(location).as_str()));
        }
        assert_eq!(
            props
                .iter()
                .filter(|(n, _)| n.starts_with("ATTENDEE"))
                .count(),
            1
        );
    }
});
