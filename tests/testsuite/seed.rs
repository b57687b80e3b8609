//! The seed article, the archive's starting point: its cleaned body is
//! snapshotted (the page chrome is not, so template tweaks do not churn it).

use std::path::PathBuf;

use duben::load::Source;
use duben::parse::{ParseOptions, parse_source};

#[test]
fn the_seed_article_body_is_clean_and_stable() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed/cl-09282021124357.md"
    ))
    .unwrap();
    let source = Source {
        display_path: PathBuf::from("content/cl-09282021124357.md"),
        rel_path: PathBuf::from("cl-09282021124357.md"),
        bytes,
    };
    let parsed = parse_source(
        &source,
        ParseOptions {
            tz: chrono_tz::Asia::Shanghai,
            drafts: false,
        },
    );
    assert!(parsed.diagnostics.is_empty());
    let body = duben::clean::clean(&parsed.article.unwrap(), &Default::default());
    assert_eq!(body.lang, "zh-Hans");
    insta::assert_snapshot!("seed_body", body.body.to_html());
    let related: Vec<String> = body
        .related
        .iter()
        .map(|r| format!("{} <{}>", r.text, r.href))
        .collect();
    insta::assert_snapshot!("seed_related", related.join("\n"));
    let byline = body.byline.unwrap();
    let credits: Vec<String> = byline
        .credits
        .iter()
        .map(|c| format!("{:?}: {}", c.role, c.name))
        .collect();
    insta::assert_snapshot!(
        "seed_byline",
        format!(
            "{}\nplace: {:?}\n{}",
            byline.text,
            byline.place,
            credits.join("\n")
        )
    );
}
