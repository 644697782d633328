//! The one-page management summary.

use super::backend::{finish, Meta};
use super::layout::*;

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
    let y = l.y;
    l.tagged("P", |l| l.text(LEFT, y, "AUDIT PACKET · ONE-PAGE SUMMARY", Style::Bold, SMALL, MUTED));
    l.y -= 4.0;
    l.tagged("H1", |l| l.lines(&v.title, Style::Bold, 18.0, INK, 0.0, &[]));
    l.y -= 4.0;
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
    // Each bar's counts are written under it, so the chart reads without its colours.
    let label_w = 150.0;
    let bar_w = WIDTH - label_w - 30.0;
    for bar in &v.chart.bars {
        l.y -= 18.0;
        let y = l.y;
        l.figure(format!("{} ({} controls): {}", bar.label, bar.total, bar.counts), |l| {
            // The total always shows; the name gives way at a word boundary.
            let total = format!(" ({})", bar.total);
            let label = l.fit(&bar.label, Style::Regular, SMALL, label_w - 6.0 - l.regular.width(&total, SMALL)) + &total;
            l.text(LEFT, y + 4.0, &label, Style::Regular, SMALL, INK);
            super::sections::draw_segments(l, &bar.segments, (LEFT + label_w, y), bar_w, 13.0);
            l.text(LEFT + label_w, y - 7.5, &bar.counts, Style::Regular, 6.5, MUTED);
        });
        l.y -= 8.0;
    }
    l.y -= 14.0;
    let mut x = LEFT;
    let y = l.y;
    l.figure("Legend: the colour of each status; FAIL, NOT ASSESSED and ACCEPTED RISK are also hatched".to_string(), |l| {
        for item in &v.chart.legend {
            l.status_box((x, y), 7.0, 7.0, item.class, None);
            l.text(x + 10.0, y + 0.5, item.label, Style::Regular, 7.0, INK);
            x += 18.0 + l.regular.width(item.label, 7.0);
        }
    });
    l.y -= 10.0;

    for f in &v.frameworks {
        l.y -= 4.0;
        // The score always shows; the name gives way when space runs out.
        l.tagged("H2", |l| l.lines(&format!("{} {}: {}", f.name, f.version, f.score), Style::Bold, 10.5, INK, 0.0, &[]));
        l.para(&format!("Score: {}.", f.score_note), Style::Regular, SMALL, MUTED, 0.0, 1.0);
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
                // Wrapped, never cut; the control links to its page in the framework's packet.
                .map(|t| {
                    vec![
                        file_link_cell(format!("{} {}", t.id, t.title), &format!("{}.pdf", f.id), &t.anchor),
                        cell(t.severity),
                        cell(&t.remediation),
                    ]
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
    let hash = format!("Evidence bundle {}", v.manifest_sha256);
    l.with_text_tag(ARTIFACT, |l| {
        for page in 0..total {
            l.hline_on(page, LEFT, RIGHT, 40.0, RULE, 0.5);
            l.text_on(page, (LEFT, 28.0), &hash, Style::Regular, SMALL, MUTED);
            let footer = format!("Page {} of {}", page + 1, total);
            let w = l.regular.width(&footer, SMALL);
            l.text_on(page, (RIGHT - w, 28.0), &footer, Style::Regular, SMALL, MUTED);
        }
    });
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
