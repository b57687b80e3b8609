//! Render stage: `sitemap.xml` and `robots.txt`. The sitemap lists every
//! HTML page the build wrote (recorded as they go through the sink, so it
//! cannot drift from the output), with `hreflang` alternates on translation
//! pairs; past [`SITEMAP_LIMIT`] URLs it becomes an index of `sitemap-N.xml`
//! files, as the sitemap protocol asks.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Result, anyhow};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};

use super::Renderer;
use super::context::absolute;
use super::feeds::{rfc3339, xml_safe};
use crate::diagnostics::Diagnostic;
use crate::link::Archive;
use crate::write::Sink;

/// URLs per sitemap file (the sitemap protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;

/// Pages that are not worth a search engine's visit: the error page and the
/// search page (an empty shell until a reader types).
const UNLISTED: [&str; 2] = ["404.html", "search.html"];

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// A sink that remembers the HTML pages written through it.
pub struct PageRecorder<'a> {
    inner: &'a dyn Sink,
    pages: Mutex<Vec<String>>,
}

impl<'a> PageRecorder<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        PageRecorder {
            inner,
            pages: Mutex::new(Vec::new()),
        }
    }

    /// The pages written, sorted (pages are written in parallel).
    pub fn pages(&self) -> Result<Vec<String>> {
        let mut pages = self
            .pages
            .lock()
            .map_err(|_| anyhow!("a writer thread panicked"))?
            .clone();
        pages.sort();
        Ok(pages)
    }
}

impl PageRecorder<'_> {
    fn record(&self, path: &str) -> Result<()> {
        if path.ends_with(".html") {
            self.pages
                .lock()
                .map_err(|_| anyhow!("a writer thread panicked"))?
                .push(path.to_owned());
        }
        Ok(())
    }
}

impl Sink for PageRecorder<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.inner.put(path, bytes)?;
        self.record(path)
    }

    fn keep(&self, path: &str, size: u64, mtime: u64) -> Result<bool> {
        let kept = self.inner.keep(path, size, mtime)?;
        if kept {
            self.record(path)?;
        }
        Ok(kept)
    }

    fn previous(&self, path: &str, size: u64, mtime: u64) -> Result<Option<Vec<u8>>> {
        self.inner.previous(path, size, mtime)
    }
}

/// One `<url>` of a sitemap.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapUrl {
    pub loc: String,
    /// RFC 3339 (articles: their publication time).
    pub lastmod: Option<String>,
    /// `(hreflang, absolute URL)` of every language version, this one included.
    pub alternates: Vec<(String, String)>,
}

/// The sitemap files as `(output path, bytes)`: `sitemap.xml` alone up to
/// `limit` URLs; past it `sitemap.xml` is an index of `sitemap-1.xml`,
/// `sitemap-2.xml`, … of `limit` URLs each.
pub fn sitemap_files(
    urls: &[SitemapUrl],
    base_url: &str,
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    let limit = limit.max(1);
    if urls.len() <= limit {
        return Ok(vec![("sitemap.xml".into(), urlset(urls)?)]);
    }
    let mut files = Vec::new();
    let mut w = xml_writer()?;
    let start = BytesStart::new("sitemapindex").with_attributes([("xmlns", SITEMAP_NS)]);
    w.write_event(Event::Start(start.borrow()))?;
    for (n, chunk) in urls.chunks(limit).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        let loc = absolute(base_url, &path).unwrap_or_default();
        w.create_element("sitemap").write_inner_content(|w| {
            w.create_element("loc")
                .write_text_content(BytesText::new(&xml_safe(&loc)))?;
            Ok(())
        })?;
        files.push((path, urlset(chunk)?));
    }
    w.write_event(Event::End(start.to_end()))?;
    files.insert(0, ("sitemap.xml".into(), finish(w)));
    Ok(files)
}

fn xml_writer() -> Result<Writer<Vec<u8>>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn urlset(urls: &[SitemapUrl]) -> Result<Vec<u8>> {
    let mut w = xml_writer()?;
    let start = BytesStart::new("urlset").with_attributes([
        ("xmlns", SITEMAP_NS),
        ("xmlns:xhtml", "http://www.w3.org/1999/xhtml"),
    ]);
    w.write_event(Event::Start(start.borrow()))?;
    for u in urls {
        w.create_element("url").write_inner_content(|w| {
            w.create_element("loc")
                .write_text_content(BytesText::new(&xml_safe(&u.loc)))?;
            if let Some(lastmod) = &u.lastmod {
                w.create_element("lastmod")
                    .write_text_content(BytesText::new(lastmod))?;
            }
            for (lang, href) in &u.alternates {
                w.create_element("xhtml:link")
                    .with_attributes([
                        ("rel", "alternate"),
                        ("hreflang", xml_safe(lang).as_ref()),
                        ("href", xml_safe(href).as_ref()),
                    ])
                    .write_empty()?;
            }
            Ok(())
        })?;
    }
    w.write_event(Event::End(start.to_end()))?;
    Ok(finish(w))
}

/// `robots.txt`: everything may be crawled; the sitemap, when it exists.
pub fn robots_txt(base_url: &str) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(sitemap) = absolute(base_url, "sitemap.xml") {
        s.push_str(&format!("\nSitemap: {sitemap}\n"));
    }
    s
}

/// The one warning of a build without `base_url`.
pub fn no_base_url_warning() -> Diagnostic {
    Diagnostic::warning(
        Path::new("site.toml"),
        None,
        "no `base_url`, so atom.xml feeds, sitemap.xml, canonical links and other absolute \
         URLs were left out; set `base_url = \"https://…/\"` in site.toml or pass \
         `--base-url https://USER.github.io/REPO/`",
    )
}

impl Renderer<'_> {
    /// `robots.txt` always; `sitemap.xml` (and its parts) over `pages` when
    /// the site has a `base_url`. Returns how many files.
    pub(super) fn write_sitemap(
        &self,
        archive: &Archive,
        pages: &[String],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let base = &self.config.base_url;
        sink.put("robots.txt", robots_txt(base).as_bytes())?;
        if base.is_empty() {
            return Ok(1);
        }
        let by_path: HashMap<&str, usize> = archive
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        let abs = |p: &str| absolute(base, p).unwrap_or_default();
        let urls: Vec<SitemapUrl> = pages
            .iter()
            .filter(|p| !UNLISTED.contains(&p.as_str()))
            .map(|p| {
                let entry = by_path.get(p.as_str()).map(|&i| &archive.entries[i]);
                let alternates = entry
                    .and_then(|e| Some((e, e.translation?)))
                    .map(|(e, t)| {
                        let other = &archive.entries[t.other];
                        vec![
                            (e.body.lang.clone(), abs(&e.path)),
                            (other.body.lang.clone(), abs(&other.path)),
                        ]
                    })
                    .unwrap_or_default();
                SitemapUrl {
                    loc: abs(p),
                    lastmod: entry
                        .and_then(|e| e.article.date)
                        .map(|d| rfc3339(d, self.config.tz)),
                    alternates,
                }
            })
            .collect();
        let files = sitemap_files(&urls, base, SITEMAP_LIMIT)?;
        for (path, bytes) in &files {
            sink.put(path, bytes)?;
        }
        Ok(1 + files.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<SitemapUrl> {
        (1..=n)
            .map(|i| SitemapUrl {
                loc: format!("https://u.github.io/repo/{i}.html"),
                lastmod: None,
                alternates: Vec::new(),
            })
            .collect()
    }

    fn locs(xml: &[u8]) -> (String, Vec<String>) {
        let text = std::str::from_utf8(xml).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap();
        let root = doc.root_element().tag_name().name().to_owned();
        let locs = doc
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP_NS, "loc")))
            .map(|n| n.text().unwrap().to_owned())
            .collect();
        (root, locs)
    }

    #[test]
    fn a_sitemap_up_to_the_limit_is_one_file() {
        let files = sitemap_files(&urls(3), "https://u.github.io/repo/", 3).unwrap();
        assert_eq!(files.len(), 1);
        let (root, locs) = locs(&files[0].1);
        assert_eq!(
            (files[0].0.as_str(), root.as_str()),
            ("sitemap.xml", "urlset")
        );
        assert_eq!(locs.len(), 3);
    }

    #[test]
    fn past_the_limit_the_sitemap_becomes_an_index_of_parts() {
        let base = "https://u.github.io/repo/";
        let files = sitemap_files(&urls(5), base, 2).unwrap();
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let (root, parts) = locs(&files[0].1);
        assert_eq!(root, "sitemapindex");
        assert_eq!(
            parts,
            [1, 2, 3].map(|n| format!("{base}sitemap-{n}.xml")).to_vec()
        );
        let mut all = Vec::new();
        for (_, xml) in &files[1..] {
            let (root, locs) = locs(xml);
            assert_eq!(root, "urlset");
            assert!(locs.len() <= 2);
            all.extend(locs);
        }
        assert_eq!(all, urls(5).into_iter().map(|u| u.loc).collect::<Vec<_>>());
    }

    #[test]
    fn alternates_and_hostile_text_stay_valid_xml() {
        let u = SitemapUrl {
            loc: "https://x.org/a.html?x=1&y=<2>\u{1}".into(),
            lastmod: Some("2021-09-29T03:36:01+08:00".into()),
            alternates: vec![("zh-Hans".into(), "https://x.org/a.html".into())],
        };
        let xml = urlset(&[u]).unwrap();
        let text = String::from_utf8(xml).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let link = doc
            .descendants()
            .find(|n| n.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
            .unwrap();
        assert_eq!(link.attribute("hreflang"), Some("zh-Hans"));
        let loc = doc
            .descendants()
            .find(|n| n.has_tag_name((SITEMAP_NS, "loc")));
        assert_eq!(
            loc.and_then(|n| n.text()),
            Some("https://x.org/a.html?x=1&y=<2>")
        );
    }

    #[test]
    fn robots_txt_names_the_sitemap_only_with_a_base_url() {
        assert_eq!(robots_txt(""), "User-agent: *\nAllow: /\n");
        assert!(
            robots_txt("https://u.github.io/repo/")
                .ends_with("Sitemap: https://u.github.io/repo/sitemap.xml\n")
        );
    }
}
