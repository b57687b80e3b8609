//! `duben serve`: the real binary serving a fixture site on a free port
//! (driven by [`client`]), and in Chromium for live reload.

mod client;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::browser::Harness;
use crate::common::*;
use client::{Reply, Server};

const ARTICLE: &str = "content/pages/about-duben.md";
const PAGE: &str = "/2021/10/about-duben.html";
const TITLE: &str = "About this archive";

fn retitle(site: &TestSite, title: &str) {
    let path = site.root().join(ARTICLE);
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.lines().nth(1).unwrap().to_owned();
    std::fs::write(
        &path,
        text.replacen(&old, &format!("title = \"{title}\""), 1),
    )
    .unwrap();
}

#[test]
fn pages_are_served_with_the_live_reload_script_that_the_files_do_not_have() {
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    for path in ["/", "/index.html", PAGE] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
        assert_eq!(reply.header("cache-control"), "no-store");
        assert!(
            reply
                .body
                .contains("<script src=\"/__duben/livereload.js\"></script></body>"),
            "{path}"
        );
    }
    assert_eq!(text_of(&server.get(PAGE).body, "h1"), TITLE);
    for file in files(&site.output()) {
        let bytes = std::fs::read(site.output().join(&file)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__duben"),
            "{file} on disk has the live-reload script"
        );
    }
    // Canonical links point at the local server, like Zola's serve.
    let canonical = format!("href=\"http://127.0.0.1:{}{PAGE}\"", server.port);
    assert!(server.get(PAGE).body.contains(&canonical));
    let css = server.get("/style.css");
    assert_eq!(
        (css.status, css.header("content-type")),
        (200, "text/css; charset=utf-8")
    );
    let js = server.get("/duben.js");
    assert_eq!(js.header("content-type"), "text/javascript; charset=utf-8");
    let script = server.get("/__duben/livereload.js");
    assert_eq!(
        script.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    assert!(script.body.contains("EventSource"));
    let png = files(&site.output())
        .into_iter()
        .find(|f| f.ends_with(".png"))
        .unwrap();
    let image = server.get(&format!("/{png}"));
    assert_eq!(
        (image.status, image.header("content-type")),
        (200, "image/png")
    );
    let head = server.request("HEAD", PAGE);
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(server.request("POST", PAGE).status, 405);
    let folder = server.get("/2021");
    assert_eq!((folder.status, folder.header("location")), (301, "/2021/"));
    assert_eq!(server.get("/2021/").status, 200);
}

#[test]
fn missing_pages_get_the_sites_404_page() {
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    let reply = server.get("/no/such/page.html");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
    assert!(reply.body.contains("404 ·"), "{}", reply.body);
    assert!(reply.body.contains("/__duben/livereload.js"));
}

#[test]
fn editing_an_article_rebuilds_and_tells_open_pages_to_reload() {
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    let mut events = server.events();
    retitle(&site, "Retitled while serving");
    let (_, took) = events.wait_for("reload", Duration::from_secs(10));
    eprintln!("reload event {took:?} after the edit");
    assert_eq!(
        text_of(&server.get(PAGE).body, "h1"),
        "Retitled while serving"
    );
    // Writing into the output (what a build does) is not a change.
    site.write("public/extra.html", "x");
    assert!(events.next_event(Duration::from_millis(1500)).is_none());
}

#[test]
fn a_template_error_reaches_the_pages_and_the_last_good_build_stays_served() {
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    let mut events = server.events();
    site.write("templates/article.html", "{% if %}broken");
    let (message, _) = events.wait_for("error", Duration::from_secs(10));
    assert!(message.contains("article.html"), "{message}");
    let terminal = server.stderr_with(
        &[
            "error: a template does not compile",
            "Failed to parse 'article.html'",
        ],
        Duration::from_secs(5),
    );
    assert!(
        terminal.contains("error: a template does not compile"),
        "{terminal}"
    );
    assert!(
        terminal.contains("Failed to parse 'article.html'"),
        "{terminal}"
    );
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert_eq!(text_of(&page.body, "h1"), TITLE);
    // A page opened now hears of the error at once.
    let mut late = server.events();
    let (again, _) = late.wait_for("error", Duration::from_secs(2));
    assert_eq!(again, message);
    // The fix clears it: reload.
    std::fs::remove_file(site.root().join("templates/article.html")).unwrap();
    events.wait_for("reload", Duration::from_secs(10));
    late.wait_for("reload", Duration::from_secs(10));
    let mut fresh = server.events();
    assert!(fresh.next_event(Duration::from_millis(500)).is_none());
}

#[test]
fn a_site_whose_first_build_fails_is_served_once_fixed() {
    let site = TestSite::fixture("site");
    let good = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", format!("{good}paginate = 0\n"));
    let server = Server::start(&site);
    let reply = server.get("/");
    assert_eq!(reply.status, 404);
    // A page, so that the error shows in the browser and the fix reloads it.
    assert!(reply.body.contains("/__duben/livereload.js"));
    let mut events = server.events();
    let (message, _) = events.wait_for("error", Duration::from_secs(2));
    assert!(message.contains("site.toml"), "{message}");
    site.write("site.toml", good);
    events.wait_for("reload", Duration::from_secs(10));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn requests_outside_the_output_folder_are_not_found() {
    let site = TestSite::fixture("site");
    site.write("secret.txt", "SECRET");
    let server = Server::start(&site);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.root().join("secret.txt"),
        site.output().join("leak.txt"),
    )
    .unwrap();
    for path in [
        "/../site.toml",
        "/../secret.txt",
        "/2021/../../secret.txt",
        "/%2e%2e/site.toml",
        "/%2E%2E/secret.txt",
        "/..%2fsite.toml",
        "/..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%252e%252e/site.toml",
        "/%252e%252e%252fsecret.txt",
        "/index.html%00.txt",
        "/leak.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.body.contains("SECRET"), "{path}");
        assert!(!reply.body.contains("base_url"), "{path}");
    }
}

/// Reads a reply's head from a kept-alive connection, byte by byte.
fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).expect("a reply before the timeout");
        raw.push(byte[0]);
    }
    raw
}

/// Reads one reply from a kept-alive connection: its head, then as many
/// bytes as `Content-Length` says.
fn read_one_reply(s: &mut TcpStream) -> Reply {
    let mut raw = read_head(s);
    let mut body = vec![0; Reply::parse(&raw).header("content-length").parse().unwrap()];
    s.read_exact(&mut body).unwrap();
    raw.extend(body);
    Reply::parse(&raw)
}

#[test]
fn a_burst_of_kept_alive_connections_is_answered_at_once() {
    // A browser opens several connections at once and keeps them open. A
    // server whose threads wait for a connection to close before taking
    // the next one never answers some of them.
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    let mut conns: Vec<TcpStream> = (0..24)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    for (i, s) in conns.iter_mut().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let path = ["/", PAGE, "/style.css", "/duben.js"][i % 4];
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    }
    for s in &mut conns {
        let reply = read_one_reply(s);
        assert_eq!(
            (reply.status, reply.header("connection")),
            (200, "keep-alive")
        );
    }
    // The same connections serve a second request each.
    for s in &mut conns {
        write!(s, "HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    }
    for s in &mut conns {
        // A reply to HEAD has a length but no body.
        let reply = Reply::parse(&read_head(s));
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), "text/css; charset=utf-8");
    }
}

#[test]
fn two_hundred_concurrent_requests_all_succeed() {
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    // A live-reload stream open meanwhile.
    let _stream = server.events();
    let port = server.port;
    let barrier = Arc::new(Barrier::new(200));
    let threads: Vec<_> = (0..200)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let path = ["/", PAGE, "/style.css", "/2021/09/index.html"][i % 4];
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                barrier.wait();
                write!(
                    s,
                    "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut raw = Vec::new();
                s.read_to_end(&mut raw).unwrap();
                Reply::parse(&raw).status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}

#[test]
fn a_page_open_in_the_browser_shows_an_edit_without_a_manual_reload() {
    let Some(browser) = Harness::launch() else {
        return;
    };
    let site = TestSite::fixture("site");
    let server = Server::start(&site);
    let page = browser.open_url(&format!("http://127.0.0.1:{}{PAGE}", server.port));
    assert_eq!(page.eval("document.querySelector('h1').textContent"), TITLE);
    let h1 = |page: &crate::browser::Page| {
        page.tab
            .evaluate(
                "document.querySelector('h1') && document.querySelector('h1').textContent",
                false,
            )
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    let edited = Instant::now();
    retitle(&site, "Seen live in the browser");
    let wait_until = |what: &dyn Fn() -> bool| {
        while !what() {
            assert!(
                edited.elapsed() < Duration::from_secs(10),
                "the page did not update"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    };
    wait_until(&|| h1(&page).as_deref() == Some("Seen live in the browser"));
    let took = edited.elapsed();
    eprintln!("edit to new title in the browser: {} ms", took.as_millis());
    assert!(took < Duration::from_secs(5), "{took:?}");

    // A broken template shows the overlay over the last good page, as text.
    site.write("templates/article.html", "{% if %}<b>broken</b>");
    let overlay = "(function(){var o=document.getElementById('duben-error-overlay');\
                   return o && !o.hidden ? o.querySelector('pre').textContent : null})()";
    let text = |page: &crate::browser::Page| {
        page.tab
            .evaluate(overlay, false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    wait_until(&|| text(&page).is_some());
    let shown = text(&page).unwrap();
    assert!(shown.contains("<b>broken</b>"), "{shown}");
    assert_eq!(
        page.eval("document.querySelectorAll('#duben-error-overlay b').length"),
        0
    );
    assert_eq!(h1(&page).as_deref(), Some("Seen live in the browser"));
    // The fix reloads the page, without the overlay.
    std::fs::remove_file(site.root().join("templates/article.html")).unwrap();
    wait_until(&|| text(&page).is_none() && h1(&page).is_some());
    page.assert_clean();
}
