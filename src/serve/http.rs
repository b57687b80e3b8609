//! Serve: answering one HTTP request from the output folder.
//!
//! Files are read whole (the site's pages are small), HTML gets the
//! live-reload script just before `</body>` (in the response only, never in
//! the file), every response says `Cache-Control: no-store` so a reload
//! always shows the latest build, and the event stream keeps its connection
//! (see [`super::conn`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::events::Hub;
use super::paths::{self, Target};

/// The live-reload endpoint and script, outside any name a site can use
/// (`__duben` is not a valid output path of an article or page).
pub const EVENTS_PATH: &str = "/__duben/events";
pub const SCRIPT_PATH: &str = "/__duben/livereload.js";
const SCRIPT: &str = include_str!("livereload.js");
const FALLBACK_404: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>\n<body><p>404 Not Found</p></body></html>\n";
const SCRIPT_TAG: &str = "<script src=\"/__duben/livereload.js\"></script>";

/// What every connection shares.
pub struct Shared {
    /// The folder served; a rebuild may change it (site.toml's `output_dir`).
    pub output: RwLock<PathBuf>,
    pub hub: Arc<Hub>,
}

/// A reply: status, headers (besides `Content-Length` and `Connection`,
/// which the connection adds) and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// How to answer a request.
pub enum Answer {
    Reply(Reply),
    /// The live-reload event stream: the connection becomes the stream.
    Stream,
}

/// Answers `method target`.
pub fn answer(method: &str, target: &str, shared: &Shared) -> Answer {
    if !matches!(method, "GET" | "HEAD") {
        let mut reply = text(
            405,
            "405 Method Not Allowed: only GET and HEAD are served\n",
        );
        reply.headers.push(("Allow", "GET, HEAD".into()));
        return Answer::Reply(reply);
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH && method == "GET" {
        return Answer::Stream;
    }
    if path == SCRIPT_PATH {
        return Answer::Reply(reply(200, "text/javascript; charset=utf-8", SCRIPT.into()));
    }
    let output = shared
        .output
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    Answer::Reply(match paths::resolve(&output, target) {
        Target::File(file) => match std::fs::read(&file) {
            Ok(bytes) => file_reply(&file, bytes, 200),
            Err(_) => not_found(&output),
        },
        Target::Redirect(location) => {
            let mut r = reply(301, "text/plain; charset=utf-8", Vec::new());
            r.headers.push(("Location", location));
            r
        }
        Target::NotFound => not_found(&output),
    })
}

/// The reply to a request that cannot be read (`status` 400 or 431).
pub fn bad_request(status: u16) -> Reply {
    text(status, &format!("{status}: the request cannot be read\n"))
}

/// The reply when too many connections are open.
pub fn busy() -> Reply {
    text(503, "503: too many open connections; try again\n")
}

/// The site's own `404.html` (with the live-reload script), else plain text.
fn not_found(output: &Path) -> Reply {
    let page = output
        .canonicalize()
        .ok()
        .and_then(|root| paths::inside(&root, &root.join("404.html")));
    match page.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((p, bytes)) => file_reply(&p, bytes, 404),
        // No site yet (the first build failed): still a page, so that the
        // live-reload script shows the error and reloads on the fix.
        None => file_reply(Path::new("404.html"), FALLBACK_404.into(), 404),
    }
}

fn file_reply(file: &Path, mut bytes: Vec<u8>, status: u16) -> Reply {
    let kind = content_type(file);
    if kind.starts_with("text/html") {
        bytes = inject(bytes);
    }
    reply(status, &kind, bytes)
}

fn text(status: u16, body: &str) -> Reply {
    reply(status, "text/plain; charset=utf-8", body.into())
}

/// Every reply says `Cache-Control: no-store`, so a reload always shows
/// the latest build, and `nosniff`, so types are as given.
fn reply(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", content_type.to_owned()),
            ("Cache-Control", "no-store".into()),
            ("X-Content-Type-Options", "nosniff".into()),
        ],
        body,
    }
}

/// The page with the live-reload script before its last `</body>` (or at
/// the end when it has none).
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, SCRIPT_TAG.bytes());
    html
}

/// The `Content-Type` of a file, by its name: text types say they are
/// UTF-8 (every page and asset duben writes is), `atom.xml` is a feed.
pub fn content_type(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let essence = match ext {
        _ if name == "atom.xml" || ext == "atom" => "application/atom+xml".to_owned(),
        "html" | "htm" => "text/html".to_owned(),
        "js" | "mjs" => "text/javascript".to_owned(),
        "xml" => "application/xml".to_owned(),
        "txt" | "" => "text/plain".to_owned(),
        _ => mime_guess::from_ext(ext)
            .first()
            .map_or_else(|| "application/octet-stream".to_owned(), |m| m.to_string()),
    };
    let textual = essence.starts_with("text/")
        || essence.ends_with("xml")
        || essence.ends_with("json")
        || essence == "application/javascript";
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_name_the_charset_of_text_and_the_feed() {
        let t = |n: &str| content_type(Path::new(n));
        assert_eq!(t("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(t("style.css"), "text/css; charset=utf-8");
        assert_eq!(t("duben.js"), "text/javascript; charset=utf-8");
        assert_eq!(t("search/s/1.js"), "text/javascript; charset=utf-8");
        assert_eq!(t("atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(
            t("topics/x/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(t("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(t("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(t("data.json"), "application/json; charset=utf-8");
        assert_eq!(t("chart.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(t("media/a.PNG"), "image/png");
        assert_eq!(t("a.jpg"), "image/jpeg");
        assert_eq!(t("a.jpeg"), "image/jpeg");
        assert_eq!(t("a.gif"), "image/gif");
        assert_eq!(t("a.webp"), "image/webp");
        assert_eq!(t("a.avif"), "image/avif");
        assert_eq!(t("f.woff2"), "font/woff2");
        assert_eq!(t("archive.zip"), "application/zip");
        assert_eq!(t("x.unknownext"), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>x</p></BODY></html>".to_vec();
        assert_eq!(
            String::from_utf8(inject(html)).unwrap(),
            format!("<html><body><p>x</p>{SCRIPT_TAG}</BODY></html>")
        );
        let bare = b"<p>fragment</p>".to_vec();
        assert_eq!(
            String::from_utf8(inject(bare)).unwrap(),
            format!("<p>fragment</p>{SCRIPT_TAG}")
        );
    }
}
