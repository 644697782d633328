//! The document back end: printpdf's document with fixed ids, metadata and dates, then lopdf for
//! the outline, compression and font subsets.

use printpdf::{FontId, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem};

use super::layout::{Layout, Mark};
use crate::render::view::Packet;

/// What a document says about itself: metadata, and the seed of its /ID.
pub(super) struct Meta {
    pub(super) title: String,
    pub(super) tool: String,
    pub(super) subject: String,
    pub(super) keywords: Vec<String>,
    pub(super) identifier: String,
    pub(super) generated_at: String,
    pub(super) id_seed: String,
}

impl Meta {
    pub(super) fn of_packet(packet: &Packet) -> Meta {
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
pub(super) fn finish(l: Layout, meta: &Meta) -> Vec<u8> {
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
pub(super) fn compress(lo: &mut lopdf::Document) {
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
pub(super) fn pdf_text(s: &str) -> lopdf::Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}

/// Write the document outline in document order: sections at the top level, each control nested
/// under its section, each entry jumping to the top of its heading. (printpdf's own bookmarks are
/// flat and sorted by page and name.)
pub(super) fn write_outline(lo: &mut lopdf::Document, marks: &[Mark]) {
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
pub(super) fn chars_drawn_with(pages: &[Vec<Op>], font: &FontId) -> std::collections::BTreeSet<char> {
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
pub(super) fn subset(font: &ParsedFont, used: &std::collections::BTreeSet<char>) -> Option<ParsedFont> {
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
