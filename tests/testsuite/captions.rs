//! Every captioned figure of the real archived articles in `content/real`
//! keeps its caption text in the output.

use std::path::PathBuf;

use duben::load::Source;
use duben::parse::{ParseOptions, parse_source};
use scraper::{ElementRef, Html, Selector};

/// Caption markup found in the real archives.
const CAPTIONS: &str = "figcaption, .wp-caption-text, .image-caption, #headerimgcaption, .media-caption__text, span.caption, div.caption, .headerimgcaption";

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Caption text as a reader sees it: without screen-reader-only labels.
fn visible_text(e: ElementRef) -> String {
    let hidden = Selector::parse(".off-screen, .visually-hidden, .sr-only").unwrap();
    let hidden_text: String = e.select(&hidden).flat_map(|h| h.text()).collect();
    let all: String = e.text().collect();
    squeeze(&all).replacen(&squeeze(&hidden_text), "", 1)
}

#[test]
fn every_captioned_figure_keeps_its_caption() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/real");
    let sel = Selector::parse(CAPTIONS).unwrap();
    let (mut checked, mut missing) = (0, Vec::new());
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let source = Source::new(
            entry.path().to_path_buf(),
            entry.path().strip_prefix(&root).unwrap().to_path_buf(),
            std::fs::read(entry.path()).unwrap(),
        );
        let Some(article) = parse_source(
            &source,
            ParseOptions {
                tz: chrono_tz::UTC,
                drafts: false,
            },
        )
        .article
        else {
            continue;
        };
        let raw = Html::parse_fragment(&article.body);
        let captions: Vec<String> = raw
            .select(&sel)
            .map(visible_text)
            .filter(|c| c.chars().count() >= 4)
            .collect();
        if captions.is_empty() {
            continue;
        }
        let body = duben::clean::clean(&article, &Default::default());
        let out = squeeze(&body.text);
        for c in captions {
            checked += 1;
            if !out.contains(&c) {
                missing.push(format!("{}: {c}", source.rel_path.display()));
            }
        }
    }
    assert!(checked >= 100, "only {checked} captions found");
    assert!(
        missing.is_empty(),
        "{} of {checked} captions lost:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
