//! The layout engine: measured text, wrapping, paragraphs, headings, tables that continue across
//! pages, and the page content streams they write.

use printpdf::{Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, WindingOrder};

use crate::render::visible::visible;

pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const LEFT: f32 = 50.0;
pub(super) const RIGHT: f32 = PAGE_W - 50.0;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = PAGE_H - 64.0;
pub(super) const BOTTOM: f32 = 58.0;

pub(super) const BODY: f32 = 9.5;
pub(super) const SMALL: f32 = 8.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Style {
    Regular,
    Bold,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) struct Rgbf(pub(super) f32, pub(super) f32, pub(super) f32);

pub(super) const INK: Rgbf = Rgbf(0.106, 0.122, 0.141);
pub(super) const MUTED: Rgbf = Rgbf(0.36, 0.39, 0.44);
pub(super) const RULE: Rgbf = Rgbf(0.80, 0.82, 0.86);
pub(super) const HEAD_BG: Rgbf = Rgbf(0.93, 0.945, 0.957);
pub(super) const WHITE: Rgbf = Rgbf(1.0, 1.0, 1.0);

/// A status colour: the palette of the summary chart (`#rrggbb`), so SVG and PDF agree.
pub(super) fn status_color(class: &str) -> Rgbf {
    let hex = crate::render::summary::fill(class).trim_start_matches('#');
    let part = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(|v| v as f32 / 255.0).unwrap_or(0.0);
    Rgbf(part(0), part(2), part(4))
}

pub(super) fn color(c: Rgbf) -> Color {
    Color::Rgb(Rgb { r: c.0, g: c.1, b: c.2, icc_profile: None })
}

pub(super) struct Font {
    pub(super) parsed: ParsedFont,
    pub(super) id: FontId,
    /// Advance widths of the characters below `CACHED_CHARS`, looked up once: a packet measures
    /// millions of characters.
    pub(super) widths: Vec<u16>,
}

/// Latin, Greek, Cyrillic and general punctuation: the characters a packet nearly always uses.
pub(super) const CACHED_CHARS: u32 = 0x2100;

impl Font {
    pub(super) fn load(bytes: &[u8], id: &str) -> Font {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded DejaVu font parses");
        let mut font = Font { parsed, id: FontId(id.to_string()), widths: Vec::new() };
        font.widths = (0..CACHED_CHARS).map(|c| font.glyph_width(c)).collect();
        font
    }

    pub(super) fn glyph_width(&self, ch: u32) -> u16 {
        let gid = self.parsed.lookup_glyph_index(ch).unwrap_or(0);
        self.parsed.get_glyph_width(gid).unwrap_or(0)
    }

    /// Advance width of `text` at `size`, in points, from the font's own glyph metrics.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let upem = self.parsed.units_per_em.max(1) as f32;
        let units: u32 =
            text.chars().map(|ch| u32::from(self.widths.get(ch as usize).copied().unwrap_or_else(|| self.glyph_width(ch as u32)))).sum();
        units as f32 / upem * size
    }
}

/// One table cell: text, and optionally a status badge look.
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) style: Style,
    pub(super) badge: Option<Rgbf>,
}

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Regular, badge: None }
}

pub(super) fn bold_cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Bold, badge: None }
}

pub(super) fn badge_cell(label: &str, class: &str) -> Cell {
    Cell { text: label.to_string(), style: Style::Bold, badge: Some(status_color(class)) }
}

pub(super) struct Layout {
    pub(super) regular: Font,
    pub(super) bold: Font,
    pub(super) pages: Vec<Vec<Op>>,
    /// What each page's content stream has set so far, so an operator is written only when it
    /// changes something: a long packet draws hundreds of thousands of strings.
    pub(super) pens: Vec<Pen>,
    pub(super) y: f32,
    pub(super) bookmarks: Vec<Mark>,
}

/// The graphics and text state a page's content has set (it lasts to the end of the page).
#[derive(Default)]
pub(super) struct Pen {
    pub(super) fill: Option<Rgbf>,
    pub(super) stroke: Option<Rgbf>,
    pub(super) thickness: Option<f32>,
    pub(super) font: Option<(Style, f32)>,
}

impl Pen {
    pub(super) fn fill(&mut self, ops: &mut Vec<Op>, c: Rgbf) {
        if self.fill != Some(c) {
            self.fill = Some(c);
            ops.push(Op::SetFillColor { col: color(c) });
        }
    }

    pub(super) fn stroke(&mut self, ops: &mut Vec<Op>, c: Rgbf, thickness: f32) {
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
pub(super) struct Mark {
    pub(super) title: String,
    pub(super) page: usize,
    pub(super) y: f32,
    pub(super) level: u8,
}

impl Layout {
    pub(super) fn new() -> Layout {
        Layout {
            regular: Font::load(dejavu::sans::regular(), "DejaVuSans"),
            bold: Font::load(dejavu::sans::bold(), "DejaVuSans-Bold"),
            pages: vec![Vec::new()],
            pens: vec![Pen::default()],
            y: TOP,
            bookmarks: Vec::new(),
        }
    }

    pub(super) fn font(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    pub(super) fn page_no(&self) -> usize {
        self.pages.len()
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.pens.push(Pen::default());
        self.y = TOP;
    }

    /// Start a new page unless `height` points still fit on this one.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// `text` cut with an ellipsis so that it fits `width` on one line.
    pub(super) fn fit(&self, text: &str, style: Style, size: f32, width: f32) -> String {
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

    pub(super) fn bookmark(&mut self, title: String, level: u8) {
        let (page, y) = (self.page_no(), self.y);
        self.bookmarks.push(Mark { title: visible(&title).into_owned(), page, y, level });
    }

    pub(super) fn text_on(&mut self, page: usize, (x, y): (f32, f32), text: &str, style: Style, size: f32, fill: Rgbf) {
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

    pub(super) fn text(&mut self, x: f32, y: f32, text: &str, style: Style, size: f32, fill: Rgbf) {
        let page = self.pages.len() - 1;
        self.text_on(page, (x, y), text, style, size, fill);
    }

    pub(super) fn rect_on(&mut self, page: usize, (x, y): (f32, f32), w: f32, h: f32, fill: Option<Rgbf>, stroke: Option<Rgbf>) {
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

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Rgbf>, stroke: Option<Rgbf>) {
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y), w, h, fill, stroke);
    }

    pub(super) fn hline_on(&mut self, page: usize, x1: f32, x2: f32, y: f32, c: Rgbf, thickness: f32) {
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
    pub(super) fn wrap(&self, text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
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
    pub(super) fn para(&mut self, text: &str, style: Style, size: f32, fill: Rgbf, indent: f32, after: f32) {
        let lh = size * 1.35;
        for line in self.wrap(text, style, size, WIDTH - indent) {
            self.ensure(lh);
            self.y -= lh;
            self.text(LEFT + indent, self.y + size * 0.25, &line, style, size, fill);
        }
        self.y -= after;
    }

    pub(super) fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.ensure(size * 1.6 + keep);
        self.y -= size * 1.5;
        self.text(LEFT, self.y, text, Style::Bold, size, INK);
        self.y -= size * 0.5;
    }

    pub(super) fn section(&mut self, title: &str) -> usize {
        self.new_page();
        self.bookmark(title.to_string(), 0);
        self.heading(title, 16.0, 40.0);
        let y = self.y;
        self.hline_on(self.pages.len() - 1, LEFT, RIGHT, y + 2.0, INK, 1.2);
        self.y -= 6.0;
        self.page_no()
    }

    /// A small status badge (colour and word) at (x, baseline y); returns its width.
    pub(super) fn badge(&mut self, x: f32, y: f32, label: &str, class: &str, size: f32) -> f32 {
        let w = self.bold.width(label, size) + 6.0;
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y - size * 0.3), w, size * 1.3, Some(status_color(class)), None);
        self.text(x + 3.0, y, label, Style::Bold, size, WHITE);
        w
    }

    /// A table whose rows continue across pages, repeating the header row on each page.
    /// `widths` are fractions of the text width.
    pub(super) fn table(&mut self, caption: Option<&str>, widths: &[f32], header: &[&str], rows: Vec<Vec<Cell>>) {
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

    pub(super) fn table_header(&mut self, cols: &[f32], header_lines: &[Vec<String>], h: f32, lh: f32, pad: f32, size: f32) {
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
