//! The archive's structure on a built fixture site: local images, the month
//! chart, topic, person and source pages.

use crate::common::*;

#[test]
fn images_stored_beside_an_article_are_copied_and_linked_locally() {
    let site = TestSite::fixture("site");
    site.build();
    let page = site.read("2021/08/photo-story.html");
    assert!(
        page.contains(r#"<img src="../../media/pages/photo-story/harbour.png" alt="维多利亚港""#),
        "{page}"
    );
    assert_eq!(text_of(&page, "figcaption"), "清晨的维多利亚港（本站摄影）");
    let copied = std::fs::read(site.output().join("media/pages/photo-story/harbour.png")).unwrap();
    let original =
        std::fs::read(site.root().join("content/pages/photo-story/harbour.png")).unwrap();
    assert_eq!(copied, original);
}

#[test]
fn the_month_chart_counts_what_the_month_pages_list() {
    let site = TestSite::fixture("site");
    site.build();
    let archive = site.read("archive/index.html");
    let doc = scraper::Html::parse_document(&archive);
    let titles: Vec<String> = doc
        .select(&scraper::Selector::parse("svg.chart rect.chart-bar title").unwrap())
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(
        titles,
        vec![
            "2020-04: 1",
            "2020-07: 2",
            "2020-08: 1",
            "2020-10: 1",
            "2021-04: 1",
            "2021-08: 1",
            "2021-09: 3",
            "2021-10: 1"
        ]
    );
    for t in &titles {
        let (month, n) = t.split_once(": ").unwrap();
        let page = site.read(&format!("{}/index.html", month.replace('-', "/")));
        assert_eq!(count(&page, "li.card").to_string(), n, "{month}");
    }
    assert!(archive.contains(r#"<a href="../2021/09/index.html"><rect class="chart-bar""#));
    assert!(
        archive.contains(r#"role="img" aria-label="每月文章数柱状图""#),
        "text alternative"
    );
    assert!(count(&archive, "details.chart-table tbody tr") == titles.len());
    let year = site.read("2021/index.html");
    assert_eq!(count(&year, "svg.chart rect.chart-bar"), 4);
}

#[test]
fn topic_person_and_source_pages_list_their_articles() {
    let site = TestSite::fixture("site");
    site.build();
    let topic = site.read("topics/military-diplomacy/index.html");
    assert_eq!(text_of(&topic, "h1"), "军事外交 Military & Diplomacy");
    assert_eq!(count(&topic, "li.card"), 3);
    let topics = site.read("topics/index.html");
    assert!(topics.contains(r#"<a href="../topics/military-diplomacy/index.html"><span class="bi"><span class="bi-zh" lang="zh-Hans">军事外交</span> <span class="bi-en" lang="en">Military &amp; Diplomacy</span></span></a> <span class="count">3</span>"#), "{topics}");
    let person = site.read("people/jia-yuan/index.html");
    assert_eq!(text_of(&person, "h1"), "嘉远");
    assert_eq!(count(&person, "li.card"), 2);
    assert!(
        person
            .contains(r#"<span data-i18n="role_editor">编辑</span> <span class="count">2</span>"#)
    );
    let source = site.read("sources/rfa-org/index.html");
    assert_eq!(text_of(&source, "h1"), "rfa.org");
    assert!(
        source.contains(
            r#"<span data-count="5">5</span> <span data-i18n="articles_count">篇文章</span>"#
        ),
        "{source}"
    );
}

#[test]
fn backlinks_and_inline_cross_references_point_to_local_pages() {
    let site = TestSite::fixture("site");
    site.build();
    // rc-04202021150817 links inline to the commentary with a tracking query.
    let rc = site.read("2021/04/rc-04202021150817.html");
    assert!(
        rc.contains(
            r#"<a href="../../2020/04/zzj-04232020160345.html" class="internal">朱兆基的评论</a>"#
        ),
        "{rc}"
    );
    let zzj = site.read("2020/04/zzj-04232020160345.html");
    let backlinks = inner_html(&zzj, ".backlinks");
    assert!(
        backlinks.contains("../../2021/09/cl-09282021124357.html"),
        "{backlinks}"
    );
    assert!(
        backlinks.contains("../../2021/04/rc-04202021150817.html"),
        "{backlinks}"
    );
}

#[test]
fn every_article_has_breadcrumbs_date_and_resolving_navigation() {
    let site = TestSite::fixture("site");
    site.build();
    for f in files(&site.output()) {
        if !f.ends_with(".html") || !f.starts_with("20") || f.ends_with("index.html") {
            continue;
        }
        let page = site.read(&f);
        assert_eq!(
            count(&page, "nav.breadcrumbs li a[href$='index.html']"),
            count(&page, "nav.breadcrumbs li a"),
            "{f}"
        );
        assert!(count(&page, "nav.breadcrumbs li") >= 2, "{f}");
        assert!(count(&page, ".article-header time") == 1, "{f}");
        assert!(count(&page, ".prev-next a") >= 1, "{f}");
    }
}

#[test]
fn the_card_and_title_item_templates_list_every_article_everywhere() {
    let site = TestSite::fixture("site");
    site.write(
        "templates/card.html",
        r#"<li class="my-card"><a href="{{ root }}{{ a.path }}">{{ a.title }}</a></li>"#,
    );
    site.write(
        "templates/title-item.html",
        r#"<li class="my-title"><a href="{{ root }}{{ a.path }}">{{ a.title }}</a></li>"#,
    );
    let total = site.build().articles;
    // Home pages, month pages and language lists each show every article once.
    let cards_on = |pages: &[String]| -> usize {
        pages
            .iter()
            .map(|p| count(&site.read(p), "li.my-card"))
            .sum()
    };
    let out = files(&site.output());
    let home: Vec<String> = out
        .iter()
        .filter(|p| *p == "index.html" || p.starts_with("page/"))
        .cloned()
        .collect();
    assert_eq!(cards_on(&home), total);
    let months: Vec<String> = out
        .iter()
        .filter(|p| {
            p.ends_with("index.html") && p.len() == "2021/04/index.html".len() && p.starts_with('2')
        })
        .cloned()
        .collect();
    assert!(!months.is_empty());
    let dated = cards_on(&months);
    assert!(dated > 0 && dated <= total);
    let languages: usize = out
        .iter()
        .filter(|p| p.starts_with("languages/") && p.matches('/').count() == 2)
        .map(|p| count(&site.read(p), "li.my-title"))
        .sum();
    assert_eq!(languages, total);
    // The same article's item, rendered once per depth, links right from each.
    assert!(site.read("index.html").contains(r#"href="2021/"#));
    assert!(
        site.read("topics/military-diplomacy/index.html")
            .contains(r#"href="../../2021/04/rc-04202021150817.html""#)
    );
    assert_internal_links_resolve(&site.output());
}

#[test]
fn an_item_template_that_looks_at_the_root_gets_its_own_items_per_depth() {
    let site = TestSite::fixture("site");
    // Items are rendered once for every depth when the root is only written
    // out; this template does more with it, and must see each page's own.
    site.write(
        "templates/card.html",
        r#"{% if root == "" %}<li class="my-card top"{% else %}<li class="my-card deep" data-depth="{{ root | length / 3 }}"{% endif %}><a href="{{ root }}{{ a.path }}">{{ a.title }}</a></li>"#,
    );
    site.build();
    let home = site.read("index.html");
    assert!(count(&home, "li.my-card.top") > 0);
    assert_eq!(count(&home, "li.my-card.deep"), 0);
    let topic = site.read("topics/military-diplomacy/index.html");
    assert_eq!(count(&topic, "li.my-card.top"), 0);
    assert!(count(&topic, "li.my-card.deep[data-depth='2']") > 0);
    assert!(topic.contains(r#"href="../../2021/04/rc-04202021150817.html""#));
    // No page keeps the placeholder the shared items are rendered with.
    for f in files(&site.output()) {
        if f.ends_with(".html") {
            assert!(!site.read(&f).contains('\u{E000}'), "{f}");
        }
    }
    assert_internal_links_resolve(&site.output());
}
