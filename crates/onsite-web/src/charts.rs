//! Server-rendered SVG charts (issue 15 item 6): where people would rather look than read, a
//! page draws its numbers as bars, with no chart script. One chart kind serves every page —
//! horizontal bars, one per row, each with its label and its value written next to it — and
//! every chart carries its numbers as a table too (`templates/charts/bars.html`), for screen
//! readers and for anyone who wants the figures. The SVG is an image named by the chart's
//! title; its bars use one colour of at least 3:1 contrast on the page's background and its
//! text the page's text colour (WCAG 1.4.11 and 1.4.3).
//!
//! A page builds a [`BarChart`] from a use case's numbers and includes the template with the
//! chart in a variable named `chart` (`{% for chart in charts %}{% include "charts/bars.html" %}`).
//! Where each bar is a sum of parts of either sign (a partner's score, its metrics'
//! contributions), a [`StackedChart`] draws them from a zero line — positive parts to the
//! right, negative ones to the left — in series colours named by a legend
//! (`templates/charts/stacked.html`, the chart in `stacked`).

/// The drawing's width in SVG units (it scales to the page's width).
pub const WIDTH: u32 = 640;
/// Where the bars start: the labels are written before.
const LABEL_WIDTH: f64 = 220.0;
/// The longest bar: the room left for the value written after it.
const PLOT_WIDTH: f64 = 300.0;
/// The height of a row and of its bar.
const ROW: f64 = 30.0;
const BAR: f64 = 20.0;

/// One bar: its label, its value (what its length says) and the value as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
    /// Geometry, in SVG units, with one decimal.
    pub y: String,
    pub text_y: String,
    pub width: String,
    pub value_x: String,
}

/// A horizontal bar chart and the table of its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Unique on its page: the ids of the title and the table derive from it.
    pub id: &'static str,
    /// The accessible name of the drawing and the caption of its table.
    pub title: String,
    /// The headers of the table's two columns.
    pub label_header: String,
    pub value_header: String,
    pub bars: Vec<Bar>,
    pub height: u32,
}

impl BarChart {
    /// A chart of `rows` — (label, value, value as written) — where a bar of `max` (or of the
    /// largest value, when larger) spans the whole plot. Negative values draw no bar.
    pub fn new(
        id: &'static str,
        title: String,
        (label_header, value_header): (String, String),
        max: f64,
        rows: impl IntoIterator<Item = (String, f64, String)>,
    ) -> Self {
        let rows: Vec<(String, f64, String)> = rows.into_iter().collect();
        let largest = rows
            .iter()
            .map(|r| r.1)
            .filter(|v| v.is_finite())
            .fold(max, f64::max);
        let scale = if largest > 0.0 {
            PLOT_WIDTH / largest
        } else {
            0.0
        };
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, shown))| {
                let top = i as f64 * ROW + (ROW - BAR) / 2.0;
                let width = if value.is_finite() && value > 0.0 {
                    value * scale
                } else {
                    0.0
                };
                Bar {
                    label,
                    value,
                    shown,
                    y: format!("{top:.1}"),
                    text_y: format!("{:.1}", top + BAR * 0.75),
                    width: format!("{width:.1}"),
                    value_x: format!("{:.1}", LABEL_WIDTH + width + 6.0),
                }
            })
            .collect::<Vec<_>>();
        let height = (bars.len() as f64 * ROW).ceil() as u32;
        BarChart {
            id,
            title,
            label_header,
            value_header,
            bars,
            height: height.max(1),
        }
    }

    /// Where the bars start, for the template.
    pub fn bars_x(&self) -> String {
        format!("{LABEL_WIDTH:.1}")
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }

    pub fn is_empty(&self) -> bool {
        self.bars.is_empty()
    }
}

/// The series colours of a stacked chart, in order: each of at least 3:1 contrast on white,
/// parts separated by a white line.
const PALETTE: [&str; 7] = [
    "#01609a", "#b3261e", "#1b7a3a", "#7b3fa0", "#8a5a00", "#006d77", "#4a4a4a",
];

/// One part of a stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub series: String,
    pub value: f64,
    pub shown: String,
    pub colour: &'static str,
    pub x: String,
    pub width: String,
}

/// One stacked bar: its parts (those of zero length left out of the drawing), and every
/// part's value as written, for the table.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedRow {
    pub label: String,
    pub total: String,
    pub y: String,
    pub text_y: String,
    pub segments: Vec<Segment>,
    pub cells: Vec<String>,
}

/// One stacked bar as a page gives it: its label, its total as written, and its parts as
/// (value, value as written), one per series.
pub type StackedInput = (String, String, Vec<(f64, String)>);

/// Bars made of signed parts, one colour per series, and the table of their numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedChart {
    pub id: &'static str,
    pub title: String,
    pub label_header: String,
    pub total_header: String,
    /// The series' names and colours (the legend and the table's columns).
    pub series: Vec<(String, &'static str)>,
    pub rows: Vec<StackedRow>,
    pub height: u32,
}

impl StackedChart {
    /// `rows`: (label, total as written, parts as (value, value as written), one per series,
    /// in the order of `series`).
    pub fn new(
        id: &'static str,
        title: String,
        (label_header, total_header): (String, String),
        series: Vec<String>,
        rows: Vec<StackedInput>,
    ) -> Self {
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let extent = rows
            .iter()
            .flat_map(|(_, _, parts)| {
                let pos: f64 = parts.iter().map(|p| finite(p.0).max(0.0)).sum();
                let neg: f64 = parts.iter().map(|p| -finite(p.0).min(0.0)).sum();
                [pos, neg]
            })
            .fold(0.0, f64::max);
        let half = PLOT_WIDTH / 2.0;
        let zero = LABEL_WIDTH + half;
        let scale = if extent > 0.0 { half / extent } else { 0.0 };
        let series: Vec<(String, &'static str)> = series
            .into_iter()
            .enumerate()
            .map(|(i, name)| (name, PALETTE[i % PALETTE.len()]))
            .collect();
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, total, parts))| {
                let top = i as f64 * ROW + (ROW - BAR) / 2.0;
                let (mut right, mut left) = (zero, zero);
                let mut segments = Vec::new();
                for ((value, shown), (name, colour)) in parts.iter().zip(&series) {
                    let length = finite(*value).abs() * scale;
                    if length <= 0.0 {
                        continue;
                    }
                    let x = if *value > 0.0 {
                        right += length;
                        right - length
                    } else {
                        left -= length;
                        left
                    };
                    segments.push(Segment {
                        series: name.clone(),
                        value: *value,
                        shown: shown.clone(),
                        colour,
                        x: format!("{x:.1}"),
                        width: format!("{length:.1}"),
                    });
                }
                StackedRow {
                    label,
                    total,
                    y: format!("{top:.1}"),
                    text_y: format!("{:.1}", top + BAR * 0.75),
                    segments,
                    cells: parts.into_iter().map(|p| p.1).collect(),
                }
            })
            .collect::<Vec<_>>();
        let height = (rows.len() as f64 * ROW).ceil() as u32;
        StackedChart {
            id,
            title,
            label_header,
            total_header,
            series,
            rows,
            height: height.max(1),
        }
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }

    /// The zero line's x.
    pub fn zero_x(&self) -> String {
        format!("{:.1}", LABEL_WIDTH + PLOT_WIDTH / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(max: f64, values: &[f64]) -> BarChart {
        BarChart::new(
            "c",
            "Title".into(),
            ("Label".into(), "Value".into()),
            max,
            values
                .iter()
                .map(|v| (format!("row {v}"), *v, v.to_string())),
        )
    }

    #[test]
    fn a_bar_is_as_long_as_its_share_of_the_largest_value() {
        let c = chart(0.0, &[2.0, 4.0, 0.0]);
        let widths: Vec<&str> = c.bars.iter().map(|b| b.width.as_str()).collect();
        assert_eq!(widths, ["150.0", "300.0", "0.0"]);
        assert_eq!(c.bars[1].y, "35.0");
        assert_eq!(c.height, 90);
    }

    #[test]
    fn a_scale_maximum_holds_unless_a_value_exceeds_it() {
        assert_eq!(chart(5.0, &[2.5]).bars[0].width, "150.0");
        assert_eq!(chart(1.0, &[2.0, 1.0]).bars[1].width, "150.0");
    }

    #[test]
    fn stacked_parts_go_right_when_positive_and_left_when_negative_from_zero() {
        let c = StackedChart::new(
            "s",
            "T".into(),
            ("Partner".into(), "Score".into()),
            vec!["a".into(), "b".into(), "c".into()],
            vec![(
                "P".into(),
                "1".into(),
                vec![
                    (1.0, "+1".into()),
                    (-0.5, "-0.5".into()),
                    (0.5, "+0.5".into()),
                ],
            )],
        );
        let parts: Vec<(&str, &str)> = c.rows[0]
            .segments
            .iter()
            .map(|s| (s.x.as_str(), s.width.as_str()))
            .collect();
        // The largest side is 1.5 wide: 150 units; zero at 370.
        assert_eq!(
            parts,
            [("370.0", "100.0"), ("320.0", "50.0"), ("470.0", "50.0")]
        );
        assert_eq!(c.rows[0].cells, ["+1", "-0.5", "+0.5"]);
        assert_eq!(c.series[1].1, "#b3261e");
    }

    #[test]
    fn nothing_to_draw_draws_no_bar_and_never_divides_by_zero() {
        let c = chart(0.0, &[0.0, -3.0, f64::NAN]);
        assert!(c.bars.iter().all(|b| b.width == "0.0"));
        assert!(chart(0.0, &[]).is_empty());
    }
}
