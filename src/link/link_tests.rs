use super::*;
use crate::clean::byline::{Byline, Credit};
use crate::clean::related::RelatedLink;
use crate::clean::serialize::{Body, Part};
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

fn with_links(
    mut it: (Article, CleanBody),
    related: &[&str],
    inline: &[&str],
) -> (Article, CleanBody) {
    it.1.related = related
        .iter()
        .map(|h| RelatedLink {
            href: (*h).to_owned(),
            text: "t".into(),
        })
        .collect();
    it.1.body = Body {
        parts: inline.iter().map(|h| Part::Link((*h).to_owned())).collect(),
    };
    it
}

fn run(items: Vec<(Article, CleanBody)>, tz: Tz) -> (Archive, Vec<Diagnostic>) {
    let map = TopicMap::new(true, &BTreeMap::new()).unwrap();
    link(
        items,
        &LinkOptions {
            tz,
            topics: &map,
            matcher: UrlMatcher::default(),
            translation_pairs: &[],
            uses: None,
        },
    )
    .expect("link")
}

const DAY: i64 = 86_400_000;
const T0: i64 = 1_632_857_761_000; // the seed: 2021-09-28T19:36:01Z

#[test]
fn the_archive_is_newest_first_with_undated_last() {
    let (archive, diags) = run(
        vec![
            item("old.md", None, Some(1_500_000_000_000), ""),
            item("undated.md", None, None, ""),
            item("new.md", None, Some(T0), ""),
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
    assert_eq!(archive.undated, vec![2]);
}

#[test]
fn duplicate_source_urls_keep_one_article_and_name_the_other() {
    let (archive, diags) = run(
        vec![
            item(
                "a.md",
                Some("https://www.rfa.org/x.html"),
                Some(T0),
                "short",
            ),
            item(
                "b.md",
                Some("http://rfa.org/x.html#top"),
                Some(T0),
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
    let (archive, _) = run(items, chrono_tz::UTC);
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

#[test]
fn cross_references_resolve_through_every_normalization_rule() {
    let target = "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html";
    let (archive, _) = run(
        vec![item("t.md", Some(target), Some(T0), "")],
        chrono_tz::UTC,
    );
    for same in [
        "http://rfa.org/mandarin/Xinwen/10-09272021144747.html",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html/",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html#comments",
        "https://www.rfa.org:443/mandarin/Xinwen/10-09272021144747.html",
        "https://WWW.RFA.ORG/mandarin/Xinwen/10-09272021144747.html",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html?utm_source=twitter&utm_medium=x",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html?t=1632857761",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html?feedType=RSS&feedName=x",
    ] {
        assert_eq!(archive.resolve(same), Some(0), "{same}");
    }
    for other in [
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144748.html",
        "https://www.rfa.org/mandarin/xinwen/10-09272021144747.html",
        "https://www.voachinese.com/mandarin/Xinwen/10-09272021144747.html",
        "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html?id=2",
    ] {
        assert_eq!(archive.resolve(other), None, "{other}");
    }
}

#[test]
fn backlinks_list_the_articles_that_link_here_newest_first() {
    let a = "https://www.rfa.org/a.html";
    let (archive, _) = run(
        vec![
            item("a.md", Some(a), Some(T0 - 10 * DAY), ""),
            with_links(
                item("b.md", Some("https://www.rfa.org/b.html"), Some(T0), ""),
                &[a],
                &[],
            ),
            with_links(
                item(
                    "c.md",
                    Some("https://www.rfa.org/c.html"),
                    Some(T0 - DAY),
                    "",
                ),
                &[],
                &["http://rfa.org/a.html#x"],
            ),
            with_links(
                item(
                    "d.md",
                    Some("https://www.rfa.org/d.html"),
                    Some(T0 - 2 * DAY),
                    "",
                ),
                &[],
                &["https://elsewhere.org/a.html"],
            ),
        ],
        chrono_tz::UTC,
    );
    let a_idx = archive.resolve(a).unwrap();
    let names: Vec<&str> = archive.entries[a_idx]
        .backlinks
        .iter()
        .map(|&i| archive.entries[i].article.title.as_str())
        .collect();
    assert_eq!(names, vec!["b.md", "c.md"]);
}

#[test]
fn months_follow_the_site_timezone() {
    // The seed, 19:36 UTC on 28 September, is 29 September in Shanghai;
    // 16:30 UTC on 30 September is already October there.
    let late = 1_633_019_400_000; // 2021-09-30T16:30:00Z
    let (sh, _) = run(
        vec![
            item("seed.md", None, Some(T0), ""),
            item("late.md", None, Some(late), ""),
        ],
        chrono_tz::Asia::Shanghai,
    );
    let months: Vec<(i32, u32, usize)> = sh
        .months
        .iter()
        .map(|m| (m.year, m.month, m.entries.len()))
        .collect();
    assert_eq!(months, vec![(2021, 10, 1), (2021, 9, 1)]);
    assert_eq!(sh.entries[0].path, "2021/10/late.html");
    let (utc, _) = run(
        vec![
            item("seed.md", None, Some(T0), ""),
            item("late.md", None, Some(late), ""),
        ],
        chrono_tz::UTC,
    );
    assert_eq!(utc.months.len(), 1);
    assert_eq!(utc.months[0].entries.len(), 2);
}

#[test]
fn topics_come_from_url_sections_and_front_matter() {
    let mut fm = item("fm.md", None, Some(T0), "");
    fm.0.topics = vec!["香港".into()];
    fm.0.tags = vec!["Commentary".into()];
    let (archive, _) = run(
        vec![
            item(
                "a.md",
                Some("https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/a.html"),
                Some(T0),
                "",
            ),
            item(
                "b.md",
                Some("https://www.rfa.org/mandarin/pinglun/wangdan/b.html"),
                Some(T0 - DAY),
                "",
            ),
            item(
                "c.md",
                Some("https://www.example.org/special-reports/c.html"),
                Some(T0 - 2 * DAY),
                "",
            ),
            fm,
        ],
        chrono_tz::UTC,
    );
    let labels = |i: usize| -> Vec<String> {
        archive.entries[i]
            .topics
            .iter()
            .map(|&t| format!("{}|{}", archive.topics[t].zh, archive.topics[t].en))
            .collect()
    };
    let by_title = |t: &str| {
        archive
            .entries
            .iter()
            .position(|e| e.article.title == t)
            .unwrap()
    };
    assert_eq!(
        labels(by_title("a.md")),
        vec!["军事外交|Military & Diplomacy"]
    );
    assert_eq!(labels(by_title("b.md")), vec!["评论|Commentary"]);
    assert_eq!(
        labels(by_title("fm.md")),
        vec!["香港|Hong Kong", "评论|Commentary"]
    );
    let commentary = archive
        .topics
        .iter()
        .find(|t| t.en == "Commentary")
        .unwrap();
    assert_eq!(
        commentary.entries.len(),
        2,
        "URL section and tag share one topic"
    );
    assert_eq!(commentary.dir, "topics/commentary");
    assert_eq!(
        archive.unmapped_sections(),
        vec![("special-reports".to_owned(), 1)]
    );
}

#[test]
fn people_come_from_bylines_and_authors() {
    let mut a = item("a.md", None, Some(T0), "");
    a.1.byline = Some(Byline {
        credits: vec![
            Credit {
                role: Role::Reporter,
                name: "蔡凌".into(),
            },
            Credit {
                role: Role::Editor,
                name: "嘉远".into(),
            },
        ],
        ..Byline::default()
    });
    let mut b = item("b.md", None, Some(T0 - DAY), "");
    b.1.byline = Some(Byline {
        credits: vec![Credit {
            role: Role::Editor,
            name: "嘉远".into(),
        }],
        ..Byline::default()
    });
    b.0.authors = vec!["蔡凌".into()];
    let (archive, _) = run(vec![a, b], chrono_tz::UTC);
    let names: Vec<(&str, usize, &str)> = archive
        .people
        .iter()
        .map(|p| (p.name.as_str(), p.count, p.dir.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("嘉远", 2, "people/jia-yuan"),
            ("蔡凌", 2, "people/cai-ling")
        ]
    );
    let cai = &archive.people[1];
    let roles: Vec<(Role, usize)> = cai.roles.iter().map(|(r, l)| (*r, l.len())).collect();
    assert_eq!(roles, vec![(Role::Author, 1), (Role::Reporter, 1)]);
    assert_eq!(
        archive.entries[0].credits,
        vec![(Role::Reporter, 1), (Role::Editor, 0)]
    );
}

#[test]
fn more_on_this_topic_is_ranked_and_deterministic() {
    let sec = "https://www.rfa.org/mandarin/yataibaodao/gangtai/";
    let mut items: Vec<(Article, CleanBody)> = (0..12)
        .map(|k| {
            item(
                &format!("g{k:02}.md"),
                Some(&format!("{sec}{k}.html")),
                Some(T0 - k * DAY),
                "",
            )
        })
        .collect();
    items.push(item(
        "other.md",
        Some("https://www.rfa.org/mandarin/Xinwen/x.html"),
        Some(T0),
        "",
    ));
    // g05 links to g00: that pair should rank first for g00.
    items[5] = with_links(items[5].clone(), &[&format!("{sec}0.html")], &[]);
    let (a1, _) = run(items.clone(), chrono_tz::UTC);
    items.reverse();
    let (a2, _) = run(items, chrono_tz::UTC);
    let more = |a: &Archive, t: &str| -> Vec<String> {
        let i = a.entries.iter().position(|e| e.article.title == t).unwrap();
        a.entries[i]
            .more
            .iter()
            .map(|&j| a.entries[j].article.title.clone())
            .collect()
    };
    let m = more(&a1, "g00.md");
    assert_eq!(m.len(), 5);
    assert_eq!(m[0], "g05.md", "linked article first: {m:?}");
    assert_eq!(
        &m[1..],
        &["g01.md", "g02.md", "g03.md", "g04.md"],
        "then the closest in time"
    );
    assert_eq!(m, more(&a2, "g00.md"), "input order does not matter");
    assert!(
        !more(&a1, "other.md").iter().any(|t| t.starts_with('g')),
        "no shared topic, no link: not related"
    );
}

#[test]
fn topic_neighbours_skip_other_topics() {
    let (archive, _) = run(
        vec![
            item(
                "a.md",
                Some("https://www.rfa.org/mandarin/Xinwen/a.html"),
                Some(T0),
                "",
            ),
            item(
                "b.md",
                Some("https://www.rfa.org/mandarin/pinglun/x/b.html"),
                Some(T0 - DAY),
                "",
            ),
            item(
                "c.md",
                Some("https://www.rfa.org/mandarin/Xinwen/c.html"),
                Some(T0 - 2 * DAY),
                "",
            ),
        ],
        chrono_tz::UTC,
    );
    assert_eq!(archive.entries[0].topic_older, Some(2));
    assert_eq!(archive.entries[2].topic_newer, Some(0));
    assert_eq!(archive.entries[1].topic_newer, None);
    assert_eq!(
        archive.entries[0].older,
        Some(1),
        "time neighbours ignore topics"
    );
}
