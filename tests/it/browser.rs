//! The HTML packets in a real browser (headless Chromium, installed by scripts/test): the summary
//! prints on one A4 or Letter page, and axe-core finds no serious or critical accessibility
//! violation in any packet.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

/// Headless Chromium with nothing of the machine's profile and no background network calls.
fn chromium(args: &[&str]) -> std::process::Output {
    let profile = tempdir();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(args)
        .output()
        .expect("chromium runs (scripts/test installs Debian's chromium)");
    assert!(out.status.success(), "chromium {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// The pages of `html` printed to PDF at its own @page size, or at `size` instead.
fn printed_pages(html: &Path, size: Option<&str>) -> usize {
    let dir = tempdir();
    let page = dir.path().join("page.html");
    let text = std::fs::read_to_string(html).unwrap();
    let text = match size {
        Some(s) => {
            assert!(text.contains("size: A4;"), "the summary declares its page size");
            text.replace("size: A4;", &format!("size: {s};"))
        }
        None => text,
    };
    std::fs::write(&page, text).unwrap();
    let pdf = dir.path().join("printed.pdf");
    chromium(&["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display()), &url(&page)]);
    lopdf::Document::load(&pdf).unwrap().get_pages().len()
}

#[test]
fn the_summary_html_prints_on_one_a4_or_letter_page() {
    let dir = tempdir();
    let out = run(&["demo", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = dir.path().join("summary.html");
    assert_eq!(printed_pages(&summary, None), 1, "A4");
    assert_eq!(printed_pages(&summary, Some("letter")), 1, "Letter");
    // The check can fail: a packet does not fit one page.
    assert!(printed_pages(&dir.path().join("gdpr.html"), None) > 1);
}

/// axe-core's browser build, installed by scripts/test (or AUDITPACK_AXE).
fn axe_js() -> PathBuf {
    if let Some(p) = std::env::var_os("AUDITPACK_AXE") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").expect("HOME");
    let p = Path::new(&home).join(".cache/auditpack-axe/node_modules/axe-core/axe.min.js");
    assert!(p.exists(), "{} is missing: run bash scripts/test, which installs axe-core", p.display());
    p
}

/// One axe-core violation: its rule, impact and how many elements break it.
type Violation = (String, String, u64);

/// axe-core's violations of `html` as (rule, impact, nodes): a copy of the page with axe added
/// runs it and writes the result into the page, which Chromium dumps.
fn axe(html: &Path) -> Vec<Violation> {
    let dir = tempdir();
    let page = dir.path().join(html.file_name().unwrap());
    let runner = format!(
        r#"<script src="{}"></script><script>axe.run(document, {{ resultTypes: ["violations"] }}).then(function (r) {{ var p = document.createElement("pre"); p.id = "axe-result"; p.textContent = JSON.stringify(r.violations.map(function (v) {{ return [v.id, v.impact, v.nodes.length]; }})); document.body.appendChild(p); }});</script></body>"#,
        url(&axe_js())
    );
    let text = std::fs::read_to_string(html).unwrap().replace("</body>", &runner);
    std::fs::write(&page, text).unwrap();
    let out = chromium(&["--allow-file-access-from-files", "--virtual-time-budget=300000", "--dump-dom", &url(&page)]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split("<pre id=\"axe-result\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("axe-core did not finish on {}", html.display()));
    let json = json.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let v: Vec<(String, Option<String>, u64)> = serde_json::from_str(&json).unwrap();
    v.into_iter().map(|(id, impact, n)| (id, impact.unwrap_or_default(), n)).collect()
}

#[test]
fn axe_core_finds_no_serious_or_critical_violation_in_any_html_packet() {
    let dir = tempdir();
    let out = run(&["demo", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The harness itself: an image without alternative text is found.
    let broken = dir.path().join("broken.html");
    let summary = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    std::fs::write(&broken, summary.replace("</main>", "<img src=\"chart.png\"></main>")).unwrap();
    let found = axe(&broken);
    assert!(found.iter().any(|(id, impact, _)| id == "image-alt" && impact == "critical"), "{found:?}");
    std::fs::remove_file(&broken).unwrap();
    let pages: Vec<PathBuf> = ["summary.html", "gdpr.html", "hipaa.html", "pci-dss-4.0.html"].iter().map(|n| dir.path().join(n)).collect();
    let results: Vec<(PathBuf, Vec<Violation>)> = std::thread::scope(|s| {
        let handles: Vec<_> = pages.iter().map(|p| s.spawn(move || (p.clone(), axe(p)))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (page, violations) in results {
        let bad: Vec<_> = violations.iter().filter(|(_, impact, _)| impact == "serious" || impact == "critical").collect();
        assert!(bad.is_empty(), "{}: {bad:?}", page.display());
    }
}
