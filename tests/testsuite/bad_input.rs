//! Deliberately broken inputs (`tests/fixtures/broken`): each gets one clear
//! message naming the file, and every other article still builds.

use crate::common::*;

fn broken_site() -> TestSite {
    let site = TestSite::fixture("broken");
    // Generated here rather than committed: a 20 MB body and 10,000-deep nesting.
    let big = format!(
        "<!--1632857761000-->\n[二十兆](https://example.org/big20.html)\n------\n\n<p>{}</p>",
        "字".repeat(7 * 1024 * 1024)
    );
    site.write("content/twenty-megabytes.md", big);
    let deep = format!(
        "<!--1632857761000-->\n[一万层嵌套](https://example.org/deep.html)\n------\n\n{}深处的文字{}",
        "<div><span><b>".repeat(3_400),
        "</b></span></div>".repeat(3_400)
    );
    site.write("content/ten-thousand-deep.md", deep);
    site
}

#[test]
fn each_broken_file_gets_one_clear_message() {
    let site = broken_site();
    let report = site.build();
    let messages: Vec<String> = report
        .diagnostics
        .items
        .iter()
        .map(|d| d.to_string())
        .collect();
    insta::assert_snapshot!("broken_inputs_diagnostics", messages.join("\n"));
}

#[test]
fn the_other_articles_always_build() {
    let site = broken_site();
    let report = site.build();
    assert_eq!(report.articles, 22);
    let deep = site.read("2021/09/deep.html");
    assert!(deep.contains("深处的文字"));
    assert_internal_links_resolve(&site.output());
}

#[test]
fn odd_file_names_get_ascii_pages() {
    let site = broken_site();
    site.build();
    for page in [
        "2021/09/spaces.html",
        "2021/09/bei-yue.html",
        "2021/09/dot.html",
        "2021/09/bom.html",
    ] {
        assert!(site.output().join(page).is_file(), "{page}");
    }
    for f in files(&site.output()) {
        assert!(f.is_ascii(), "{f}");
    }
}

#[test]
fn a_hostile_title_and_body_are_harmless() {
    let site = broken_site();
    site.build();
    let page = site.read("2021/09/hostile.html");
    assert_eq!(text_of(&page, "h1"), "<script>alert(1)</script> 恶意正文");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; 恶意正文"));
    let body = inner_html(&page, ".article-body");
    // The relative `src=x` resolves against the source URL; its handler is gone.
    assert_eq!(count(&body, "img[src='https://example.org/x']"), 1);
    assert_eq!(text_of(&page, ".article-body").trim(), "看链接红");
    for bad in [
        "onerror",
        "onclick",
        "<script",
        "<iframe",
        "<svg",
        "style",
        "javascript",
    ] {
        assert!(!body.contains(bad), "{bad} in {body}");
    }
}

#[test]
fn strict_mode_fails_when_an_article_was_skipped() {
    let site = TestSite::fixture("broken");
    let out = site.run(&["build", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--strict: 6 file(s) were skipped"),
        "{stderr}"
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0));
}
