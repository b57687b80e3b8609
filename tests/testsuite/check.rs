//! `duben check` on a fixture with known problems, and on the bundled archive.

use serde_json::Value;

use crate::common::*;

/// (level, kind, file, line, target) of every finding.
type Row = (String, String, String, Option<u64>, Option<String>);

fn rows(doc: &Value) -> Vec<Row> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64(),
                f.get("target").and_then(|t| t.as_str()).map(str::to_owned),
            )
        })
        .collect()
}

fn row(level: &str, kind: &str, file: &str, line: Option<u64>, target: Option<&str>) -> Row {
    (
        level.into(),
        kind.into(),
        file.into(),
        line,
        target.map(str::to_owned),
    )
}

#[test]
fn check_reports_every_known_problem_of_the_fixture_as_json() {
    let site = TestSite::fixture("check-site");
    let before = snapshot(site.root());
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "errors make the check fail");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let expected = vec![
        row("error", "skipped", "content/empty.md", None, None),
        row(
            "error",
            "missing-image",
            "content/notes/links.md",
            Some(11),
            Some("missing-photo.jpg"),
        ),
        row(
            "error",
            "broken-link",
            "content/notes/links.md",
            Some(13),
            Some("missing-page.html"),
        ),
        row(
            "error",
            "broken-link",
            "content/notes/links.md",
            Some(14),
            Some("../pair-zh.md"),
        ),
        row(
            "error",
            "broken-link",
            "public/404.html",
            None,
            Some("lost-and-found.html"),
        ),
        row(
            "error",
            "unmatched-translation",
            "translations.toml",
            Some(1),
            Some("https://news.example.org/english/no-such-article.html"),
        ),
        row(
            "warning",
            "article-warning",
            "content/bad-timestamp.md",
            Some(1),
            None,
        ),
        row("warning", "duplicate-url", "content/dup-b.md", None, None),
        row("warning", "no-base-url", "site.toml", None, None),
        row(
            "warning",
            "lonely-translation-key",
            "content/lonely.md",
            Some(4),
            Some("alone"),
        ),
        row(
            "warning",
            "unmapped-topic",
            "content/unmapped.md",
            None,
            Some("special-reports"),
        ),
    ];
    let mut found = rows(&doc);
    found.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(found, want);
    assert_eq!(doc["errors"], 6);
    assert_eq!(doc["warnings"], 5);
    assert_eq!(doc["articles"], 6, "empty.md skipped, dup-b.md dropped");
    for f in doc["findings"].as_array().unwrap() {
        let message = f["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.contains('\n'), "{f}");
    }
    let unmapped = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unmapped-topic")
        .unwrap();
    assert_eq!(unmapped["count"], 1);
    // The image kept beside the note is found, and nothing was written.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("present.png"));
    assert_eq!(
        snapshot(site.root()),
        before,
        "check changed the site folder"
    );
    assert!(!site.output().exists());
}

#[test]
fn check_text_report_is_grouped_with_a_summary() {
    let site = TestSite::fixture("check-site");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Files that cannot be built (1):\n  error[skipped]: content/empty.md: is empty\n",
        "Links that resolve to no page (3):\n",
        "  error[missing-image]: content/notes/links.md:11: the image `missing-photo.jpg` is not in content/",
        "  warning[duplicate-url]: content/dup-b.md: has the same source URL as `content/dup-a.md`",
        "Topic sections without a label (1):\n",
        "Checked 6 article(s) and ",
        ": 6 error(s), 5 warning(s); the check fails\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn a_site_without_problems_passes_and_one_without_site_toml_cannot_be_checked() {
    let site = TestSite::fixture("check-site");
    for bad in [
        "content/empty.md",
        "content/notes/links.md",
        "translations.toml",
        "templates/404.html",
    ] {
        std::fs::remove_file(site.root().join(bad)).unwrap();
    }
    let out = site.run(&["check", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"], 0, "{doc:#}");
    assert_eq!(out.status.code(), Some(0));

    std::fs::remove_file(site.root().join("site.toml")).unwrap();
    let out = site.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `site.toml`"));
}

#[test]
fn the_bundled_archive_passes_check() {
    let site = TestSite::bundled();
    let report = duben::check::check(site.root()).unwrap();
    let errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.level == duben::check::Level::Error)
        .map(|f| format!("{f:?}"))
        .collect();
    assert!(errors.is_empty(), "false positives:\n{}", errors.join("\n"));
    assert!(report.articles > 450);
    assert!(
        report.pages > 1500,
        "the site was rendered: {}",
        report.pages
    );
    assert!(
        report.findings.iter().any(|f| f.kind == "duplicate-url"),
        "the bundled archive's one duplicate is a warning"
    );
}
