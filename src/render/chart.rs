//! The chart model: stacked bars of controls by status, shared by the summary's chart and the
//! packet's chart of sections, and drawn by both renderers (SVG in HTML, vector in the PDF); and
//! the status classes and colours the badges use.

use serde::{Deserialize, Serialize};

use crate::report::ControlStatus;

/// The CSS class (and colour key) of a control status.
pub fn status_class(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Pass => "pass",
        ControlStatus::Fail => "fail",
        ControlStatus::AcceptedRisk => "accepted",
        ControlStatus::NotAssessed => "na",
        ControlStatus::NotApplicable => "napp",
        ControlStatus::Manual => "manual",
        ControlStatus::EvidenceAttached => "attached",
        ControlStatus::Inherited => "inherited",
    }
}

/// A horizontal stacked bar chart: one bar per framework, one segment per status. Positions are
/// fractions of the bar (0 to 1) so each renderer scales them to its own width.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub legend: Vec<LegendItem>,
    /// SVG geometry for the HTML renderer.
    pub svg_height: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Bar {
    pub label: String,
    /// The label cut to fit the SVG's label column.
    pub svg_label: String,
    pub total: usize,
    pub segments: Vec<Segment>,
    /// SVG geometry: top of the bar and of its label.
    pub svg_y: f32,
    pub svg_text_y: f32,
    /// Its counts in words, "2 PASS · 42 FAIL · 179 MANUAL": the chart read without its colours.
    pub counts: String,
    /// SVG geometry: the baseline of that line, under the bar.
    pub svg_counts_y: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segment {
    pub class: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub start: f32,
    pub width: f32,
    pub fill: &'static str,
    /// SVG geometry in a 600-unit-wide box (labels take the first 170).
    pub svg_x: f32,
    pub svg_w: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegendItem {
    pub class: &'static str,
    pub label: &'static str,
    pub fill: &'static str,
}

pub const STATUSES: [ControlStatus; 8] = [
    ControlStatus::Pass,
    ControlStatus::Fail,
    ControlStatus::AcceptedRisk,
    ControlStatus::NotAssessed,
    ControlStatus::NotApplicable,
    ControlStatus::Manual,
    ControlStatus::EvidenceAttached,
    ControlStatus::Inherited,
];

/// The colour of a status, shared by the SVG and the PDF.
pub fn fill(class: &str) -> &'static str {
    match class {
        "pass" => "#1a7f37",
        "fail" => "#c62828",
        "na" => "#8a6100",
        "napp" => "#4d6b78",
        "manual" => "#3559a6",
        "inherited" => "#6b4fa0",
        "accepted" => "#9a4a00",
        "attached" => "#1d6b7a",
        "still" => "#7b2d26",
        "newly" => "#2f5d50",
        _ => "#5b6470",
    }
}

const SVG_LABEL: f32 = 170.0;
const SVG_BAR: f32 = 420.0;
const SVG_ROW: f32 = 46.0;

/// Height of the SVG box of a chart of `bars` bars.
pub fn svg_height(bars: usize) -> f32 {
    12.0 + bars as f32 * SVG_ROW
}

/// One stacked bar of a status split, `i`-th in its chart.
pub fn status_bar(label: String, counts: &crate::report::StatusCounts, i: usize) -> Bar {
    let total = counts.total.max(1) as f32;
    let mut start = 0.0;
    let segments: Vec<Segment> = STATUSES
        .iter()
        .filter_map(|&st| {
            let count = counts.get(st);
            (count > 0).then(|| {
                let width = count as f32 / total;
                let seg = Segment {
                    class: status_class(st),
                    label: st.label(),
                    count,
                    start,
                    width,
                    fill: fill(status_class(st)),
                    svg_x: SVG_LABEL + start * SVG_BAR,
                    svg_w: width * SVG_BAR,
                };
                start += width;
                seg
            })
        })
        .collect();
    // About 24 characters fit the 170-unit label column at the SVG's 10-unit type, count included.
    let svg_label = shorten(&label, 18);
    let counts_text = segments.iter().map(|s| format!("{} {}", s.count, s.label)).collect::<Vec<_>>().join(" · ");
    let top = 6.0 + i as f32 * SVG_ROW;
    Bar {
        svg_label,
        label,
        total: counts.total,
        segments,
        svg_y: top,
        svg_text_y: top + 14.0,
        counts: counts_text,
        svg_counts_y: top + 32.0,
    }
}

/// `text` in at most `max` characters, shortened at a word boundary with an ellipsis; only a
/// first word longer than `max` is cut inside.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut kept = String::new();
    for word in text.split(' ') {
        let next = if kept.is_empty() { word.to_string() } else { format!("{kept} {word}") };
        if next.chars().count() + 1 > max {
            break;
        }
        kept = next;
    }
    let kept = kept.trim_end_matches([',', ';', ':', '.', ' ', '(', '-', '·']);
    if kept.is_empty() {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        return format!("{}…", cut.trim_end());
    }
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn shortens_at_word_boundaries() {
        assert_eq!(shorten("Requirement 8: Identify users", 18), "Requirement 8…");
        assert_eq!(shorten("short", 18), "short");
        assert_eq!(shorten("Supercalifragilistic words", 10), "Supercali…");
        assert_eq!(shorten("Logging, and more", 10), "Logging…");
    }
}
