//! Onsite's translations: Fluent files under `locales/<lang>/*.ftl`, compiled into the binary,
//! and the choice of language for a person (profile, then the browser's Accept-Language, then
//! English). Pages and emails both translate through [`Locale::text`].
//!
//! Every message must exist in every shipped locale; `tests::every_message_in_every_locale`
//! fails otherwise.

pub mod datetime;

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
