//! Building a fixture site: the exact output, the seed article page, links.

use crate::common::*;

#[test]
fn the_fixture_site_has_exactly_the_expected_files() {
    let site = TestSite::fixture("site");
    let report = site.build();
    assert_eq!(report.articles, 12);
    assert_eq!(report.skipped(), 0);
    let expected = "
        .duben-output .nojekyll 404.html index.html page/2.html page/3.html page/4.html
        atom.xml sitemap.xml robots.txt
        style.css syntax.css duben.js i18n.js search.html search.js search/lang.js search/topic.js search/t2s.js
        all/index.html all/2.html all/3.html archive/index.html
        2020/index.html 2020/04/index.html 2020/04/zzj-04232020160345.html
        2020/07/index.html 2020/07/5507442.html 2020/07/chinese-news-53459497.html
        2020/08/index.html 2020/08/hidden-heroines-of-chaos-ellen-fetter-and-margaret-hamilton.html
        2020/10/index.html 2020/10/ql-10022020060810.html
        2021/index.html 2021/04/index.html 2021/04/rc-04202021150817.html
        2021/08/index.html 2021/08/photo-story.html media/pages/photo-story/harbour.png
        2021/09/index.html 2021/09/10-09272021144747.html 2021/09/cl-09282021124357.html 2021/09/notes.html
        2021/10/index.html 2021/10/about-duben.html
        undated/index.html undated/undated-note.html
        glossary/index.html glossary/jens-stoltenberg/index.html glossary/nato/index.html
        glossary/stephen-young/index.html
        languages/index.html languages/en/index.html languages/zh-hans/index.html
        languages/en/atom.xml languages/zh-hans/atom.xml
        languages/zh-hans/page-2.html languages/zh-hans/page-3.html
        people/index.html people/page-2.html people/cai-ling/index.html people/hong-wei/index.html
        people/hu-li-yi/index.html people/jia-yuan/index.html people/qiao-long/index.html
        people/rui-zhe/index.html people/she-ying-bu/index.html people/the-editors/index.html
        sources/index.html sources/page-2.html sources/bbc-com/index.html sources/example-org/index.html
        sources/quantamagazine-org/index.html sources/rfa-org/index.html sources/rfa-org/page-2.html
        sources/voachinese-com/index.html
        topics/index.html topics/page-2.html topics/china/index.html topics/commentary/index.html
        topics/hong-kong/index.html topics/meta/index.html topics/military-diplomacy/index.html
        topics/top-news/index.html
        topics/china/atom.xml topics/commentary/atom.xml topics/hong-kong/atom.xml topics/meta/atom.xml
        topics/military-diplomacy/atom.xml topics/top-news/atom.xml";
    let mut expected: Vec<&str> = expected.split_whitespace().collect();
    expected.sort();
    // The search index: one file per article, and postings shards whose
    // number depends on the index size.
    let (search, pages): (Vec<String>, Vec<String>) = files(&site.output())
        .into_iter()
        .partition(|f| f.starts_with("search/d/") || f.starts_with("search/s/"));
    assert_eq!(pages, expected);
    let docs: Vec<&String> = search
        .iter()
        .filter(|f| f.starts_with("search/d/"))
        .collect();
    assert_eq!(docs.len(), 12);
    for i in 0..12 {
        assert!(
            search.contains(&format!("search/d/{i}.js")),
            "search/d/{i}.js"
        );
    }
    assert!(search.contains(&"search/s/0.js".to_string()));
}

#[test]
fn every_internal_link_of_the_fixture_site_resolves() {
    let site = TestSite::fixture("site");
    site.build();
    let n = assert_internal_links_resolve(&site.output());
    assert!(n > 80, "only {n} links checked");
}

#[test]
fn every_internal_link_of_the_bundled_archive_resolves() {
    let site = TestSite::bundled();
    let report = site.build();
    assert!(report.articles >= 400, "{} articles", report.articles);
    assert_internal_links_resolve(&site.output());
}

#[test]
fn every_bundled_article_is_built_or_named_in_the_summary() {
    let site = TestSite::bundled();
    let report = site.build();
    let article_files = files(&site.root().join("content"))
        .into_iter()
        .filter(|f| f.ends_with(".md") || f.ends_with(".txt"))
        .count();
    assert_eq!(report.articles + report.skipped(), article_files);
    for d in report.diagnostics.skipped() {
        assert!(site.root().join(&d.path).is_file(), "{d}");
    }
}

#[test]
fn the_seed_article_page_shows_what_a_reader_needs() {
    let site = TestSite::fixture("site");
    site.build();
    let page = site.read("2021/09/cl-09282021124357.html");
    assert_eq!(count(&page, "h1"), 1);
    assert_eq!(text_of(&page, "h1"), "北约担忧中国核武扩张 呼吁展开对话");
    assert_eq!(text_of(&page, "article header time"), "2021年9月29日 03:36");
    assert_eq!(text_of(&page, "article header .stamp"), "2021-09-29 03:36");
    assert!(page.contains(r#"<time datetime="2021-09-29T03:36:01+08:00" data-fmt="long">"#));
    assert!(page.contains(
        r#"href="https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/cl-09282021124357.html""#
    ));
    let body = inner_html(&page, ".article-body");
    let related = inner_html(&page, ".related");
    for (title, local) in [
        (
            "“北大西洋公约组织”敦促北京采取行动 启动军备控制谈判",
            "../../2021/09/10-09272021144747.html",
        ),
        (
            "中国核武扩张迅速 美战略司令：重大战略威胁",
            "../../2021/04/rc-04202021150817.html",
        ),
        (
            "朱兆基：中国正在壮大核武建立大国地位",
            "../../2020/04/zzj-04232020160345.html",
        ),
    ] {
        let link = format!(r#"<a href="{local}" lang="zh-Hans">{title}</a>"#);
        assert!(related.contains(&link), "related {title}: {related}");
        assert!(!body.contains(title), "the related list left the body");
    }
    assert_eq!(count(&body, "figure"), 1);
    assert!(text_of(&page, "figure figcaption").starts_with("2021年6月30日华盛顿邮报报道"));
    assert!(!page.contains("icon-zoom"), "zoom icon left in the page");
    assert!(!page.contains("zoomattribute"));
    assert_eq!(
        text_of(&page, ".byline-text"),
        "自由亚洲电台记者蔡凌巴黎报道 责编：嘉远 网编：洪伟"
    );
    let reporter = r#"<dt data-i18n="role_reporter">记者</dt><dd><a class="person" href="../../people/cai-ling/index.html">蔡凌</a></dd>"#;
    assert!(page.contains(reporter), "structured byline");
    assert!(!body.contains("网编"), "byline still in the body");
    assert!(page.contains(r#"<html lang="zh-Hans""#));
    assert!(page.contains(r#"<div class="article-body" lang="zh-Hans" data-script-swap="body">"#));
}

#[test]
fn nothing_from_content_reaches_the_output_unsanitized() {
    let site = TestSite::fixture("site");
    site.build();
    for f in files(&site.output())
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let page = site.read(f);
        let body = inner_html(&page, ".article-body").to_ascii_lowercase();
        let body = body
            .replace(" class=\"external\"", "")
            .replace(" class=\"internal\"", "")
            .replace("<span lang=\"en\">", "");
        if !body.contains("hl-code") {
            for bad in ["<span", " id=", " class=", "<div"] {
                assert!(!body.contains(bad), "{f}: {bad} in the article body");
            }
        }
        for bad in ["style=", "javascript:", "<iframe"] {
            assert!(!page.to_ascii_lowercase().contains(bad), "{f}: {bad}");
        }
        // The only scripts are duben's own: two files and the snippet that
        // applies the reader's language before the page paints.
        let doc = scraper::Html::parse_document(&page);
        for script in doc.select(&scraper::Selector::parse("script").unwrap()) {
            // The search page adds its script and the index's size.
            if script.value().attr("type") == Some("application/ld+json") {
                // Article metadata: data, never run; it must parse as JSON.
                let json: serde_json::Value = serde_json::from_str(&script.inner_html())
                    .unwrap_or_else(|e| panic!("{f}: JSON-LD: {e}"));
                assert_eq!(json["@type"], "NewsArticle", "{f}");
                continue;
            }
            match script.value().attr("src") {
                Some(src) => assert!(
                    src.ends_with("i18n.js")
                        || src.ends_with("duben.js")
                        || (f == "search.html" && src == "search.js"),
                    "{f}: {src}"
                ),
                None => {
                    let code = script.inner_html();
                    assert!(
                        code.starts_with("try{var u=localStorage.getItem(\"duben-ui\")")
                            || (f == "search.html"
                                && code.starts_with("window.DUBEN_SEARCH={\"docs\":")),
                        "{f}: {code}"
                    )
                }
            }
        }
        let doc = scraper::Html::parse_document(&page);
        for el in doc.select(&scraper::Selector::parse("*").unwrap()) {
            for (name, _) in el.value().attrs() {
                assert!(!name.starts_with("on"), "{f}: event handler {name}");
            }
        }
    }
}

#[test]
fn base_url_appears_only_in_head_metadata_never_in_links_a_reader_follows() {
    let site = TestSite::fixture("site");
    site.build();
    let page = site.read("2021/09/cl-09282021124357.html");
    assert!(page.contains(r#"<link rel="canonical" href="https://example.github.io/archive/2021/09/cl-09282021124357.html">"#));
    for f in files(&site.output())
        .iter()
        .filter(|f| f.ends_with(".html"))
    {
        let page = site.read(f);
        let body = inner_html(&page, "body");
        // 404.html is shown at any depth: its home link is the exception.
        if f != "404.html" {
            assert!(
                !body.contains("example.github.io"),
                "{f}: base_url in the body"
            );
        }
        let doc = scraper::Html::parse_document(&page);
        let sel = scraper::Selector::parse("head link[href]").unwrap();
        for link in doc.select(&sel) {
            let href = link.value().attr("href").unwrap();
            if href.contains("example.github.io") {
                assert_eq!(link.value().attr("rel"), Some("canonical"), "{f}: {href}");
            }
        }
    }
}

#[test]
fn home_pages_are_newest_first_and_paginated() {
    let site = TestSite::fixture("site");
    site.build();
    let home = site.read("index.html");
    let titles: Vec<String> = scraper::Html::parse_document(&home)
        .select(&scraper::Selector::parse(".card-title a").unwrap())
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        titles,
        vec![
            "About this archive",
            "编者按",
            "北约担忧中国核武扩张 呼吁展开对话"
        ]
    );
    assert!(home.contains(r#"href="page/2.html""#));
    let last = site.read("page/4.html");
    assert!(
        last.contains("没有日期的文章"),
        "undated articles come last"
    );
    assert!(last.contains(r#"href="../page/3.html""#));
    assert!(last.contains(r#"href="../index.html""#));
}

#[test]
fn markdown_pages_get_highlighted_code_without_inline_styles() {
    let site = TestSite::fixture("site");
    site.build();
    let page = site.read("2021/10/about-duben.html");
    assert!(page.contains(r#"<pre class="hl-code" data-lang="rust">"#));
    assert!(page.contains(r#"<link rel="stylesheet" href="../../syntax.css">"#));
    assert!(page.contains("&lt;读本&gt;"));
    assert!(!page.contains("style="));
    let css = site.read("syntax.css");
    assert!(css.contains("prefers-color-scheme: dark"));
}

#[test]
fn a_site_with_only_site_toml_and_content_builds_with_the_built_in_theme() {
    let site = TestSite::fixture("broken");
    assert!(!site.root().join("templates").exists());
    site.build();
    assert!(site.read("style.css").contains("--accent: #8a1c1c;"));
    assert!(
        site.read("index.html")
            .contains(r#"<link rel="stylesheet" href="style.css">"#)
    );
}

#[test]
fn a_site_template_and_static_file_override_the_built_in_ones() {
    let site = TestSite::fixture("site");
    site.write(
        "templates/404.html",
        "<!DOCTYPE html><title>gone</title><p>我们的 404</p>",
    );
    site.write("static/style.css", "/* mine */");
    site.write("static/img/logo.svg", "<svg/>");
    site.build();
    assert_eq!(
        site.read("404.html"),
        "<!DOCTYPE html><title>gone</title><p>我们的 404</p>"
    );
    assert_eq!(site.read("style.css"), "/* mine */");
    assert_eq!(site.read("img/logo.svg"), "<svg/>");
}

#[test]
fn a_template_error_fails_the_build_and_keeps_the_old_output() {
    let site = TestSite::fixture("site");
    site.build();
    let before = site.read("index.html");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ article.nope.nope }}{% endblock main %}",
    );
    let err = duben::build::build(&duben::build::BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(format!("{err:#}").contains("article.html"), "{err:#}");
    assert_eq!(site.read("index.html"), before);
    assert_eq!(
        std::fs::read_dir(site.root())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("staging"))
            .count(),
        0
    );
}
