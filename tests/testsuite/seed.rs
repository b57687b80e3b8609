//! The seed article, the archive's starting point: its cleaned body is
//! snapshotted (the page chrome is not, so template tweaks do not churn it).

use std::path::PathBuf;

use duben::load::Source;
use duben::parse::{ParseOptions, parse_source};

/// The seed article, as the load stage would read it from `content/`.
fn seed_source() -> Source {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed/cl-09282021124357.md"
    ))
    .unwrap();
    Source::new(
        PathBuf::from("content/cl-09282021124357.md"),
        PathBuf::from("cl-09282021124357.md"),
        bytes,
    )
}

#[test]
fn the_seed_article_body_is_clean_and_stable() {
    let source = seed_source();
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

#[test]
fn the_seed_reads_in_traditional_chinese_with_its_glossary_terms() {
    let source = seed_source();
    let article = parse_source(
        &source,
        ParseOptions {
            tz: chrono_tz::Asia::Shanghai,
            drafts: false,
        },
    )
    .article
    .unwrap();
    let body = duben::clean::clean(&article, &Default::default());
    let alt = body.alt_script.expect("a Traditional version");
    assert_eq!(alt.lang, "zh-Hant");
    assert_eq!(alt.title, "北約擔憂中國核武擴張 呼籲展開對話");
    let html = alt.body.to_html();
    assert!(
        html.contains("北大西洋公約組織（<span lang=\"en\">NATO</span>）"),
        "{html}"
    );
    // Only text changes: URLs and attributes stay as they were.
    assert!(html.contains("https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/cl-09282021124357.html/7976e24ccabbe5219ff852c9112e76ae.jpg"));
    let glosses: Vec<(String, String)> = body
        .glosses
        .iter()
        .map(|g| (g.zh().to_owned(), g.en().to_owned()))
        .collect();
    assert_eq!(
        glosses,
        vec![
            ("北大西洋公约组织".into(), "NATO".into()),
            ("斯托尔滕贝格".into(), "Jens Stoltenberg".into())
        ]
    );
}
