//! Render stage: Tera templates over typed contexts, for every page of the
//! site, handed to the write stage's [`Sink`] as they are made.

pub mod article;
pub mod chart;
pub mod context;
pub mod labels;
pub mod lists;
pub mod theme;

use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::clean::highlight;
use crate::config::SiteConfig;
use crate::link::Archive;
use crate::write::Sink;
use article::{Crumb, article_ctx};
use context::{ArticleLink, GroupLink, MonthGroup, PageCtx, Pagination, SiteCtx};
use labels::Labels;
use lists::{ListPage, RoleCount};
use theme::Theme;

/// Templates compiled once, with the site they render.
pub struct Renderer<'a> {
    tera: Tera,
    config: &'a SiteConfig,
    theme: &'a Theme,
    labels: Arc<Labels>,
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
        tera.register_function("t", labels.clone().tera_function(config.default_language));
        tera.set_escape_fn(escape_html);
        Ok(Renderer {
            tera,
            config,
            theme,
            labels,
        })
    }

    /// An interface label in the default language (the key itself if missing).
    pub fn label<'k>(&'k self, key: &'k str) -> &'k str {
        self.labels
            .get(key, self.config.default_language)
            .unwrap_or(key)
    }

    /// Renders `template` with `site`, `page` and the given values.
    pub fn render_with(
        &self,
        template: &str,
        page: &PageCtx,
        extra: &[(&str, serde_json::Value)],
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
        let mut files = self.render_articles(archive, sink)?;
        files += self.render_home(archive, sink)? + self.render_all(archive, sink)?;
        files += self.render_topics(archive, sink)?;
        files += self.render_sources(archive, sink)?;
        files += self.render_people(archive, sink)?;
        files += self.render_dates(archive, sink)?;
        let page = PageCtx::new("404.html", &self.config.base_url);
        sink.put("404.html", &self.render_with("404.html", &page, &[])?)?;
        Ok(files + 1 + self.write_statics(sink)?)
    }

    fn render_articles(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        (0..archive.entries.len())
            .into_par_iter()
            .try_for_each(|i| {
                let e = &archive.entries[i];
                let page = PageCtx::new(&e.path, &self.config.base_url);
                let ctx = article_ctx(archive, i, self.config);
                let html = self.render_with(
                    "article.html",
                    &page,
                    &[("article", serde_json::to_value(&ctx)?)],
                )?;
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
            let items: Vec<ArticleLink> = ((n - 1) * per..(n * per).min(archive.entries.len()))
                .map(|i| ArticleLink::new(archive, i, self.config.tz))
                .collect();
            let pagination = Pagination::new(n, total, &path_of);
            let topics: Vec<GroupLink> =
                archive.topics.iter().take(12).map(GroupLink::of).collect();
            let html = self.render_with(
                "index.html",
                &page,
                &[
                    ("articles", serde_json::to_value(&items)?),
                    ("pagination", serde_json::to_value(&pagination)?),
                    (
                        "total_articles",
                        serde_json::to_value(archive.entries.len())?,
                    ),
                    ("topics", serde_json::to_value(&topics)?),
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
            for i in (n - 1) * per..(n * per).min(archive.entries.len()) {
                let link = ArticleLink::new(archive, i, self.config.tz);
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
            let html = self.render_with(
                "all.html",
                &page,
                &[
                    ("groups", serde_json::to_value(&groups)?),
                    ("pagination", serde_json::to_value(&pagination)?),
                    (
                        "total_articles",
                        serde_json::to_value(archive.entries.len())?,
                    ),
                ],
            )?;
            sink.put(&path, &html)
        })?;
        Ok(total)
    }

    pub(crate) fn crumb(&self, key: &str, path: &str) -> Crumb {
        Crumb {
            zh: self
                .labels
                .get(key, crate::config::UiLanguage::Zh)
                .unwrap_or(key)
                .to_owned(),
            en: self
                .labels
                .get(key, crate::config::UiLanguage::En)
                .unwrap_or(key)
                .to_owned(),
            path: path.to_owned(),
        }
    }

    fn render_topics(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let links: Vec<GroupLink> = archive.topics.iter().map(GroupLink::of).collect();
        let mut files = self.render_groups("topics", "topics", &links, sink)?;
        for t in &archive.topics {
            files += self.render_list(
                archive,
                &ListPage {
                    kind: "topic",
                    zh: t.zh.clone(),
                    en: t.en.clone(),
                    dir: t.dir.clone(),
                    entries: &t.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("topics", "topics/index.html")],
                },
                sink,
            )?;
        }
        Ok(files)
    }

    fn render_sources(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let links: Vec<GroupLink> = archive.sources.iter().map(GroupLink::of).collect();
        let mut files = self.render_groups("sources", "sources", &links, sink)?;
        for s in &archive.sources {
            files += self.render_list(
                archive,
                &ListPage {
                    kind: "source",
                    zh: s.zh.clone(),
                    en: s.en.clone(),
                    dir: s.dir.clone(),
                    entries: &s.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("sources", "sources/index.html")],
                },
                sink,
            )?;
        }
        Ok(files)
    }

    fn render_people(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let links: Vec<GroupLink> = archive.people.iter().map(GroupLink::person).collect();
        let mut files = self.render_groups("people", "people", &links, sink)?;
        for p in &archive.people {
            let mut entries: Vec<usize> = p
                .roles
                .iter()
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            entries.sort_unstable();
            entries.dedup();
            let roles = p
                .roles
                .iter()
                .map(|(r, l)| RoleCount {
                    role: r.label_key(),
                    count: l.len(),
                })
                .collect();
            files += self.render_list(
                archive,
                &ListPage {
                    kind: "person",
                    zh: p.name.clone(),
                    en: p.name.clone(),
                    dir: p.dir.clone(),
                    entries: &entries,
                    roles,
                    breadcrumbs: vec![self.crumb("people", "people/index.html")],
                },
                sink,
            )?;
        }
        Ok(files)
    }

    /// Archive root, years, months and the undated page.
    fn render_dates(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let mut files = self.render_archive(archive, sink)?;
        for m in &archive.months {
            files += self.render_list(
                archive,
                &ListPage {
                    kind: "month",
                    zh: format!("{}年{}月", m.year, m.month),
                    en: format!("{:04}-{:02}", m.year, m.month),
                    dir: m.dir(),
                    entries: &m.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![
                        self.crumb("archive", "archive/index.html"),
                        Crumb {
                            zh: format!("{}年", m.year),
                            en: m.year.to_string(),
                            path: format!("{:04}/index.html", m.year),
                        },
                    ],
                },
                sink,
            )?;
        }
        files += self.render_list(
            archive,
            &ListPage {
                kind: "undated",
                zh: self
                    .labels
                    .get("undated", crate::config::UiLanguage::Zh)
                    .unwrap_or("")
                    .to_owned(),
                en: self
                    .labels
                    .get("undated", crate::config::UiLanguage::En)
                    .unwrap_or("")
                    .to_owned(),
                dir: "undated".into(),
                entries: &archive.undated,
                roles: Vec::new(),
                breadcrumbs: vec![self.crumb("archive", "archive/index.html")],
            },
            sink,
        )?;
        Ok(files)
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
