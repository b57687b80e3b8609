//! `duben check`: renders the site into memory and resolves every internal
//! link of every page against the files the site would have.

use std::collections::{BTreeMap, HashSet};
use std::sync::{LazyLock, Mutex};

use anyhow::Result;
use scraper::{Html, Selector};

use super::{Finding, Level};
use crate::link::Archive;
use crate::render::Renderer;
use crate::write::Sink;

/// A sink that keeps the file names and, for each HTML page, its relative
/// `href` and `src` values; nothing is written.
#[derive(Default)]
pub struct LinkSink {
    files: Mutex<HashSet<String>>,
    links: Mutex<BTreeMap<String, Vec<String>>>,
}

impl Sink for LinkSink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if path.ends_with(".html") {
            let found = relative_links(&String::from_utf8_lossy(bytes));
            if !found.is_empty() {
                lock(&self.links)?.insert(path.to_owned(), found);
            }
        }
        lock(&self.files)?.insert(path.to_owned());
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| anyhow::anyhow!("a render thread panicked"))
}

/// The site as it would be written.
pub struct Rendered {
    pub files: HashSet<String>,
    /// Page → its relative link targets, in document order.
    pub links: BTreeMap<String, Vec<String>>,
}

/// Renders every page and lists the local images the build would copy.
pub fn render(renderer: &Renderer, archive: &Archive) -> Result<Rendered> {
    let sink = LinkSink::default();
    renderer.render_site(archive, &sink, &mut Vec::new())?;
    let mut files = sink.files.into_inner().unwrap_or_default();
    files.extend(archive.assets.values().cloned());
    Ok(Rendered {
        files,
        links: sink.links.into_inner().unwrap_or_default(),
    })
}

/// Every `href` and `src` of a page that points inside the site: not
/// absolute (`https:`, `mailto:`, …), not protocol-relative, not only a
/// fragment.
fn relative_links(html: &str) -> Vec<String> {
    static SEL: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("[href], [src]").expect("valid selector"));
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for el in doc.select(&SEL) {
        for key in ["href", "src"] {
            let Some(v) = el.value().attr(key).map(str::trim) else {
                continue;
            };
            if v.starts_with('#') || v.starts_with("//") || has_scheme(v) {
                continue;
            }
            out.push(v.to_owned());
        }
    }
    out
}

/// `https:`, `mailto:`, `data:`, …: a scheme before any `/`, `?` or `#`.
fn has_scheme(v: &str) -> bool {
    let head = v.split(['/', '?', '#']).next().unwrap_or("");
    head.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

impl Rendered {
    /// Links that name no file of the site. `out_dir` (`public`) prefixes
    /// the page names in findings so a user knows they are output pages.
    pub fn broken_links(&self, out_dir: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (page, targets) in &self.links {
            let mut seen = HashSet::new();
            for target in targets {
                if !seen.insert(target) {
                    continue;
                }
                if let Err(why) = self.resolve(page, target) {
                    out.push(
                        Finding::new(Level::Error, "broken-link", format!("{out_dir}/{page}"))
                            .target(target.clone())
                            .message(format!("the link `{target}` {why}")),
                    );
                }
            }
        }
        out
    }

    /// The output file `target` names from `page`, or why it names none.
    fn resolve(&self, page: &str, target: &str) -> Result<String, String> {
        let path = target.split(['?', '#']).next().unwrap_or("");
        if path.is_empty() {
            return Ok(page.to_owned()); // `?q=…` or `#x` on the page itself
        }
        if path.starts_with('/') {
            return Err(
                "is site-absolute: it breaks under a sub-path and over file://; links must be relative"
                    .into(),
            );
        }
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for seg in decoded.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err("climbs out of the site".into());
                    }
                }
                s => parts.push(s),
            }
        }
        let resolved = parts.join("/");
        if decoded.ends_with('/') || self.is_folder(&resolved) {
            return Err(format!(
                "names the folder `{resolved}/`, not a file: it breaks over file://; link to `{resolved}/index.html`"
            ));
        }
        if self.files.contains(&resolved) {
            Ok(resolved)
        } else {
            Err(format!(
                "names `{resolved}`, which is not a file of the site"
            ))
        }
    }

    fn is_folder(&self, path: &str) -> bool {
        path.is_empty() || self.files.contains(&format!("{path}/index.html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[&str], page: &str, html: &str) -> Rendered {
        let mut links = BTreeMap::new();
        links.insert(page.to_owned(), relative_links(html));
        Rendered {
            files: files.iter().map(|f| (*f).to_owned()).collect(),
            links,
        }
    }

    #[test]
    fn external_links_and_fragments_are_not_checked() {
        let html = r##"<a href="https://x.org/a">x</a><a href="mailto:a@b.c">m</a>
            <a href="#top">t</a><img src="//cdn.x/y.png"><img src="data:image/png;base64,xx">
            <a href="a.html?q=1#f">a</a><script src="../s.js"></script>"##;
        assert_eq!(relative_links(html), vec!["a.html?q=1#f", "../s.js"]);
    }

    #[test]
    fn links_resolve_against_their_page() {
        let r = site(
            &[
                "2021/09/a.html",
                "style.css",
                "index.html",
                "topics/x/index.html",
            ],
            "2021/09/b.html",
            r#"<a href="a.html#x">a</a><link href="../../style.css"><a href="../../index.html?x">h</a>
               <a href="c.html">c</a><a href="/style.css">s</a><a href="../../topics/x/">t</a>
               <a href="../../../../up.html">u</a><a href="?q=1">q</a>"#,
        );
        let broken: Vec<String> = r
            .broken_links("public")
            .into_iter()
            .map(|f| f.target.unwrap())
            .collect();
        assert_eq!(
            broken,
            vec![
                "c.html",
                "/style.css",
                "../../topics/x/",
                "../../../../up.html"
            ]
        );
        let f = &r.broken_links("public")[0];
        assert_eq!(f.file, "public/2021/09/b.html");
        assert!(f.message.contains("2021/09/c.html"), "{}", f.message);
    }
}
