//! Search, in a real browser over `file://` on the bundled site: the
//! JavaScript normalizer agrees with Rust's, queries find what a reader
//! expects, hostile queries are harmless, filters and the URL work.

use std::sync::OnceLock;

use crate::browser::{Harness, Page, file_url};
use crate::common::*;

const SEED: &str = "2021/09/cl-09282021124357.html";
/// Every bundled article that names Stoltenberg in Chinese also gives his
/// English name, so the tests add one that does not. It is dated before
/// the seed: at equal scores the newer article ranks first.
const ZH_ONLY: &str = "2019/10/zh-only.html";

/// The bundled site plus [`ZH_ONLY`], built once for every test here.
fn bundled() -> &'static TestSite {
    static SITE: OnceLock<TestSite> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::bundled();
        site.write(
            "content/notes/zh-only.md",
            "---\ntitle: 北约峰会前瞻\ndate: 2019-10-04 09:00\n---\n\n\
             北约秘书长斯托尔滕贝格周一表示，各成员国将在峰会上讨论防务开支。\n\n\
             多国代表在会前的记者会上说，欧洲的安全形势仍然紧张，\
             成员国需要在明年之前提交新的预算计划，并加强在东欧的部署。\n\n\
             分析人士指出，峰会还将讨论网络安全、气候变化对军事行动的影响，\
             以及与亚太伙伴的合作。一些成员国希望缩短审批程序，\
             另一些则担心开支增加会给本国财政带来压力。\n\n\
             会议预计持续两天，闭幕时将发表联合公报。\n\n\
             在峰会召开之前，各国外交部长已经举行了多轮视频会议，\
             就能源安全、供应链和难民问题交换意见。有官员透露，\
             部分国家希望把对乌克兰的支持写入公报，但措辞仍有分歧。\n\n\
             观察人士认为，这次峰会的成果将取决于主要成员国能否在预算问题上达成妥协，\
             而东欧国家则呼吁尽快增加在当地的驻军和装备。\n",
        );
        site.build();
        site
    })
}

fn search_page(browser: &Harness, query: &str) -> Page {
    let base = file_url(&bundled().output().join("search.html"));
    let page = browser.open_url(&format!("{base}{query}"));
    page.wait_for("document.getElementById('search-status').textContent !== '' && document.getElementById('search-status').textContent.indexOf('…') < 0 || !new URLSearchParams(location.search).get('q')");
    page
}

/// Runs a query through the page's own search and returns the shown
/// results' paths, best first.
fn results(page: &Page, query: &str, filters: &str) -> Vec<String> {
    let js = format!(
        "window.dubenSearch.run({}, {filters}).then(() => [...document.querySelectorAll('#results li.result h2 a')].map(a => a.getAttribute('href')))",
        serde_json::to_string(query).unwrap()
    );
    let value = json(page, &js);
    value
        .as_array()
        .unwrap_or_else(|| panic!("{query}: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Evaluates an expression (awaiting a promise) and returns its value as
/// JSON, arrays and objects included.
fn json(page: &Page, js: &str) -> serde_json::Value {
    let text = page.eval(&format!(
        "Promise.resolve({js}).then(v => JSON.stringify(v))"
    ));
    serde_json::from_str(text.as_str().unwrap_or_else(|| panic!("{js}: {text}"))).unwrap()
}

fn status(page: &Page) -> String {
    page.eval("document.getElementById('search-status').textContent")
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_javascript_normalizer_agrees_with_the_rust_one() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = search_page(&browser, "");
    page.eval("window.dubenSearch.ready()");
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/search_vectors.json")).unwrap();
    let vectors = vectors.as_array().unwrap();
    assert!(vectors.len() >= 20, "{} vectors", vectors.len());
    for v in vectors {
        let input = serde_json::to_string(&v["input"]).unwrap();
        let got = json(
            &page,
            &format!(
                "(() => {{ const S = window.dubenSearch; const n = S.normalize({input}); const t = S.tokens({input}); return {{ normalized: n, tokens: t, hash0: t.length ? S.hash(t[0]) : null }}; }})()"
            ),
        );
        assert_eq!(got["normalized"], v["normalized"], "normalize({input})");
        assert_eq!(got["tokens"], v["tokens"], "tokens({input})");
        if v["tokens"].as_array().is_some_and(|t| !t.is_empty()) {
            assert_eq!(
                got["hash0"], v["hash0"],
                "hash of the first token of {input}"
            );
        }
    }
    page.assert_clean();
}

#[test]
fn names_find_the_seed_in_either_script_and_either_language() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = search_page(&browser, "");
    // The Chinese name, and the Traditional spelling of NATO the seed
    // writes only in Simplified (北约).
    for query in ["斯托尔滕贝格", "北約", "北约 核武", "北約 核"] {
        let found = results(&page, query, "{}");
        assert_eq!(
            found.first().map(String::as_str),
            Some(SEED),
            "{query}: {found:?}"
        );
    }
    // The English name finds the seed, which gives it, and the article that
    // says only 斯托尔滕贝格; that result says it was found through the
    // glossary.
    let found = results(&page, "Stoltenberg", "{}");
    assert!(found.iter().any(|p| p == SEED), "Stoltenberg: {found:?}");
    // English articles naming him outrank it; among Chinese ones it shows.
    let found = results(&page, "Stoltenberg", "{lang: 'zh-Hans'}");
    let at = found
        .iter()
        .position(|p| p == ZH_ONLY)
        .unwrap_or_else(|| panic!("Stoltenberg: {found:?}"));
    let via = page.eval(&format!(
        "document.querySelectorAll('#results li.result')[{at}].querySelector('.via-glossary').textContent"
    ));
    assert!(
        via.as_str()
            .unwrap()
            .contains("Jens Stoltenberg ↔ 斯托尔滕贝格"),
        "{via}"
    );
    // The matched text is highlighted in the title and snippet.
    let marks = json(
        &page,
        &format!(
            "[...document.querySelectorAll('#results li.result')[{at}].querySelectorAll('mark')].map(m => m.textContent)"
        ),
    );
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "斯托尔滕贝格"),
        "{marks}"
    );
    page.assert_clean();
}

#[test]
fn queries_a_reader_would_ask_find_the_expected_articles() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = search_page(&browser, "");
    // (query, an article that must be among the first three results)
    let expectations = [
        ("鼠疫", "2020/07/gf1-07072020070237.html"),
        ("许章润", "2020/06/jt-06262020134122.html"),
        (
            "溃坝",
            "2020/06/jing-zhong-guan-tian-xia-chu-mu-liang-xin-si-chuan-shen-ye-kui.html",
        ),
        ("腾讯 股价", "2018/08/n10682438.html"),
        (
            "航母 演练",
            "2020/06/20200629-mei-hai-jun-liang-ge-hang-mu-zhan-dou-qun-zai-du-yu.html",
        ),
        (
            "halibut",
            "2019/04/alaskan-halibut-caught-by-a-century-old-seattle-boat-provides-a.html",
        ),
        (
            "chaos theory",
            "2020/08/hidden-heroines-of-chaos-ellen-fetter-and-margaret-hamilton.html",
        ),
        (
            "Jimmy Lai",
            "2016/05/jimmy-lai-raised-concerns-over-05092016080823.html",
        ),
        ("advertising", "2015/10/lean.html"),
        (
            "ASEAN property debt",
            "2020/12/asean-rejected-the-property-debt-12072020093858.html",
        ),
    ];
    let mut misses = Vec::new();
    for (query, expected) in expectations {
        let found = results(&page, query, "{}");
        if !found.iter().take(3).any(|p| p == expected) {
            misses.push(format!("{query}: wanted {expected}, got {found:?}"));
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
    page.assert_clean();
}

#[test]
fn hostile_queries_are_shown_as_text_and_break_nothing() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = search_page(&browser, "");
    let long = "北约\"'<>.*+?^${}()|[]\\/ ".repeat(25);
    assert!(long.chars().count() >= 500);
    for query in [
        "<script>window.pwned=1</script>",
        "<img src=x onerror=\"window.pwned=1\">",
        "\"'\"'",
        ".*+?^${}()|[]\\",
        "(((",
        &long,
    ] {
        results(&page, query, "{}");
        assert_eq!(page.eval("window.pwned === undefined"), true, "{query}");
        // Only the elements search itself makes.
        let tags = page.eval(
            "[...new Set([...document.querySelectorAll('#results *')].map(e => e.tagName))].sort().join(' ')",
        );
        let tags = tags.as_str().unwrap();
        for tag in tags.split_whitespace() {
            assert!(
                ["A", "H2", "LI", "MARK", "P"].contains(&tag),
                "{query}: <{tag}>"
            );
        }
        assert!(!status(&page).is_empty(), "{query}: no status");
    }
    // The long query loaded at most a handful of shards, not the index.
    let scripts = page.eval("document.querySelectorAll('script[src*=\"search/s/\"]').length");
    assert!(scripts.as_u64().unwrap() <= 16, "{scripts} shards loaded");
    // A lone Chinese character is too short, and the reader is told.
    assert!(results(&page, "核", "{}").is_empty());
    assert_eq!(status(&page), "单个汉字太短，请至少输入两个汉字。");
    // A query with no results says so.
    assert!(results(&page, "zqxjvw", "{}").is_empty());
    assert_eq!(status(&page), "没有找到结果。");
    page.assert_clean();
}

#[test]
fn filters_narrow_the_results() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = search_page(&browser, "");
    let count = |filters: &str| -> u64 {
        page.eval(&format!(
            "window.dubenSearch.run('China', {filters}).then(list => list.length)"
        ))
        .as_u64()
        .unwrap()
    };
    let all = count("{}");
    let english = count("{lang: 'en'}");
    let chinese = count("{lang: 'zh-Hans'}");
    let year = count("{year: '2020'}");
    assert!(all > 10, "{all}");
    assert!(english > 0 && chinese > 0, "{english} en, {chinese} zh");
    assert!(
        english < all && chinese < all && year < all,
        "{all} {english} {chinese} {year}"
    );
    // Every English result is in English.
    results(&page, "China", "{lang: 'en'}");
    let langs = page.eval(
        "[...new Set([...document.querySelectorAll('#results li.result h2 a')].map(a => a.lang))].join(' ')",
    );
    assert_eq!(langs, "en");
    // A year is that year's articles only.
    let found = results(&page, "China", "{year: '2020'}");
    assert!(!found.is_empty());
    assert!(found.iter().all(|p| p.starts_with("2020/")), "{found:?}");
    // The topic menu filters too: choose its first topic in the form.
    page.eval("document.querySelector('select[name=topic]').selectedIndex = 1");
    let topic = page.eval("document.querySelector('select[name=topic]').value");
    let by_topic = count(&format!("{{topic: {topic}}}"));
    assert!(by_topic > 0 && by_topic < all, "{by_topic} of {all}");
    page.assert_clean();
}

#[test]
fn the_query_lives_in_the_url_and_the_back_button_restores_it() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    // A linked search runs on arrival, filters included.
    let page = search_page(&browser, "?q=%E5%8C%97%E7%BA%A6&lang=zh-Hans");
    page.wait_for("document.querySelectorAll('#results li.result').length > 0");
    assert_eq!(
        page.eval("document.getElementById('search-q').value"),
        "北约"
    );
    assert_eq!(
        page.eval("document.querySelector('select[name=lang]').value"),
        "zh-Hans"
    );
    // A new search from the keyboard: type, press Enter.
    page.eval("document.getElementById('search-q').focus()");
    page.eval("document.getElementById('search-q').value = ''");
    page.tab.type_str("Stoltenberg").unwrap();
    page.tab.press_key("Enter").unwrap();
    page.wait_for("location.search === '?q=Stoltenberg&lang=zh-Hans' && [...document.querySelectorAll('#results li.result h2 a')].some(a => a.getAttribute('href') === '2019/10/zh-only.html')");
    // Back: the first query and its results come back.
    page.eval("history.back()");
    page.wait_for("document.getElementById('search-q').value === '北约'");
    page.wait_for("[...document.querySelectorAll('#results li.result h2 a')].some(a => a.getAttribute('href') === '2021/09/cl-09282021124357.html')");
    page.assert_clean();
}

#[test]
fn every_page_has_a_search_box_that_leads_to_results() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = browser.open(&bundled().output().join(SEED));
    // "/" focuses the box, then the reader types and presses Enter.
    page.tab.press_key("/").unwrap();
    assert_eq!(
        page.eval("document.activeElement === document.querySelector('.site-search input')"),
        true
    );
    page.tab.type_str("斯托尔滕贝格").unwrap();
    page.tab.press_key("Enter").unwrap();
    page.tab.wait_until_navigated().unwrap();
    page.wait_for("document.querySelectorAll('#results li.result').length > 0");
    assert!(page.url().contains("search.html?q="), "{}", page.url());
    assert_eq!(
        page.eval("document.querySelector('#results li.result h2 a').getAttribute('href')"),
        SEED
    );
    page.assert_clean();
}
