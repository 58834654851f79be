//! Feedback on a completed visit (SPEC §7): the survey an admin configures (questions of three
//! kinds, labelled per language) and the values a customer's response is made of. Parsed here,
//! trusted everywhere after.

use crate::InvalidInput;
use crate::text::{free_text, single_line};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest comment of a response, in characters.
pub const COMMENT_MAX: usize = 2000;
/// Longest answer to a text question, in characters.
pub const TEXT_ANSWER_MAX: usize = 1000;
/// Longest question label, in characters.
pub const LABEL_MAX: usize = 200;
/// The language every question must at least be labelled in; other languages fall back to it.
pub const DEFAULT_LABEL_LANGUAGE: &str = "en";

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5 stars.
    Rating,
    /// Yes or no.
    YesNo,
    /// A few words.
    Text,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 3] = [
        QuestionKind::Rating,
        QuestionKind::YesNo,
        QuestionKind::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Rating => "rating",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Text => "text",
        }
    }

    pub fn parse(raw: &str) -> Result<QuestionKind, InvalidInput> {
        QuestionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(InvalidInput::new("kind", "unknown"))
    }
}

/// A rating from 1 to 5 (the overall rating and rating questions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Stars(u8);

impl Stars {
    pub fn new(value: i64) -> Result<Stars, InvalidInput> {
        match u8::try_from(value) {
            Ok(v @ 1..=5) => Ok(Stars(v)),
            _ => Err(InvalidInput::new("rating", "rating-range")),
        }
    }

    /// As typed in a form: `"4"`. Empty is "required".
    pub fn parse(field: &'static str, raw: &str) -> Result<Stars, InvalidInput> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InvalidInput::new(field, "required"));
        }
        raw.parse::<i64>()
            .ok()
            .and_then(|v| Stars::new(v).ok())
            .ok_or(InvalidInput::new(field, "rating-range"))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Stars {
    type Error = InvalidInput;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Stars::new(v)
    }
}

impl From<Stars> for i64 {
    fn from(s: Stars) -> i64 {
        i64::from(s.0)
    }
}

/// A question's label in each language it was written in (language tag → text). The default
/// language ([`DEFAULT_LABEL_LANGUAGE`]) is always present; a reader whose language has no
/// label reads the default one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, String>",
    into = "BTreeMap<String, String>"
)]
pub struct QuestionLabels(BTreeMap<String, String>);

impl QuestionLabels {
    /// From `(language, typed label)` pairs: empty labels are dropped, the default language's
    /// is required, each at most [`LABEL_MAX`] characters on one line.
    pub fn new<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<QuestionLabels, InvalidInput> {
        let mut labels = BTreeMap::new();
        for (lang, raw) in pairs {
            if raw.trim().is_empty() {
                continue;
            }
            labels.insert(lang.to_owned(), single_line("label", raw, LABEL_MAX)?);
        }
        if !labels.contains_key(DEFAULT_LABEL_LANGUAGE) {
            return Err(InvalidInput::new("label", "required"));
        }
        Ok(QuestionLabels(labels))
    }

    /// The label in `lang`, else in the default language.
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(DEFAULT_LABEL_LANGUAGE))
            .map_or("", String::as_str)
    }

    /// The label written in exactly `lang` (empty when none): what an edit form shows.
    pub fn exactly(&self, lang: &str) -> &str {
        self.0.get(lang).map_or("", String::as_str)
    }
}

impl TryFrom<BTreeMap<String, String>> for QuestionLabels {
    type Error = InvalidInput;
    fn try_from(map: BTreeMap<String, String>) -> Result<Self, Self::Error> {
        QuestionLabels::new(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

impl From<QuestionLabels> for BTreeMap<String, String> {
    fn from(l: QuestionLabels) -> Self {
        l.0
    }
}

/// One answer to one question, of the question's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Rating(Stars),
    YesNo(bool),
    Text(String),
}

impl Answer {
    pub fn kind(&self) -> QuestionKind {
        match self {
            Answer::Rating(_) => QuestionKind::Rating,
            Answer::YesNo(_) => QuestionKind::YesNo,
            Answer::Text(_) => QuestionKind::Text,
        }
    }

    /// Reads what was typed for a question of `kind`; `None` when left empty (the caller
    /// decides whether the question was required). `field` names the input in errors.
    pub fn parse(
        field: &'static str,
        kind: QuestionKind,
        raw: &str,
    ) -> Result<Option<Answer>, InvalidInput> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match kind {
            QuestionKind::Rating => Stars::parse(field, raw).map(|s| Some(Answer::Rating(s))),
            QuestionKind::YesNo => match raw {
                "yes" | "true" => Ok(Some(Answer::YesNo(true))),
                "no" | "false" => Ok(Some(Answer::YesNo(false))),
                _ => Err(InvalidInput::new(field, "yes-no")),
            },
            QuestionKind::Text => Ok(free_text(field, raw, TEXT_ANSWER_MAX)?.map(Answer::Text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_one_to_five() {
        assert!(Stars::new(0).is_err() && Stars::new(6).is_err());
        assert_eq!(Stars::parse("rating", " 5 ").unwrap().get(), 5);
        assert_eq!(Stars::parse("rating", "").unwrap_err().reason, "required");
        assert_eq!(
            Stars::parse("rating", "4.5").unwrap_err().reason,
            "rating-range"
        );
    }

    #[test]
    fn labels_need_the_default_language_and_fall_back_to_it() {
        let l = QuestionLabels::new([("en", "On time?"), ("fr", " ")]).unwrap();
        assert_eq!(l.get("fr"), "On time?");
        assert_eq!(l.exactly("fr"), "");
        let l = QuestionLabels::new([("en", "On time?"), ("fr", "À l'heure ?")]).unwrap();
        assert_eq!(l.get("fr"), "À l'heure ?");
        assert!(QuestionLabels::new([("fr", "À l'heure ?")]).is_err());
    }

    #[test]
    fn answers_follow_their_kind() {
        let yes = Answer::parse("q", QuestionKind::YesNo, "yes").unwrap();
        assert_eq!(yes, Some(Answer::YesNo(true)));
        assert!(Answer::parse("q", QuestionKind::YesNo, "maybe").is_err());
        assert_eq!(Answer::parse("q", QuestionKind::Text, "  ").unwrap(), None);
        assert!(Answer::parse("q", QuestionKind::Rating, "9").is_err());
        let long = "x".repeat(TEXT_ANSWER_MAX + 1);
        assert!(Answer::parse("q", QuestionKind::Text, &long).is_err());
    }
}
