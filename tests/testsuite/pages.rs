//! GitHub Pages: a site built with `--base-url https://user.github.io/repo/`
//! and served under the sub-path `/repo/` reads in a browser as it is, with
//! no rewriting, and its canonical URLs use the base URL.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use scraper::{Html, Selector};

use crate::browser::Harness;
use crate::common::*;

const BASE: &str = "https://user.github.io/repo/";
const PREFIX: &str = "/repo/";

/// Requests served: (path, status).
type Log = Arc<Mutex<Vec<(String, u16)>>>;

/// A static file server for `dir` under [`PREFIX`] on 127.0.0.1, in a
/// thread, for this test only. Like GitHub Pages it serves `index.html` for
/// a folder and 404 for everything else it does not have.
fn serve(dir: PathBuf) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Log = Arc::default();
    let shared = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, log) = (dir.clone(), shared.clone());
            std::thread::spawn(move || respond(stream, &dir, &log));
        }
    });
    (port, log)
}

fn respond(mut stream: TcpStream, dir: &Path, log: &Log) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path.strip_prefix(PREFIX).and_then(|rest| {
        let rest = percent_encoding::percent_decode_str(rest)
            .decode_utf8()
            .ok()?;
        let mut p = PathBuf::from(rest.as_ref());
        if !p.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        if rest.is_empty() || rest.ends_with('/') {
            p.push("index.html");
        }
        Some(dir.join(p)).filter(|f| f.is_file())
    });
    let (status, body, kind) = match file {
        Some(f) => (200, std::fs::read(&f).unwrap(), content_type(&f)),
        None => (404, b"not found".to_vec(), "text/plain"),
    };
    log.lock().unwrap().push((path.to_owned(), status));
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

fn content_type(f: &Path) -> &'static str {
    match f.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[test]
fn a_site_built_for_a_pages_sub_path_reads_under_it() {
    let site = TestSite::fixture("site");
    let out = site.run(&["build", "--base-url", BASE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = site.output();

    // Canonical URLs are the only absolute ones, and all use the base URL.
    let canonical = Selector::parse(r#"link[rel="canonical"]"#).unwrap();
    let mut pages = 0;
    for page in files(&output).iter().filter(|f| f.ends_with(".html")) {
        let html = Html::parse_document(&std::fs::read_to_string(output.join(page)).unwrap());
        for link in html.select(&canonical) {
            let href = link.value().attr("href").unwrap();
            assert!(href.starts_with(BASE), "{page}: canonical {href}");
            pages += 1;
        }
    }
    assert!(pages > 50, "only {pages} canonical links");
    let article = site.read("2021/09/cl-09282021124357.html");
    assert!(article.contains(&format!(
        r#"<link rel="canonical" href="{BASE}2021/09/cl-09282021124357.html">"#
    )));
    assert_internal_links_resolve(&output);

    let Some(browser) = Harness::launch() else {
        return;
    };
    let (port, log) = serve(output);
    let root = format!("http://127.0.0.1:{port}{PREFIX}");

    let home = browser.open_url(&format!("{root}index.html"));
    home.assert_clean();
    assert_eq!(
        home.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"),
        "solid",
        "style.css did not load under {PREFIX}"
    );
    // The bare folder URL GitHub Pages shows first works too.
    let bare = browser.open_url(&root);
    bare.assert_clean();
    let first = bare.eval("document.querySelector('main a[href$=\".html\"]').href");
    assert!(first.as_str().unwrap().starts_with(&root), "{first}");

    let seed = browser.open_url(&format!("{root}2021/09/cl-09282021124357.html"));
    seed.assert_clean();
    assert_eq!(
        seed.eval("document.querySelector('h1').textContent"),
        "北约担忧中国核武扩张 呼吁展开对话"
    );
    assert_eq!(
        seed.eval("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"),
        "solid"
    );
    let home_link = seed.eval("document.querySelector('.brand').href");
    assert_eq!(home_link.as_str().unwrap(), format!("{root}index.html"));

    let search = browser.open_url(&format!("{root}search.html?q=%E5%8C%97%E7%BA%A6"));
    search.wait_for("document.querySelectorAll('#results li.result h2 a').length > 0");
    search.assert_clean();
    let hit = search.eval("document.querySelector('#results li.result h2 a').href");
    let hit = hit.as_str().unwrap().to_owned();
    assert!(hit.starts_with(&root), "{hit}");
    let result = browser.open_url(&hit);
    result.assert_clean();

    let failed: Vec<(String, u16)> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(path, status)| *status != 200 && path != "/favicon.ico")
        .cloned()
        .collect();
    assert!(failed.is_empty(), "requests that failed: {failed:?}");
    let served = log.lock().unwrap().len();
    assert!(served > 10, "only {served} requests reached the server");
}
