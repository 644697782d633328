//! The document back end: printpdf's document with fixed ids, metadata and dates, then lopdf for
//! the outline, compression and font subsets.

use printpdf::{FontId, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, TextItem};

use super::layout::{Elem, Kid, Layout, LinkBox, Mark, Target, ARTIFACT};
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
            keywords: vec!["audit".into(), "AWS".into(), packet.framework_id.to_string(), "shared responsibility".into()],
            identifier: packet.manifest_sha256.to_string(),
            generated_at: packet.generated_at.to_string(),
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
    let Layout { pages, bookmarks, elems, marked, dests, links, .. } = l;
    let pages = pages.into_iter().map(|ops| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops)).collect();
    doc.with_pages(pages);
    let opts = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
    let mut lo = doc.to_lopdf_document(&opts, &mut Vec::new());
    // The pages' drawing operations live on in `doc` until it is dropped; lopdf's object streams
    // below clone every object once more, so free them first (a third of the peak on a large packet).
    drop(doc);
    // printpdf draws the /ID from a process-wide counter; derive it from the content instead.
    let id = crate::evidence::sha256_hex(meta.id_seed.as_bytes());
    let id_str = lopdf::Object::String(id.as_bytes()[..32].to_vec(), lopdf::StringFormat::Literal);
    lo.trailer.set("ID", lopdf::Object::Array(vec![id_str.clone(), id_str]));
    write_outline(&mut lo, &bookmarks);
    write_destinations(&mut lo, &dests);
    let annots = write_links(&mut lo, &links, &dests);
    write_structure(&mut lo, &elems, &marked, (&links, &annots));
    compress(&mut lo);
    let mut out = Vec::new();
    // Object streams hold the structure tree's many small dictionaries compressed (PDF 1.5).
    let options = lopdf::SaveOptions::builder().use_object_streams(true).use_xref_streams(true).compression_level(6).build();
    lo.save_with_options(&mut out, options).expect("writing a PDF to memory cannot fail");
    out
}

/// An explicit destination: the top of `y` on `page` (0-based).
fn destination(pages: &std::collections::BTreeMap<u32, lopdf::ObjectId>, (page, y): (usize, f32)) -> Option<lopdf::Object> {
    use lopdf::Object;
    let id = pages.get(&(page as u32 + 1))?;
    Some(Object::Array(vec![Object::Reference(*id), "XYZ".into(), Object::Null, Object::Real(y), Object::Null]))
}

/// The named destinations (every section, control and check), so that another document (the
/// summary) can link to them by name.
fn write_destinations(lo: &mut lopdf::Document, dests: &std::collections::BTreeMap<String, (usize, f32)>) {
    use lopdf::{Dictionary, Object};
    if dests.is_empty() {
        return;
    }
    let pages = lo.get_pages();
    // A name tree's leaves are sorted by name; the map already is.
    let mut names = Vec::new();
    for (name, at) in dests {
        if let Some(d) = destination(&pages, *at) {
            names.push(Object::String(name.as_bytes().to_vec(), lopdf::StringFormat::Literal));
            names.push(d);
        }
    }
    let mut tree = Dictionary::new();
    tree.set("Names", Object::Array(names));
    let tree = lo.add_object(Object::Dictionary(tree));
    let mut dict = Dictionary::new();
    dict.set("Dests", Object::Reference(tree));
    if let Ok(catalog) = lo.catalog_mut() {
        catalog.set("Names", Object::Dictionary(dict));
    }
}

/// The link annotations on their pages. Returns each link's annotation object (None for a link
/// whose destination does not exist, which is left out rather than pointing nowhere).
fn write_links(
    lo: &mut lopdf::Document,
    links: &[LinkBox],
    dests: &std::collections::BTreeMap<String, (usize, f32)>,
) -> Vec<Option<lopdf::ObjectId>> {
    use lopdf::{Dictionary, Object};
    let pages = lo.get_pages();
    let page_count = pages.len();
    let mut per_page: std::collections::BTreeMap<usize, Vec<Object>> = std::collections::BTreeMap::new();
    let mut ids = Vec::new();
    for (i, link) in links.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Annot".to_vec()));
        d.set("Subtype", Object::Name(b"Link".to_vec()));
        d.set("Rect", Object::Array(link.rect.iter().map(|v| Object::Real(*v)).collect()));
        d.set("Border", Object::Array(vec![0.into(), 0.into(), 0.into()]));
        // The annotation's key in the parent tree comes after the pages' keys.
        d.set("StructParent", Object::Integer((page_count + i) as i64));
        match &link.target {
            Target::Here(name) => match dests.get(name).and_then(|at| destination(&pages, *at)) {
                Some(dest) => d.set("Dest", dest),
                None => {
                    ids.push(None);
                    continue;
                }
            },
            Target::File { file, dest } => {
                let mut action = Dictionary::new();
                action.set("S", Object::Name(b"GoToR".to_vec()));
                action.set("F", Object::String(file.as_bytes().to_vec(), lopdf::StringFormat::Literal));
                action.set("D", Object::String(dest.as_bytes().to_vec(), lopdf::StringFormat::Literal));
                action.set("NewWindow", Object::Boolean(false));
                d.set("A", Object::Dictionary(action));
            }
        }
        let id = lo.add_object(Object::Dictionary(d));
        ids.push(Some(id));
        per_page.entry(link.page).or_default().push(Object::Reference(id));
    }
    for (page, annots) in per_page {
        let Some(&page_id) = pages.get(&(page as u32 + 1)) else { continue };
        if let Ok(Object::Dictionary(d)) = lo.get_object_mut(page_id) {
            d.set("Annots", Object::Array(annots));
        }
    }
    ids
}

/// The structure tree of a tagged PDF: every element with its role and kids (marked content by
/// page and MCID, link annotations by reference), the parent tree that maps each page's MCIDs
/// and each annotation back to its element, and the catalog entries that declare the document
/// tagged.
fn write_structure(
    lo: &mut lopdf::Document,
    elems: &[Elem],
    marked: &[Vec<usize>],
    (links, annots): (&[LinkBox], &[Option<lopdf::ObjectId>]),
) {
    use lopdf::{Dictionary, Object};
    let pages = lo.get_pages();
    let root = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = elems.iter().map(|_| lo.new_object_id()).collect();
    // An element with no content at all (a table cell left empty, say) is kept: it still has its
    // place in its table.
    for (i, e) in elems.iter().enumerate() {
        let mut d = Dictionary::new();
        // /Type is optional for a structure element (ISO 32000-1, table 323) and left out: with
        // /S, /P, /Pg and /K the dictionary stays within lopdf's first allocation of four entries.
        d.set("S", Object::Name(e.tag.as_bytes().to_vec()));
        d.set("P", Object::Reference(if i == 0 { root } else { ids[e.parent] }));
        // The page of the element's first marked content is its /Pg: content there is named by
        // its bare MCID, and only content on a later page (a paragraph split across a page break)
        // needs a marked-content reference with its own /Pg. This keeps the tree about half the
        // size it would be with a dictionary per MCID.
        let home = e.kids.iter().find_map(|k| match k {
            Kid::Content { page, .. } => pages.get(&(*page as u32 + 1)).copied(),
            _ => None,
        });
        if let Some(page_id) = home {
            d.set("Pg", Object::Reference(page_id));
        }
        let mut kids = Vec::new();
        for k in &e.kids {
            match k {
                Kid::Elem(c) => kids.push(Object::Reference(ids[*c])),
                Kid::Content { page, mcid } => {
                    let Some(&page_id) = pages.get(&(*page as u32 + 1)) else { continue };
                    if Some(page_id) == home {
                        kids.push(Object::Integer(*mcid as i64));
                        continue;
                    }
                    let mut mcr = Dictionary::new();
                    mcr.set("Type", Object::Name(b"MCR".to_vec()));
                    mcr.set("Pg", Object::Reference(page_id));
                    mcr.set("MCID", Object::Integer(*mcid as i64));
                    kids.push(Object::Dictionary(mcr));
                }
                Kid::Link(n) => {
                    let Some(Some(annot)) = annots.get(*n) else { continue };
                    let mut objr = Dictionary::new();
                    objr.set("Type", Object::Name(b"OBJR".to_vec()));
                    objr.set("Obj", Object::Reference(*annot));
                    if let Some(&page_id) = pages.get(&(links[*n].page as u32 + 1)) {
                        objr.set("Pg", Object::Reference(page_id));
                    }
                    kids.push(Object::Dictionary(objr));
                }
            }
        }
        d.set("K", Object::Array(kids));
        if let Some(alt) = &e.alt {
            d.set("Alt", pdf_text(alt));
        }
        if let Some(scope) = e.scope {
            let mut a = Dictionary::new();
            a.set("O", Object::Name(b"Table".to_vec()));
            a.set("Scope", Object::Name(scope.as_bytes().to_vec()));
            d.set("A", Object::Dictionary(a));
        }
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    // The parent tree: page i's key is i, its value the elements of its MCIDs in order; then one
    // key per link annotation.
    let mut nums = Vec::new();
    for (page, mcids) in marked.iter().enumerate() {
        nums.push(Object::Integer(page as i64));
        let owners = mcids.iter().map(|e| if *e == ARTIFACT { Object::Null } else { Object::Reference(ids[*e]) }).collect();
        nums.push(Object::Array(owners));
    }
    for (n, (link, annot)) in links.iter().zip(annots).enumerate() {
        if annot.is_some() {
            nums.push(Object::Integer((marked.len() + n) as i64));
            nums.push(Object::Reference(ids[link.elem]));
        }
    }
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(nums));
    let parent_tree = lo.add_object(Object::Dictionary(parent_tree));
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    tree.set("K", Object::Reference(ids[0]));
    tree.set("ParentTree", Object::Reference(parent_tree));
    tree.set("ParentTreeNextKey", Object::Integer((marked.len() + annots.len()) as i64));
    lo.objects.insert(root, Object::Dictionary(tree));
    for (n, page_id) in pages.values().enumerate() {
        if let Ok(Object::Dictionary(d)) = lo.get_object_mut(*page_id) {
            d.set("StructParents", Object::Integer(n as i64));
            d.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }
    if let Ok(catalog) = lo.catalog_mut() {
        let mut mark_info = Dictionary::new();
        mark_info.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark_info));
        catalog.set("StructTreeRoot", Object::Reference(root));
        catalog.set("Lang", Object::String(b"en".to_vec(), lopdf::StringFormat::Literal));
        let mut prefs = Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    }
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
