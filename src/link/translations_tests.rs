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

/// Every pair in the window, compared with two sets: what `suggest` finds
/// through the terms' users must be exactly this, in this order.
fn suggest_pairwise(archive: &Archive) -> Vec<(usize, usize, u64, usize)> {
    let mut uses: Vec<HashSet<usize>> = vec![HashSet::new(); archive.entries.len()];
    for (t, term) in archive.glossary.iter().enumerate() {
        for &i in &term.articles {
            uses[i].insert(t);
        }
    }
    let mut english: Vec<_> = (0..archive.entries.len())
        .filter(|&i| is_english(&archive.entries[i].body.lang))
        .filter_map(|i| Some((archive.entries[i].article.date?, i)))
        .collect();
    english.sort();
    let window = chrono::Duration::hours(WINDOW_HOURS);
    let mut out = Vec::new();
    for (z, ze) in archive.entries.iter().enumerate() {
        let Some(zd) = ze.article.date else { continue };
        if !is_chinese(&ze.body.lang) {
            continue;
        }
        let glossed: HashSet<usize> = ze.terms.iter().copied().collect();
        for &(ed, en) in &english {
            if ed < zd - window || ed > zd + window {
                continue;
            }
            let matched = glossed.intersection(&uses[en]).count();
            let union = glossed.union(&uses[en]).count();
            let score = matched as f64 / union.max(1) as f64;
            if score >= SUGGEST_MIN_SCORE && matched >= 2 {
                out.push((z, en, score.to_bits(), matched));
            }
        }
    }
    out
}

#[test]
fn suggestions_are_those_of_comparing_every_pair_in_the_window() {
    const PEOPLE: &[(&str, &str)] = &[
        ("斯托尔滕贝格", "Jens Stoltenberg"),
        ("王毅", "Wang Yi"),
        ("北约", "NATO"),
        ("布林肯", "Antony Blinken"),
        ("马克龙", "Emmanuel Macron"),
        ("约翰逊", "Boris Johnson"),
        ("泽连斯基", "Volodymyr Zelensky"),
        ("朔尔茨", "Olaf Scholz"),
    ];
    let mut seed = 7u64;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    let mut items = Vec::new();
    for k in 0..40 {
        let chosen: Vec<(&str, &str)> = PEOPLE.iter().copied().filter(|_| next(2) == 0).collect();
        // Hours on a grid of 12, so that some pairs are exactly 48 h apart.
        let at = T0 + 12 * H * next(16) as i64;
        if k % 2 == 0 {
            items.push(zh(&format!("zh{k}.md"), at, &chosen));
        } else {
            let text: Vec<&str> = chosen.iter().map(|(_, e)| *e).collect();
            items.push(en(
                &format!("en{k}.md"),
                at,
                &format!("{}.", text.join(", ")),
            ));
        }
    }
    let a = run(items, &[]);
    let found: Vec<_> = suggest(&a)
        .iter()
        .map(|s| (s.zh, s.en, s.score.to_bits(), s.matched))
        .collect();
    assert!(
        found.len() >= 10,
        "too few suggestions to compare: {found:?}"
    );
    assert!(
        found.iter().any(|&(z, e, ..)| {
            let (zd, ed) = (a.entries[z].article.date, a.entries[e].article.date);
            zd.zip(ed)
                .is_some_and(|(zd, ed)| (zd - ed).num_hours().abs() == WINDOW_HOURS)
        }),
        "no pair at the window's edge"
    );
    assert_eq!(found, suggest_pairwise(&a));
}
