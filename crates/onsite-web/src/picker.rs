//! A choice among other records in a staff form (`templates/picker.html`): a labelled select
//! whose options are the records one may pick, by name, so that no form asks for an id. A
//! picker for an optional reference starts with a "none" option. The value sent back is the
//! record's id; the use case that saves the form checks it like any input, and the form says
//! why it refused it above the fields.

/// One option of a select (a picker, or any other choice list of a form).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What `templates/picker.html` shows (as `p`).
#[derive(Debug, Clone)]
pub struct Picker {
    /// The form field's name, also the select's id (`f-<name>`).
    pub name: &'static str,
    pub label: String,
    /// The label of the first option, meaning "none", for an optional reference.
    pub none: Option<String>,
    pub choices: Vec<Choice>,
}

impl Picker {
    /// A picker for `name` whose options are `(value, label)`, with `current` selected.
    pub fn new(
        name: &'static str,
        label: String,
        current: &str,
        options: impl IntoIterator<Item = (String, String)>,
    ) -> Picker {
        let current = current.trim();
        Picker {
            name,
            label,
            none: None,
            choices: options
                .into_iter()
                .map(|(value, label)| Choice {
                    selected: value == current,
                    value,
                    label,
                })
                .collect(),
        }
    }

    /// Makes the reference optional: a first option `none` (no record).
    pub fn optional(mut self, none: String) -> Picker {
        self.none = Some(none);
        self
    }

    /// Whether no option is selected (the "none" option shows selected).
    pub fn nothing_selected(&self) -> bool {
        !self.choices.iter().any(|c| c.selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_the_current_value_and_offers_none_when_optional() {
        let p = Picker::new(
            "asset",
            "Asset".into(),
            " 2 ",
            [("1".into(), "Boiler".into()), ("2".into(), "Pump".into())],
        );
        assert_eq!(
            p.choices
                .iter()
                .filter(|c| c.selected)
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>(),
            ["Pump"]
        );
        assert!(p.none.is_none());
        let none = Picker::new("asset", "Asset".into(), "", [("1".into(), "Boiler".into())])
            .optional("None".into());
        assert!(none.nothing_selected());
        assert_eq!(none.none.as_deref(), Some("None"));
    }
}
