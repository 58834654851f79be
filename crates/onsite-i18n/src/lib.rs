//! Onsite's translations: Fluent files under `locales/<lang>/*.ftl`, compiled into the binary,
//! and the choice of language for a person (profile, then the browser's Accept-Language, then
//! English). Pages and emails both translate through [`Locale::text`].
//!
//! Every message must exist in every shipped locale; `tests::every_message_in_every_locale`
//! fails otherwise.

pub mod datetime;
pub mod number;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Keep Fluent's bidi isolation marks out of plain-text output (emails, attributes);
        // templates isolate right-to-left text themselves with `dir`.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language Onsite ships, with its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Locale {
    tag: &'static str,
    /// The name of the language in itself, for the language switcher.
    pub native_name: &'static str,
    pub rtl: bool,
}

/// Every locale Onsite ships, in switcher order. Adding one: add it here and a `locales/<tag>`
/// folder with every `.ftl` file.
pub const SUPPORTED: &[Locale] = &[
    Locale {
        tag: "en",
        native_name: "English",
        rtl: false,
    },
    Locale {
        tag: "fr",
        native_name: "Français",
        rtl: false,
    },
];

pub const DEFAULT: Locale = SUPPORTED[0];

impl Locale {
    pub fn tag(self) -> &'static str {
        self.tag
    }

    pub fn dir(self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }

    /// The shipped locale for an exact or prefix tag (`fr-CA` → `fr`), if any.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim();
        let primary = tag.split(['-', '_']).next().unwrap_or(tag);
        SUPPORTED
            .iter()
            .copied()
            .find(|l| l.tag.eq_ignore_ascii_case(tag) || l.tag.eq_ignore_ascii_case(primary))
    }

    /// The best shipped locale for an `Accept-Language` header value, by quality.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .find_map(|(_, _, tag)| Locale::from_tag(tag))
    }

    /// Chooses the language: the person's preference if shipped, else the browser's, else
    /// English.
    pub fn negotiate(preferred: Option<&str>, accept_language: Option<&str>) -> Locale {
        preferred
            .and_then(Locale::from_tag)
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or(DEFAULT)
    }

    fn langid(self) -> LanguageIdentifier {
        self.tag.parse().expect("shipped tags are valid")
    }

    /// The message `id` in this locale (English when missing).
    pub fn text(self, id: &str) -> String {
        LOCALES.lookup(&self.langid(), id)
    }

    /// The message `id` in this locale (English when missing), if the files have one: for ids
    /// built at run time from data that may have no label (the audit log's action codes).
    pub fn text_if_any(self, id: &str) -> Option<String> {
        LOCALES.try_lookup(&self.langid(), id)
    }

    /// The message `id` with arguments, e.g. `("name", "Ana")`.
    pub fn text_with(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Str(s) => FluentValue::from(*s),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (Cow::Owned((*k).to_owned()), value)
            })
            .collect();
        LOCALES.lookup_with_args(&self.langid(), id, &map)
    }
}

/// A Fluent argument: text or a number (numbers select plural forms).
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(f64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn negotiation_prefers_profile_then_browser_then_english() {
        assert_eq!(Locale::negotiate(Some("fr"), Some("en")).tag(), "fr");
        assert_eq!(
            Locale::negotiate(Some("xx"), Some("de, fr-CA;q=0.8, en;q=0.5")).tag(),
            "fr"
        );
        assert_eq!(
            Locale::negotiate(None, Some("en;q=0.2, fr;q=0.9")).tag(),
            "fr"
        );
        assert_eq!(Locale::negotiate(None, Some("de")).tag(), "en");
        assert_eq!(Locale::negotiate(None, Some("fr;q=0")).tag(), "en");
        assert_eq!(Locale::negotiate(None, None).tag(), "en");
    }

    fn message_ids(dir: &std::path::Path) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                let first = line.chars().next();
                if first.is_some_and(|c| c.is_ascii_alphabetic())
                    && let Some((id, _)) = line.split_once('=')
                {
                    ids.insert(id.trim().to_owned());
                }
            }
        }
        ids
    }

    #[test]
    fn every_message_in_every_locale() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let english = message_ids(&root.join("en"));
        for l in SUPPORTED {
            let ids = message_ids(&root.join(l.tag));
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, extra {extra:?}",
                l.tag
            );
        }
    }

    /// The translation calls whose first argument is a message id, in Rust and in templates.
    const CALLS: [&str; 7] = ["t", "t1", "tn", "text", "text1", "text2", "text_with"];

    /// The string literal starting at `rest` (just after its opening quote), if it is one
    /// that could be a message id.
    fn id_at(rest: &str) -> Option<&str> {
        let id = &rest[..rest.find('"')?];
        let plausible = id.contains('-')
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        plausible.then_some(id)
    }

    /// Whether the line holding byte `at` of `text` is a comment.
    fn in_comment(text: &str, at: usize) -> bool {
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        text[line_start..at].trim_start().starts_with("//")
    }

    /// The message ids `text` names literally: the first argument of every translation call,
    /// and every literal a `…message_id` function returns from a match arm. Comments and the
    /// unit tests at the end of a Rust file (`#[cfg(test)]`) are left out.
    fn referenced_ids(text: &str) -> Vec<&str> {
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut ids = Vec::new();
        for call in CALLS {
            let pattern = format!("{call}(\"");
            for (at, _) in text.match_indices(&pattern) {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    || in_comment(text, at)
                {
                    continue;
                }
                ids.extend(id_at(&text[at + pattern.len()..]));
            }
        }
        for (at, _) in text.match_indices("message_id(") {
            // A function definition: `fn …message_id(`; its body up to the matching brace.
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            if !text[line_start..at].contains("fn ") || in_comment(text, at) {
                continue;
            }
            let Some(open) = text[at..].find('{').map(|n| at + n) else {
                continue;
            };
            let mut depth = 0;
            let mut end = open;
            for (i, c) in text[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            let body = &text[open..end];
            for (arm, _) in body.match_indices("=>") {
                let value = body[arm + 2..]
                    .trim_start()
                    .trim_start_matches('{')
                    .trim_start()
                    .trim_start_matches("Some(");
                if let Some(rest) = value.strip_prefix('"') {
                    ids.extend(id_at(rest));
                }
            }
        }
        ids
    }

    fn source_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "node_modules" | "target" | "tests" | "locales"
                ) {
                    source_files(&path, out);
                }
            } else if [".rs", ".html", ".txt"].iter().any(|e| name.ends_with(e)) {
                out.push(path);
            }
        }
    }

    /// Every message id the code of the workspace names (see [`referenced_ids`]; ids built at
    /// run time, such as `invalid-{reason}`, are checked by the tests of the code that builds
    /// them) exists in every shipped locale.
    #[test]
    fn every_message_the_code_names_exists_in_every_locale() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        source_files(root.parent().unwrap(), &mut files);
        let mut named = std::collections::BTreeMap::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for id in referenced_ids(&text) {
                named
                    .entry(id.to_owned())
                    .or_insert_with(|| file.display().to_string());
            }
        }
        assert!(named.len() > 500, "the scan finds the code's messages");
        for l in SUPPORTED {
            let ids = message_ids(&root.join("locales").join(l.tag));
            let missing: Vec<_> = named
                .iter()
                .filter(|(id, _)| !ids.contains(*id))
                .map(|(id, file)| format!("{id} (in {file})"))
                .collect();
            assert!(missing.is_empty(), "{}: missing {missing:#?}", l.tag);
        }
    }

    #[test]
    fn the_scan_finds_calls_and_message_id_arms() {
        let code = r#"
            /// Looked up with `page.t("web-in-a-comment")`.
            page.t("web-a-b") + page.t1("web-c", "n", 1) + tt("web-not-a-call")
            pub fn message_id(&self) -> &'static str {
                match self {
                    E::A => "web-arm",
                    E::B => { "web-braced" }
                    E::C(x) => match x { _ => "web-nested" },
                }
            }
            fn other() -> &'static str { match 1 { _ => "web-not-a-message-fn" } }
            #[cfg(test)]
            mod tests { fn f() { page.t("web-in-a-test"); } }
        "#;
        assert_eq!(
            referenced_ids(code),
            ["web-a-b", "web-c", "web-arm", "web-braced", "web-nested"]
        );
    }

    #[test]
    fn messages_translate_with_arguments() {
        let fr = Locale::from_tag("fr").unwrap();
        assert_eq!(fr.text("app-name"), "Onsite");
        assert_eq!(
            fr.text_with("greeting", &[("name", Arg::Str("Ana"))]),
            "Bonjour, Ana"
        );
    }
}
