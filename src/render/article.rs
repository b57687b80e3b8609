//! Render stage: the article page's context: the body with its links
//! pointed at local pages, the related box, backlinks, the byline, the
//! breadcrumbs and every way on to other articles.

use serde::Serialize;

use super::context::{ArticleLink, DateCtx, GroupLink};
use crate::clean::serialize::{external_link, push_attr};
use crate::config::SiteConfig;
use crate::link::Archive;

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
    config: &SiteConfig,
) -> ArticleCtx<'a> {
    let tz = config.tz;
    let e = &archive.entries[i];
    let root = super::context::root_of(&e.path);
    let link = |j: usize| &links[j];
    let body = e.body.body.render(
        &|href| match archive.resolve(href) {
            Some(j) if j != i => internal_link(&root, &archive.entries[j].path),
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
    );
    let topics: Vec<GroupLink> = e
        .topics
        .iter()
        .map(|&t| GroupLink::of(&archive.topics[t]))
        .collect();
    let month = e.article.date.map(|d| {
        let dc = DateCtx::new(d, tz);
        Crumb {
            zh: format!("{}年{}月", dc.year, dc.month),
            en: format!("{:04}-{:02}", dc.year, dc.month),
            path: format!("{:04}/{:02}/index.html", dc.year, dc.month),
        }
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
    }
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
