//! Feeds, sitemap and robots.txt, parsed as a feed reader and a crawler
//! would read them.

use std::path::Path;

use duben::build::{BuildOptions, BuildReport, build};

use crate::common::*;

pub const FIXTURE_BASE: &str = "https://example.github.io/archive/";

/// Builds `site` as published at `base_url`.
pub fn build_at(site: &TestSite, base_url: &str) -> BuildReport {
    build(&BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some(base_url.to_owned()),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("build failed: {e:#}"))
}

/// The output file an absolute URL under `base` names, if it exists.
pub fn assert_names_an_output_file(out: &Path, base: &str, url: &str, what: &str) {
    let rel = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{what}: `{url}` is not under {base}"));
    assert!(
        !rel.is_empty() && out.join(rel).is_file(),
        "{what}: `{url}` names no output file"
    );
}

/// The fixture's site.toml without its `base_url`.
pub const WITHOUT_BASE_URL: &str = "title = { zh = \"测试存档\", en = \"Test Archive\" }
timezone = \"Asia/Shanghai\"
paginate = 3
paginate_titles = 4
";

pub const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Checks one feed; returns the entries' alternate URLs.
pub fn check_feed(out: &Path, path: &str, base: &str) -> Vec<String> {
    let xml = std::fs::read_to_string(out.join(path)).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path}: {e}"));
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed", "{path}");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM), "{path}");
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("{path}: no <{name}>"))
            .to_owned()
    };
    // Every URL of the feed is absolute and under base_url.
    for n in doc.descendants().filter(|n| n.is_element()) {
        if let Some(href) = n.attribute("href") {
            if n.attribute("rel") == Some("via") {
                assert!(href.starts_with("http"), "{path}: via {href}");
            } else {
                assert_names_an_output_file(out, base, href, path);
            }
        }
        if n.has_tag_name((ATOM, "id")) || n.has_tag_name((ATOM, "uri")) {
            assert!(
                n.text().unwrap().starts_with(base),
                "{path}: {:?}",
                n.text()
            );
        }
    }
    assert_eq!(child(feed, "id"), format!("{base}{path}"));
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .collect();
    assert!(
        !entries.is_empty() && entries.len() <= 50,
        "{path}: {} entries",
        entries.len()
    );
    let dates: Vec<chrono::DateTime<chrono::FixedOffset>> = entries
        .iter()
        .map(|e| chrono::DateTime::parse_from_rfc3339(&child(*e, "published")).unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "{path}: not newest first"
    );
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&child(feed, "updated")).unwrap(),
        dates[0]
    );
    let mut urls = Vec::new();
    for e in &entries {
        assert!(!child(*e, "title").is_empty());
        let content = e
            .children()
            .find(|c| c.has_tag_name((ATOM, "content")))
            .unwrap();
        assert_eq!(content.attribute("type"), Some("html"));
        // The body's links and images are absolute too: relative ones would
        // resolve against the feed reader, not the site.
        let html = scraper::Html::parse_fragment(content.text().unwrap_or(""));
        let sel = scraper::Selector::parse("a[href], img[src]").unwrap();
        for el in html.select(&sel) {
            let v = el.value();
            let url = v.attr("href").or(v.attr("src")).unwrap();
            assert!(
                url::Url::parse(url).is_ok(),
                "{path}: relative `{url}` in content"
            );
            if url.starts_with(base) {
                assert_names_an_output_file(out, base, url, path);
            }
        }
        let alternate = e
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("alternate"))
            .unwrap();
        urls.push(alternate.attribute("href").unwrap().to_owned());
    }
    urls
}

/// Checks `sitemap.xml` (and its parts); returns every `<loc>` of a page
/// and the alternates of each page, by page URL.
pub fn check_sitemap(out: &Path, base: &str) -> Vec<(String, Vec<(String, String)>)> {
    let xml = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let mut pages = Vec::new();
    for url in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("url"))
    {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .and_then(|n| n.text())
            .unwrap()
            .to_owned();
        assert_names_an_output_file(out, base, &loc, "sitemap.xml");
        let alternates: Vec<(String, String)> = url
            .children()
            .filter(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .map(|n| {
                let href = n.attribute("href").unwrap().to_owned();
                assert_names_an_output_file(out, base, &href, "sitemap.xml hreflang");
                (n.attribute("hreflang").unwrap().to_owned(), href)
            })
            .collect();
        pages.push((loc, alternates));
    }
    pages
}

#[test]
fn feeds_are_valid_atom_newest_first_with_absolute_urls() {
    let site = TestSite::fixture("site");
    let report = site.build();
    let out = site.output();
    let feeds: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with("atom.xml"))
        .collect();
    assert!(feeds.contains(&"atom.xml".to_owned()));
    assert!(feeds.contains(&"topics/china/atom.xml".to_owned()));
    assert!(feeds.contains(&"languages/en/atom.xml".to_owned()));
    for f in &feeds {
        check_feed(&out, f, FIXTURE_BASE);
    }
    // The site feed holds every dated article and no undated one.
    let site_feed = check_feed(&out, "atom.xml", FIXTURE_BASE);
    assert_eq!(site_feed.len(), report.articles - 1);
    assert!(!site_feed.iter().any(|u| u.contains("undated/")));
    let en = check_feed(&out, "languages/en/atom.xml", FIXTURE_BASE);
    for u in &en {
        let page = site.read(u.strip_prefix(FIXTURE_BASE).unwrap());
        assert!(
            page.contains(r#"<div class="article-body" lang="en""#),
            "{u}"
        );
    }
    // Each topic page announces its own feed, every page the site's.
    let topic = site.read("topics/china/index.html");
    assert!(topic.contains(r#"<link rel="alternate" type="application/atom+xml" title="中国 · Atom" href="../../topics/china/atom.xml">"#), "{topic}");
    assert!(
        topic.contains(
            r#"type="application/atom+xml" title="测试存档 · Atom" href="../../atom.xml">"#
        )
    );
}

#[test]
fn a_feed_entry_carries_the_article_page_body_byline_and_topics() {
    let site = TestSite::fixture("site");
    site.build();
    let xml = site.read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let seed = doc
        .descendants()
        .find(|n| {
            n.has_tag_name((ATOM, "id"))
                && n.text()
                    == Some("https://example.github.io/archive/2021/09/cl-09282021124357.html")
        })
        .unwrap()
        .parent()
        .unwrap();
    let text = |name: &str| -> Vec<String> {
        seed.descendants()
            .filter(|n| n.has_tag_name((ATOM, name)))
            .map(|n| n.text().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(text("title"), vec!["北约担忧中国核武扩张 呼吁展开对话"]);
    assert_eq!(text("published"), vec!["2021-09-29T03:36:01+08:00"]);
    let people = |tag: &str| -> Vec<&str> {
        seed.children()
            .filter(|n| n.has_tag_name((ATOM, tag)))
            .filter_map(|n| n.children().find(|c| c.has_tag_name((ATOM, "name"))))
            .filter_map(|n| n.text())
            .collect()
    };
    assert_eq!(people("author"), vec!["蔡凌"], "the reporter is the author");
    assert_eq!(
        people("contributor"),
        vec!["嘉远", "洪伟"],
        "editors contribute"
    );
    let terms: Vec<&str> = seed
        .children()
        .filter(|n| n.has_tag_name((ATOM, "category")))
        .map(|n| n.attribute("term").unwrap())
        .collect();
    assert_eq!(terms, vec!["军事外交"]);
    let content = &text("content")[0];
    let page = site.read("2021/09/cl-09282021124357.html");
    let page_body = inner_html(&page, ".article-body");
    // The same paragraphs, with links made absolute.
    let first_para = text_of(&page, ".article-body p");
    assert_eq!(text_of(content, "p"), first_para);
    assert_eq!(count(content, "figure"), count(&page_body, "figure"));
    assert!(!content.contains("网编"), "byline left in the feed body");
}

#[test]
fn feeds_and_sitemap_stay_under_a_sub_path_base_url_with_hreflang_pairs() {
    let base = "https://user.github.io/repo/";
    let site = TestSite::bundled();
    build_at(&site, base);
    let out = site.output();
    // The bundled archive has hundreds of articles: the feed keeps 50.
    assert_eq!(check_feed(&out, "atom.xml", base).len(), 50);
    for f in files(&out).iter().filter(|f| f.ends_with("atom.xml")) {
        check_feed(&out, f, base);
    }
    let pages = check_sitemap(&out, base);
    let listed: Vec<&str> = pages
        .iter()
        .map(|(l, _)| l.strip_prefix(base).unwrap())
        .collect();
    for f in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let expected = f != "404.html" && f != "search.html";
        assert_eq!(listed.contains(&f.as_str()), expected, "{f} in the sitemap");
    }
    // A translation pair points at each other, both ways.
    let zh = format!("{base}2020/12/ljh-12062020064320.html");
    let en_path = files(&out)
        .into_iter()
        .find(|f| f.contains("asean-rejected-the-property-debt") && f.ends_with(".html"))
        .unwrap();
    let en = format!("{base}{en_path}");
    let alternates_of = |url: &str| pages.iter().find(|(l, _)| l == url).unwrap().1.clone();
    let pair = vec![
        ("zh-Hans".to_owned(), zh.clone()),
        ("en".to_owned(), en.clone()),
    ];
    assert_eq!(alternates_of(&zh), pair);
    let mut back = alternates_of(&en);
    back.reverse();
    assert_eq!(back, pair);
    assert!(pages.iter().filter(|(_, a)| !a.is_empty()).count() >= 2);
    assert_eq!(
        site.read("robots.txt"),
        format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n")
    );
    let page = site.read("2020/12/ljh-12062020064320.html");
    assert!(page.contains(&format!(r#"<link rel="canonical" href="{zh}">"#)));
    assert!(page.contains(&format!(r#"<meta property="og:url" content="{zh}">"#)));
    assert!(page.contains(r#"<meta property="og:locale:alternate" content="en_US">"#));
}
