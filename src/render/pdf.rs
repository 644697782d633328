//! PDF packets drawn with printpdf from the `Packet` view: an A4 document with a cover and
//! contents (with page numbers), wrapped text measured with the embedded DejaVu font, tables that
//! continue across pages with their header row repeated, status shown as colour and word, a
//! running header and "page x of y" footer, and one bookmark per section and per control.
//!
//! Output is deterministic: resource ids are fixed, dates come from the report, and the file
//! identifier is a hash of the content rather than printpdf's per-process counter.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem, WindingOrder,
};

use super::view::Packet;
use super::visible::visible;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = PAGE_H - 64.0;
const BOTTOM: f32 = 58.0;

const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Regular,
    Bold,
}

#[derive(Clone, Copy, PartialEq)]
struct Rgbf(f32, f32, f32);

const INK: Rgbf = Rgbf(0.106, 0.122, 0.141);
const MUTED: Rgbf = Rgbf(0.36, 0.39, 0.44);
const RULE: Rgbf = Rgbf(0.80, 0.82, 0.86);
const HEAD_BG: Rgbf = Rgbf(0.93, 0.945, 0.957);
const WHITE: Rgbf = Rgbf(1.0, 1.0, 1.0);

/// A status colour: the palette of the summary chart (`#rrggbb`), so SVG and PDF agree.
fn status_color(class: &str) -> Rgbf {
    let hex = crate::render::summary::fill(class).trim_start_matches('#');
    let part = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(|v| v as f32 / 255.0).unwrap_or(0.0);
    Rgbf(part(0), part(2), part(4))
}

fn color(c: Rgbf) -> Color {
    Color::Rgb(Rgb { r: c.0, g: c.1, b: c.2, icc_profile: None })
}

struct Font {
    parsed: ParsedFont,
    id: FontId,
    /// Advance widths of the characters below `CACHED_CHARS`, looked up once: a packet measures
    /// millions of characters.
    widths: Vec<u16>,
}

/// Latin, Greek, Cyrillic and general punctuation: the characters a packet nearly always uses.
const CACHED_CHARS: u32 = 0x2100;

impl Font {
    fn load(bytes: &[u8], id: &str) -> Font {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded DejaVu font parses");
        let mut font = Font { parsed, id: FontId(id.to_string()), widths: Vec::new() };
        font.widths = (0..CACHED_CHARS).map(|c| font.glyph_width(c)).collect();
        font
    }

    fn glyph_width(&self, ch: u32) -> u16 {
        let gid = self.parsed.lookup_glyph_index(ch).unwrap_or(0);
        self.parsed.get_glyph_width(gid).unwrap_or(0)
    }

    /// Advance width of `text` at `size`, in points, from the font's own glyph metrics.
    fn width(&self, text: &str, size: f32) -> f32 {
        let upem = self.parsed.units_per_em.max(1) as f32;
        let units: u32 =
            text.chars().map(|ch| u32::from(self.widths.get(ch as usize).copied().unwrap_or_else(|| self.glyph_width(ch as u32)))).sum();
        units as f32 / upem * size
    }
}

/// One table cell: text, and optionally a status badge look.
struct Cell {
    text: String,
    style: Style,
    badge: Option<Rgbf>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Regular, badge: None }
}

fn bold_cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Bold, badge: None }
}

fn badge_cell(label: &str, class: &str) -> Cell {
    Cell { text: label.to_string(), style: Style::Bold, badge: Some(status_color(class)) }
}

struct Layout {
    regular: Font,
    bold: Font,
    pages: Vec<Vec<Op>>,
    /// What each page's content stream has set so far, so an operator is written only when it
    /// changes something: a long packet draws hundreds of thousands of strings.
    pens: Vec<Pen>,
    y: f32,
    bookmarks: Vec<Mark>,
}

/// The graphics and text state a page's content has set (it lasts to the end of the page).
#[derive(Default)]
struct Pen {
    fill: Option<Rgbf>,
    stroke: Option<Rgbf>,
    thickness: Option<f32>,
    font: Option<(Style, f32)>,
}

impl Pen {
    fn fill(&mut self, ops: &mut Vec<Op>, c: Rgbf) {
        if self.fill != Some(c) {
            self.fill = Some(c);
            ops.push(Op::SetFillColor { col: color(c) });
        }
    }

    fn stroke(&mut self, ops: &mut Vec<Op>, c: Rgbf, thickness: f32) {
        if self.stroke != Some(c) {
            self.stroke = Some(c);
            ops.push(Op::SetOutlineColor { col: color(c) });
        }
        if self.thickness != Some(thickness) {
            self.thickness = Some(thickness);
            ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        }
    }
}

/// An outline entry: level 0 for sections, 1 for the controls under "Controls"; `y` is where
/// the entry's heading starts on its (1-based) page.
struct Mark {
    title: String,
    page: usize,
    y: f32,
    level: u8,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            regular: Font::load(dejavu::sans::regular(), "DejaVuSans"),
            bold: Font::load(dejavu::sans::bold(), "DejaVuSans-Bold"),
            pages: vec![Vec::new()],
            pens: vec![Pen::default()],
            y: TOP,
            bookmarks: Vec::new(),
        }
    }

    fn font(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    fn page_no(&self) -> usize {
        self.pages.len()
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.pens.push(Pen::default());
        self.y = TOP;
    }

    /// Start a new page unless `height` points still fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// `text` cut with an ellipsis so that it fits `width` on one line.
    fn fit(&self, text: &str, style: Style, size: f32, width: f32) -> String {
        let text = &*visible(text);
        let font = self.font(style);
        if font.width(text, size) <= width {
            return text.to_string();
        }
        let mut out: String = text.to_string();
        while !out.is_empty() && font.width(&format!("{out}…"), size) > width {
            out.pop();
        }
        format!("{}…", out.trim_end())
    }

    fn bookmark(&mut self, title: String, level: u8) {
        let (page, y) = (self.page_no(), self.y);
        self.bookmarks.push(Mark { title: visible(&title).into_owned(), page, y, level });
    }

    fn text_on(&mut self, page: usize, (x, y): (f32, f32), text: &str, style: Style, size: f32, fill: Rgbf) {
        let id = match style {
            Style::Regular => &self.regular.id,
            Style::Bold => &self.bold.id,
        };
        let (ops, pen) = (&mut self.pages[page], &mut self.pens[page]);
        // Strings drawn one after another share one text object.
        if matches!(ops.last(), Some(Op::EndTextSection)) {
            ops.pop();
        } else {
            ops.push(Op::StartTextSection);
        }
        pen.fill(ops, fill);
        if pen.font != Some((style, size)) {
            pen.font = Some((style, size));
            ops.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(size) });
        }
        ops.extend([
            Op::SetTextMatrix { matrix: printpdf::TextMatrix::Translate(Pt(x), Pt(y)) },
            Op::ShowText { items: vec![TextItem::Text(visible(text).into_owned())] },
            Op::EndTextSection,
        ]);
    }

    fn text(&mut self, x: f32, y: f32, text: &str, style: Style, size: f32, fill: Rgbf) {
        let page = self.pages.len() - 1;
        self.text_on(page, (x, y), text, style, size, fill);
    }

    fn rect_on(&mut self, page: usize, (x, y): (f32, f32), w: f32, h: f32, fill: Option<Rgbf>, stroke: Option<Rgbf>) {
        let mode = match (fill.is_some(), stroke.is_some()) {
            (true, true) => PaintMode::FillStroke,
            (true, false) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        let (ops, pen) = (&mut self.pages[page], &mut self.pens[page]);
        if let Some(f) = fill {
            pen.fill(ops, f);
        }
        if let Some(s) = stroke {
            pen.stroke(ops, s, 0.5);
        }
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(y),
                width: Pt(w),
                height: Pt(h),
                mode: Some(mode),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Rgbf>, stroke: Option<Rgbf>) {
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y), w, h, fill, stroke);
    }

    fn hline_on(&mut self, page: usize, x1: f32, x2: f32, y: f32, c: Rgbf, thickness: f32) {
        let (ops, pen) = (&mut self.pages[page], &mut self.pens[page]);
        pen.stroke(ops, c, thickness);
        ops.extend([Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: Point { x: Pt(x1), y: Pt(y) }, bezier: false },
                    LinePoint { p: Point { x: Pt(x2), y: Pt(y) }, bezier: false },
                ],
                is_closed: false,
            },
        }]);
    }

    /// Greedy word wrap by measured width; words longer than a line are broken by character.
    fn wrap(&self, text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
        let text = &*visible(text);
        let font = self.font(style);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            // The width of `line`, kept as words are added rather than measured again.
            let mut line_w = 0.0;
            let space = font.width(" ", size);
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let word_w = font.width(word, size);
                let candidate_w = if line.is_empty() { word_w } else { line_w + space + word_w };
                if candidate_w <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w = candidate_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if word_w <= width {
                    line = word.to_string();
                    line_w = word_w;
                } else {
                    line_w = 0.0;
                    for ch in word.chars() {
                        let ch_w = font.width(ch.encode_utf8(&mut [0; 4]), size);
                        if line_w + ch_w > width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(ch);
                        line_w += ch_w;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph at the cursor; breaks pages between lines.
    fn para(&mut self, text: &str, style: Style, size: f32, fill: Rgbf, indent: f32, after: f32) {
        let lh = size * 1.35;
        for line in self.wrap(text, style, size, WIDTH - indent) {
            self.ensure(lh);
            self.y -= lh;
            self.text(LEFT + indent, self.y + size * 0.25, &line, style, size, fill);
        }
        self.y -= after;
    }

    fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.ensure(size * 1.6 + keep);
        self.y -= size * 1.5;
        self.text(LEFT, self.y, text, Style::Bold, size, INK);
        self.y -= size * 0.5;
    }

    fn section(&mut self, title: &str) -> usize {
        self.new_page();
        self.bookmark(title.to_string(), 0);
        self.heading(title, 16.0, 40.0);
        let y = self.y;
        self.hline_on(self.pages.len() - 1, LEFT, RIGHT, y + 2.0, INK, 1.2);
        self.y -= 6.0;
        self.page_no()
    }

    /// A small status badge (colour and word) at (x, baseline y); returns its width.
    fn badge(&mut self, x: f32, y: f32, label: &str, class: &str, size: f32) -> f32 {
        let w = self.bold.width(label, size) + 6.0;
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y - size * 0.3), w, size * 1.3, Some(status_color(class)), None);
        self.text(x + 3.0, y, label, Style::Bold, size, WHITE);
        w
    }

    /// A table whose rows continue across pages, repeating the header row on each page.
    /// `widths` are fractions of the text width.
    fn table(&mut self, caption: Option<&str>, widths: &[f32], header: &[&str], rows: Vec<Vec<Cell>>) {
        let size = SMALL;
        let lh = size * 1.3;
        let pad = 3.0;
        let cols: Vec<f32> = widths.iter().map(|w| w * WIDTH).collect();
        let header_lines: Vec<Vec<String>> =
            header.iter().zip(&cols).map(|(h, w)| self.wrap(h, Style::Bold, size, w - 2.0 * pad)).collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let caption_h = if caption.is_some() { BODY * 1.6 } else { 0.0 };
        // Keep the caption, the header and the first row lines together.
        self.ensure(caption_h + header_h + lh * 2.0 + 2.0 * pad);
        if let Some(c) = caption {
            self.para(c, Style::Bold, BODY, INK, 0.0, 2.0);
        }
        self.table_header(&cols, &header_lines, header_h, lh, pad, size);
        for row in rows {
            let mut lines: Vec<Vec<String>> =
                row.iter().zip(&cols).map(|(c, w)| self.wrap(&c.text, c.style, size, w - 2.0 * pad)).collect();
            loop {
                let needed = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let fit = ((self.y - BOTTOM - 2.0 * pad) / lh).floor().max(0.0) as usize;
                // Move the whole row to the next page when it fits there and only part fits here.
                if fit == 0 || (fit < needed && needed as f32 * lh + 2.0 * pad <= TOP - BOTTOM - header_h) {
                    self.new_page();
                    self.table_header(&cols, &header_lines, header_h, lh, pad, size);
                    continue;
                }
                let take = needed.min(fit);
                let h = take as f32 * lh + 2.0 * pad;
                let top = self.y;
                let chunks: Vec<Vec<String>> =
                    lines.iter_mut().map(|cell_lines| cell_lines.drain(..take.min(cell_lines.len())).collect()).collect();
                let baseline = |i: usize| top - pad - (i as f32 + 1.0) * lh + size * 0.3;
                // The row's borders and badge backgrounds first, then its text in one text object.
                let mut x = LEFT;
                for ((c, w), chunk) in row.iter().zip(&cols).zip(&chunks) {
                    self.rect(x, top - h, *w, h, None, Some(RULE));
                    if let Some(bg) = c.badge {
                        for (i, line) in chunk.iter().enumerate() {
                            let bw = self.bold.width(line, size) + 6.0;
                            self.rect(x + pad - 1.0, baseline(i) - size * 0.3, bw, size * 1.3, Some(bg), None);
                        }
                    }
                    x += w;
                }
                let mut x = LEFT;
                for ((c, w), chunk) in row.iter().zip(&cols).zip(&chunks) {
                    for (i, line) in chunk.iter().enumerate() {
                        match c.badge {
                            Some(_) => self.text(x + pad + 2.0, baseline(i), line, Style::Bold, size, WHITE),
                            None => self.text(x + pad, baseline(i), line, c.style, size, INK),
                        }
                    }
                    x += w;
                }
                self.y -= h;
                if lines.iter().all(Vec::is_empty) {
                    break;
                }
            }
        }
        self.y -= 8.0;
    }

    fn table_header(&mut self, cols: &[f32], header_lines: &[Vec<String>], h: f32, lh: f32, pad: f32, size: f32) {
        let top = self.y;
        let mut x = LEFT;
        for (w, lines) in cols.iter().zip(header_lines) {
            self.rect(x, top - h, *w, h, Some(HEAD_BG), Some(RULE));
            for (i, line) in lines.iter().enumerate() {
                self.text(x + pad, top - pad - (i as f32 + 1.0) * lh + size * 0.3, line, Style::Bold, size, INK);
            }
            x += w;
        }
        self.y -= h;
    }
}

/// Render one framework packet to PDF bytes.
pub fn render(packet: &Packet) -> Vec<u8> {
    let mut l = Layout::new();

    // Cover.
    l.bookmark("Cover".into(), 0);
    l.y = TOP - 40.0;
    l.text(LEFT, l.y, "AUDIT PACKET", Style::Bold, 10.0, MUTED);
    l.y -= 34.0;
    l.para(&packet.framework_name, Style::Bold, 26.0, INK, 0.0, 0.0);
    l.para(&packet.framework_version, Style::Regular, 14.0, MUTED, 0.0, 8.0);
    l.para(&packet.framework_description, Style::Regular, 11.0, MUTED, 0.0, 14.0);
    let facts = vec![
        vec![bold_cell("AWS accounts"), cell(&packet.accounts)],
        vec![bold_cell("Regions"), cell(&packet.regions)],
        vec![bold_cell("Evidence collected"), cell(&packet.collected_at)],
        vec![bold_cell("Packet generated"), cell(&packet.generated_at)],
        vec![bold_cell("Evidence bundle SHA-256"), cell(&packet.manifest_sha256)],
        vec![
            bold_cell("Signature"),
            cell(match &packet.signature_comment {
                Some(c) => format!("{} (trusted comment: {c})", packet.signature),
                None => packet.signature.clone(),
            }),
        ],
        vec![bold_cell("Generated by"), cell(&packet.tool)],
    ];
    let facts: Vec<Vec<Cell>> = facts
        .into_iter()
        .chain(packet.period.iter().map(|p| vec![bold_cell("Audit period"), cell(p)]))
        .chain(packet.prepared_for.iter().map(|p| vec![bold_cell("Prepared for"), cell(p)]))
        .chain(packet.prepared_by.iter().map(|p| vec![bold_cell("Prepared by"), cell(p)]))
        .chain(packet.exceptions_sha256.iter().map(|h| {
            vec![bold_cell("Exceptions file SHA-256"), cell(format!("{h} ({})", packet.exceptions_file.as_deref().unwrap_or_default()))]
        }))
        .chain(packet.changes.iter().map(|c| {
            vec![
                bold_cell("Compared with"),
                cell(format!(
                    "the packet of {} (evidence collected {}, bundle {})",
                    c.label, c.previous_collected_at, c.previous_manifest_sha256
                )),
            ]
        }))
        .collect();
    l.table(Some("Scope and evidence"), &[0.3, 0.7], &["Field", "Value"], facts);
    l.para(
        "The bundle hash is the SHA-256 of the bundle's manifest.json, which lists the SHA-256 of every evidence file. `auditpack verify BUNDLE --expect HASH` proves that the bundle's files are exactly those its manifest lists and that the manifest has this hash. It does not prove who wrote the manifest: a bundle edited and sealed again verifies, under another hash. This packet rests on the collection only if this hash matches the one recorded when the evidence was collected (collect prints it), or if the manifest's minisign signature verifies against a public key the auditor received from the signer out of band (`auditpack verify BUNDLE --public-key KEY.pub`, or `minisign -Vm manifest.json -p KEY.pub`).",
        Style::Regular,
        SMALL,
        MUTED,
        0.0,
        16.0,
    );
    l.heading("Contents", 12.0, packet.sections.len() as f32 * 16.0 + 10.0);
    let toc_page = l.pages.len() - 1;
    let toc_top = l.y;
    let toc_titles: Vec<&str> = packet.sections.iter().map(|s| s.title.as_str()).collect();
    let title_of = |anchor: &str| packet.sections.iter().find(|s| s.anchor == anchor).map(|s| s.title.clone()).unwrap_or_default();
    let mut toc_pages = Vec::new();

    // Summary.
    toc_pages.push(l.section(&title_of("summary")));
    let rows = packet
        .status_rows
        .iter()
        .map(|r| {
            vec![
                badge_cell(r.label, r.class),
                cell(r.total.to_string()),
                cell(r.aws.to_string()),
                cell(r.shared.to_string()),
                cell(r.customer.to_string()),
            ]
        })
        .chain(std::iter::once(
            std::iter::once(bold_cell("Total"))
                .chain(std::iter::once(bold_cell(packet.total_controls.to_string())))
                .chain(packet.owner_totals.iter().map(|o| bold_cell(o.total.to_string())))
                .collect(),
        ))
        .collect();
    l.table(
        Some(&format!("{} controls by status and by who owns them", packet.total_controls)),
        &[0.28, 0.18, 0.18, 0.18, 0.18],
        &["Status", "All", "AWS", "Shared", "Customer"],
        rows,
    );
    draw_owner_chart(&mut l, packet);
    draw_section_chart(&mut l, packet);
    let legend = [
        ("PASS", "pass", "every check behind the control passed on the collected evidence"),
        ("FAIL", "fail", "at least one check failed; findings and remediation follow"),
        ("ACCEPTED RISK", "accepted", "fails, every failure accepted by a named approver until a date; never a pass"),
        ("NOT ASSESSED", "na", "evidence is missing or could not be collected; never counted as a pass"),
        ("NOT APPLICABLE", "napp", "nothing in scope: no resource the checks examine exists; never counted as a pass"),
        ("MANUAL", "manual", "the auditor needs documents that no AWS API holds; none attached for this period"),
        ("EVIDENCE ATTACHED", "attached", "documents attached for this period; the auditor judges them, never a pass"),
        ("INHERITED", "inherited", "carried by AWS and evidenced by AWS's attestations"),
    ];
    // The meanings start after the widest badge (a badge is its word plus 6 points of padding).
    let column = legend.iter().map(|(label, _, _)| l.bold.width(label, SMALL) + 6.0).fold(0.0, f32::max) + 8.0;
    for (label, class, meaning) in legend {
        l.ensure(14.0);
        l.y -= 13.0;
        let y = l.y;
        l.badge(LEFT, y, label, class, SMALL);
        l.text(LEFT + column, y, meaning, Style::Regular, SMALL, INK);
    }

    // By account, for a bundle of several.
    if !packet.by_account.is_empty() {
        toc_pages.push(l.section(&title_of("accounts")));
        l.para(
            "Each account of the bundle evaluated alone, as if its evidence were the whole bundle: its controls by status, and the customer-owned or shared controls that fail there.",
            Style::Regular,
            BODY,
            INK,
            0.0,
            4.0,
        );
        let rows = packet
            .by_account
            .iter()
            .map(|a| {
                let n = |k: usize| cell(k.to_string());
                vec![
                    bold_cell(&a.account),
                    n(a.pass),
                    n(a.fail),
                    n(a.accepted_risk),
                    n(a.not_assessed),
                    n(a.not_applicable),
                    n(a.manual),
                    n(a.inherited),
                    cell(&a.failing),
                ]
            })
            .collect();
        l.table(
            Some("Controls by status in each account"),
            &[0.16, 0.06, 0.06, 0.1, 0.1, 0.08, 0.09, 0.1, 0.25],
            &["Account", "Pass", "Fail", "Accepted", "Not assessed", "N/A", "Manual", "Inherited", "Failing controls"],
            rows,
        );
    }

    // Changes since the previous period.
    if let Some(c) = &packet.changes {
        toc_pages.push(l.section(&title_of("changes")));
        draw_changes(&mut l, c);
    }

    // Responsibility matrix.
    toc_pages.push(l.section(&title_of("matrix")));
    l.para("Who carries each control under the AWS Shared Responsibility Model.", Style::Regular, BODY, INK, 0.0, 6.0);
    for group in &packet.matrix {
        l.heading(group.owner, 12.0, 60.0);
        l.para(group.explanation, Style::Regular, BODY, MUTED, 0.0, 4.0);
        let rows: Vec<Vec<Cell>> = if group.empty {
            vec![vec![cell("-"), cell("No control of this framework is owned here."), cell(""), cell("")]]
        } else {
            group
                .controls
                .iter()
                .map(|c| vec![bold_cell(&c.id), cell(&c.title), cell(c.evidence_method), badge_cell(c.status_label, c.status_class)])
                .collect()
        };
        l.table(None, &[0.2, 0.5, 0.13, 0.17], &["Control", "Title", "Evidence", "Status"], rows);
    }

    // Shared responsibility by service model.
    toc_pages.push(l.section(&title_of("service-models")));
    l.para(
        &format!(
            "{} Who owns each area of the AWS Shared Responsibility Model under each of them, and the controls of this framework that fall in the area.",
            packet.service_models
        ),
        Style::Regular,
        BODY,
        INK,
        0.0,
        6.0,
    );
    let models = packet.model_names.len().max(1) as f32;
    let model_width = 0.12;
    let mut widths = vec![0.3];
    widths.extend(std::iter::repeat_n(model_width, packet.model_names.len()));
    widths.push(1.0 - 0.3 - model_width * models);
    let mut header: Vec<&str> = vec!["Area"];
    header.extend(packet.model_names.iter().map(String::as_str));
    header.push("Controls");
    let rows: Vec<Vec<Cell>> = packet
        .srm_rows
        .iter()
        .map(|r| {
            std::iter::once(bold_cell(&r.area))
                .chain(r.owners.iter().map(|o| cell(o.owner)))
                .chain(std::iter::once(cell(&r.controls)))
                .collect()
        })
        .collect();
    l.table(Some("Areas of responsibility by service model"), &widths, &header, rows);

    // Controls.
    toc_pages.push(l.section(&title_of("controls")));
    for c in &packet.controls {
        l.ensure(90.0);
        l.bookmark(format!("{} {}", c.id, c.title), 1);
        l.y -= 6.0;
        l.hline_on(l.pages.len() - 1, LEFT, RIGHT, l.y, RULE, 0.6);
        l.y -= 16.0;
        let y = l.y;
        let mut bw = l.bold.width(c.status_label, SMALL) + 6.0;
        l.badge(RIGHT - bw, y, c.status_label, c.status_class, SMALL);
        if let (Some(label), Some(class)) = (c.change_label, c.change_class) {
            let cw = l.bold.width(label, SMALL) + 6.0;
            l.badge(RIGHT - bw - cw - 4.0, y, label, class, SMALL);
            bw += cw + 4.0;
        }
        let title_lines = l.wrap(&format!("{}  {}", c.id, c.title), Style::Bold, 11.5, WIDTH - bw - 10.0);
        for (i, line) in title_lines.iter().enumerate() {
            if i > 0 {
                l.y -= 15.0;
            }
            let y = l.y;
            l.text(LEFT, y, line, Style::Bold, 11.5, INK);
        }
        l.y -= 4.0;
        l.para(&format!("{} · owner: {} · evidence: {}", c.section, c.owner, c.evidence_method), Style::Regular, SMALL, MUTED, 0.0, 2.0);
        if let Some(why) = &c.owner_reason {
            l.para(&format!("Owner for this account: {why}"), Style::Regular, SMALL, MUTED, 0.0, 2.0);
        }
        l.para(&c.description, Style::Regular, BODY, INK, 0.0, 2.0);
        l.para(&c.status_reason, Style::Bold, BODY, status_color(c.status_class), 0.0, 2.0);
        if let Some(before) = c.previous_label {
            l.para(&format!("Previous period: {before}."), Style::Regular, SMALL, MUTED, 0.0, 2.0);
        }
        if let Some(a) = &c.aws_provides {
            l.para(&format!("What AWS provides: {a}"), Style::Regular, BODY, INK, 0.0, 2.0);
        }
        if let Some(m) = &c.manual_evidence {
            l.para(&format!("Evidence to request: {m}"), Style::Regular, BODY, INK, 0.0, 2.0);
        }
        if !c.attestations.is_empty() {
            let cited: Vec<String> =
                c.attestations.iter().map(|a| format!("{} ({}{})", a.name, a.dates, if a.stale { ", STALE" } else { "" })).collect();
            l.para(&format!("AWS attestations: {}", cited.join("; ")), Style::Regular, SMALL, INK, 0.0, 2.0);
        }
        if !c.attachments.is_empty() {
            let rows = c
                .attachments
                .iter()
                .map(|a| {
                    let name = if a.stale { format!("{} (STALE: before the period)", a.path) } else { a.path.clone() };
                    vec![
                        cell(name),
                        cell(&a.sha256),
                        cell(format!("{} by {}", a.attached_at, a.attached_by)),
                        cell(a.note.clone().unwrap_or_default()),
                    ]
                })
                .collect();
            l.table(Some("Documents attached for this control"), &[0.3, 0.3, 0.22, 0.18], &["File", "SHA-256", "Attached", "Note"], rows);
        }
        for k in &c.checks {
            l.ensure(40.0);
            l.y -= 14.0;
            let y = l.y;
            let w = l.badge(LEFT + 8.0, y, k.status_label, k.status_class, SMALL);
            let head = format!("{} ({}, severity {})", k.title, k.id, k.severity);
            let lines = l.wrap(&head, Style::Bold, BODY, WIDTH - w - 16.0);
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    l.ensure(13.0);
                    l.y -= 13.0;
                }
                let y = l.y;
                l.text(LEFT + 14.0 + w, y, line, Style::Bold, BODY, INK);
            }
            l.y -= 3.0;
            if let Some(r) = &k.reason {
                l.para(r, Style::Regular, SMALL, status_color(k.status_class), 8.0, 1.0);
            }
            if k.show_remediation {
                l.para(&format!("Remediation: {}", k.remediation), Style::Regular, SMALL, INK, 8.0, 2.0);
            }
            if let Some(n) = &k.counts {
                l.para(&format!("{n}."), Style::Regular, SMALL, MUTED, 8.0, 1.0);
            }
            findings_table(&mut l, &k.findings);
            if let Some(more) = &k.more {
                l.para(more, Style::Regular, SMALL, MUTED, 8.0, 2.0);
            }
        }
        if !c.evidence_files.is_empty() {
            l.para("Evidence files:", Style::Bold, SMALL, INK, 0.0, 0.0);
            for f in &c.evidence_files {
                l.para(&format!("{}  sha256 {}", f.path, f.sha256), Style::Regular, 7.0, MUTED, 8.0, 0.0);
            }
        }
    }

    // Findings by check: each check once, with what the packet lists of its findings.
    toc_pages.push(l.section(&title_of("findings")));
    l.para(
        "Each check of this framework once, with the resources it examined, failures first; the controls show the first few. A finding accepted for one control only is shown as accepted at that control.",
        Style::Regular,
        BODY,
        INK,
        0.0,
        4.0,
    );
    for k in &packet.findings_by_check {
        l.ensure(60.0);
        l.bookmark(format!("{} {}", k.id, k.title), 1);
        l.y -= 6.0;
        l.hline_on(l.pages.len() - 1, LEFT, RIGHT, l.y, RULE, 0.6);
        l.y -= 2.0;
        l.para(&format!("{} ({}, severity {})", k.title, k.id, k.severity), Style::Bold, BODY, INK, 0.0, 1.0);
        let used: Vec<&str> = k.controls.iter().map(|c| c.id.as_str()).collect();
        let counted = k.counts.clone().unwrap_or_else(|| "No findings".to_string());
        l.para(&format!("Used at {}. {counted}.", used.join(", ")), Style::Regular, SMALL, MUTED, 0.0, 2.0);
        findings_table(&mut l, &k.findings);
        if let Some(more) = &k.more {
            l.para(more, Style::Regular, SMALL, MUTED, 8.0, 2.0);
        }
    }

    // Accepted risks.
    if let Some(a) = &packet.accepted {
        toc_pages.push(l.section(&title_of("accepted")));
        draw_accepted(&mut l, a);
    }

    // Evidence still needed.
    toc_pages.push(l.section(&title_of("needed")));
    if packet.needed.is_empty() {
        l.para("Every manual control of this framework has documents attached for this period.", Style::Regular, BODY, INK, 0.0, 6.0);
    } else {
        let rows = packet.needed.iter().map(|n| vec![bold_cell(&n.id), cell(&n.title), cell(n.owner), cell(&n.request)]).collect();
        l.table(
            Some("Manual controls with no document attached for this period: what to request"),
            &[0.16, 0.3, 0.11, 0.43],
            &["Control", "Title", "Owner", "Request"],
            rows,
        );
        l.para(
            &format!(
                "Attach a document with `auditpack attach BUNDLE --framework {} --control ID --by NAME FILE`; it is hashed into the bundle's manifest.",
                packet.framework_id
            ),
            Style::Regular,
            SMALL,
            MUTED,
            0.0,
            6.0,
        );
    }
    if !packet.stale_attachments.is_empty() {
        let rows = packet
            .stale_attachments
            .iter()
            .map(|a| vec![cell(&a.control), cell(&a.path), cell(&a.attached_at), cell(&a.attached_by)])
            .collect();
        l.table(
            Some("Documents attached before the period start: listed, not counted"),
            &[0.16, 0.44, 0.22, 0.18],
            &["Control", "File", "Attached", "By"],
            rows,
        );
    }

    // AWS Config rules.
    toc_pages.push(l.section(&title_of("config-rules")));
    draw_config_rules(&mut l, &packet.config_rules);

    // AWS attestations.
    if !packet.attestations.is_empty() {
        toc_pages.push(l.section(&title_of("attestations")));
        l.para(
            "What AWS carries under the shared responsibility model is evidenced by AWS's own third-party attestations, which the AWS-owned and shared controls of this framework cite. A report or certificate more than 12 months old at generation is flagged STALE.",
            Style::Regular,
            BODY,
            INK,
            0.0,
            6.0,
        );
        let rows = packet
            .attestations
            .iter()
            .map(|a| {
                let name = match &a.note {
                    Some(n) => format!("{}\n{n}", a.name),
                    None => a.name.clone(),
                };
                vec![cell(name), cell(&a.dates), badge_cell(a.state_label, a.state_class), cell(format!("{}. {}", a.age, a.source))]
            })
            .collect();
        l.table(
            Some("Attestations cited, with their dates and where to get them"),
            &[0.34, 0.18, 0.13, 0.35],
            &["Attestation", "Dates", "State", "Age and where"],
            rows,
        );
    }

    // Gaps.
    toc_pages.push(l.section(&title_of("gaps")));
    if packet.gaps.is_empty() {
        l.para("Every API call of the collection succeeded.", Style::Regular, BODY, INK, 0.0, 6.0);
    } else {
        let rows = packet.gaps.iter().map(|g| vec![cell(&g.api), cell(&g.scope), cell(&g.error), cell(&g.message)]).collect();
        l.table(
            Some("Calls that failed during collection: the controls that need them are not assessed"),
            &[0.25, 0.22, 0.18, 0.35],
            &["API", "Account / region", "Error", "Message"],
            rows,
        );
    }
    if !packet.absent.is_empty() {
        let rows = packet.absent.iter().map(|g| vec![cell(&g.api), cell(&g.scope), cell(&g.error), cell(&g.message)]).collect();
        l.table(
            Some("Calls that answered that there is none (facts, not gaps)"),
            &[0.25, 0.22, 0.18, 0.35],
            &["API", "Account / region", "Answer", "Message"],
            rows,
        );
    }

    // Sign-off: who prepared, reviewed and approved the packet, with lines to sign on.
    toc_pages.push(l.section(&title_of("signoff")));
    l.para(
        &format!(
            "By signing, the people below confirm they reviewed this packet against the evidence bundle named on the cover (SHA-256 {}).",
            packet.manifest_sha256
        ),
        Style::Regular,
        BODY,
        INK,
        0.0,
        14.0,
    );
    for role in ["Prepared by", "Reviewed by", "Approved by"] {
        l.ensure(90.0);
        l.para(role, Style::Bold, 12.0, INK, 0.0, 10.0);
        let name = if role == "Prepared by" { packet.prepared_by.as_deref() } else { None };
        for (label, value) in [("Name", name), ("Signature", None), ("Date", None)] {
            l.y -= 22.0;
            let y = l.y;
            l.text(LEFT, y, label, Style::Regular, SMALL, MUTED);
            if let Some(v) = value {
                l.text(LEFT + 70.0, y + 2.0, v, Style::Regular, BODY, INK);
            }
            l.hline_on(l.pages.len() - 1, LEFT + 66.0, RIGHT, y - 2.0, RULE, 0.6);
        }
        l.y -= 18.0;
    }

    // Evidence files.
    toc_pages.push(l.section(&title_of("files")));
    let rows = packet.evidence_files.iter().map(|f| vec![cell(&f.path), cell(&f.sha256)]).collect();
    l.table(Some("Every file of the evidence bundle with its SHA-256"), &[0.52, 0.48], &["File", "SHA-256"], rows);

    // Contents with page numbers, now that they are known.
    let mut y = toc_top;
    for (title, page) in toc_titles.iter().zip(&toc_pages) {
        y -= 16.0;
        l.text_on(toc_page, (LEFT, y), title, Style::Regular, 10.5, INK);
        let num = page.to_string();
        let w = l.regular.width(&num, 10.5);
        l.text_on(toc_page, (RIGHT - w, y), &num, Style::Regular, 10.5, INK);
        l.hline_on(toc_page, LEFT + l.regular.width(title, 10.5) + 6.0, RIGHT - w - 6.0, y + 2.0, RULE, 0.4);
    }

    // Running header and footer.
    let total = l.pages.len();
    let header = format!("{} {} · audit packet", packet.framework_name, packet.framework_version);
    let account = format!("Account {}", packet.accounts);
    let hash = format!("Evidence bundle {}…", &packet.manifest_sha256[..16.min(packet.manifest_sha256.len())]);
    for page in 0..total {
        if page > 0 {
            l.text_on(page, (LEFT, PAGE_H - 36.0), &header, Style::Regular, SMALL, MUTED);
            let w = l.regular.width(&account, SMALL);
            l.text_on(page, (RIGHT - w, PAGE_H - 36.0), &account, Style::Regular, SMALL, MUTED);
            l.hline_on(page, LEFT, RIGHT, PAGE_H - 42.0, RULE, 0.5);
        }
        l.hline_on(page, LEFT, RIGHT, 40.0, RULE, 0.5);
        l.text_on(page, (LEFT, 28.0), &hash, Style::Regular, SMALL, MUTED);
        let footer = format!("Page {} of {}", page + 1, total);
        let w = l.regular.width(&footer, SMALL);
        l.text_on(page, (RIGHT - w, 28.0), &footer, Style::Regular, SMALL, MUTED);
    }

    finish(l, &Meta::of_packet(packet))
}

/// The "Changes since" section.
/// A check's findings as a table (nothing when there are none).
fn findings_table(l: &mut Layout, findings: &[crate::render::view::FindingView]) {
    if !findings.is_empty() {
        let rows = findings
            .iter()
            .map(|f| {
                let mut detail = f.detail.clone();
                if let Some(ch) = f.change {
                    detail = format!("{ch}: {detail}");
                }
                if let Some(a) = &f.accepted {
                    detail.push_str(&format!(
                        "\nAccepted risk (exception {}): {} Approved by {}; expires {}{}.",
                        a.exception,
                        a.justification,
                        a.approved_by,
                        a.expires_on,
                        a.ticket.as_ref().map(|t| format!("; ticket {t}")).unwrap_or_default()
                    ));
                }
                vec![badge_cell(f.status_label, f.status_class), cell(&f.resource), cell(detail)]
            })
            .collect();
        l.table(None, &[0.17, 0.43, 0.40], &["Result", "Resource", "Detail"], rows);
    }
}

fn draw_changes(l: &mut Layout, c: &crate::render::view::ChangesView) {
    if c.not_compared {
        l.para(
            &format!("The previous packet ({}) does not cover this framework, so its controls are not compared.", c.previous_source),
            Style::Regular,
            BODY,
            INK,
            0.0,
            6.0,
        );
    } else {
        l.para(
            &format!(
                "Compared with the packet of {} ({}, evidence collected {}), on account(s) {}. Score then {}, now {}.",
                c.label, c.previous_source, c.previous_collected_at, c.accounts_compared, c.score_before, c.score_now
            ),
            Style::Regular,
            BODY,
            INK,
            0.0,
            6.0,
        );
        let header: Vec<&str> = c.counts.iter().map(|x| x.label).collect();
        let widths = vec![1.0 / c.counts.len() as f32; c.counts.len()];
        let rows = vec![c.counts.iter().map(|x| cell(x.count.to_string())).collect()];
        l.table(Some(&format!("Controls by change since {}", c.label)), &widths, &header, rows);
        if c.rows.is_empty() {
            l.para("No control changed, and none still fails.", Style::Regular, BODY, INK, 0.0, 6.0);
        } else {
            let rows = c
                .rows
                .iter()
                .map(|r| {
                    vec![
                        bold_cell(&r.id),
                        cell(&r.title),
                        badge_cell(r.before_label, r.before_class),
                        badge_cell(r.now_label, r.now_class),
                        badge_cell(r.change_label, r.change_class),
                    ]
                })
                .collect();
            l.table(
                Some("Controls that changed (new failures and fixes first), then those still failing"),
                &[0.14, 0.32, 0.18, 0.18, 0.18],
                &["Control", "Title", "Then", "Now", "Change"],
                rows,
            );
        }
    }
    if !c.accounts_added.is_empty() {
        l.para(
            &format!("Accounts added since: {} (their findings are not counted as new).", c.accounts_added.join(", ")),
            Style::Regular,
            BODY,
            INK,
            0.0,
            4.0,
        );
    }
    if !c.accounts_removed.is_empty() {
        l.para(
            &format!("Accounts removed since: {} (their findings are not counted as resolved).", c.accounts_removed.join(", ")),
            Style::Regular,
            BODY,
            INK,
            0.0,
            4.0,
        );
    }
    l.para(
        &format!("Failing findings: {} new, {} persisting, {} resolved.", c.findings_new, c.findings_persisting, c.findings_resolved),
        Style::Regular,
        BODY,
        INK,
        0.0,
        4.0,
    );
    for (caption, list, more) in [
        ("New failing findings".to_string(), &c.new_findings, &c.more_new),
        (format!("Findings resolved since {}", c.label), &c.resolved_findings, &c.more_resolved),
    ] {
        if !list.is_empty() {
            let rows = list.iter().map(|f| vec![cell(&f.check), cell(&f.resource), cell(&f.detail)]).collect();
            l.table(Some(&caption), &[0.25, 0.4, 0.35], &["Check", "Resource", "Detail"], rows);
        }
        if let Some(m) = more {
            l.para(m, Style::Regular, SMALL, MUTED, 0.0, 4.0);
        }
    }
}

/// The "Accepted risks" section.
fn draw_config_rules(l: &mut Layout, v: &crate::render::view::ConfigRulesView) {
    l.para(
        "The account's own continuous controls. A managed rule is recognised by its identifier, under whatever name it is deployed (conformance packs add a suffix); its NON_COMPLIANT results fail exactly the controls it evidences, its COMPLIANT results evidence them.",
        Style::Regular,
        BODY,
        INK,
        0.0,
        6.0,
    );
    if v.at_controls.is_empty() {
        l.para("The account runs none of the AWS Config rules mapped to this framework's controls.", Style::Regular, BODY, INK, 0.0, 6.0);
    } else {
        let rows = v
            .at_controls
            .iter()
            .map(|r| {
                let failing = if r.failing > 0 { r.failing.to_string() } else { String::new() };
                vec![cell(&r.rule), cell(&r.deployed_as), badge_cell(r.status_label, r.status_class), cell(failing), cell(&r.controls)]
            })
            .collect();
        l.table(
            Some("Rules at this framework's controls"),
            &[0.28, 0.27, 0.11, 0.11, 0.23],
            &["Rule", "Deployed as", "Result", "Non-compliant", "Controls"],
            rows,
        );
    }
    l.heading("The account's own Config rules", 11.0, 40.0);
    if v.own.is_empty() {
        l.para("Every rule the account runs is mapped to controls.", Style::Regular, BODY, INK, 0.0, 6.0);
    } else {
        l.para(
            "Custom rules, and managed rules no mapping names: listed here, they change no control. Map them to controls in a config-rules.toml of a --mappings directory (docs/mappings.md).",
            Style::Regular,
            BODY,
            INK,
            0.0,
            6.0,
        );
        let rows = v
            .own
            .iter()
            .map(|r| vec![cell(&r.scope), cell(&r.name), cell(&r.kind), badge_cell(r.status_label, r.status_class), cell(&r.detail)])
            .collect();
        l.table(
            Some("Rules no mapping places at a control"),
            &[0.17, 0.23, 0.2, 0.12, 0.28],
            &["Account / region", "Rule", "Kind", "Result", "Detail"],
            rows,
        );
    }
    l.heading("Conformance packs", 11.0, 40.0);
    if v.packs.is_empty() {
        l.para("No conformance pack is deployed in the collected regions.", Style::Regular, BODY, INK, 0.0, 6.0);
    } else {
        let rows = v
            .packs
            .iter()
            .map(|p| vec![cell(&p.scope), cell(&p.name), badge_cell(&p.compliance, p.compliance_class), cell(&p.detail)])
            .collect();
        l.table(
            Some("Conformance packs deployed, with their compliance"),
            &[0.18, 0.3, 0.16, 0.36],
            &["Account / region", "Pack", "Compliance", "Detail"],
            rows,
        );
    }
    if !v.unknown.is_empty() {
        l.para(
            &format!("Rules unknown in {}: the rule list could not be read there (see Evidence gaps).", v.unknown),
            Style::Regular,
            BODY,
            INK,
            0.0,
            6.0,
        );
    }
}

fn draw_accepted(l: &mut Layout, a: &crate::render::view::AcceptedView) {
    l.para(
        &format!(
            "From {} (SHA-256 {}), judged on {}. An accepted failure is never a pass: its control is ACCEPTED RISK and counts as not passing in the score. An expired entry no longer applies.",
            a.file, a.sha256, a.judged_on
        ),
        Style::Regular,
        BODY,
        INK,
        0.0,
        6.0,
    );
    if a.empty {
        l.para("No entry of the file names a check or control of this framework.", Style::Regular, BODY, INK, 0.0, 6.0);
    }
    for e in &a.entries {
        let mut rows = vec![
            vec![bold_cell("State"), badge_cell(e.state_label, e.state_class)],
            vec![bold_cell("Resources"), cell(&e.resources)],
            vec![bold_cell("Justification"), cell(&e.justification)],
            vec![bold_cell("Approved by"), cell(format!("{}, on {}", e.approved_by, e.approved_on))],
            vec![bold_cell("Expires"), cell(&e.expires_on)],
        ];
        if let Some(t) = &e.ticket {
            rows.push(vec![bold_cell("Ticket"), cell(t)]);
        }
        rows.push(vec![bold_cell("Effect"), cell(&e.effect)]);
        l.table(Some(&format!("Exception {}: {}", e.index, e.target)), &[0.22, 0.78], &["Field", "Value"], rows);
    }
}

/// The one-page management summary.
pub fn render_summary(v: &crate::render::summary::SummaryView) -> Vec<u8> {
    // The page holds everything else first: when the lists of failing controls do not fit,
    // each framework lists fewer and says how many more its packet names.
    let most = v.frameworks.iter().map(|f| f.top.len()).max().unwrap_or(0);
    let mut l = summary_layout(v, most);
    for top in (1..most).rev() {
        if l.pages.len() == 1 {
            break;
        }
        l = summary_layout(v, top);
    }
    summary_finish(l, v)
}

fn summary_layout(v: &crate::render::summary::SummaryView, max_top: usize) -> Layout {
    let mut l = Layout::new();
    l.bookmark("Management summary".into(), 0);
    l.y = TOP - 10.0;
    l.text(LEFT, l.y, "AUDIT PACKET · ONE-PAGE SUMMARY", Style::Bold, SMALL, MUTED);
    l.y -= 22.0;
    l.text(LEFT, l.y, &v.title, Style::Bold, 18.0, INK);
    l.y -= 8.0;
    let mut meta = format!("AWS account {} · regions {} · evidence collected {}", v.accounts, v.regions, v.collected_at);
    if let Some(p) = &v.prepared_for {
        meta.push_str(&format!(" · prepared for {p}"));
    }
    l.para(&meta, Style::Regular, SMALL, MUTED, 0.0, 2.0);
    l.para(&format!("Evidence bundle SHA-256 {}", v.manifest_sha256), Style::Regular, 7.0, MUTED, 0.0, 2.0);
    l.para(&format!("Signature: {}", v.signature), Style::Regular, 7.0, MUTED, 0.0, 2.0);
    if let Some(h) = &v.exceptions_sha256 {
        l.para(&format!("Exceptions file SHA-256 {h}"), Style::Regular, 7.0, MUTED, 0.0, 2.0);
    }
    if let Some(c) = &v.compared_with {
        l.para(&format!("{c}."), Style::Regular, SMALL, MUTED, 0.0, 2.0);
    }
    l.y -= 6.0;

    // The chart: one stacked bar per framework, from the same model as the HTML's SVG.
    l.para(&v.chart.title, Style::Bold, BODY, INK, 0.0, 2.0);
    let label_w = 150.0;
    let bar_w = WIDTH - label_w - 30.0;
    for bar in &v.chart.bars {
        l.y -= 18.0;
        let y = l.y;
        let label = l.fit(&format!("{} ({})", bar.label, bar.total), Style::Regular, SMALL, label_w - 6.0);
        l.text(LEFT, y + 4.0, &label, Style::Regular, SMALL, INK);
        for seg in &bar.segments {
            let (x, w) = (LEFT + label_w + seg.start * bar_w, seg.width * bar_w);
            l.rect(x, y, w, 13.0, Some(status_color(seg.class)), Some(WHITE));
            let t = seg.count.to_string();
            let tw = l.bold.width(&t, 7.0);
            if w > tw + 4.0 {
                l.text(x + (w - tw) / 2.0, y + 3.5, &t, Style::Bold, 7.0, WHITE);
            }
        }
    }
    l.y -= 14.0;
    let mut x = LEFT;
    for item in &v.chart.legend {
        l.rect(x, l.y, 7.0, 7.0, Some(status_color(item.class)), None);
        l.text(x + 10.0, l.y + 0.5, item.label, Style::Regular, 7.0, INK);
        x += 18.0 + l.regular.width(item.label, 7.0);
    }
    l.y -= 10.0;

    for f in &v.frameworks {
        l.y -= 4.0;
        // The score always shows; the name gives way when space runs out.
        let score = format!(": {}", f.score);
        let name = l.fit(&format!("{} {}", f.name, f.version), Style::Bold, 10.5, 0.62 * WIDTH - l.bold.width(&score, 10.5));
        let heading = format!("{name}{score}");
        l.y -= 12.0;
        l.text(LEFT, l.y, &heading, Style::Bold, 10.5, INK);
        let note = l.fit(&f.score_note, Style::Regular, SMALL, 0.36 * WIDTH);
        let nw = l.regular.width(&note, SMALL);
        l.text(RIGHT - nw, l.y, &note, Style::Regular, SMALL, MUTED);
        l.y -= 4.0;
        // Counts as two lines of text: a twelve-column table would break its headings mid-word.
        l.para(
            &format!(
                "{} pass · {} fail · {} accepted risk · {} not assessed · {} not applicable · {} manual · {} evidence attached · {} inherited",
                f.pass, f.fail, f.accepted_risk, f.not_assessed, f.not_applicable, f.manual, f.evidence_attached, f.inherited
            ),
            Style::Regular,
            7.5,
            INK,
            0.0,
            0.0,
        );
        l.para(
            &format!("{} controls; by owner: AWS {} · shared {} · customer {}", f.total, f.aws, f.shared, f.customer),
            Style::Regular,
            7.5,
            MUTED,
            0.0,
            2.0,
        );
        if let Some(c) = &f.change {
            l.para(&format!("Changes {c}."), Style::Bold, SMALL, INK, 0.0, 2.0);
        }
        if let Some(a) = &f.accounts {
            l.para(&format!("{a}."), Style::Regular, SMALL, INK, 0.0, 2.0);
        }
        if f.needed > 0 {
            l.para(
                &format!(
                    "Evidence still needed: {} manual control(s), e.g. {} (each packet lists what to request).",
                    f.needed, f.needed_ids
                ),
                Style::Regular,
                SMALL,
                INK,
                0.0,
                2.0,
            );
        }
        for e in &f.expiring {
            l.para(&format!("Accepted risk expiring: {e}."), Style::Regular, SMALL, status_color("accepted"), 0.0, 2.0);
        }
        if f.no_top {
            l.para("No customer-owned control fails.", Style::Regular, SMALL, MUTED, 0.0, 2.0);
        } else {
            let rows = f
                .top
                .iter()
                .take(max_top)
                .map(|t| {
                    let name = l.fit(&format!("{} {}", t.id, t.title), Style::Bold, SMALL, 0.34 * WIDTH - 8.0);
                    let fix = l.fit(&t.remediation, Style::Regular, SMALL, 0.54 * WIDTH - 8.0);
                    vec![bold_cell(name), cell(t.severity), cell(fix)]
                })
                .collect();
            l.table(None, &[0.34, 0.12, 0.54], &["Failing customer-owned control", "Severity", "What to do"], rows);
            if f.top.len() > max_top {
                l.y += 6.0;
                l.para(
                    &format!(
                        "and {} more failing customer-owned control(s): the packet shows each with its remediation.",
                        f.top.len() - max_top
                    ),
                    Style::Regular,
                    7.0,
                    MUTED,
                    0.0,
                    2.0,
                );
            }
        }
    }
    for flag in &v.attestation_flags {
        l.para(&format!("AWS attestations {flag}."), Style::Regular, SMALL, status_color("na"), 0.0, 1.0);
    }
    l.y -= 4.0;
    l.para(
        &format!(
            "Generated {} by {}. Score: the passing share of the automated controls that could be assessed; manual and inherited controls need the auditor's review, controls lacking evidence never count as passing, and accepted risks count as not passing.",
            v.generated_at, v.tool
        ),
        Style::Regular,
        7.0,
        MUTED,
        0.0,
        0.0,
    );
    l
}

fn summary_finish(mut l: Layout, v: &crate::render::summary::SummaryView) -> Vec<u8> {
    let total = l.pages.len();
    let hash = format!("Evidence bundle {}…", &v.manifest_sha256[..16.min(v.manifest_sha256.len())]);
    for page in 0..total {
        l.hline_on(page, LEFT, RIGHT, 40.0, RULE, 0.5);
        l.text_on(page, (LEFT, 28.0), &hash, Style::Regular, SMALL, MUTED);
        let footer = format!("Page {} of {}", page + 1, total);
        let w = l.regular.width(&footer, SMALL);
        l.text_on(page, (RIGHT - w, 28.0), &footer, Style::Regular, SMALL, MUTED);
    }
    let meta = Meta {
        title: format!("{} · AWS account {}", v.title, v.accounts),
        tool: v.tool.clone(),
        subject: format!("Compliance summary for AWS account(s) {}, evidence collected {}", v.accounts, v.collected_at),
        keywords: vec!["audit".into(), "AWS".into(), "summary".into()],
        identifier: v.manifest_sha256.clone(),
        generated_at: v.generated_at.clone(),
        id_seed: format!("{}|summary|{}", v.manifest_sha256, v.generated_at),
    };
    finish(l, &meta)
}

/// A horizontal stacked bar per section: how its controls split by status, as shares of the
/// section (vector graphics, from the same bar model as the summary's chart).
fn draw_section_chart(l: &mut Layout, packet: &Packet) {
    let (bar_h, label_w) = (11.0, 190.0);
    let bar_w = WIDTH - label_w - 30.0;
    l.ensure(40.0);
    l.para("Controls by section and status", Style::Bold, BODY, INK, 0.0, 4.0);
    for bar in &packet.section_bars {
        l.ensure(bar_h + 6.0);
        l.y -= bar_h + 5.0;
        let y = l.y;
        let label = l.fit(&bar.label, Style::Regular, SMALL, label_w - 8.0);
        l.text(LEFT, y + 2.5, &label, Style::Regular, SMALL, INK);
        for seg in &bar.segments {
            let (x, w) = (LEFT + label_w + seg.start * bar_w, seg.width * bar_w);
            l.rect(x, y, w, bar_h, Some(status_color(seg.class)), Some(WHITE));
            let t = seg.count.to_string();
            let tw = l.bold.width(&t, 6.5);
            if w > tw + 4.0 {
                l.text(x + (w - tw) / 2.0, y + 3.0, &t, Style::Bold, 6.5, WHITE);
            }
        }
        l.text(LEFT + label_w + bar_w + 4.0, y + 2.5, &bar.total.to_string(), Style::Regular, SMALL, INK);
    }
    l.y -= 12.0;
}

/// A horizontal stacked bar per owner: how its controls split by status (vector graphics).
fn draw_owner_chart(l: &mut Layout, packet: &Packet) {
    let bar_h = 14.0;
    let label_w = 70.0;
    let max = packet.owner_totals.iter().map(|o| o.total).max().unwrap_or(0).max(1) as f32;
    l.ensure(3.0 * (bar_h + 8.0) + 30.0);
    l.para("Controls by owner and status", Style::Bold, BODY, INK, 0.0, 4.0);
    for (i, owner) in packet.owner_totals.iter().enumerate() {
        l.y -= bar_h + 6.0;
        let y = l.y;
        l.text(LEFT, y + 3.0, owner.owner, Style::Bold, SMALL, INK);
        let mut x = LEFT + label_w;
        for row in &packet.status_rows {
            let n = [row.aws, row.shared, row.customer][i];
            if n == 0 {
                continue;
            }
            let w = n as f32 / max * (WIDTH - label_w - 40.0);
            l.rect(x, y, w, bar_h, Some(status_color(row.class)), Some(WHITE));
            if w > 14.0 {
                let t = n.to_string();
                let tw = l.bold.width(&t, 7.0);
                l.text(x + (w - tw) / 2.0, y + 4.0, &t, Style::Bold, 7.0, WHITE);
            }
            x += w;
        }
        let t = format!("{}", owner.total);
        l.text(x + 4.0, y + 4.0, &t, Style::Regular, SMALL, INK);
    }
    l.y -= 14.0;
}

/// What a document says about itself: metadata, and the seed of its /ID.
struct Meta {
    title: String,
    tool: String,
    subject: String,
    keywords: Vec<String>,
    identifier: String,
    generated_at: String,
    id_seed: String,
}

impl Meta {
    fn of_packet(packet: &Packet) -> Meta {
        Meta {
            title: packet.title.clone(),
            tool: packet.tool.clone(),
            subject: format!(
                "{} evidence for AWS account(s) {}, collected {}",
                packet.framework_name, packet.accounts, packet.collected_at
            ),
            keywords: vec!["audit".into(), "AWS".into(), packet.framework_id.clone(), "shared responsibility".into()],
            identifier: packet.manifest_sha256.clone(),
            generated_at: packet.generated_at.clone(),
            id_seed: format!("{}|{}|{}", packet.manifest_sha256, packet.framework_id, packet.generated_at),
        }
    }
}

/// Assemble the printpdf document with fixed ids, metadata and dates, and serialise it.
fn finish(l: Layout, meta: &Meta) -> Vec<u8> {
    let mut doc = PdfDocument::new(&meta.title);
    for font in [&l.regular, &l.bold] {
        let used = chars_drawn_with(&l.pages, &font.id);
        let embedded = subset(&font.parsed, &used).unwrap_or_else(|| font.parsed.clone());
        doc.resources.fonts.map.insert(font.id.clone(), PdfFont::new(embedded));
    }
    let when = chrono::DateTime::parse_from_rfc3339(&meta.generated_at).map(|t| t.timestamp()).unwrap_or(0);
    let date = printpdf::OffsetDateTime::from_unix_timestamp(when)
        .unwrap_or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0).expect("epoch"));
    let info = &mut doc.metadata.info;
    info.document_title = meta.title.clone();
    info.author = "auditpack".into();
    info.creator = meta.tool.clone();
    info.producer = meta.tool.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.identifier = meta.identifier.clone();
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    let pages = l.pages.into_iter().map(|ops| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops)).collect();
    doc.with_pages(pages);
    let opts = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    let mut lo = doc.to_lopdf_document(&opts, &mut Vec::new());
    // printpdf draws the /ID from a process-wide counter; derive it from the content instead.
    let id = crate::evidence::sha256_hex(meta.id_seed.as_bytes());
    let id_str = lopdf::Object::String(id.as_bytes()[..32].to_vec(), lopdf::StringFormat::Literal);
    lo.trailer.set("ID", lopdf::Object::Array(vec![id_str.clone(), id_str]));
    write_outline(&mut lo, &l.bookmarks);
    compress(&mut lo);
    let mut out = Vec::new();
    lo.save_to(&mut out).expect("writing a PDF to memory cannot fail");
    out
}

/// Deflate every stream not yet filtered, at flate2's default level: lopdf's own `compress` uses
/// the best (level 9), which takes several times as long on a large packet for a few percent.
fn compress(lo: &mut lopdf::Document) {
    use std::io::Write;
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&stream.content).expect("deflating into memory cannot fail");
        let deflated = encoder.finish().expect("deflating into memory cannot fail");
        if deflated.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
        }
    }
}

/// A PDF text string: UTF-16BE with a byte order mark, so any title survives.
fn pdf_text(s: &str) -> lopdf::Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}

/// Write the document outline in document order: sections at the top level, each control nested
/// under its section, each entry jumping to the top of its heading. (printpdf's own bookmarks are
/// flat and sorted by page and name.)
fn write_outline(lo: &mut lopdf::Document, marks: &[Mark]) {
    use lopdf::{Dictionary, Object};
    let pages = lo.get_pages();
    // Top-level entries with the indices of their children.
    let mut tree: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        match (m.level, tree.last_mut()) {
            (1, Some((_, children))) => children.push(i),
            _ => tree.push((i, Vec::new())),
        }
    }
    if tree.is_empty() {
        return;
    }
    let root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = marks.iter().map(|_| lo.new_object_id()).collect();
    let entry = |i: usize, parent: lopdf::ObjectId, prev: Option<usize>, next: Option<usize>| {
        let m = &marks[i];
        let page = pages.get(&(m.page as u32)).copied().expect("bookmarked page exists");
        let mut d = Dictionary::new();
        d.set("Title", pdf_text(&m.title));
        d.set("Parent", Object::Reference(parent));
        d.set("Dest", Object::Array(vec![Object::Reference(page), "XYZ".into(), Object::Null, Object::Real(m.y + 20.0), Object::Null]));
        if let Some(p) = prev {
            d.set("Prev", Object::Reference(ids[p]));
        }
        if let Some(n) = next {
            d.set("Next", Object::Reference(ids[n]));
        }
        d
    };
    let tops: Vec<usize> = tree.iter().map(|(i, _)| *i).collect();
    for (k, (i, children)) in tree.iter().enumerate() {
        let mut d = entry(*i, root, k.checked_sub(1).map(|p| tops[p]), tops.get(k + 1).copied());
        if let (Some(first), Some(last)) = (children.first(), children.last()) {
            d.set("First", Object::Reference(ids[*first]));
            d.set("Last", Object::Reference(ids[*last]));
            d.set("Count", Object::Integer(children.len() as i64));
        }
        lo.objects.insert(ids[*i], Object::Dictionary(d));
        for (c, child) in children.iter().enumerate() {
            let d = entry(*child, ids[*i], c.checked_sub(1).map(|p| children[p]), children.get(c + 1).copied());
            lo.objects.insert(ids[*child], Object::Dictionary(d));
        }
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("First", Object::Reference(ids[tops[0]]));
    outlines.set("Last", Object::Reference(ids[*tops.last().expect("non-empty")]));
    outlines.set("Count", Object::Integer(marks.len() as i64));
    lo.objects.insert(root, Object::Dictionary(outlines));
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Outlines", Object::Reference(root));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

/// Every character drawn with `font` on any page.
fn chars_drawn_with(pages: &[Vec<Op>], font: &FontId) -> std::collections::BTreeSet<char> {
    let mut used = std::collections::BTreeSet::new();
    let mut current: Option<&FontId> = None;
    for op in pages.iter().flatten() {
        match op {
            Op::SetFont { font: PdfFontHandle::External(id), .. } => current = Some(id),
            Op::ShowText { items } if current == Some(font) => {
                for item in items {
                    if let TextItem::Text(t) = item {
                        used.extend(t.chars());
                    }
                }
            }
            _ => {}
        }
    }
    used
}

/// A copy of `font` holding only the glyphs of `used` (and .notdef), with its own Unicode cmap:
/// packets embed tens of kilobytes of font instead of the whole face. Glyph advances are kept, so
/// the layout measured with the full font stays exact. `None` when subsetting fails (the caller
/// then embeds the whole font).
fn subset(font: &ParsedFont, used: &std::collections::BTreeSet<char>) -> Option<ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};
    let bytes = font.original_bytes.as_slice();
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    let mut glyphs: Vec<u16> = used.iter().filter_map(|c| font.lookup_glyph_index(*c as u32)).collect();
    glyphs.push(0);
    glyphs.sort_unstable();
    glyphs.dedup();
    let small = subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
    let parsed = ParsedFont::from_bytes(&small, 0, &mut Vec::new())?;
    // Every drawn character must still map to a glyph of the same advance.
    let faithful = used.iter().all(|c| match (font.lookup_glyph_index(*c as u32), parsed.lookup_glyph_index(*c as u32)) {
        (Some(a), Some(b)) => font.get_glyph_width(a) == parsed.get_glyph_width(b),
        (None, _) => true,
        _ => false,
    });
    faithful.then_some(parsed)
}
