//! Render stage: Tera templates over typed contexts, for every page of the
//! site, handed to the write stage's [`Sink`] as they are made.

pub mod context;
pub mod labels;
pub mod theme;

use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::clean::highlight;
use crate::config::SiteConfig;
use crate::link::Archive;
use crate::write::Sink;
use context::{ArticleCtx, ArticleLink, MonthGroup, PageCtx, Pagination, SiteCtx};
use labels::Labels;
use theme::Theme;

/// Templates compiled once, with the site they render.
pub struct Renderer<'a> {
    tera: Tera,
    config: &'a SiteConfig,
    theme: &'a Theme,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme's templates; errors name the template and line.
    pub fn new(config: &'a SiteConfig, theme: &'a Theme) -> Result<Self> {
        let labels = Arc::new(Labels::from_sources(&theme.labels_toml)?);
        let mut tera = Tera::default();
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, s)| (n.as_str(), s.as_str())),
        )
        .map_err(|e| anyhow!("{}", tera_error_chain(&e)))
        .context("a template does not compile")?;
        tera.register_function("t", labels.tera_function(config.default_language));
        tera.set_escape_fn(escape_html);
        Ok(Renderer {
            tera,
            config,
            theme,
        })
    }

    fn render<T: Serialize>(
        &self,
        template: &str,
        page: &PageCtx,
        extra: &[(&str, &T)],
    ) -> Result<Vec<u8>> {
        let mut ctx = Context::new();
        ctx.insert("site", &SiteCtx::new(self.config));
        ctx.insert("page", page);
        for (k, v) in extra {
            ctx.insert(*k, v);
        }
        self.tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| anyhow!("{}", tera_error_chain(&e)))
            .with_context(|| format!("cannot render `{}` with template `{template}`", page.path))
    }

    /// Renders and writes every page and static file; returns how many files.
    pub fn render_site(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let articles = self.render_articles(archive, sink)?;
        let lists = self.render_home(archive, sink)? + self.render_all(archive, sink)?;
        let page = PageCtx::new("404.html", &self.config.base_url);
        sink.put("404.html", &self.render::<()>("404.html", &page, &[])?)?;
        let statics = self.write_statics(sink)?;
        Ok(articles + lists + 1 + statics)
    }

    fn render_articles(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let tz = self.config.tz;
        archive.entries.par_iter().try_for_each(|e| {
            let page = PageCtx::new(&e.path, &self.config.base_url);
            let article = ArticleCtx {
                link: ArticleLink::new(e, tz),
                body: &e.body.html,
                byline: e.body.byline.as_deref(),
                source_url: e.article.source_url.as_ref().map(|u| u.as_str()),
                has_code: e.body.html.contains("<pre class=\"hl-code\""),
                topics: &e.article.topics,
                tags: &e.article.tags,
                authors: &e.article.authors,
                newer: e.newer.map(|i| ArticleLink::new(&archive.entries[i], tz)),
                older: e.older.map(|i| ArticleLink::new(&archive.entries[i], tz)),
            };
            let html = self.render("article.html", &page, &[("article", &article)])?;
            sink.put(&e.path, &html)
        })?;
        Ok(archive.entries.len())
    }

    /// `index.html`, `page/2.html`, ...: newest first, `paginate` a page.
    fn render_home(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let per = self.config.paginate;
        let total = archive.entries.len().div_ceil(per).max(1);
        let path_of = |n: usize| {
            if n == 1 {
                "index.html".to_owned()
            } else {
                format!("page/{n}.html")
            }
        };
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = path_of(n);
            let page = PageCtx::new(&path, &self.config.base_url);
            let items: Vec<ArticleLink> = archive
                .entries
                .iter()
                .skip((n - 1) * per)
                .take(per)
                .map(|e| ArticleLink::new(e, self.config.tz))
                .collect();
            let pagination = Pagination::new(n, total, &path_of);
            let count = archive.entries.len();
            let html = self.render(
                "index.html",
                &page,
                &[
                    ("articles", &serde_json::to_value(&items)?),
                    ("pagination", &serde_json::to_value(&pagination)?),
                    ("total_articles", &serde_json::to_value(count)?),
                ],
            )?;
            sink.put(&path, &html)
        })?;
        Ok(total)
    }

    /// `all/index.html`, `all/2.html`, ...: every title, grouped by month.
    fn render_all(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let per = self.config.paginate_titles;
        let total = archive.entries.len().div_ceil(per).max(1);
        let path_of = |n: usize| {
            if n == 1 {
                "all/index.html".to_owned()
            } else {
                format!("all/{n}.html")
            }
        };
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = path_of(n);
            let page = PageCtx::new(&path, &self.config.base_url);
            let mut groups: Vec<MonthGroup> = Vec::new();
            for e in archive.entries.iter().skip((n - 1) * per).take(per) {
                let link = ArticleLink::new(e, self.config.tz);
                let month = link
                    .date
                    .as_ref()
                    .map(|d| format!("{:04}-{:02}", d.year, d.month))
                    .unwrap_or_default();
                match groups.last_mut() {
                    Some(g) if g.month == month => g.articles.push(link),
                    _ => groups.push(MonthGroup {
                        month,
                        articles: vec![link],
                    }),
                }
            }
            let pagination = Pagination::new(n, total, &path_of);
            let html = self.render(
                "all.html",
                &page,
                &[
                    ("groups", &serde_json::to_value(&groups)?),
                    ("pagination", &serde_json::to_value(&pagination)?),
                    (
                        "total_articles",
                        &serde_json::to_value(archive.entries.len())?,
                    ),
                ],
            )?;
            sink.put(&path, &html)
        })?;
        Ok(total)
    }

    /// Built-in and site static files, the highlighting stylesheet, `.nojekyll`.
    fn write_statics(&self, sink: &dyn Sink) -> Result<usize> {
        let mut count = 0;
        if !self.theme.statics.contains_key("syntax.css") {
            sink.put("syntax.css", highlight::stylesheet().as_bytes())?;
            count += 1;
        }
        for (path, bytes) in &self.theme.statics {
            sink.put(path, bytes)?;
            count += 1;
        }
        sink.put(".nojekyll", b"")?;
        Ok(count + 1)
    }
}

/// Escapes text for HTML text and quoted attributes. Unlike Tera's default
/// it leaves `/` alone, so relative links stay readable (`../../a.html`).
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Tera hides the useful part of an error in its source chain.
fn tera_error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
