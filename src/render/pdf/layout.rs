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
    let hex = crate::render::chart::fill(class).trim_start_matches('#');
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
    /// Which of those characters the font has no glyph for.
    pub(super) missing: Vec<bool>,
}

/// Latin, Greek, Cyrillic and general punctuation: the characters a packet nearly always uses.
pub(super) const CACHED_CHARS: u32 = 0x2100;

impl Font {
    pub(super) fn load(bytes: &[u8], id: &str) -> Font {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the embedded DejaVu font parses");
        let mut font = Font { parsed, id: FontId(id.to_string()), widths: Vec::new(), missing: Vec::new() };
        font.widths = (0..CACHED_CHARS).map(|c| font.glyph_width(c)).collect();
        font.missing = (0..CACHED_CHARS).map(|c| font.parsed.lookup_glyph_index(c).is_none_or(|g| g == 0)).collect();
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
    /// Where its text links to.
    pub(super) link: Option<Target>,
}

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Regular, badge: None, link: None }
}

pub(super) fn bold_cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), style: Style::Bold, badge: None, link: None }
}

pub(super) fn badge_cell(label: &str, class: &str) -> Cell {
    Cell { text: label.to_string(), style: Style::Bold, badge: Some(status_color(class)), link: None }
}

/// A bold cell whose text links to the destination `to` (a control's anchor, say).
pub(super) fn link_cell(text: impl Into<String>, to: &str) -> Cell {
    Cell { text: text.into(), style: Style::Bold, badge: None, link: Some(Target::Here(to.to_string())) }
}

/// A bold cell whose text links to the destination `dest` of the PDF `file` next to this one.
pub(super) fn file_link_cell(text: impl Into<String>, file: &str, dest: &str) -> Cell {
    Cell { text: text.into(), style: Style::Bold, badge: None, link: Some(Target::File { file: file.to_string(), dest: dest.to_string() }) }
}

/// The element id of content that is decoration, not text to read (page headers, rules, borders).
pub(super) const ARTIFACT: usize = usize::MAX;

/// One element of the PDF's structure tree (tagged PDF): its standard role, its parent, and its
/// kids in reading order.
pub(super) struct Elem {
    pub(super) tag: &'static str,
    pub(super) parent: usize,
    pub(super) kids: Vec<Kid>,
    /// Alternative text (figures).
    pub(super) alt: Option<String>,
    /// A table header cell's scope: `Column` or `Row`.
    pub(super) scope: Option<&'static str>,
}

pub(super) enum Kid {
    Elem(usize),
    /// A marked-content sequence: its 0-based page and its MCID there.
    Content {
        page: usize,
        mcid: usize,
    },
    /// A link annotation, by its index in `Layout::links`.
    Link(usize),
}

/// Where a link goes.
#[derive(Clone)]
pub(super) enum Target {
    /// A destination of this document, by name.
    Here(String),
    /// A named destination of another PDF next to this one.
    File { file: String, dest: String },
}

/// A clickable area: its 0-based page, rectangle (x1, y1, x2, y2) and target, and the structure
/// element (`Link`) that holds it.
pub(super) struct LinkBox {
    pub(super) page: usize,
    pub(super) rect: [f32; 4],
    pub(super) target: Target,
    pub(super) elem: usize,
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
    /// The structure tree: element 0 is the document.
    pub(super) elems: Vec<Elem>,
    /// The element new block elements go under (a section, a table, a row).
    pub(super) parent: usize,
    /// The element the text drawn now belongs to, and the one graphics belong to (ARTIFACT unless
    /// a figure is drawn).
    pub(super) text_tag: usize,
    pub(super) graphic_tag: usize,
    /// For each page, the element of each of its MCIDs (the structure tree's parent tree).
    pub(super) marked: Vec<Vec<usize>>,
    /// Named destinations: name → (0-based page, y).
    pub(super) dests: std::collections::BTreeMap<String, (usize, f32)>,
    pub(super) links: Vec<LinkBox>,
}

/// The graphics and text state a page's content has set (it lasts to the end of the page).
#[derive(Default)]
pub(super) struct Pen {
    pub(super) fill: Option<Rgbf>,
    pub(super) stroke: Option<Rgbf>,
    pub(super) thickness: Option<f32>,
    pub(super) font: Option<(Style, f32)>,
    /// The last marked-content sequence: the index of its closing operator and its element, so
    /// that more content of the same element right after it joins it.
    pub(super) mark: Option<(usize, usize)>,
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
            elems: vec![Elem { tag: "Document", parent: 0, kids: Vec::new(), alt: None, scope: None }],
            parent: 0,
            text_tag: 0,
            graphic_tag: ARTIFACT,
            marked: vec![Vec::new()],
            dests: std::collections::BTreeMap::new(),
            links: Vec::new(),
        }
    }

    /// `text` as it is drawn: control characters made visible, and each character the embedded
    /// fonts have no glyph for (CJK, emoji) written as its code point, `[U+4E2D]`, rather than
    /// drawn as an empty box.
    pub(super) fn shown<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let text = visible(text);
        if text.chars().all(|c| self.drawable(c)) {
            return text;
        }
        let mut out = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            if self.drawable(c) {
                out.push(c);
            } else {
                out.push_str(&format!("[U+{:04X}]", c as u32));
            }
        }
        std::borrow::Cow::Owned(out)
    }

    fn drawable(&self, c: char) -> bool {
        let n = c as u32;
        if n < 0x80 {
            return true;
        }
        [&self.regular, &self.bold].iter().all(|f| match f.missing.get(n as usize) {
            Some(missing) => !missing,
            None => f.parsed.lookup_glyph_index(n).is_some_and(|g| g != 0),
        })
    }

    /// A new structure element under the current parent.
    pub(super) fn elem(&mut self, tag: &'static str) -> usize {
        let id = self.elems.len();
        let parent = self.parent;
        self.elems.push(Elem { tag, parent, kids: Vec::new(), alt: None, scope: None });
        self.elems[parent].kids.push(Kid::Elem(id));
        id
    }

    /// Draw with `draw`, its text tagged as a new element `tag` under the current parent.
    pub(super) fn tagged<R>(&mut self, tag: &'static str, draw: impl FnOnce(&mut Layout) -> R) -> R {
        let id = self.elem(tag);
        self.with_text_tag(id, draw)
    }

    /// Draw with `draw`, its text belonging to element `id` (or ARTIFACT).
    pub(super) fn with_text_tag<R>(&mut self, id: usize, draw: impl FnOnce(&mut Layout) -> R) -> R {
        let before = std::mem::replace(&mut self.text_tag, id);
        let out = draw(self);
        self.text_tag = before;
        out
    }

    /// Draw with `draw` inside a new container element `tag` (new elements go under it).
    pub(super) fn within<R>(&mut self, tag: &'static str, draw: impl FnOnce(&mut Layout, usize) -> R) -> R {
        let id = self.elem(tag);
        let before = std::mem::replace(&mut self.parent, id);
        let out = draw(self, id);
        self.parent = before;
        out
    }

    /// A figure: its text and graphics drawn by `draw` form one element with alternative text.
    pub(super) fn figure(&mut self, alt: String, draw: impl FnOnce(&mut Layout)) {
        let id = self.elem("Figure");
        self.elems[id].alt = Some(alt);
        let (text, graphic) = (self.text_tag, self.graphic_tag);
        self.text_tag = id;
        self.graphic_tag = id;
        draw(self);
        self.text_tag = text;
        self.graphic_tag = graphic;
    }

    /// Open the marked-content sequence of `elem` on `page`, or reopen the page's last one when it
    /// is that element's and nothing was drawn since.
    fn open_mark(&mut self, page: usize, elem: usize) {
        let ops = &mut self.pages[page];
        if let Some((at, e)) = self.pens[page].mark {
            if e == elem && at + 1 == ops.len() {
                ops.pop();
                return;
            }
        }
        if elem == ARTIFACT {
            ops.push(Op::BeginMarkedContent { tag: "Artifact".into() });
            return;
        }
        let mcid = self.marked[page].len();
        self.marked[page].push(elem);
        self.elems[elem].kids.push(Kid::Content { page, mcid });
        let properties = printpdf::DictItem::Dict { map: [("MCID".to_string(), printpdf::DictItem::Int(mcid as i64))].into() };
        ops.push(Op::BeginMarkedContentWithProperties { tag: self.elems[elem].tag.to_string(), properties });
    }

    fn close_mark(&mut self, page: usize, elem: usize) {
        let ops = &mut self.pages[page];
        ops.push(Op::EndMarkedContent);
        self.pens[page].mark = Some((ops.len() - 1, elem));
    }

    /// Record a named destination at the cursor.
    pub(super) fn dest(&mut self, name: &str) {
        let at = (self.pages.len() - 1, self.y + 20.0);
        self.dests.entry(name.to_string()).or_insert(at);
    }

    /// A clickable area on `page` (0-based), held by a `Link` element under the current text's.
    pub(super) fn link_on(&mut self, page: usize, rect: [f32; 4], target: Target) {
        let holder = if self.text_tag == ARTIFACT { self.parent } else { self.text_tag };
        let id = self.elems.len();
        self.elems.push(Elem { tag: "Link", parent: holder, kids: vec![Kid::Link(self.links.len())], alt: None, scope: None });
        self.elems[holder].kids.push(Kid::Elem(id));
        self.links.push(LinkBox { page, rect, target, elem: id });
    }

    /// Link the text `line` drawn at (x, baseline y) on the current page to `to`.
    pub(super) fn link_text(&mut self, (x, y): (f32, f32), line: &str, style: Style, size: f32, to: Target) {
        let w = self.font(style).width(&self.shown(line), size);
        let page = self.pages.len() - 1;
        self.link_on(page, [x - 1.0, y - size * 0.3, x + w + 1.0, y + size * 0.95], to);
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
        self.marked.push(Vec::new());
        self.y = TOP;
    }

    /// Start a new page unless `height` points still fit on this one.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// `text` shortened at a word boundary, with an ellipsis, so that it fits `width` on one line.
    /// Only a first word wider than the line itself is cut inside.
    pub(super) fn fit(&self, text: &str, style: Style, size: f32, width: f32) -> String {
        let text = &*self.shown(text);
        let font = self.font(style);
        if font.width(text, size) <= width {
            return text.to_string();
        }
        let words: Vec<&str> = text.split(' ').collect();
        for n in (1..words.len()).rev() {
            let kept = words[..n].join(" ");
            let kept = kept.trim_end_matches([',', ';', ':', '.', ' ', '(', '-', '·']);
            if !kept.is_empty() && font.width(&format!("{kept}…"), size) <= width {
                return format!("{kept}…");
            }
        }
        let mut out: String = words[0].to_string();
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
        let shown = self.shown(text).into_owned();
        let tag = self.text_tag;
        self.open_mark(page, tag);
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
            Op::ShowText { items: vec![TextItem::Text(shown)] },
            Op::EndTextSection,
        ]);
        self.close_mark(page, tag);
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
        let tag = self.graphic_tag;
        self.open_mark(page, tag);
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
        self.close_mark(page, tag);
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Rgbf>, stroke: Option<Rgbf>) {
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y), w, h, fill, stroke);
    }

    pub(super) fn hline_on(&mut self, page: usize, x1: f32, x2: f32, y: f32, c: Rgbf, thickness: f32) {
        self.lines_on(page, &[[x1, y, x2, y]], c, thickness);
    }

    /// Straight lines `[x1, y1, x2, y2]` on `page`, in one marked-content sequence.
    pub(super) fn lines_on(&mut self, page: usize, lines: &[[f32; 4]], c: Rgbf, thickness: f32) {
        let tag = self.graphic_tag;
        self.open_mark(page, tag);
        let (ops, pen) = (&mut self.pages[page], &mut self.pens[page]);
        pen.stroke(ops, c, thickness);
        ops.extend(lines.iter().map(|&[x1, y1, x2, y2]| Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: Point { x: Pt(x1), y: Pt(y1) }, bezier: false },
                    LinePoint { p: Point { x: Pt(x2), y: Pt(y2) }, bezier: false },
                ],
                is_closed: false,
            },
        }));
        self.close_mark(page, tag);
    }

    /// A box of a status's colour, hatched in white when the status is one of the hatched ones
    /// (chart::hatch), so that charts read under red-green colour blindness too.
    pub(super) fn status_box(&mut self, (x, y): (f32, f32), w: f32, h: f32, class: &str, border: Option<Rgbf>) {
        self.rect(x, y, w, h, Some(status_color(class)), border);
        if let Some(hatch) = crate::render::chart::hatch(class) {
            let lines: Vec<[f32; 4]> = crate::render::chart::hatch_lines(w, h, hatch, 3.0)
                .into_iter()
                .map(|[x1, y1, x2, y2]| [x + x1, y + y1, x + x2, y + y2])
                .collect();
            let page = self.pages.len() - 1;
            self.lines_on(page, &lines, WHITE, 0.6);
        }
    }

    /// Greedy word wrap by measured width; words longer than a line are broken by character.
    pub(super) fn wrap(&self, text: &str, style: Style, size: f32, width: f32) -> Vec<String> {
        let text = &*self.shown(text);
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
                    // A word wider than the line (a hash, an ARN, a path) breaks after one of
                    // its separators when it can, otherwise between two characters; never with
                    // an inserted hyphen, so it stays searchable and copyable.
                    line_w = 0.0;
                    let mut after_sep: Option<usize> = None;
                    for ch in word.chars() {
                        let ch_w = font.width(ch.encode_utf8(&mut [0; 4]), size);
                        if line_w + ch_w > width && !line.is_empty() {
                            // Right here is as good a place as any when `ch` opens a bracket.
                            let here = matches!(ch, '(' | '[');
                            match after_sep.filter(|&at| !here && at > 0 && at < line.len()) {
                                Some(at) => {
                                    let rest = line.split_off(at);
                                    lines.push(std::mem::replace(&mut line, rest));
                                    line_w = font.width(&line, size);
                                    if line_w + ch_w > width {
                                        lines.push(std::mem::take(&mut line));
                                        line_w = 0.0;
                                    }
                                }
                                None => {
                                    lines.push(std::mem::take(&mut line));
                                    line_w = 0.0;
                                }
                            }
                            after_sep = None;
                        }
                        // Before an opening bracket: `164.312(a)(2)` / `(i)`, `[U+540D]`.
                        if matches!(ch, '(' | '[') && !line.is_empty() {
                            after_sep = Some(line.len());
                        }
                        line.push(ch);
                        line_w += ch_w;
                        if matches!(ch, '/' | ':' | '-' | '_' | '.' | ',' | ']' | '=' | '@') {
                            after_sep = Some(line.len());
                        }
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph at the cursor; breaks pages between lines.
    /// A wrapped paragraph at the cursor; breaks pages between lines.
    pub(super) fn para(&mut self, text: &str, style: Style, size: f32, fill: Rgbf, indent: f32, after: f32) {
        self.para_linked(text, style, size, fill, (indent, after), &[]);
    }

    /// A paragraph in which each of `links` (text, destination) is a link wherever it shows
    /// whole on a line.
    pub(super) fn para_linked(
        &mut self,
        text: &str,
        style: Style,
        size: f32,
        fill: Rgbf,
        (indent, after): (f32, f32),
        links: &[(&str, &str)],
    ) {
        self.tagged("P", |l| l.lines(text, style, size, fill, indent, links));
        self.y -= after;
    }

    /// A caption: a paragraph tagged as the caption of the table it is drawn in.
    fn caption(&mut self, text: &str) {
        self.tagged("Caption", |l| l.lines(text, Style::Bold, BODY, INK, 0.0, &[]));
        self.y -= 2.0;
    }

    pub(super) fn lines(&mut self, text: &str, style: Style, size: f32, fill: Rgbf, indent: f32, links: &[(&str, &str)]) {
        let lh = size * 1.35;
        for line in self.wrap(text, style, size, WIDTH - indent) {
            self.ensure(lh);
            self.y -= lh;
            let (x, y) = (LEFT + indent, self.y + size * 0.25);
            self.text(x, y, &line, style, size, fill);
            for (needle, to) in links {
                for (at, _) in line.match_indices(needle) {
                    let before = self.font(style).width(&line[..at], size);
                    self.link_text((x + before, y), needle, style, size, Target::Here(to.to_string()));
                }
            }
        }
    }

    /// A heading: H1 at section size, H2 and H3 below.
    pub(super) fn heading(&mut self, text: &str, size: f32, keep: f32) {
        self.ensure(size * 1.6 + keep);
        self.y -= size * 1.5;
        let tag = if size >= 16.0 {
            "H1"
        } else if size >= 12.0 {
            "H2"
        } else {
            "H3"
        };
        let y = self.y;
        self.tagged(tag, |l| l.text(LEFT, y, text, Style::Bold, size, INK));
        self.y -= size * 0.5;
    }

    /// A section on a new page: a bookmark, a destination named `anchor`, its heading, and a
    /// `Sect` element that holds what follows.
    pub(super) fn section(&mut self, anchor: &str, title: &str) {
        self.new_page();
        self.bookmark(title.to_string(), 0);
        self.dest(anchor);
        self.parent = 0;
        self.parent = self.elem("Sect");
        self.heading(title, 16.0, 40.0);
        let y = self.y;
        self.hline_on(self.pages.len() - 1, LEFT, RIGHT, y + 2.0, INK, 1.2);
        self.y -= 6.0;
    }

    /// A small status badge (colour and word) at (x, baseline y); returns its width. Its word is
    /// text of the element being drawn.
    pub(super) fn badge(&mut self, x: f32, y: f32, label: &str, class: &str, size: f32) -> f32 {
        let w = self.bold.width(label, size) + 6.0;
        let page = self.pages.len() - 1;
        self.rect_on(page, (x, y - size * 0.3), w, size * 1.3, Some(status_color(class)), None);
        self.text(x + 3.0, y, label, Style::Bold, size, WHITE);
        w
    }

    /// A table whose rows continue across pages, repeating the header row on each page.
    /// `widths` are fractions of the text width. Tagged as a table: caption, a header row of
    /// column header cells, then a row per row (a header row repeated on a later page is an
    /// artifact).
    pub(super) fn table(&mut self, caption: Option<&str>, widths: &[f32], header: &[&str], rows: Vec<Vec<Cell>>) {
        self.within("Table", |l, _| l.table_body(caption, widths, header, rows));
        self.y -= 8.0;
    }

    fn table_body(&mut self, caption: Option<&str>, widths: &[f32], header: &[&str], rows: Vec<Vec<Cell>>) {
        let size = SMALL;
        let lh = size * 1.3;
        let pad = 3.0;
        let cols: Vec<f32> = widths.iter().map(|w| w * WIDTH).collect();
        let header_lines: Vec<Vec<String>> =
            header.iter().zip(&cols).map(|(h, w)| self.wrap(h, Style::Bold, size, w - 2.0 * pad)).collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let caption_h = if caption.is_some() { BODY * 1.6 } else { 0.0 };
        let wrapped: Vec<Vec<Vec<String>>> =
            rows.iter().map(|row| row.iter().zip(&cols).map(|(c, w)| self.wrap(&c.text, c.style, size, w - 2.0 * pad)).collect()).collect();
        // Keep the caption, the header and the whole first row together (as much of the row as a
        // page holds), so a header never stands alone at a page foot.
        let first = wrapped.first().map_or(1, |r| r.iter().map(Vec::len).max().unwrap_or(1).max(1)) as f32;
        let room = TOP - BOTTOM - caption_h - header_h - 2.0 * pad;
        self.ensure(caption_h + header_h + (first * lh).min(room) + 2.0 * pad);
        if let Some(c) = caption {
            self.caption(c);
        }
        let cells: Vec<usize> = self.within("TR", |l, _| {
            (0..cols.len())
                .map(|_| {
                    let th = l.elem("TH");
                    l.elems[th].scope = Some("Column");
                    th
                })
                .collect()
        });
        self.table_header(&cols, &header_lines, (header_h, lh, pad, size), &cells);
        for (row, mut lines) in rows.into_iter().zip(wrapped) {
            let tds: Vec<usize> = self.within("TR", |l, _| (0..row.len()).map(|_| l.elem("TD")).collect());
            loop {
                let needed = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let fit = ((self.y - BOTTOM - 2.0 * pad) / lh).floor().max(0.0) as usize;
                // Move the whole row to the next page when it fits there and only part fits here.
                if fit == 0 || (fit < needed && needed as f32 * lh + 2.0 * pad <= TOP - BOTTOM - header_h) {
                    self.new_page();
                    let repeated = vec![ARTIFACT; cols.len()];
                    self.table_header(&cols, &header_lines, (header_h, lh, pad, size), &repeated);
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
                for (((c, w), chunk), &td) in row.iter().zip(&cols).zip(&chunks).zip(&tds) {
                    self.with_text_tag(td, |l| {
                        for (i, line) in chunk.iter().enumerate() {
                            match c.badge {
                                Some(_) => l.text(x + pad + 2.0, baseline(i), line, Style::Bold, size, WHITE),
                                None => l.text(x + pad, baseline(i), line, c.style, size, INK),
                            }
                            if let Some(to) = &c.link {
                                l.link_text((x + pad, baseline(i)), line, c.style, size, to.clone());
                            }
                        }
                    });
                    x += w;
                }
                self.y -= h;
                if lines.iter().all(Vec::is_empty) {
                    break;
                }
            }
        }
    }

    /// The header row at the cursor, each cell's text tagged as the element in `cells`.
    fn table_header(&mut self, cols: &[f32], header_lines: &[Vec<String>], (h, lh, pad, size): (f32, f32, f32, f32), cells: &[usize]) {
        let top = self.y;
        let mut x = LEFT;
        for ((w, lines), &th) in cols.iter().zip(header_lines).zip(cells) {
            self.rect(x, top - h, *w, h, Some(HEAD_BG), Some(RULE));
            self.with_text_tag(th, |l| {
                for (i, line) in lines.iter().enumerate() {
                    l.text(x + pad, top - pad - (i as f32 + 1.0) * lh + size * 0.3, line, Style::Bold, size, INK);
                }
            });
            x += w;
        }
        self.y -= h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_without_a_glyph_are_written_as_code_points() {
        let l = Layout::new();
        assert_eq!(l.shown("bucket-名前 🙂 ok"), "bucket-[U+540D][U+524D] [U+1F642] ok");
        assert_eq!(l.shown("Zürich · Ωmega – ok"), "Zürich · Ωmega – ok", "DejaVu draws these");
        // Wrapping measures the escaped text, so it never overflows its width.
        let lines = l.wrap("名前名前名前名前名前名前名前名前", Style::Regular, SMALL, 60.0);
        assert!(lines.len() > 1 && lines.iter().all(|line| l.regular.width(line, SMALL) <= 60.0), "{lines:?}");
    }

    #[test]
    fn long_arns_and_hashes_wrap_at_separators_without_a_hyphen() {
        let l = Layout::new();
        let arn = "arn:aws:iam::111122223333:role/service-role/AWSConfigRoleForOrganizationsWithAVeryLongName";
        let lines = l.wrap(arn, Style::Regular, SMALL, 120.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), arn, "nothing added or lost");
        assert!(lines.iter().all(|line| l.regular.width(line, SMALL) <= 120.0), "{lines:?}");
        assert!(lines[..lines.len() - 1].iter().filter(|line| line.ends_with([':', '/', '-'])).count() >= 1, "{lines:?}");
        let hash = "5177b7745ed83b5f3c898c16dc8e33e8c2bb3507adf15b8ec07ecad944f6065e";
        let lines = l.wrap(hash, Style::Regular, SMALL, 100.0);
        assert_eq!(lines.concat(), hash);
        assert!(lines.iter().all(|line| !line.contains('-')));
    }
}
