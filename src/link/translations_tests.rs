use std::path::PathBuf;

use chrono::DateTime;

use super::*;
use crate::clean::CleanBody;
use crate::link::test_support::{body, link_all};
use crate::parse::Article;

const H: i64 = 3_600_000;
const T0: i64 = 1_632_857_761_000;

fn zh(name: &str, ms: i64, names: &[(&str, &str)]) -> (Article, CleanBody) {
    let text: String = names
        .iter()
        .map(|(z, e)| format!("{z}（{e}）说。"))
        .collect();
    item(name, ms, "zh-Hans", &text, names)
}

fn en(name: &str, ms: i64, text: &str) -> (Article, CleanBody) {
    item(name, ms, "en", text, &[])
}

fn item(
    name: &str,
    ms: i64,
    lang: &str,
    text: &str,
    glosses: &[(&str, &str)],
) -> (Article, CleanBody) {
    let article = Article {
        display_path: PathBuf::from(name),
        rel_path: PathBuf::from(name),
        title: name.to_owned(),
        date: DateTime::from_timestamp_millis(ms),
        source_url: Some(url::Url::parse(&format!("https://example.org/{name}")).unwrap()),
        ..Article::default()
    };
    (article, body(lang, text, glosses))
}

fn run(items: Vec<(Article, CleanBody)>, file: &[(String, String)]) -> Archive {
    link_all(items, file).0
}

fn partner(a: &Archive, title: &str) -> Option<String> {
    let i = a.entries.iter().position(|e| e.article.title == title)?;
    a.entries[i]
        .translation
        .map(|t| a.entries[t.other].article.title.clone())
}

const NAMES: &[(&str, &str)] = &[
    ("斯托尔滕贝格", "Jens Stoltenberg"),
    ("王毅", "Wang Yi"),
    ("北约", "NATO"),
    ("布林肯", "Antony Blinken"),
];

#[test]
fn close_articles_naming_the_same_people_are_paired() {
    let a = run(
        vec![
            zh("zh.md", T0, NAMES),
            en(
                "en.md",
                T0 + 20 * H,
                "Jens Stoltenberg met Wang Yi; NATO and Antony Blinken.",
            ),
            en(
                "other.md",
                T0 + 20 * H,
                "Jens Stoltenberg spoke about Ukraine, Kyiv, Boris Johnson and Emmanuel Macron.",
            ),
        ],
        &[],
    );
    assert_eq!(partner(&a, "zh.md").as_deref(), Some("en.md"));
    assert_eq!(partner(&a, "en.md").as_deref(), Some("zh.md"));
    assert_eq!(partner(&a, "other.md"), None);
    let used: Vec<&Suggestion> = a.suggestions.iter().filter(|s| s.used).collect();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0].matched, 4);
}

#[test]
fn articles_far_apart_in_time_are_not_paired() {
    let a = run(
        vec![
            zh("zh.md", T0, NAMES),
            en(
                "en.md",
                T0 + 60 * H,
                "Jens Stoltenberg met Wang Yi; NATO and Antony Blinken.",
            ),
        ],
        &[],
    );
    assert_eq!(partner(&a, "zh.md"), None);
}

#[test]
fn translation_keys_and_the_translations_file_pair_explicitly() {
    let mut a1 = zh("a-zh.md", T0, &[]);
    a1.0.translation_key = Some("k1".into());
    let mut a2 = en("a-en.md", T0 + 1000 * H, "unrelated");
    a2.0.translation_key = Some("k1".into());
    let b1 = zh("b-zh.md", T0, &[]);
    let b2 = en("b-en.md", T0, "unrelated");
    let file = vec![(
        "https://example.org/b-zh.md".to_owned(),
        "http://www.example.org/b-en.md".to_owned(),
    )];
    let a = run(vec![a1, a2, b1, b2], &file);
    assert_eq!(partner(&a, "a-zh.md").as_deref(), Some("a-en.md"));
    assert_eq!(partner(&a, "b-en.md").as_deref(), Some("b-zh.md"));
}

#[test]
fn a_translations_file_pair_naming_no_article_is_reported() {
    let file = vec![(
        "https://example.org/nothing".to_owned(),
        "https://example.org/x.md".to_owned(),
    )];
    let (_, diags) = link_all(vec![zh("x.md", T0, &[])], &file);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .to_string()
            .contains("translations.toml: `https://example.org/nothing` is not the source URL"),
        "{}",
        diags[0]
    );
}
