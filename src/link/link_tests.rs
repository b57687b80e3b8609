use super::*;
use chrono::DateTime;
use std::path::PathBuf;

fn item(path: &str, url: Option<&str>, ms: Option<i64>, text: &str) -> (Article, CleanBody) {
    let article = Article {
        display_path: PathBuf::from("content").join(path),
        rel_path: PathBuf::from(path),
        title: path.to_owned(),
        date: ms.and_then(DateTime::from_timestamp_millis),
        source_url: url.map(|u| url::Url::parse(u).unwrap()),
        ..Article::default()
    };
    let body = CleanBody {
        text: text.to_owned(),
        ..CleanBody::default()
    };
    (article, body)
}

#[test]
fn the_archive_is_newest_first_with_undated_last() {
    let (archive, diags) = link(
        vec![
            item("old.md", None, Some(1_500_000_000_000), ""),
            item("undated.md", None, None, ""),
            item("new.md", None, Some(1_632_857_761_000), ""),
        ],
        chrono_tz::Asia::Shanghai,
    );
    assert!(diags.is_empty());
    let paths: Vec<&str> = archive.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "2021/09/new.html",
            "2017/07/old.html",
            "undated/undated.html"
        ]
    );
    assert_eq!(archive.entries[0].older, Some(1));
    assert_eq!(archive.entries[1].newer, Some(0));
    assert_eq!(archive.entries[1].older, None);
    assert_eq!(archive.entries[2].newer, None);
}

#[test]
fn duplicate_source_urls_keep_one_article_and_name_the_other() {
    let (archive, diags) = link(
        vec![
            item(
                "a.md",
                Some("https://www.rfa.org/x.html"),
                Some(1_632_857_761_000),
                "short",
            ),
            item(
                "b.md",
                Some("http://rfa.org/x.html#top"),
                Some(1_632_857_761_000),
                "much longer text",
            ),
            item(
                "c.md",
                Some("https://rfa.org/x.html"),
                None,
                "the longest text of all three",
            ),
        ],
        chrono_tz::UTC,
    );
    assert_eq!(archive.entries.len(), 1);
    assert_eq!(archive.entries[0].article.rel_path, PathBuf::from("b.md"));
    let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        msgs,
        vec![
            "skipped: content/a.md: has the same source URL as `content/b.md`, which was built instead (duplicate article)",
            "skipped: content/c.md: has the same source URL as `content/b.md`, which was built instead (duplicate article)",
        ]
    );
    assert_eq!(archive.by_url.get("rfa.org/x.html"), Some(&0));
}

#[test]
fn every_output_path_is_a_safe_relative_html_path() {
    let odd = [
        "../../x.md",
        "/abs.md",
        "a b/ü.md",
        ".hidden.md",
        "CON.md",
        "x/..md",
    ];
    let items = odd.iter().map(|p| item(p, None, None, "")).collect();
    let (archive, _) = link(items, chrono_tz::UTC);
    let mut seen = std::collections::HashSet::new();
    for e in &archive.entries {
        assert!(
            e.path.starts_with("undated/") && e.path.ends_with(".html"),
            "{}",
            e.path
        );
        assert!(
            e.path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-/.".contains(&b)),
            "{}",
            e.path
        );
        assert!(!e.path.contains(".."), "{}", e.path);
        assert!(seen.insert(e.path.clone()), "duplicate {}", e.path);
    }
}
