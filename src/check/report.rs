//! `duben check`: the report, as text for people or JSON for machines.

use serde::Serialize;

use super::{CheckReport, Finding, Level};

/// Kinds in the order the text report shows them, with their headings.
const KINDS: &[(&str, &str)] = &[
    ("skipped", "Files that cannot be built"),
    ("broken-link", "Links that resolve to no page"),
    ("missing-image", "Images not in content/"),
    (
        "unmatched-translation",
        "translations.toml entries that match no article",
    ),
    ("duplicate-url", "Duplicate source URLs"),
    ("no-base-url", "Site settings"),
    ("article-warning", "Warnings"),
    ("unmapped-topic", "Topic sections without a label"),
    (
        "lonely-translation-key",
        "Translation keys without a partner",
    ),
    ("suspicious-pair", "Automatic translation pairs to look at"),
];

/// Grouped by level, then kind; one line per finding, then a summary line.
pub fn text(report: &CheckReport) -> String {
    let mut s = String::new();
    for level in [Level::Error, Level::Warning] {
        for (kind, heading) in KINDS {
            let group: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.level == level && f.kind == *kind)
                .collect();
            if group.is_empty() {
                continue;
            }
            s.push_str(&format!("{heading} ({}):\n", group.len()));
            for f in group {
                s.push_str(&format!("  {}\n", line(f)));
            }
        }
    }
    let (e, w) = (report.errors(), report.warnings());
    s.push_str(&format!(
        "Checked {} article(s) and {} output file(s): {e} error(s), {w} warning(s){}\n",
        report.articles,
        report.pages,
        if e == 0 { "" } else { "; the check fails" }
    ));
    s
}

/// `error[broken-link]: content/a.md:7: the link …`
fn line(f: &Finding) -> String {
    let level = match f.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let at = match f.line {
        Some(l) => format!("{}:{l}", f.file),
        None => f.file.clone(),
    };
    format!("{level}[{}]: {at}: {}", f.kind, f.message)
}

#[derive(Serialize)]
struct Json<'a> {
    errors: usize,
    warnings: usize,
    articles: usize,
    files: usize,
    findings: &'a [Finding],
}

/// One JSON document: counts and every finding.
pub fn json(report: &CheckReport) -> String {
    let doc = Json {
        errors: report.errors(),
        warnings: report.warnings(),
        articles: report.articles,
        files: report.pages,
        findings: &report.findings,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_heading_in_the_text_report() {
        let report = CheckReport {
            articles: 2,
            pages: 9,
            findings: KINDS
                .iter()
                .map(|(k, _)| Finding::new(Level::Warning, k, "content/a.md").message("m"))
                .collect(),
        };
        let t = text(&report);
        for (kind, heading) in KINDS {
            assert!(
                t.contains(&format!(
                    "{heading} (1):\n  warning[{kind}]: content/a.md: m\n"
                )),
                "{t}"
            );
        }
        let summary = format!(
            "Checked 2 article(s) and 9 output file(s): 0 error(s), {} warning(s)\n",
            KINDS.len()
        );
        assert!(t.ends_with(&summary), "{t}");
    }
}
