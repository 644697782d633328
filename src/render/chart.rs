//! The chart model: stacked bars of controls by status, shared by the summary's chart and the
//! packet's chart of sections, and drawn by both renderers (SVG in HTML, vector in the PDF); the
//! status classes and colours the badges use; and the hatches that tell the statuses apart
//! without their colours.

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
    /// The SVG hatch patterns the segments and legend swatches refer to.
    pub patterns: Vec<Pattern>,
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
    /// What the SVG fills it with: its hatch pattern over the colour, or the colour alone.
    pub svg_paint: &'static str,
    /// SVG geometry in a 600-unit-wide box (labels take the first 170).
    pub svg_x: f32,
    pub svg_w: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegendItem {
    pub class: &'static str,
    pub label: &'static str,
    pub fill: &'static str,
    pub svg_paint: &'static str,
}

impl LegendItem {
    pub fn of(st: ControlStatus) -> LegendItem {
        let class = status_class(st);
        LegendItem { class, label: st.label(), fill: fill(class), svg_paint: svg_paint(class) }
    }
}

/// Lines drawn in white over a status's colour, so that the statuses red-green colour blindness
/// runs together (pass green, fail red, accepted risk and not assessed brown) differ in pattern
/// as well: fail rising, not assessed falling, accepted risk both; pass stays plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hatch {
    Rising,
    Falling,
    Cross,
}

/// The hatched statuses: class, hatch, the id of its SVG pattern and the paint that names it.
const HATCHED: [(&str, Hatch, &str, &str); 3] = [
    ("fail", Hatch::Rising, "hatch-fail", "url(#hatch-fail)"),
    ("na", Hatch::Falling, "hatch-na", "url(#hatch-na)"),
    ("accepted", Hatch::Cross, "hatch-accepted", "url(#hatch-accepted)"),
];

pub fn hatch(class: &str) -> Option<Hatch> {
    HATCHED.iter().find(|h| h.0 == class).map(|h| h.1)
}

/// An SVG `<pattern>`: a 6-unit tile of the colour with the hatch's lines across it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pattern {
    pub id: &'static str,
    pub fill: &'static str,
    /// The lines, as a path's `d` (each also drawn past the tile's corners so tiles join).
    pub path: &'static str,
}

const RISING: &str = "M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5";
const FALLING: &str = "M0,0 L6,6 M-1,5 L1,7 M5,-1 L7,1";
const CROSS: &str = "M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5 M0,0 L6,6 M-1,5 L1,7 M5,-1 L7,1";

/// The patterns every SVG chart defines (in `<defs>`), whatever statuses it shows.
pub fn patterns() -> Vec<Pattern> {
    HATCHED
        .iter()
        .map(|&(class, h, id, _)| Pattern {
            id,
            fill: fill(class),
            path: match h {
                Hatch::Rising => RISING,
                Hatch::Falling => FALLING,
                Hatch::Cross => CROSS,
            },
        })
        .collect()
}

/// What an SVG shape of a status is filled with: `url(#hatch-…)` for a hatched status (see
/// [`patterns`]), its colour otherwise.
pub fn svg_paint(class: &str) -> &'static str {
    HATCHED.iter().find(|h| h.0 == class).map_or_else(|| fill(class), |h| h.3)
}

/// The hatch lines of a `w` × `h` box, `step` apart, as `[x1, y1, x2, y2]` from its lower left
/// corner: each line cut at the box's edges, so the PDF needs no clipping path.
pub fn hatch_lines(w: f32, h: f32, hatch: Hatch, step: f32) -> Vec<[f32; 4]> {
    let mut out = Vec::new();
    let rising = |out: &mut Vec<[f32; 4]>| {
        // u - v = c for c from -h to w.
        let mut c = -h + step / 2.0;
        while c < w {
            let (lo, hi) = ((-c).max(0.0), h.min(w - c));
            if hi - lo > 0.01 {
                out.push([lo + c, lo, hi + c, hi]);
            }
            c += step;
        }
    };
    let falling = |out: &mut Vec<[f32; 4]>| {
        // u + v = c for c from 0 to w + h.
        let mut c = step / 2.0;
        while c < w + h {
            let (lo, hi) = ((c - w).max(0.0), h.min(c));
            if hi - lo > 0.01 {
                out.push([c - lo, lo, c - hi, hi]);
            }
            c += step;
        }
    };
    match hatch {
        Hatch::Rising => rising(&mut out),
        Hatch::Falling => falling(&mut out),
        Hatch::Cross => {
            rising(&mut out);
            falling(&mut out);
        }
    }
    out
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
                    svg_paint: svg_paint(status_class(st)),
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
    fn hatch_lines_stay_inside_their_box_and_cover_it() {
        use super::{hatch_lines, Hatch};
        let (w, h, step) = (40.0, 11.0, 3.0);
        for kind in [Hatch::Rising, Hatch::Falling, Hatch::Cross] {
            let lines = hatch_lines(w, h, kind, step);
            for [x1, y1, x2, y2] in &lines {
                for (x, y) in [(x1, y1), (x2, y2)] {
                    assert!((-0.001..=w + 0.001).contains(x) && (-0.001..=h + 0.001).contains(y), "{kind:?}: ({x}, {y}) outside");
                }
                // 45 degrees: as far across as up.
                assert!(((x2 - x1).abs() - (y2 - y1).abs()).abs() < 0.001, "{kind:?}: {x1},{y1} {x2},{y2}");
                assert!(y2 > y1, "{kind:?}: a line has length");
            }
            // One line per step along the box's diagonal extent (w + h), twice for a cross.
            let per = ((w + h) / step).round() as usize;
            let want = if kind == Hatch::Cross { 2 * per } else { per };
            assert!(lines.len().abs_diff(want) <= 2, "{kind:?}: {} lines, about {want} expected", lines.len());
        }
        // Rising lines go up to the right, falling ones up to the left.
        let r = hatch_lines(w, h, Hatch::Rising, step);
        assert!(r.iter().all(|[x1, _, x2, _]| x2 > x1));
        let f = hatch_lines(w, h, Hatch::Falling, step);
        assert!(f.iter().all(|[x1, _, x2, _]| x2 < x1));
        // A sliver narrower than a step still gets a line, so its pattern shows.
        assert!(!hatch_lines(1.0, h, Hatch::Rising, step).is_empty());
    }

    #[test]
    fn shortens_at_word_boundaries() {
        assert_eq!(shorten("Requirement 8: Identify users", 18), "Requirement 8…");
        assert_eq!(shorten("short", 18), "short");
        assert_eq!(shorten("Supercalifragilistic words", 10), "Supercali…");
        assert_eq!(shorten("Logging, and more", 10), "Logging…");
    }
}
