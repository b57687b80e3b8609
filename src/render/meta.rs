//! Render stage: what an article page tells machines about itself: Open
//! Graph and Twitter card tags and a JSON-LD `NewsArticle`.
//!
//! Absolute URLs (the page's, people's, local images') come from `base_url`
//! only; without one they are left out, never guessed. A remote image keeps
//! the absolute URL the clean stage resolved it to; an image stored beside
//! the article gets `base_url` + its output path (`media/…`).

use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde::Serialize;

use super::article::render_body;
use super::context::{absolute, description_of};
use super::feeds::rfc3339;
use crate::clean::byline::Role;
use crate::clean::serialize::{Body, Part};
use crate::config::SiteConfig;
use crate::link::Archive;

/// `meta` on an article page.
#[derive(Debug, Serialize)]
pub struct MetaCtx {
    pub title: String,
    /// The front matter's description, else the opening paragraph's text.
    pub description: String,
    /// Absolute URL of the page (`None` without a `base_url`).
    pub url: Option<String>,
    pub site_name: String,
    /// `og:locale` of the content: `zh_CN`, `zh_TW`, `en_US`.
    pub locale: String,
    /// The translation's locale, when there is one.
    pub locale_alternate: Option<String>,
    /// Absolute URL of the article's first image.
    pub image: Option<String>,
    /// RFC 3339 publication time.
    pub published: Option<String>,
    /// The first topic, in the article's language.
    pub section: Option<String>,
    /// `summary_large_image` with an image, else `summary`.
    pub card: &'static str,
    /// The `NewsArticle` object, safe to put inside `<script>` as it is.
    pub json_ld: String,
}

#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(rename = "mainEntityOfPage", skip_serializing_if = "Option::is_none")]
    main_entity_of_page: Option<Thing<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Thing<'a>>,
    publisher: Thing<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    #[serde(rename = "isBasedOn", skip_serializing_if = "Option::is_none")]
    is_based_on: Option<&'a str>,
}

/// A schema.org `Person`, `Organization` or `WebPage`.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id", skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// Builds the metadata of article `i`.
pub fn meta_ctx(archive: &Archive, i: usize, config: &SiteConfig, body: &Body) -> MetaCtx {
    let e = &archive.entries[i];
    let base = &config.base_url;
    let zh = e.body.lang.starts_with("zh");
    let description = description_of(e, 200);
    let url = absolute(base, &e.path);
    let image = first_image(archive, i, body, base);
    let published = e.article.date.map(|d| rfc3339(d, config.tz));
    let section = e.topics.first().map(|&t| {
        let t = &archive.topics[t];
        if zh { t.zh.clone() } else { t.en.clone() }
    });
    let site_name = config.default_title().to_owned();
    let author = e
        .credits
        .iter()
        .filter(|(role, _)| matches!(role, Role::Author | Role::Reporter | Role::Writer))
        .map(|&(_, p)| &archive.people[p])
        .map(|p| Thing {
            kind: "Person",
            id: None,
            name: Some(&p.name),
            url: absolute(base, &format!("{}/index.html", p.dir)),
        })
        .collect();
    let ld = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &e.article.title,
        description: &description,
        in_language: &e.body.lang,
        date_published: published.as_deref(),
        url: url.as_deref(),
        main_entity_of_page: url.as_ref().map(|u| Thing {
            kind: "WebPage",
            id: Some(u.clone()),
            name: None,
            url: None,
        }),
        author,
        publisher: Thing {
            kind: "Organization",
            id: None,
            name: Some(&site_name),
            url: absolute(base, "index.html"),
        },
        image: image.as_deref(),
        article_section: section.as_deref(),
        is_based_on: e.article.source_url.as_ref().map(|u| u.as_str()),
    };
    MetaCtx {
        title: e.article.title.clone(),
        description: description.clone(),
        locale: og_locale(&e.body.lang),
        locale_alternate: e
            .translation
            .map(|t| og_locale(&archive.entries[t.other].body.lang)),
        card: if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        },
        json_ld: script_safe_json(&ld),
        url,
        site_name: site_name.clone(),
        image,
        published,
        section,
    }
}

/// JSON for inside `<script>`: `<`, `>` and `&` as `\u` escapes, so that a
/// title holding `</script>` or `<!--` cannot end or change the script.
pub fn script_safe_json<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `zh-Hans` → `zh_CN`: Open Graph wants language_TERRITORY.
pub fn og_locale(lang: &str) -> String {
    match lang {
        "zh-Hans" | "zh" | "zh-CN" => "zh_CN".into(),
        "zh-Hant" | "zh-TW" => "zh_TW".into(),
        "zh-HK" => "zh_HK".into(),
        "en" => "en_US".into(),
        other => other.replace('-', "_"),
    }
}

static IMG: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("img[src]").unwrap_or_else(|e| panic!("selector: {e:?}")));

/// The absolute URL of the article's first image that has one.
fn first_image(archive: &Archive, i: usize, body: &Body, base: &str) -> Option<String> {
    let has_img = body
        .parts
        .iter()
        .any(|p| matches!(p, Part::Html(h) if h.contains("<img")));
    if !has_img {
        return None;
    }
    let html = render_body(archive, i, body, base);
    // The clean stage wrote every `<img …>` tag and escaped `>` in its
    // attributes, so a tag ends at the first `>`; each is parsed on its own.
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<img") {
        let len = rest[start..].find('>')? + 1;
        let tag = Html::parse_fragment(&rest[start..start + len]);
        if let Some(src) = tag.select(&IMG).next().and_then(|t| t.value().attr("src"))
            && (src.starts_with("https://") || src.starts_with("http://"))
        {
            return Some(src.to_owned());
        }
        rest = &rest[start + len..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let json = script_safe_json(
            &serde_json::json!({ "headline": "</script><script>alert(1)</script> & <!--" }),
        );
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & <!--"
        );
    }

    #[test]
    fn content_languages_become_open_graph_locales() {
        assert_eq!(og_locale("zh-Hans"), "zh_CN");
        assert_eq!(og_locale("zh-Hant"), "zh_TW");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("fr-CA"), "fr_CA");
    }
}
