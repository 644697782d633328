//! Packets people can work from: "What needs action" first, links that land on the right page,
//! a tagged PDF, a summary that never cuts a word, charts that read without colour, HTML filters
//! and anchors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lopdf::{Document, Object, ObjectId};
use serde_json::Value;

use crate::util::*;

fn demo() -> tempfile::TempDir {
    let dir = tempdir();
    let out = run(&["demo", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// Each page's text (pdftotext separates pages with form feeds), 1-based page = index + 1.
fn page_texts(pdf: &Path) -> Vec<String> {
    let text = stdout(&tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]));
    text.split('\u{c}').map(str::to_string).collect()
}

fn name_of(o: &Object) -> String {
    match o {
        Object::String(b, _) => String::from_utf8_lossy(b).into_owned(),
        Object::Name(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not a name or string: {other:?}"),
    }
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a lopdf::Dictionary {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// The page number (1-based) of each page object.
fn page_numbers(doc: &Document) -> BTreeMap<ObjectId, usize> {
    doc.get_pages().into_iter().map(|(n, id)| (id, n as usize)).collect()
}

/// The named destinations of the catalog's name tree: name → 1-based page.
fn named_dests(doc: &Document) -> BTreeMap<String, usize> {
    let pages = page_numbers(doc);
    let names = doc.catalog().unwrap().get(b"Names").map(|n| dict(doc, n)).expect("a /Names dictionary");
    let tree = dict(doc, names.get(b"Dests").unwrap());
    let flat = tree.get(b"Names").unwrap().as_array().unwrap();
    assert_eq!(flat.len() % 2, 0);
    let mut out = BTreeMap::new();
    let mut last = String::new();
    for pair in flat.chunks(2) {
        let name = name_of(&pair[0]);
        assert!(name > last, "a name tree's names are sorted: {name} after {last}");
        last = name.clone();
        let page = pair[1].as_array().unwrap()[0].as_reference().unwrap();
        out.insert(name, pages[&page]);
    }
    out
}

/// The link annotations of each page: (1-based page, rect, target page).
fn links(doc: &Document) -> Vec<(usize, Vec<f32>, usize)> {
    let pages = page_numbers(doc);
    let mut out = Vec::new();
    for (n, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        for a in annots.as_array().unwrap() {
            let a = dict(doc, a);
            assert_eq!(a.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
            let dest = a.get(b"Dest").expect("an internal link has a /Dest").as_array().unwrap();
            let target = pages.get(&dest[0].as_reference().unwrap()).copied().expect("the link's page exists");
            let rect = a.get(b"Rect").unwrap().as_array().unwrap().iter().map(|v| v.as_float().unwrap()).collect();
            out.push((n as usize, rect, target));
        }
    }
    out
}

fn controls_of(r: &Value, framework: &str) -> Vec<Value> {
    let f = r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == framework).unwrap();
    f["controls"].as_array().unwrap().clone()
}

/// What the packet's own code calls a control's anchor: `1.3.1` → `ctl-1-3-1`.
fn anchor(id: &str) -> String {
    slug("ctl", id)
}

/// `prefix`, then each run of ASCII letters and digits of `id` in lower case, after a dash.
fn slug(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    let mut dash = true;
    for ch in id.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
            dash = false;
        } else {
            dash = true;
        }
    }
    out
}

#[test]
fn pdf_links_and_named_destinations_land_on_the_page_they_name() {
    let dir = demo();
    let r = results(dir.path());
    let pdf = dir.path().join("pci-dss-4.0.pdf");
    let doc = Document::load(&pdf).unwrap();
    let texts = page_texts(&pdf);
    let dests = named_dests(&doc);
    let controls = controls_of(&r, "pci-dss-4.0");
    // Every control's destination is the page that shows its heading with its status.
    for c in &controls {
        let id = c["id"].as_str().unwrap();
        let page = dests.get(&anchor(id)).unwrap_or_else(|| panic!("no destination for control {id}"));
        let label = c["status"].as_str().unwrap().replace('_', " ").to_uppercase();
        let text = &texts[page - 1];
        assert!(
            text.lines().any(|l| l.contains(&format!("{id}  ")) && l.contains(&label))
                || text.lines().any(|l| l.trim_start().starts_with(&format!("{id} "))),
            "page {page} (destination of {id}) does not show its heading"
        );
    }
    // Every section's destination is the page where its title heads the page.
    for s in ["action", "summary", "matrix", "controls", "findings", "needed", "gaps", "signoff", "files"] {
        let page = dests[s];
        assert!(texts[page - 1].len() > 10, "section {s} on page {page}");
    }
    let all = links(&doc);
    assert!(all.len() > controls.len(), "links in the contents, What needs action, the matrix and the checks");
    // Every internal link goes to a page that is some named destination's.
    let dest_pages: BTreeSet<usize> = dests.values().copied().collect();
    for (from, _, to) in &all {
        assert!(dest_pages.contains(to), "the link on page {from} goes to page {to}, which no destination names");
    }
    // The contents (page 1) link to each section's page, in order.
    let contents: Vec<usize> = all.iter().filter(|(p, _, _)| *p == 1).map(|(_, _, t)| *t).collect();
    assert!(contents.len() >= 10, "one link per contents entry: {contents:?}");
    assert!(contents.windows(2).all(|w| w[0] < w[1]), "contents pages ascend: {contents:?}");
    assert_eq!(contents[0], dests["action"], "the first entry is What needs action");
    // "What needs action": the failing and not-assessed controls, each linking to its own page, in
    // the packet's order (customer and shared first).
    let action_page = dests["action"];
    let summary_page = dests["summary"];
    let mut from_action: Vec<(usize, f32, usize)> =
        all.iter().filter(|(p, _, _)| *p >= action_page && *p < summary_page).map(|(p, rect, t)| (*p, -rect[1], *t)).collect();
    from_action.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
    let needing: Vec<&Value> = controls.iter().filter(|c| c["status"] == "fail" || c["status"] == "not_assessed").collect();
    assert!(!needing.is_empty());
    let expected: BTreeSet<usize> = needing.iter().map(|c| dests[&anchor(c["id"].as_str().unwrap())]).collect();
    let linked: BTreeSet<usize> = from_action.iter().map(|(_, _, t)| *t).collect();
    assert!(expected.is_subset(&linked), "every failing or not-assessed control is linked from What needs action");
    let text: String = texts[action_page - 1..summary_page - 1].concat();
    let positions: Vec<(usize, &str)> = needing
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap();
            let at = text.lines().position(|l| l.split_whitespace().next() == Some(id)).unwrap_or_else(|| panic!("{id} is listed"));
            (at, c["owner"].as_str().unwrap())
        })
        .collect();
    let mut by_line = positions.clone();
    by_line.sort();
    let rank = |o: &str| match o {
        "customer" => 0,
        "shared" => 1,
        _ => 2,
    };
    assert!(by_line.windows(2).all(|w| rank(w[0].1) <= rank(w[1].1)), "customer-owned first, then shared, then AWS");
}

#[test]
fn pdf_is_tagged_with_headings_tables_with_header_cells_and_figures_with_alt_text() {
    let dir = demo();
    for name in ["hipaa.pdf", "summary.pdf"] {
        let pdf = dir.path().join(name);
        let info = stdout(&tool("pdfinfo", &[pdf.to_str().unwrap()]));
        assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{name}: {info}");
        let doc = Document::load(&pdf).unwrap();
        let catalog = doc.catalog().unwrap();
        let root = dict(&doc, catalog.get(b"StructTreeRoot").unwrap());
        // Walk the tree: roles, a TH's scope, figures' alt text, and the MCIDs each page's
        // elements claim.
        let mut roles: BTreeMap<String, usize> = BTreeMap::new();
        let mut header_cells_in_rows = 0;
        let mut alt = 0;
        let mut claimed: BTreeMap<ObjectId, BTreeSet<i64>> = BTreeMap::new();
        // Each entry carries the /Pg of its element: a bare MCID is marked content on that page.
        let mut stack: Vec<(Object, Option<ObjectId>)> = vec![(root.get(b"K").unwrap().clone(), None)];
        while let Some((o, pg)) = stack.pop() {
            if let Object::Integer(mcid) = o {
                let page = pg.expect("a bare MCID's element names its page (/Pg)");
                claimed.entry(page).or_default().insert(mcid);
                continue;
            }
            let d = dict(&doc, &o);
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"MCR") {
                claimed.entry(d.get(b"Pg").unwrap().as_reference().unwrap()).or_default().insert(d.get(b"MCID").unwrap().as_i64().unwrap());
                continue;
            }
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"OBJR") {
                continue;
            }
            let role = String::from_utf8_lossy(d.get(b"S").unwrap().as_name().unwrap()).into_owned();
            if role == "TR" {
                for k in d.get(b"K").unwrap().as_array().unwrap() {
                    let kd = dict(&doc, k);
                    if kd.get(b"S").unwrap().as_name().unwrap() == b"TH" {
                        let a = dict(&doc, kd.get(b"A").expect("a header cell has attributes"));
                        assert_eq!(a.get(b"Scope").unwrap().as_name().unwrap(), b"Column");
                        header_cells_in_rows += 1;
                    }
                }
            }
            if role == "Figure" {
                let text = match d.get(b"Alt").unwrap() {
                    Object::String(b, _) => b.clone(),
                    other => panic!("{other:?}"),
                };
                assert!(text.len() > 10, "{name}: a figure's alt text says something");
                alt += 1;
            }
            *roles.entry(role).or_default() += 1;
            let own_pg = d.get(b"Pg").ok().map(|p| p.as_reference().unwrap());
            for k in d.get(b"K").unwrap().as_array().unwrap() {
                stack.push((k.clone(), own_pg));
            }
        }
        assert!(roles.get("H1").is_some_and(|n| *n >= 1), "{name}: {roles:?}");
        assert!(roles.get("P").is_some_and(|n| *n > 5), "{name}: {roles:?}");
        assert!(roles.contains_key("Table") && roles.contains_key("TD"), "{name}: {roles:?}");
        assert!(header_cells_in_rows >= 3, "{name}: header cells in a table row");
        assert!(alt >= 3, "{name}: every chart bar is a figure with alt text ({alt})");
        // Each page's content marks exactly the MCIDs the tree claims on it, and the parent tree
        // lists one element per MCID.
        let parent_tree = dict(&doc, root.get(b"ParentTree").unwrap());
        let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
        let by_key: BTreeMap<i64, &Object> = nums.chunks(2).map(|p| (p[0].as_i64().unwrap(), &p[1])).collect();
        for (_, id) in doc.get_pages() {
            let page = doc.get_dictionary(id).unwrap();
            let key = page.get(b"StructParents").unwrap().as_i64().unwrap();
            let content = doc.get_and_decode_page_content(id).unwrap();
            let mut marked = BTreeSet::new();
            let mut depth = 0i32;
            for op in &content.operations {
                match op.operator.as_str() {
                    "BDC" => {
                        depth += 1;
                        let props = op.operands[1].as_dict().unwrap();
                        marked.insert(props.get(b"MCID").unwrap().as_i64().unwrap());
                    }
                    "BMC" => depth += 1,
                    "EMC" => depth -= 1,
                    _ => {}
                }
                assert!(depth >= 0, "{name}: EMC without BDC");
            }
            assert_eq!(depth, 0, "{name}: every marked-content sequence is closed");
            assert_eq!(marked, claimed.get(&id).cloned().unwrap_or_default(), "{name}: the tree claims the page's MCIDs");
            let owners = by_key[&key].as_array().unwrap();
            assert_eq!(owners.len(), marked.len(), "{name}: one parent-tree entry per MCID");
        }
    }
}

/// Every word of results.json's texts: what a word cut by the summary would not be.
fn words_of(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            for w in s.split(|c: char| c.is_whitespace()) {
                out.insert(w.trim_matches(|c: char| !c.is_alphanumeric()).to_string());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| words_of(x, out)),
        Value::Object(m) => m.values().for_each(|x| words_of(x, out)),
        _ => {}
    }
}

#[test]
fn the_summary_never_cuts_a_word_and_links_its_top_items_to_the_packets() {
    let dir = demo();
    let r = results(dir.path());
    let mut words = BTreeSet::new();
    words_of(&r, &mut words);
    let pdf = dir.path().join("summary.pdf");
    let text = stdout(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    let html = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    for (what, t) in [("summary.pdf", text.as_str()), ("summary.html", html.as_str())] {
        for (at, _) in t.match_indices('…') {
            let before = t[..at].split(|c: char| c.is_whitespace() || c == '>').next_back().unwrap();
            let word = before.trim_matches(|c: char| !c.is_alphanumeric());
            assert!(words.contains(word), "{what}: \"{before}…\" cuts a word");
        }
    }
    assert!(!text.contains("Evidence bundle ") || text.contains(r["evidence"]["manifest_sha256"].as_str().unwrap()), "the whole hash");
    // The top items link to their control in the framework's packet, by a destination it has.
    let doc = Document::load(&pdf).unwrap();
    let mut remote = Vec::new();
    for (_, id) in doc.get_pages() {
        let Ok(annots) = doc.get_dictionary(id).unwrap().get(b"Annots") else { continue };
        for a in annots.as_array().unwrap() {
            let action = dict(&doc, dict(&doc, a).get(b"A").unwrap());
            assert_eq!(action.get(b"S").unwrap().as_name().unwrap(), b"GoToR");
            remote.push((name_of(action.get(b"F").unwrap()), name_of(action.get(b"D").unwrap())));
        }
    }
    assert!(remote.len() >= 3, "{remote:?}");
    for (file, dest) in &remote {
        let packet = Document::load(dir.path().join(file)).unwrap();
        assert!(named_dests(&packet).contains_key(dest), "{file} has no destination {dest}");
    }
}

#[test]
fn charts_write_their_counts_and_html_filters_need_no_script() {
    let dir = demo();
    let r = results(dir.path());
    let html = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    for f in r["frameworks"].as_array().unwrap() {
        let s = &f["summary"]["by_status"];
        let fail = s["fail"].as_u64().unwrap();
        let manual = s["manual"].as_u64().unwrap();
        assert!(fail > 0 && manual > 0, "the demo fails and has manual controls in every framework");
        let line = format!("{fail} FAIL · ");
        assert!(html.contains(&line), "summary.html writes {line} for {}", f["id"]);
        let pdf = stdout(&tool("pdftotext", &[dir.path().join("summary.pdf").to_str().unwrap(), "-"]));
        assert!(pdf.contains(&line) && pdf.contains(&format!("{manual} MANUAL")), "summary.pdf writes the counts");
    }
    let packet = std::fs::read_to_string(dir.path().join("pci-dss-4.0.html")).unwrap();
    assert!(!packet.contains("<script"), "no script in a packet");
    for id in ["fs-all", "fs-fail", "fs-na", "fo-customer", "fo-shared", "fo-aws"] {
        assert!(packet.contains(&format!("id=\"{id}\"")), "filter {id}");
        assert!(packet.contains(&format!("#{id}:checked")) || id.ends_with("all"), "CSS rule for {id}");
    }
    // Every control and every check inside a control has its own anchor, and the ids are unique.
    let ids: Vec<&str> = packet.split(" id=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "ids are unique");
    for c in controls_of(&r, "pci-dss-4.0") {
        let a = anchor(c["id"].as_str().unwrap());
        assert!(unique.contains(a.as_str()), "control anchor {a}");
        for k in c["checks"].as_array().unwrap() {
            let check = format!("{a}--{}", slug("chk", k["id"].as_str().unwrap()));
            assert!(unique.contains(check.as_str()), "check anchor {check}");
        }
    }
    // The action table and the matrix put failing controls first.
    let matrix = packet.split("<section id=\"matrix\">").nth(1).unwrap().split("</section>").next().unwrap();
    for table in matrix.split("<table").skip(1) {
        let statuses: Vec<&str> = table.split("<tr class=\"status-").skip(1).map(|s| s.split('"').next().unwrap()).collect();
        let first_pass = statuses.iter().position(|s| *s == "pass");
        let last_fail = statuses.iter().rposition(|s| *s == "fail");
        if let (Some(p), Some(f)) = (first_pass, last_fail) {
            assert!(f < p, "failing rows come before passing ones: {statuses:?}");
        }
    }
    assert!(packet.find("<section id=\"action\">").unwrap() < packet.find("<section id=\"summary\">").unwrap());
}

/// The SVG `fill` of each chart segment of `html`, by the status its tooltip names.
fn segment_paints(html: &str) -> Vec<(String, String)> {
    html.split("<rect ")
        .skip(1)
        .filter_map(|r| {
            // A segment is a rect with a tooltip; pattern tiles and swatches have none.
            let r = r.split("</rect>").next()?.split("/>").next()?;
            let fill = r.split("fill=\"").nth(1)?.split('"').next()?.to_string();
            let title = r.split("<title>").nth(1)?.split(':').next()?.to_string();
            Some((title, fill))
        })
        .collect()
}

#[test]
fn charts_hatch_fail_not_assessed_and_accepted_risk_as_well_as_colouring_them() {
    let dir = demo();
    for file in ["summary.html", "hipaa.html"] {
        let html = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let paints = segment_paints(&html);
        let of = |status: &str| paints.iter().filter(|(t, _)| t == status).map(|(_, f)| f.as_str()).collect::<Vec<_>>();
        assert!(!of("FAIL").is_empty() && !of("MANUAL").is_empty(), "{file}: the demo's charts show FAIL and MANUAL: {paints:?}");
        assert!(of("FAIL").iter().all(|f| *f == "url(#hatch-fail)"), "{file}: FAIL is hatched: {paints:?}");
        assert!(of("NOT ASSESSED").iter().all(|f| *f == "url(#hatch-na)"), "{file}: NOT ASSESSED is hatched");
        for plain in ["PASS", "MANUAL", "INHERITED"] {
            assert!(of(plain).iter().all(|f| f.starts_with('#')), "{file}: {plain} is a plain colour: {paints:?}");
        }
        // Every pattern a shape names is defined in the page.
        for reference in html.split("url(#").skip(1).map(|s| s.split(')').next().unwrap()) {
            assert!(html.contains(&format!("<pattern id=\"{reference}\"")), "{file}: pattern {reference} is defined");
        }
    }
    // The summary's legend shows the same hatches.
    let summary = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    let legend = summary.split("<span class=\"legend\">").nth(1).unwrap().split("</figcaption>").next().unwrap();
    for id in ["hatch-fail", "hatch-na", "hatch-accepted"] {
        assert!(legend.contains(&format!("fill=\"url(#{id})\"")), "the legend shows {id}");
    }
    // In summary.pdf the hatch is white lines drawn over the bars (rectangle borders are `re`,
    // not lines, so white lines are the hatch alone).
    let doc = Document::load(dir.path().join("summary.pdf")).unwrap();
    let (_, page) = doc.get_pages().into_iter().next().unwrap();
    let content = doc.get_and_decode_page_content(page).unwrap();
    let mut white = false;
    let mut hatch_lines = 0;
    for op in &content.operations {
        match op.operator.as_str() {
            "RG" => white = op.operands.iter().all(|v| v.as_float().map(|f| (f - 1.0).abs() < 0.01).unwrap_or(false)),
            "l" if white => hatch_lines += 1,
            _ => {}
        }
    }
    assert!(hatch_lines > 20, "summary.pdf hatches its failing segments ({hatch_lines} white lines)");
}
