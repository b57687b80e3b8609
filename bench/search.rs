//! Search benchmark: what a reader's browser loads and how fast results
//! come, measured in headless Chromium over `file://` on a built site.
//!
//!   cargo bench --bench search -- <built site> [QUERY...]
//!
//! Prints one Markdown table row per query: results, index bytes loaded by
//! that query (its shards, the facets, the conversion table and the shown
//! results' documents), and the median of five timed runs once those are
//! loaded: ranking, and ranking plus rendering the first page (which loads
//! the shown results' documents). The first search's wall time, loading
//! included, is measured from outside the page. Before the
//! queries it prints the bytes the search page loads before any query and
//! the shard sizes. `bench/search.sh` runs it over generated archives.

use std::path::{Path, PathBuf};
use std::time::Duration;

use headless_chrome::{Browser, LaunchOptions, Tab};

const DEFAULT_QUERIES: &[&str] = &[
    "中国", "北约", "香港", "人權", "China", "election", "Taiwan",
];
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench search -- <built site> [QUERY...]");
        std::process::exit(2);
    };
    let site = site.canonicalize().expect("site folder");
    let queries: Vec<&str> = if args.len() > 1 {
        args[1..].iter().map(String::as_str).collect()
    } else {
        DEFAULT_QUERIES.to_vec()
    };
    let browser = launch();
    let page = format!("file://{}", site.join("search.html").display());

    let tab = open(&browser, &page);
    let initial: u64 =
        loaded_files(&tab).iter().map(|f| size(f)).sum::<u64>() + size(&site.join("search.html"));
    println!("search page before the first query: {:.1} KB", kb(initial));
    let mut shards: Vec<u64> = std::fs::read_dir(site.join("search/s"))
        .expect("search/s")
        .map(|e| e.unwrap().metadata().unwrap().len())
        .collect();
    shards.sort_unstable();
    println!(
        "shards: {}, median {:.1} KB, largest {:.1} KB, all {:.1} MB; t2s.js {:.1} KB; lang.js {:.1} KB, topic.js {:.1} KB (loaded only with those filters)",
        shards.len(),
        kb(shards[shards.len() / 2]),
        kb(*shards.last().unwrap()),
        shards.iter().sum::<u64>() as f64 / 1e6,
        kb(size(&site.join("search/t2s.js"))),
        kb(size(&site.join("search/lang.js"))),
        kb(size(&site.join("search/topic.js"))),
    );
    println!();
    println!(
        "| query | results | index loaded | files | first search, loading included | rank (median) | rank + render (median) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for query in queries {
        // A fresh tab: nothing of the index cached in the page.
        let tab = open(&browser, &page);
        let before = loaded_files(&tab);
        let started = std::time::Instant::now();
        let results = run(&tab, query);
        let first = started.elapsed().as_secs_f64() * 1000.0;
        let fetched: Vec<PathBuf> = loaded_files(&tab)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        let bytes: u64 = fetched.iter().map(|f| size(f)).sum();
        let mut rank = Vec::new();
        let mut render = Vec::new();
        for _ in 0..RUNS {
            run(&tab, query);
            rank.push(number(&tab, "window.dubenSearch.lastRankMs"));
            render.push(number(&tab, "window.dubenSearch.lastRenderMs"));
        }
        println!(
            "| {query} | {results} | {:.1} KB | {} | {first:.0} ms | {:.1} ms | {:.1} ms |",
            kb(bytes),
            fetched.len(),
            median(rank),
            median(render)
        );
        tab.close(true).ok();
    }
}

fn launch() -> Browser {
    let chromium = std::env::var_os("DUBEN_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
        })
        .expect("Chromium not found (install the `chromium` package or set DUBEN_CHROMIUM)");
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .sandbox(false)
        .headless(true)
        .idle_browser_timeout(Duration::from_secs(600))
        .build()
        .expect("launch options");
    Browser::new(options).expect("Chromium failed to start")
}

fn open(browser: &Browser, url: &str) -> std::sync::Arc<Tab> {
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(url).expect("navigate");
    tab.wait_until_navigated().expect("load");
    tab
}

/// Runs a query the way the form does; returns the number of results.
fn run(tab: &Tab, query: &str) -> u64 {
    let js = format!(
        "window.dubenSearch.run({}, {{}}).then(list => list.length)",
        serde_json::to_string(query).unwrap()
    );
    tab.evaluate(&js, true)
        .expect("search")
        .value
        .and_then(|v| v.as_u64())
        .unwrap_or_else(|| panic!("{query}: no result count"))
}

fn number(tab: &Tab, js: &str) -> f64 {
    tab.evaluate(js, false)
        .expect(js)
        .value
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

/// Local files the page has loaded so far: its stylesheets and scripts,
/// those search adds included (resource timing does not cover `file://`).
fn loaded_files(tab: &Tab) -> Vec<PathBuf> {
    let js = "JSON.stringify([...document.querySelectorAll('script[src], link[rel=stylesheet][href]')].map(e => e.src || e.href))";
    let text = tab.evaluate(js, false).expect("resources").value.unwrap();
    let urls: Vec<String> = serde_json::from_str(text.as_str().unwrap()).unwrap();
    urls.iter()
        .filter_map(|u| u.strip_prefix("file://"))
        .map(|p| PathBuf::from(percent_decode(p.split(['?', '#']).next().unwrap())))
        .collect()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn size(file: &Path) -> u64 {
    std::fs::metadata(file).map(|m| m.len()).unwrap_or(0)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
