//! Browser tests: a real headless Chromium (Debian's `chromium`) opens the
//! built site over `file://`, as a reader of the unzipped archive would.
//!
//! The harness: [`Harness::launch`] starts Chromium (skipping the test when it
//! is missing, failing when `CI` is set), [`Harness::open`] loads a page and
//! records console errors, uncaught exceptions and failed local requests;
//! [`Page::eval`] runs JavaScript in the page. Later features add tests here.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use headless_chrome::protocol::cdp::Network;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};

use crate::common::*;

pub struct Harness {
    browser: Browser,
}

/// What happened while a page loaded.
#[derive(Debug, Default)]
pub struct Events {
    pub console_errors: Vec<String>,
    pub failed_local_requests: Vec<String>,
    requests: Vec<(String, String)>,
}

pub struct Page {
    pub tab: Arc<Tab>,
    events: Arc<Mutex<Events>>,
}

/// The `file://` URL of a file.
pub fn file_url(file: &Path) -> String {
    format!("file://{}", file.canonicalize().unwrap().display())
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DUBEN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

impl Harness {
    /// Starts Chromium, or returns `None` (test skipped) when it is not
    /// installed. When `CI` is set a missing browser fails the test instead.
    pub fn launch() -> Option<Harness> {
        let Some(path) = find_chromium() else {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set but Chromium is missing: install the Debian package `chromium` (see .ci/run)"
                );
            }
            eprintln!("skipping browser test: Chromium not found (install the `chromium` package)");
            return None;
        };
        let args: Vec<&OsStr> = [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Remote images cannot load offline; fail them at once. Local
            // servers on 127.0.0.1 (`duben serve`, the Pages test) stay reachable.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ]
        .iter()
        .map(OsStr::new)
        .collect();
        let options = LaunchOptions::default_builder()
            .path(Some(path))
            .sandbox(false)
            .headless(true)
            .window_size(Some((1200, 900)))
            .args(args)
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .expect("launch options");
        let browser = Browser::new(options).expect("Chromium failed to start");
        Some(Harness { browser })
    }

    /// Opens a file of the built site and waits until it has loaded.
    pub fn open(&self, file: &Path) -> Page {
        self.open_url(&file_url(file))
    }

    /// Opens a URL (a `file://` URL with a query, say) and waits for it.
    pub fn open_url(&self, url: &str) -> Page {
        let tab = self.browser.new_tab().expect("new tab");
        let events = Arc::new(Mutex::new(Events::default()));
        let sink = events.clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let mut e = sink.lock().unwrap();
            match event {
                Event::RuntimeConsoleAPICalled(ev) => {
                    let kind = format!("{:?}", ev.params.Type);
                    if kind == "Error" || kind == "Assert" {
                        let text: Vec<String> = ev
                            .params
                            .args
                            .iter()
                            .map(|a| format!("{:?}", a.value))
                            .collect();
                        e.console_errors
                            .push(format!("console.{kind}: {}", text.join(" ")));
                    }
                }
                Event::RuntimeExceptionThrown(ev) => {
                    e.console_errors
                        .push(format!("uncaught: {}", ev.params.exception_details.text));
                }
                Event::LogEntryAdded(ev) => {
                    let entry = &ev.params.entry;
                    let url = entry.url.clone().unwrap_or_default();
                    let level = format!("{:?}", entry.level);
                    if level == "Error" && !url.starts_with("http") {
                        e.console_errors.push(format!("{}: {url}", entry.text));
                    }
                }
                Event::NetworkRequestWillBeSent(ev) => {
                    e.requests
                        .push((ev.params.request_id.clone(), ev.params.request.url.clone()));
                }
                Event::NetworkLoadingFailed(ev) => {
                    let url = e
                        .requests
                        .iter()
                        .find(|(id, _)| *id == ev.params.request_id)
                        .map(|(_, u)| u.clone())
                        .unwrap_or_default();
                    // Local: the site on disk, or served by a test on 127.0.0.1.
                    if url.starts_with("file:") || url.starts_with("http://127.0.0.1") {
                        e.failed_local_requests
                            .push(format!("{url}: {}", ev.params.error_text));
                    }
                }
                _ => {}
            }
        }))
        .expect("listener");
        tab.enable_log().expect("log");
        tab.enable_runtime().expect("runtime");
        tab.call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })
        .expect("network");
        tab.navigate_to(url).expect("navigate");
        tab.wait_until_navigated().expect("load");
        // Let late console messages and image failures arrive.
        std::thread::sleep(Duration::from_millis(300));
        Page { tab, events }
    }
}

impl Page {
    /// Evaluates a JavaScript expression and returns its JSON value.
    pub fn eval(&self, js: &str) -> serde_json::Value {
        let result = self
            .tab
            .evaluate(js, true)
            .unwrap_or_else(|e| panic!("{js}: {e}"));
        result.value.unwrap_or(serde_json::Value::Null)
    }

    /// Fails on console errors, uncaught exceptions and failed local requests.
    pub fn assert_clean(&self) {
        let e = self.events.lock().unwrap();
        assert!(
            e.console_errors.is_empty(),
            "console errors: {:#?}",
            e.console_errors
        );
        assert!(
            e.failed_local_requests.is_empty(),
            "failed local requests: {:#?}",
            e.failed_local_requests
        );
    }
}

#[test]
fn home_and_seed_article_read_cleanly_over_file_urls() {
    let site = TestSite::bundled();
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };

    let home = browser.open(&site.output().join("index.html"));
    home.assert_clean();
    assert_eq!(home.eval("document.querySelectorAll('h1').length"), 1);
    assert_eq!(home.eval("document.documentElement.lang"), "zh-Hans");
    let stylesheet_applied =
        home.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle");
    assert_eq!(
        stylesheet_applied, "solid",
        "style.css did not load over file://"
    );

    let seed = browser.open(&site.output().join("2021/09/cl-09282021124357.html"));
    seed.assert_clean();
    assert_eq!(seed.eval("document.querySelectorAll('h1').length"), 1);
    assert_eq!(
        seed.eval("document.querySelector('h1').textContent"),
        "北约担忧中国核武扩张 呼吁展开对话"
    );
    let caption = seed.eval(
        "(() => { const c = document.querySelector('figure figcaption'); \
         const r = c.getBoundingClientRect(); \
         return r.width > 0 && r.height > 0 && getComputedStyle(c).visibility === 'visible' ? c.textContent : null })()",
    );
    assert!(
        caption
            .as_str()
            .unwrap_or("")
            .starts_with("2021年6月30日华盛顿邮报报道"),
        "caption not visible: {caption}"
    );
    assert_eq!(
        seed.eval("document.querySelector('.article-header time').textContent"),
        "2021年9月29日 03:36"
    );
    assert_eq!(
        seed.eval("document.querySelector('.article-header .stamp').textContent"),
        "2021-09-29 03:36"
    );
    assert_eq!(
        seed.eval("document.querySelectorAll('img[src*=zoom]').length"),
        0
    );

    // Following the breadcrumb of links works from disk: home → article → home.
    let back = seed.eval("document.querySelector('.brand').href");
    assert!(back.as_str().unwrap().ends_with("/index.html"), "{back}");
}

#[test]
fn the_unzipped_archive_reads_in_the_browser() {
    let site = TestSite::fixture("site");
    let zdir = tempfile::tempdir().unwrap();
    let zip_path = zdir.path().join("archive.zip");
    assert!(
        site.run(&["build", "--zip", zip_path.to_str().unwrap()])
            .status
            .success()
    );
    let unzipped = tempfile::tempdir().unwrap();
    zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap())
        .unwrap()
        .extract(unzipped.path())
        .unwrap();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let top = unzipped.path().join("archive");
    for page in [
        "index.html",
        "all/index.html",
        "page/2.html",
        "2021/10/about-duben.html",
        "undated/undated-note.html",
    ] {
        let p = browser.open(&top.join(page));
        p.assert_clean();
        assert_eq!(
            p.eval("document.querySelectorAll('h1').length"),
            1,
            "{page}"
        );
    }
}

impl Page {
    /// Clicks the first element matching `selector` and waits for the next page.
    pub fn click(&self, selector: &str) {
        let before = self.tab.get_url();
        self.tab
            .find_element(selector)
            .unwrap_or_else(|e| panic!("no `{selector}` on {}: {e}", self.tab.get_url()))
            .click()
            .unwrap_or_else(|e| panic!("cannot click `{selector}`: {e}"));
        // `wait_until_navigated` can return before the click's navigation
        // has started (on a busy machine): wait for the URL to change first.
        for _ in 0..100 {
            if self.tab.get_url() != before {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.tab.wait_until_navigated().expect("navigation");
        std::thread::sleep(Duration::from_millis(200));
    }

    pub fn url(&self) -> String {
        self.tab.get_url()
    }

    /// Waits (up to ten seconds) until a JavaScript expression is true.
    pub fn wait_for(&self, js: &str) {
        if !self.becomes_true(js, Duration::from_secs(10)) {
            panic!("timed out waiting for `{js}` on {}", self.url());
        }
    }

    /// Waits until a page just opened shows a choice stored by the last
    /// page (`js` is true). Over file://, Chrome now and then hands a new
    /// page a storage area without the last page's write yet (seen on a
    /// busy machine: the item is null there while another tab has it); the
    /// page applies what it finds when it loads, so it is loaded again once
    /// then.
    pub fn wait_for_stored_choice(&self, js: &str, key: &str) {
        if !self.becomes_true(js, Duration::from_secs(5)) {
            let stored = self.eval(&format!("localStorage.getItem('{key}')"));
            eprintln!("{} found {key} = {stored}; loading it again", self.url());
            self.tab.reload(false, None).expect("reload");
            self.tab.wait_until_navigated().expect("reload");
        }
        self.wait_for(js);
    }

    /// Whether a JavaScript expression is true within `limit`.
    pub fn becomes_true(&self, js: &str, limit: Duration) -> bool {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if self.eval(js) == serde_json::Value::Bool(true) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

#[test]
fn a_reader_follows_links_from_the_seed_through_topic_and_month_back_home() {
    let site = TestSite::fixture("site");
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = browser.open(&site.output().join("2021/09/cl-09282021124357.html"));
    page.click(".related li.local a");
    assert!(
        page.url().ends_with("/2021/09/10-09272021144747.html"),
        "{}",
        page.url()
    );
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "“北大西洋公约组织”敦促北京采取行动 启动军备控制谈判"
    );
    page.click(".article-header a.topic-chip");
    assert!(
        page.url().ends_with("/topics/top-news/index.html"),
        "{}",
        page.url()
    );
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "要闻 Top News"
    );
    page.click("li.card h2 a");
    page.click(".article-header a.date-link");
    assert!(
        page.url().ends_with("/2021/09/index.html"),
        "{}",
        page.url()
    );
    assert_eq!(page.eval("document.querySelectorAll('li.card').length"), 3);
    page.click(".breadcrumbs a[data-i18n=home]");
    assert!(page.url().ends_with("/index.html"), "{}", page.url());
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "最新文章"
    );
    page.assert_clean();
}

#[test]
fn local_images_show_offline() {
    let site = TestSite::fixture("site");
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = browser.open(&site.output().join("2021/08/photo-story.html"));
    page.assert_clean();
    let loaded = page.eval(
        "(() => { const i = document.querySelector('figure img'); i.loading = 'eager'; \
         return new Promise(r => i.complete ? r(i.naturalWidth) : i.onload = () => r(i.naturalWidth)) })()",
    );
    assert_eq!(loaded, 40, "the local image did not load");
}

#[test]
fn the_interface_language_switches_in_place_and_persists() {
    let site = TestSite::fixture("site");
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = browser.open(&site.output().join("2021/09/cl-09282021124357.html"));
    let body_before = page.eval("document.querySelector('.article-body').innerHTML");
    assert_eq!(
        page.eval("document.querySelector('.site-nav a').textContent"),
        "首页"
    );
    assert_eq!(
        page.eval("document.querySelector('.ui-switch').hidden"),
        false,
        "switch shown with JS"
    );
    page.eval("document.querySelector('[data-ui-set=en]').click()");
    assert_eq!(
        page.eval("document.querySelector('.site-nav a').textContent"),
        "Home"
    );
    assert_eq!(page.eval("document.documentElement.lang"), "en");
    assert_eq!(
        page.eval("document.querySelector('.article-header time').textContent"),
        "29 Sep 2021, 03:36"
    );
    assert_eq!(
        page.eval("document.querySelector('.related h2 span').textContent"),
        "Related"
    );
    assert_eq!(
        page.eval("document.querySelector('.article-body').innerHTML"),
        body_before,
        "content untouched"
    );
    assert_eq!(
        page.eval("document.querySelector('.article-body').lang"),
        "zh-Hans"
    );
    // The next page opens in English without a click.
    page.click(".brand");
    page.wait_for_stored_choice(
        "document.querySelector('h1').textContent === 'Latest articles'",
        "duben-ui",
    );
    assert_eq!(
        page.eval("document.querySelector('[data-ui-set=en]').getAttribute('aria-pressed')"),
        "true"
    );
    page.eval("document.querySelector('[data-ui-set=zh]').click()");
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "最新文章"
    );
    page.assert_clean();
}

#[test]
fn simplified_and_traditional_switch_and_links_still_work() {
    let site = TestSite::fixture("site");
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let page = browser.open(&site.output().join("2021/09/cl-09282021124357.html"));
    let links_before = page.eval("[...document.querySelectorAll('.article-body a, .article-body img')].map(e => e.href || e.src).join(' ')");
    page.eval("document.querySelector('[data-script-set=\"zh-Hant\"]').click()");
    assert_eq!(
        page.eval("document.querySelector('h1').textContent"),
        "北約擔憂中國核武擴張 呼籲展開對話"
    );
    assert_eq!(page.eval("document.querySelector('h1').lang"), "zh-Hant");
    let body = page.eval("document.querySelector('.article-body').textContent");
    assert!(
        body.as_str().unwrap().contains("北大西洋公約組織"),
        "{body}"
    );
    let links_after = page.eval("[...document.querySelectorAll('.article-body a, .article-body img')].map(e => e.href || e.src).join(' ')");
    assert_eq!(links_before, links_after, "URLs are not converted");
    // The choice persists: the related article opens in Traditional too.
    page.click(".related li.local a");
    assert!(
        !page.url().ends_with("/cl-09282021124357.html"),
        "{}",
        page.url()
    );
    page.wait_for_stored_choice(
        "document.querySelector('h1').lang === 'zh-Hant'",
        "duben-script",
    );
    page.eval("document.querySelector('[data-script-set=\"zh-Hans\"]').click()");
    assert_eq!(page.eval("document.querySelector('h1').lang"), "zh-Hans");
    // A choice made in another open page of the site reaches this one as a
    // storage event (sent here by hand: between tabs, Chrome delivers it
    // late or not at all on a busy machine).
    page.eval(
        "window.dispatchEvent(new StorageEvent('storage', {key: 'duben-script', newValue: 'zh-Hant'}))",
    );
    assert_eq!(page.eval("document.querySelector('h1').lang"), "zh-Hant");
    page.assert_clean();
}

#[test]
fn the_bundled_parallel_reading_page_and_glossary_read_cleanly() {
    let site = TestSite::bundled();
    site.build();
    let Some(browser) = Harness::launch() else {
        return;
    };
    let seed = browser.open(&site.output().join("2021/09/cl-09282021124357.html"));
    let terms =
        seed.eval("[...document.querySelectorAll('.terms a')].map(a => a.textContent).join(' | ')");
    assert_eq!(
        terms,
        "北大西洋公约组织 ↔ NATO | 斯托尔滕贝格 ↔ Jens Stoltenberg"
    );
    seed.click(".terms a[href*=jens-stoltenberg]");
    let titles = seed.eval(
        "[...document.querySelectorAll('.title-list a')].map(a => a.textContent).join(' | ')",
    );
    assert!(
        titles
            .as_str()
            .unwrap()
            .contains("北约担忧中国核武扩张 呼吁展开对话"),
        "{titles}"
    );
    let zh = browser.open(&site.output().join("2020/12/ljh-12062020064320.html"));
    zh.click("a.parallel-link");
    assert!(
        zh.url()
            .ends_with("/2020/12/ljh-12062020064320.parallel.html"),
        "{}",
        zh.url()
    );
    assert!(
        zh.eval("document.querySelectorAll('.parallel-cell').length")
            .as_u64()
            .unwrap()
            >= 4
    );
    zh.assert_clean();
}
