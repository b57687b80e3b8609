//! Incremental builds: the cache, unchanged files left untouched, and an
//! incremental build's output equal to a full build's.

use std::path::Path;
use std::time::SystemTime;

use duben::build::{BuildOptions, BuildReport, build};

use crate::common::{TestSite, assert_internal_links_resolve, snapshot};

type Snapshot = std::collections::BTreeMap<String, Vec<u8>>;

const EDITED: &str = "content/rfa/rc-04202021150817.md";
const DELETED: &str = "content/rfa/zzj-04232020160345.md";
const DELETED_PAGE: &str = "zzj-04232020160345.html";

fn build_with(site: &TestSite, force: bool) -> BuildReport {
    build(&BuildOptions {
        root: site.root().to_path_buf(),
        force,
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("build failed: {e:#}"))
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn edit_title(site: &TestSite, rel: &str, from: &str, to: &str) {
    let path = site.root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    site.write(rel, text.replacen(from, to, 1));
}

#[test]
fn an_incremental_build_equals_a_full_build() {
    let site = TestSite::fixture("site");
    let first = build_with(&site, false);
    assert_eq!(first.cached, 0);
    edit_title(
        &site,
        EDITED,
        "中国核武扩张迅速",
        "中国核武扩张迅速（更新）",
    );
    std::fs::remove_file(site.root().join(DELETED)).unwrap();
    site.write(
        "content/rfa/new-article.md",
        "+++\ntitle = \"新增的文章\"\ndate = 2021-10-01T08:00:00Z\n+++\n\n北约（NATO）新增的一段。\n",
    );
    let incremental = build_with(&site, false);
    assert_eq!(
        incremental.cached,
        first.articles - 2,
        "all but the edited and deleted came from the cache"
    );
    assert!(incremental.unchanged > 0);
    let after_incremental = snapshot(&site.output());

    let full = build_with(&site, true);
    assert_eq!(full.cached, 0, "--force reads nothing from the cache");
    assert_same_files(&after_incremental, &snapshot(&site.output()));
    assert!(
        site.read("2021/04/index.html")
            .contains("中国核武扩张迅速（更新）")
    );
    assert!(site.read("2021/10/index.html").contains("新增的文章"));
}

/// Whether the build patched the last build's search index (`-v` says so).
fn search_patched(report: &BuildReport) -> bool {
    report
        .timings
        .iter()
        .any(|(name, _)| name.trim() == "search patch")
}

fn assert_same_files(incremental: &Snapshot, full: &Snapshot) {
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in full {
        assert!(
            incremental[path] == *bytes,
            "{path} differs between incremental and full builds"
        );
    }
}

#[test]
fn an_edited_body_is_patched_into_the_search_index_as_a_full_build_makes_it() {
    let site = TestSite::fixture("site");
    assert!(!search_patched(&build_with(&site, false)));
    assert!(
        !site
            .read("glossary/nato/index.html")
            .contains("rc-04202021150817"),
        "the article does not use the term before the edit"
    );
    // A new word, and a form of a glossary term (北大西洋公约组织, NATO).
    let text = std::fs::read_to_string(site.root().join(EDITED)).unwrap();
    site.write(
        EDITED,
        format!("{text}\n<p>北大西洋公约组织在 Quokkaville 的一段。</p>\n"),
    );
    let incremental = build_with(&site, false);
    assert!(search_patched(&incremental), "{:?}", incremental.timings);
    let after_incremental = snapshot(&site.output());
    assert!(
        site.read("glossary/nato/index.html")
            .contains("rc-04202021150817"),
        "the term's page lists the article that now uses it"
    );
    let indexed = after_incremental
        .iter()
        .filter(|(path, _)| path.starts_with("search/s/"))
        .any(|(_, js)| String::from_utf8_lossy(js).contains("\"quokkavill"));
    assert!(indexed, "the new word is in a shard");

    let full = build_with(&site, true);
    assert!(!search_patched(&full), "--force makes the index whole");
    assert_same_files(&after_incremental, &snapshot(&site.output()));
}

#[test]
fn a_deleted_article_disappears_from_every_page() {
    let site = TestSite::fixture("site");
    site.build();
    let linked_before = snapshot(&site.output())
        .values()
        .filter(|b| String::from_utf8_lossy(b).contains(DELETED_PAGE))
        .count();
    assert!(
        linked_before > 3,
        "the article is listed on several pages before"
    );
    std::fs::remove_file(site.root().join(DELETED)).unwrap();
    site.build();
    for (path, bytes) in snapshot(&site.output()) {
        assert!(!path.ends_with(DELETED_PAGE), "{path} is still there");
        let text = String::from_utf8_lossy(&bytes);
        // Related links to the article stay, as external links to its source.
        if path.ends_with(".html") {
            let html = scraper::Html::parse_document(&text);
            let a = scraper::Selector::parse("a[href]").unwrap();
            for href in html.select(&a).filter_map(|a| a.value().attr("href")) {
                assert!(
                    href.contains("://") || !href.contains(DELETED_PAGE),
                    "{path} still links to the deleted article's page: {href}"
                );
            }
        }
        let search_id = text.contains("zzj-04232020160345") && path.starts_with("search/");
        assert!(!search_id, "{path} still indexes the deleted article");
    }
    assert_internal_links_resolve(&site.output());
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let site = TestSite::fixture("site");
    site.build();
    let out = site.output();
    let css = mtime(&out.join("style.css"));
    let all = std::fs::read(out.join("2021/04/index.html")).unwrap();
    let all_time = mtime(&out.join("2021/04/index.html"));
    std::thread::sleep(std::time::Duration::from_millis(50));
    edit_title(
        &site,
        EDITED,
        "中国核武扩张迅速",
        "中国核武扩张迅速（更新）",
    );
    let report = site.build();
    assert!(!report.up_to_date);
    assert!(report.unchanged > 0 && report.unchanged < report.files);
    assert_eq!(
        mtime(&out.join("style.css")),
        css,
        "style.css was rewritten"
    );
    assert!(
        std::fs::read(out.join("2021/04/index.html")).unwrap() != all,
        "the month page shows the new title"
    );
    assert_ne!(mtime(&out.join("2021/04/index.html")), all_time);
}

#[test]
fn a_build_with_nothing_changed_does_nothing_and_repairs_a_damaged_output() {
    let site = TestSite::fixture("site");
    let first = site.build();
    let before = snapshot(&site.output());
    let again = site.build();
    assert!(again.up_to_date);
    assert_eq!(again.articles, first.articles);
    assert_eq!(again.diagnostics.items, first.diagnostics.items);
    assert!(snapshot(&site.output()) == before);
    std::fs::remove_file(site.output().join("style.css")).unwrap();
    let repaired = site.build();
    assert!(!repaired.up_to_date, "a damaged output is rebuilt");
    assert_eq!(repaired.cached, first.articles);
    assert!(
        snapshot(&site.output()) == before,
        "the repaired output equals the first"
    );
}

#[test]
fn a_template_change_rebuilds_the_pages() {
    let site = TestSite::fixture("site");
    site.build();
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/404.html"))
            .unwrap();
    site.write(
        "templates/404.html",
        builtin.replacen("</main>", "</main><!-- custom 404 -->", 1),
    );
    let report = site.build();
    assert!(!report.up_to_date);
    assert!(site.read("404.html").contains("custom 404"));
}

#[test]
fn progress_is_plain_lines_when_piped_and_silent_with_quiet() {
    let site = TestSite::fixture("site");
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for stage in ["load", "parse+clean", "link", "render"] {
        assert!(
            err.lines().any(|l| l.trim_start().starts_with(stage)),
            "no `{stage}` line in {err}"
        );
    }
    assert!(
        !err.contains('\u{1b}'),
        "no terminal escapes when piped: {err:?}"
    );
    let out = site.run(&["build", "-q"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty() && out.stdout.is_empty());
}

/// An output page of the fixture that the title edits below do not touch.
const UNTOUCHED_PAGE: &str =
    "2020/08/hidden-heroines-of-chaos-ellen-fetter-and-margaret-hamilton.html";

#[test]
fn unchanged_pages_are_kept_and_a_damaged_page_is_rendered_again() {
    let site = TestSite::fixture("site");
    site.build();
    let out = site.output();
    let page = out.join(UNTOUCHED_PAGE);
    let good = std::fs::read(&page).unwrap();
    let kept_time = mtime(&page);
    // Same size, other bytes: only the modification time tells.
    let mut same_size = good.clone();
    same_size[good.len() - 2] = b'!';
    std::thread::sleep(std::time::Duration::from_millis(50));
    edit_title(&site, EDITED, "中国核武扩张迅速", "中国核武扩张迅速（一）");
    site.build();
    assert_eq!(mtime(&page), kept_time, "an unchanged page was rewritten");
    std::fs::write(&page, &same_size).unwrap();
    edit_title(&site, EDITED, "（一）", "（二）");
    site.build();
    assert!(
        std::fs::read(&page).unwrap() == good,
        "a page edited by hand in the output is rendered again"
    );
    std::fs::write(&page, b"short").unwrap();
    edit_title(&site, EDITED, "（二）", "（三）");
    site.build();
    assert!(std::fs::read(&page).unwrap() == good);
    assert!(
        site.read("2021/04/index.html")
            .contains("中国核武扩张迅速（三）")
    );
    // A change to the body alone shows on the article's page.
    let body = site.read("2021/04/rc-04202021150817.html");
    let path = site.root().join(EDITED);
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(EDITED, format!("{text}\n\n一段新加的正文。\n"));
    site.build();
    let after = site.read("2021/04/rc-04202021150817.html");
    assert!(!body.contains("一段新加的正文") && after.contains("一段新加的正文"));
}

#[test]
fn a_change_to_a_template_or_a_label_renders_every_page_again() {
    let site = TestSite::fixture("site");
    site.build();
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html"),
    )
    .unwrap();
    site.write(
        "templates/article.html",
        builtin.replacen(
            "<article class=\"article\">",
            "<article class=\"article\" data-custom>",
            1,
        ),
    );
    site.build();
    assert!(site.read(UNTOUCHED_PAGE).contains("data-custom"));
    site.write(
        "templates/i18n.toml",
        "[home]\nzh = \"回到首页\"\nen = \"Home\"\n",
    );
    site.build();
    assert!(site.read(UNTOUCHED_PAGE).contains("回到首页"));
    assert!(site.read("2021/04/index.html").contains("回到首页"));
}

#[test]
fn a_shard_altered_in_the_output_makes_the_index_whole_again() {
    let site = TestSite::fixture("site");
    build_with(&site, false);
    let shard = site.output().join("search/s/0.js");
    std::fs::write(&shard, b"dubenSearch.shard(0,{});\n").unwrap();
    edit_title(
        &site,
        EDITED,
        "中国核武扩张迅速",
        "中国核武扩张迅速（更新）",
    );
    let report = build_with(&site, false);
    assert!(!search_patched(&report), "{:?}", report.timings);
    let after = snapshot(&site.output());
    build_with(&site, true);
    assert_same_files(&after, &snapshot(&site.output()));
}

#[test]
fn files_known_from_the_last_build_are_read_when_the_cache_cannot_use_them() {
    let site = TestSite::fixture("site");
    // Files changed in the last two seconds are always read again; past
    // that, the next build knows them by their size, times and hash.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = build_with(&site, false);
    let before = snapshot(&site.output());
    // Any change to site.toml makes every cached article stale: the
    // articles the build did not read must be read now.
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", format!("{toml}\n# a comment\n"));
    let again = build_with(&site, false);
    assert_eq!(again.cached, 0, "nothing came from the cache");
    assert_eq!(again.articles, first.articles);
    assert_same_files(&snapshot(&site.output()), &before);
    // An edit is seen though the other files are known.
    edit_title(
        &site,
        EDITED,
        "中国核武扩张迅速",
        "中国核武扩张迅速（更新）",
    );
    let edited = build_with(&site, false);
    assert_eq!(edited.cached, first.articles - 1);
    assert!(
        site.read("2021/04/index.html")
            .contains("中国核武扩张迅速（更新）")
    );
}
