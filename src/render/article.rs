//! Render stage: the article page's context: the body with its links
//! pointed at local pages, the related box, backlinks, the byline, the
//! breadcrumbs and every way on to other articles.

use serde::Serialize;

use super::context::{ArticleLink, GroupLink};
use crate::clean::CleanBody;
use crate::clean::serialize::{Body, external_link, push_attr};
use crate::link::Archive;
use crate::link::translations::PairSource;

/// `article` on an article page.
#[derive(Debug, Serialize)]
pub struct ArticleCtx<'a> {
    #[serde(flatten)]
    pub link: &'a ArticleLink<'a>,
    /// Sanitized body HTML with cross-references resolved.
    pub body: String,
    pub source_url: Option<&'a str>,
    /// Whether the body has highlighted code (and needs `syntax.css`).
    pub has_code: bool,
    pub topics: Vec<GroupLink<'a>>,
    pub source: Option<GroupLink<'a>>,
    /// The month page of the article (`None` when undated).
    pub month: Option<Crumb>,
    pub breadcrumbs: Vec<Crumb>,
    pub related: Vec<RelatedCtx<'a>>,
    pub backlinks: Vec<&'a ArticleLink<'a>>,
    pub byline: Option<BylineCtx<'a>>,
    pub newer: Option<&'a ArticleLink<'a>>,
    pub older: Option<&'a ArticleLink<'a>>,
    pub topic_newer: Option<&'a ArticleLink<'a>>,
    pub topic_older: Option<&'a ArticleLink<'a>>,
    pub more: Vec<&'a ArticleLink<'a>>,
    /// Glossary terms this article glosses.
    pub terms: Vec<TermLink<'a>>,
    /// The translation, and the parallel reading page of the pair.
    pub translation: Option<TranslationCtx<'a>>,
    /// The body in the other Chinese script (Chinese articles).
    pub alt_script: Option<AltScriptCtx<'a>>,
}

/// A glossary term as an article lists it.
#[derive(Debug, Serialize)]
pub struct TermLink<'a> {
    pub zh: &'a str,
    pub en: &'a str,
    pub path: &'a str,
}

#[derive(Debug, Serialize)]
pub struct TranslationCtx<'a> {
    pub article: &'a ArticleLink<'a>,
    /// Interface label key: `english_version` or `chinese_version`.
    pub label: &'static str,
    /// The pair's parallel reading page.
    pub parallel: String,
    /// `key`, `file` or `automatic`.
    pub source: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AltScriptCtx<'a> {
    /// The article's own script (`zh-Hans`) and the other one (`zh-Hant`).
    pub own: &'a str,
    pub lang: &'a str,
    pub title: &'a str,
    pub body: String,
}

/// The parallel reading page of a pair: beside the Chinese article.
pub fn parallel_path(zh_path: &str) -> String {
    format!("{}.parallel.html", zh_path.trim_end_matches(".html"))
}

/// One step of the breadcrumbs: a label (text, or an interface label key)
/// and where it leads.
#[derive(Debug, Serialize, Clone)]
pub struct Crumb {
    pub zh: String,
    pub en: String,
    pub path: String,
}

/// An entry of the related box.
#[derive(Debug, Serialize)]
pub struct RelatedCtx<'a> {
    /// The local article's title, else the link's own text.
    pub title: &'a str,
    /// Local page, when the target is in the archive.
    pub local: Option<&'a ArticleLink<'a>>,
    /// The original URL, when it is not.
    pub external: Option<&'a str>,
    pub host: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BylineCtx<'a> {
    /// The byline as written (empty when only a dateline named someone).
    pub text: &'a str,
    pub place: Option<&'a str>,
    pub credits: Vec<CreditCtx<'a>>,
}

#[derive(Debug, Serialize)]
pub struct CreditCtx<'a> {
    /// Interface label key of the role.
    pub role: &'static str,
    pub name: &'a str,
    pub path: String,
}

/// Builds the context of article `i`.
pub fn article_ctx<'a>(
    archive: &'a Archive,
    links: &'a [ArticleLink<'a>],
    i: usize,
    full: &'a CleanBody,
) -> ArticleCtx<'a> {
    let e = &archive.entries[i];
    let root = super::context::root_of(&e.path);
    let link = |j: usize| &links[j];
    let body = render_body(archive, i, &full.body, &root);
    let topics: Vec<GroupLink> = e
        .topics
        .iter()
        .map(|&t| GroupLink::of(&archive.topics[t]))
        .collect();
    // The link's date is the article's, in the same time zone and language.
    let month = links[i].date.as_ref().map(|dc| Crumb {
        zh: format!("{}年{}月", dc.year, dc.month),
        en: format!("{:04}-{:02}", dc.year, dc.month),
        path: format!("{:04}/{:02}/index.html", dc.year, dc.month),
    });
    let breadcrumbs = match topics.first() {
        Some(t) => vec![Crumb {
            zh: t.zh.to_owned(),
            en: t.en.to_owned(),
            path: t.path.clone(),
        }],
        None => month.iter().cloned().collect(),
    };
    ArticleCtx {
        link: link(i),
        has_code: body.contains("<pre class=\"hl-code\""),
        body,
        source_url: e.article.source_url.as_ref().map(|u| u.as_str()),
        topics,
        source: e.source.map(|s| GroupLink::of(&archive.sources[s])),
        month,
        breadcrumbs,
        related: related(archive, links, i),
        backlinks: e.backlinks.iter().map(|&j| link(j)).collect(),
        byline: byline(archive, i),
        newer: e.newer.map(link),
        older: e.older.map(link),
        topic_newer: e.topic_newer.map(link),
        topic_older: e.topic_older.map(link),
        more: e.more.iter().map(|&j| link(j)).collect(),
        terms: e
            .terms
            .iter()
            .map(|&t| {
                let term = &archive.glossary[t];
                TermLink {
                    zh: term.main_zh(),
                    en: term.main_en(),
                    path: &term.path,
                }
            })
            .collect(),
        translation: e.translation.map(|t| {
            let other = &archive.entries[t.other];
            let other_is_zh = other.body.lang.starts_with("zh");
            TranslationCtx {
                article: link(t.other),
                label: if other_is_zh {
                    "chinese_version"
                } else {
                    "english_version"
                },
                parallel: parallel_path(if other_is_zh { &other.path } else { &e.path }),
                source: match t.source {
                    PairSource::Key => "key",
                    PairSource::File => "file",
                    PairSource::Automatic => "automatic",
                },
            }
        }),
        alt_script: full.alt_script.as_ref().map(|alt| AltScriptCtx {
            own: &e.body.lang,
            lang: &alt.lang,
            title: &alt.title,
            body: render_body(archive, i, &alt.body, &root),
        }),
    }
}

/// Fills a body's holes: links to archive articles become relative links to
/// their pages, others stay external; local images point into `media/`.
pub fn render_body(archive: &Archive, i: usize, body: &Body, root: &str) -> String {
    body.render(
        &|href| match archive.resolve(href) {
            Some(j) if j != i => internal_link(root, &archive.entries[j].path),
            _ => external_link(href),
        },
        &|asset| {
            let out = archive
                .assets
                .get(asset)
                .map(String::as_str)
                .unwrap_or(asset);
            html_escape::encode_double_quoted_attribute(&format!("{root}{out}")).into_owned()
        },
    )
}

fn internal_link(root: &str, path: &str) -> String {
    let mut out = String::from("<a");
    push_attr(&mut out, "href", &format!("{root}{path}"));
    push_attr(&mut out, "class", "internal");
    out.push('>');
    out
}

fn related<'a>(
    archive: &'a Archive,
    links: &'a [ArticleLink<'a>],
    i: usize,
) -> Vec<RelatedCtx<'a>> {
    archive.entries[i]
        .body
        .related
        .iter()
        .map(|r| match archive.resolve(&r.href).filter(|&j| j != i) {
            Some(j) => RelatedCtx {
                title: &archive.entries[j].article.title,
                local: Some(&links[j]),
                external: None,
                host: None,
            },
            None => RelatedCtx {
                title: &r.text,
                local: None,
                external: Some(&r.href),
                host: url::Url::parse(&r.href).ok().and_then(|u| {
                    u.host_str()
                        .map(|h| h.strip_prefix("www.").unwrap_or(h).to_owned())
                }),
            },
        })
        .collect()
}

fn byline(archive: &Archive, i: usize) -> Option<BylineCtx<'_>> {
    let e = &archive.entries[i];
    let credits: Vec<CreditCtx> = e
        .credits
        .iter()
        .map(|&(role, p)| CreditCtx {
            role: role.label_key(),
            name: &archive.people[p].name,
            path: format!("{}/index.html", archive.people[p].dir),
        })
        .collect();
    let b = e.body.byline.as_ref();
    if credits.is_empty() && b.is_none() {
        return None;
    }
    Some(BylineCtx {
        text: b.map(|b| b.text.as_str()).unwrap_or(""),
        place: b.and_then(|b| b.place.as_deref()),
        credits,
    })
}
