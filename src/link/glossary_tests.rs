use std::path::PathBuf;

use chrono::DateTime;

use crate::clean::CleanBody;
use crate::link::Archive;
use crate::link::test_support::{body, link_all};
use crate::parse::Article;

fn item(name: &str, ms: i64, text: &str, glosses: &[(&str, &str)]) -> (Article, CleanBody) {
    let article = Article {
        display_path: PathBuf::from(name),
        rel_path: PathBuf::from(name),
        title: name.to_owned(),
        date: DateTime::from_timestamp_millis(ms),
        ..Article::default()
    };
    (article, body("zh-Hans", text, glosses))
}

fn archive(items: Vec<(Article, CleanBody)>) -> Archive {
    link_all(items, &[]).0
}

#[test]
fn variants_merge_and_every_using_article_is_listed() {
    let a = archive(vec![
        item(
            "a.md",
            3_000,
            "斯托尔滕贝格（Jens Stoltenberg）说",
            &[("斯托尔滕贝格", "Jens Stoltenberg")],
        ),
        item(
            "b.md",
            2_000,
            "斯托尔滕伯格（Jens Stoltenberg）表示",
            &[("斯托尔滕伯格", "Jens Stoltenberg")],
        ),
        item("c.md", 1_000, "北约秘书长斯托尔滕贝格没有出席。", &[]),
        item(
            "d.md",
            500,
            "Secretary General JENS STOLTENBERG spoke; Stoltenbergs is another word.",
            &[],
        ),
        item(
            "e.md",
            400,
            "北大西洋公约组织（NATO）与北约",
            &[("北大西洋公约组织", "NATO"), ("北约", "NATO")],
        ),
    ]);
    assert_eq!(a.glossary.len(), 2);
    let stol = a
        .glossary
        .iter()
        .find(|t| t.main_en() == "Jens Stoltenberg")
        .unwrap();
    let zh: Vec<&str> = stol.zh.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(zh, vec!["斯托尔滕伯格", "斯托尔滕贝格"]);
    assert_eq!(stol.uses, 2);
    let users: Vec<&str> = stol
        .articles
        .iter()
        .map(|&i| a.entries[i].article.title.as_str())
        .collect();
    assert_eq!(users, vec!["a.md", "b.md", "c.md", "d.md"]);
    assert_eq!(stol.path, "glossary/jens-stoltenberg/index.html");
    let nato = a.glossary.iter().find(|t| t.main_en() == "NATO").unwrap();
    assert_eq!(nato.zh.len(), 2, "both Chinese names of NATO are one term");
    assert_eq!(a.entries[4].terms.len(), 1);
}

#[test]
fn terms_sort_by_pinyin_keys() {
    assert_eq!(super::pinyin_key("北约"), "bei yue");
    assert!(super::pinyin_key("阿富汗") < super::pinyin_key("北约"));
}
