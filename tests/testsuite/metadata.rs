//! Article page metadata (Open Graph, Twitter card, JSON-LD), hostile
//! titles, and a build without `base_url`.

use crate::common::*;
use crate::feeds::{ATOM, FIXTURE_BASE, WITHOUT_BASE_URL, build_at, check_sitemap};

/// The JSON-LD object of an article page.
fn json_ld(page: &str) -> serde_json::Value {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    let scripts: Vec<_> = doc.select(&sel).collect();
    assert_eq!(scripts.len(), 1);
    serde_json::from_str(&scripts[0].inner_html()).unwrap()
}

#[test]
fn a_hostile_title_cannot_break_the_feed_or_the_json_ld() {
    let site = TestSite::fixture("site");
    let title = "A </script><script>alert(1)</script> & <b>bold</b> ]]> \\u0001\\u0008end";
    site.write(
        "content/hostile.md",
        format!("+++\ntitle = \"{title}\"\ndate = 2030-01-01\ntopics = [\"<i>x</i> & y\"]\n+++\n\nText <!-- and --> more.\n"),
    );
    site.build();
    let path = "2030/01/hostile.html";
    let page = site.read(path);
    let ld = json_ld(&page);
    let headline = ld["headline"].as_str().unwrap();
    assert!(
        headline.starts_with("A </script><script>alert(1)</script> & <b>bold</b> ]]>"),
        "{headline}"
    );
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["url"], format!("{FIXTURE_BASE}{path}"));
    // Still only duben's own scripts on the page.
    assert_eq!(count(&page, "script"), 4, "{page}");
    let xml = site.read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name((ATOM, "entry")))
        .unwrap();
    let got = first
        .children()
        .find(|n| n.has_tag_name((ATOM, "title")))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        got,
        "A </script><script>alert(1)</script> & <b>bold</b> ]]> end"
    );
    check_sitemap(&site.output(), FIXTURE_BASE);
}

#[test]
fn article_pages_describe_themselves_to_link_previews_and_search_engines() {
    let site = TestSite::fixture("site");
    site.build();
    let page = site.read("2021/09/cl-09282021124357.html");
    let meta = |property: &str| -> String {
        let doc = scraper::Html::parse_document(&page);
        let sel = scraper::Selector::parse(&format!(
            r#"meta[property="{property}"], meta[name="{property}"]"#
        ))
        .unwrap();
        doc.select(&sel)
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("no {property}"))
            .to_owned()
    };
    let url = format!("{FIXTURE_BASE}2021/09/cl-09282021124357.html");
    assert_eq!(meta("og:type"), "article");
    assert_eq!(meta("og:title"), "北约担忧中国核武扩张 呼吁展开对话");
    assert_eq!(meta("og:url"), url);
    assert_eq!(meta("og:site_name"), "测试存档");
    assert_eq!(meta("og:locale"), "zh_CN");
    assert_eq!(meta("article:published_time"), "2021-09-29T03:36:01+08:00");
    assert_eq!(meta("article:section"), "军事外交");
    assert!(meta("og:description").starts_with("北大西洋公约组织（NATO）秘书长"));
    assert!(meta("og:image").starts_with("https://www.rfa.org/"));
    assert_eq!(meta("twitter:card"), "summary_large_image");
    let ld = json_ld(&page);
    assert_eq!(ld["headline"], "北约担忧中国核武扩张 呼吁展开对话");
    assert_eq!(ld["datePublished"], "2021-09-29T03:36:01+08:00");
    assert_eq!(ld["inLanguage"], "zh-Hans");
    assert_eq!(ld["mainEntityOfPage"]["@id"], url);
    assert_eq!(ld["author"][0]["name"], "蔡凌");
    assert_eq!(ld["publisher"]["name"], "测试存档");
    // An image stored beside its article gets base_url + its output path.
    let photo = site.read("2021/08/photo-story.html");
    assert_eq!(
        json_ld(&photo)["image"],
        format!("{FIXTURE_BASE}media/pages/photo-story/harbour.png")
    );
    // No image: the small card.
    let notes = site.read("2021/09/notes.html");
    assert!(notes.contains(r#"<meta name="twitter:card" content="summary">"#));
    assert!(!notes.contains("og:image"));
}

#[test]
fn without_base_url_nothing_absolute_is_written_and_one_warning_says_so() {
    let site = TestSite::fixture("site");
    site.write("site.toml", WITHOUT_BASE_URL);
    let report = site.build();
    let out = site.output();
    let written = files(&out);
    assert!(!written.iter().any(|f| f.ends_with(".xml")), "{written:?}");
    assert_eq!(site.read("robots.txt"), "User-agent: *\nAllow: /\n");
    for f in written.iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(f);
        for absent in [
            "rel=\"canonical\"",
            "og:url",
            "application/atom+xml",
            "\"url\":",
            "@id",
        ] {
            assert!(!page.contains(absent), "{f}: {absent}");
        }
    }
    let ld = json_ld(&site.read("2021/09/cl-09282021124357.html"));
    assert_eq!(ld["headline"], "北约担忧中国核武扩张 呼吁展开对话");
    let about_base: Vec<String> = report
        .diagnostics
        .warnings()
        .filter(|d| d.message.contains("base_url"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(about_base.len(), 1, "{about_base:?}");
    assert!(about_base[0].starts_with("warning: site.toml: "));
    assert!(about_base[0].contains("--base-url"));
    let summary = duben::build::summary(&report, false);
    assert_eq!(summary.matches("no `base_url`").count(), 1, "{summary}");
    // With one, no such warning.
    let report = build_at(&site, "https://example.org/");
    assert!(
        !report
            .diagnostics
            .warnings()
            .any(|d| d.message.contains("base_url"))
    );
}

#[test]
fn render_site_counts_every_file_it_writes_feeds_and_sitemap_included() {
    let site = TestSite::fixture("site");
    site.write("site.toml", WITHOUT_BASE_URL);
    for base_url in [None, Some("https://user.github.io/repo/")] {
        let config = duben::pipeline::configure(site.root(), base_url, false).unwrap();
        let theme = duben::render::theme::Theme::load(site.root()).unwrap();
        let prepared = duben::pipeline::prepare(site.root(), config).unwrap();
        let renderer = duben::render::Renderer::new(&prepared.config, &theme).unwrap();
        let sink = duben::write::MemorySink::default();
        let n = renderer
            .render_site(&prepared.archive, &sink, &mut Vec::new())
            .unwrap();
        let written = sink.files.lock().unwrap();
        assert_eq!(n, written.len(), "{base_url:?}");
        assert_eq!(written.contains_key("sitemap.xml"), base_url.is_some());
        assert!(written.contains_key("robots.txt"));
    }
}
