//! How an email kind becomes text: three askama templates per kind under
//! `templates/email/<kind>/` (`subject.txt`, `body.txt`, `body.html`), the two bodies extending
//! the shared layouts `templates/email/layout.{txt,html}`.
//!
//! Templates take every word from Fluent (`locales/<lang>/email.ftl`) through `t`, so a
//! template holds structure, never language. Values from users reach the HTML body through
//! `{{ }}`, which escapes them (the `.html` extension turns escaping on); the text templates
//! are not escaped, as plain text needs no escaping.
//!
//! Adding a kind: a template folder, a context struct, one [`email_templates!`] line, and a
//! function in [`crate::emails`] that fills the context and calls [`render`].

use onsite_i18n::{Arg, Locale};

/// The translator templates call: `{{ t.text("id") }}`, `{{ t.text1("id", "name", value) }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn text(&self, id: &str) -> String {
        self.0.text(id)
    }

    /// A message with one text argument.
    pub fn text1(&self, id: &str, name: &str, value: &str) -> String {
        self.0.text_with(id, &[(name, Arg::Str(value))])
    }

    /// A message with two text arguments.
    pub fn text2(&self, id: &str, name1: &str, value1: &str, name2: &str, value2: &str) -> String {
        self.0
            .text_with(id, &[(name1, Arg::Str(value1)), (name2, Arg::Str(value2))])
    }

    /// A message with a number (numbers choose plural forms).
    pub fn count(&self, id: &str, name: &str, n: i64) -> String {
        self.0.text_with(id, &[(name, Arg::Num(n as f64))])
    }

    pub fn lang(&self) -> &'static str {
        self.0.tag()
    }

    pub fn dir(&self) -> &'static str {
        self.0.dir()
    }
}

/// The three parts of a rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An email kind's context, renderable through its templates (implemented by
/// [`email_templates!`]).
pub trait EmailTemplates {
    fn render_parts(&self, t: Tr) -> askama::Result<Rendered>;
}

/// Renders `ctx` in `locale`. The subject is folded onto one line: a header has no room for
/// line breaks, and whatever a template leaves around it is not meant to be seen.
pub fn render(ctx: &impl EmailTemplates, locale: Locale) -> askama::Result<Rendered> {
    let mut parts = ctx.render_parts(Tr(locale))?;
    parts.subject = parts
        .subject
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    parts.text = tidy_text(&parts.text);
    Ok(parts)
}

/// Plain text as a mail client should show it: no trailing spaces (except the `-- ` signature
/// separator), at most one blank line in a row, no blank lines at either end.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Declares the templates of an email kind over its context type:
/// `email_templates!(Ctx, "email/x/subject.txt", "email/x/body.txt", "email/x/body.html");`.
/// Inside the templates the context is `m`, the translator `t`, and the HTML layout also sees
/// the rendered `subject`.
macro_rules! email_templates {
    ($ctx:ident, $subject:tt, $text:tt, $html:tt) => {
        const _: () = {
            #[derive(askama::Template)]
            #[template(path = $subject)]
            struct Subject<'a> {
                // A subject may well need no data.
                #[allow(dead_code)]
                m: &'a $ctx<'a>,
                t: $crate::render::Tr,
            }

            #[derive(askama::Template)]
            #[template(path = $text)]
            struct Text<'a> {
                m: &'a $ctx<'a>,
                t: $crate::render::Tr,
            }

            #[derive(askama::Template)]
            #[template(path = $html)]
            struct Html<'a> {
                m: &'a $ctx<'a>,
                t: $crate::render::Tr,
                subject: &'a str,
            }

            impl $crate::render::EmailTemplates for $ctx<'_> {
                fn render_parts(
                    &self,
                    t: $crate::render::Tr,
                ) -> askama::Result<$crate::render::Rendered> {
                    use askama::Template;
                    let subject = Subject { m: self, t }.render()?;
                    let text = Text { m: self, t }.render()?;
                    let html = Html {
                        m: self,
                        t,
                        subject: subject.trim(),
                    }
                    .render()?;
                    Ok($crate::render::Rendered {
                        subject,
                        text,
                        html,
                    })
                }
            }
        };
    };
}
pub(crate) use email_templates;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_tidied_for_mail_clients() {
        let raw = "\n\n  Hello  \n\n\n\nBody line\n-- \nFooter\n\n";
        assert_eq!(tidy_text(raw), "  Hello\n\nBody line\n-- \nFooter\n");
    }
}
