//! `duben check`: local images and local links written in article sources.
//!
//! The clean stage quietly resolves a relative `src` or `href` against the
//! article's source URL, and drops it when there is none. The check reads the
//! raw bodies again to name what would be lost: an image that is not in
//! `content/`, a link to a page that is not part of the site.

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use rayon::prelude::*;
use scraper::{Html, Selector};

use super::{Finding, Level};
use crate::config::SiteConfig;
use crate::load::{AssetIndex, Loaded, Source};
use crate::parse::{self, Article, Format, ParseOptions};

/// Missing local images and unresolvable local links of every article
/// (reading the files the pipeline loaded, before it consumes them).
pub fn check(loaded: &Loaded, config: &SiteConfig) -> Vec<Finding> {
    let assets = AssetIndex::new(&loaded.assets);
    let articles: HashSet<String> = loaded
        .sources
        .iter()
        .map(|s| s.rel_path.to_string_lossy().replace('\\', "/"))
        .collect();
    let opts = ParseOptions {
        tz: config.tz,
        drafts: config.drafts,
    };
    loaded
        .sources
        .par_iter()
        .flat_map_iter(|s| {
            // A file whose bytes the load stage did not keep is read again
            // (one that cannot be is reported by the pipeline).
            let Ok(s) = s.with_bytes() else {
                return Vec::new();
            };
            match parse::parse_source(&s, opts).article {
                Some(a) => article_refs(&s, &a, &assets, &articles),
                None => Vec::new(),
            }
        })
        .collect()
}

fn article_refs(
    source: &Source,
    article: &Article,
    assets: &AssetIndex,
    articles: &HashSet<String>,
) -> Vec<Finding> {
    static IMG: LazyLock<Selector> = LazyLock::new(|| Selector::parse("img").expect("valid"));
    static A: LazyLock<Selector> = LazyLock::new(|| Selector::parse("a[href]").expect("valid"));
    let doc = Html::parse_fragment(&article.body);
    let file = article.display_path.to_string_lossy().replace('\\', "/");
    let text = String::from_utf8_lossy(&source.bytes);
    let line_of = |v: &str| {
        text.lines()
            .position(|l| l.contains(v))
            .map(|i| i + 1)
            .or(Some(article.body_line))
    };
    let mut out = Vec::new();
    for img in doc.select(&IMG) {
        let srcs: Vec<&str> = ["src", "data-src", "data-original"]
            .iter()
            .filter_map(|k| img.value().attr(k).map(str::trim))
            .filter(|v| !v.is_empty())
            .collect();
        let Some(src) = srcs.first().copied().filter(|v| is_local(v)) else {
            continue;
        };
        if srcs
            .iter()
            .any(|v| assets.lookup(&article.rel_path, v).is_some())
        {
            continue;
        }
        let (level, what) = match (&article.source_url, article.format) {
            (None, _) => (
                Level::Error,
                "the article has no source URL to load it from, so the page shows no image"
                    .to_owned(),
            ),
            (Some(base), Some(Format::Markdown)) => (
                Level::Warning,
                format!(
                    "the page loads it from the original site instead ({})",
                    base.join(src).map(|u| u.to_string()).unwrap_or_default()
                ),
            ),
            // Archive bodies are scraped pages: their relative images are
            // the original site's, resolved against the source URL.
            (Some(_), _) => continue,
        };
        out.push(
            Finding::new(level, "missing-image", file.clone())
                .line(line_of(src))
                .target(src)
                .message(format!(
                    "the image `{src}` is not in content/ (looked beside the article and in a folder named after it); {what}"
                )),
        );
    }
    if article.source_url.is_some() {
        return out; // relative links resolve against the original site
    }
    for a in doc.select(&A) {
        let href = a.value().attr("href").unwrap_or("").trim();
        if !is_local(href) {
            continue;
        }
        let path = href.split(['?', '#']).next().unwrap_or("");
        let names_article =
            resolve_in_content(&article.rel_path, path).is_some_and(|p| articles.contains(&p));
        let why = if names_article {
            "names a content file: duben links articles by their source URL, so write the other article's `source_url` here"
        } else {
            "names no page of the site (the article has no source URL to resolve it against)"
        };
        out.push(
            Finding::new(Level::Error, "broken-link", file.clone())
                .line(line_of(href))
                .target(href)
                .message(format!(
                    "the link `{href}` {why}; the build drops the link and keeps its text"
                )),
        );
    }
    out
}

/// A relative reference: no scheme, not protocol-relative, not a fragment.
fn is_local(v: &str) -> bool {
    if v.is_empty() || v.starts_with('#') || v.starts_with("//") {
        return false;
    }
    matches!(
        url::Url::parse(v),
        Err(url::ParseError::RelativeUrlWithoutBase)
    )
}

/// The content-relative path `href` names from the article at `article`
/// (`/`-separated), if it stays inside `content/`.
fn resolve_in_content(article: &Path, href: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(href).decode_utf8_lossy();
    let mut parts: Vec<String> = article
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s.to_owned()),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_references_are_local() {
        for v in ["photo.jpg", "../a/b.png", "/x.png", "a.html?x#y"] {
            assert!(is_local(v), "{v}");
        }
        for v in ["https://x.org/a.png", "//x.org/a", "#top", "mailto:a@b", ""] {
            assert!(!is_local(v), "{v}");
        }
    }

    #[test]
    fn hrefs_resolve_inside_content_only() {
        let a = Path::new("notes/a.md");
        assert_eq!(resolve_in_content(a, "b.md").as_deref(), Some("notes/b.md"));
        assert_eq!(
            resolve_in_content(a, "../x%20y.md").as_deref(),
            Some("x y.md")
        );
        assert_eq!(resolve_in_content(a, "../../up.md"), None);
    }

    fn refs(format: Format, source_url: Option<&str>, body: &str) -> Vec<Finding> {
        let source = Source::new(
            "content/a/b.md".into(),
            "a/b.md".into(),
            format!("front\n\n{body}\n").into_bytes(),
        );
        let article = Article {
            display_path: source.display_path.clone(),
            rel_path: source.rel_path.clone(),
            format: Some(format),
            source_url: source_url.map(|u| url::Url::parse(u).unwrap()),
            body: body.to_owned(),
            body_line: 3,
            ..Article::default()
        };
        let assets = AssetIndex::new(&["a/b/here.png".into()]);
        let articles = HashSet::from(["a/c.md".to_owned()]);
        article_refs(&source, &article, &assets, &articles)
    }

    #[test]
    fn relative_images_are_missing_unless_stored_or_resolvable() {
        let body = r#"<img src="here.png"><img src="gone.png"><a href="c.md">c</a>"#;
        let f = refs(Format::Markdown, None, body);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.level, f.kind, f.target.as_deref(), f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (Level::Error, "missing-image", Some("gone.png"), Some(3)),
                (Level::Error, "broken-link", Some("c.md"), Some(3)),
            ]
        );
        assert!(
            f[1].message.contains("names a content file"),
            "{}",
            f[1].message
        );
        // With a source URL: a Markdown page warns, an archive page is quiet.
        let f = refs(Format::Markdown, Some("https://x.org/news/b.html"), body);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].level, Level::Warning);
        assert!(
            f[0].message.contains("https://x.org/news/gone.png"),
            "{}",
            f[0].message
        );
        assert!(refs(Format::Archive, Some("https://x.org/news/b.html"), body).is_empty());
    }
}
