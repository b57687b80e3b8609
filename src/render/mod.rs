//! Render stage: Tera templates over typed contexts, for every page of the
//! site, handed to the write stage's [`Sink`] as they are made.

pub mod align;
pub mod article;
pub mod bilingual;
pub mod chart;
pub mod context;
pub mod feeds;
pub mod items;
pub mod labels;
pub mod lists;
pub mod memo;
pub mod meta;
mod pages;
pub mod sitemap;
pub mod theme;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::clean::{CleanBody, highlight};
use crate::config::{SiteConfig, UiLanguage};
use crate::link::Archive;
use crate::write::Sink;
use article::{Crumb, article_ctx};
use context::{ArticleLink, PageCtx, SiteCtx};
use labels::Labels;
use theme::Theme;

/// Templates compiled once, with the site they render.
pub struct Renderer<'a> {
    tera: Tera,
    config: &'a SiteConfig,
    theme: &'a Theme,
    labels: Arc<Labels>,
    /// Pages of the last build, to skip the ones whose values are unchanged.
    memo: Option<&'a memo::PageMemo>,
    /// List items already rendered.
    items: items::ItemCache,
    /// A folder for scratch files (the build cache's), if there is one.
    scratch: Option<&'a std::path::Path>,
}

impl<'a> Renderer<'a> {
    /// Compiles the theme's templates; errors name the template and line.
    pub fn new(config: &'a SiteConfig, theme: &'a Theme) -> Result<Self> {
        let mut labels = Labels::from_sources(&theme.labels_toml)?;
        labels.extend(&config.labels)?;
        let labels = Arc::new(labels);
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
            memo: None,
            items: items::ItemCache::default(),
            scratch: None,
        })
    }

    /// Skips pages the memo shows unchanged, and records the others in it.
    pub fn with_memo(mut self, memo: &'a memo::PageMemo) -> Self {
        self.memo = Some(memo);
        self
    }

    /// Lets stages that gather more than memory should hold (the search
    /// postings) keep it in scratch files in `dir`.
    pub fn with_scratch(mut self, dir: Option<&'a std::path::Path>) -> Self {
        self.scratch = dir;
        self
    }

    /// The folder for scratch files, if there is one.
    pub fn scratch(&self) -> Option<&std::path::Path> {
        self.scratch
    }

    /// The memo of the last build's pages, if there is one.
    pub fn memo(&self) -> Option<&memo::PageMemo> {
        self.memo
    }

    /// The site's base URL (for canonical links).
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The site's timezone, in which dates are shown.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.config.tz
    }

    /// An interface label in the default language (the key itself if missing).
    pub fn label<'k>(&'k self, key: &'k str) -> &'k str {
        self.labels
            .get(key, self.config.default_language)
            .unwrap_or(key)
    }

    /// A breadcrumb to `path` named by an interface label, in both languages.
    pub(crate) fn crumb(&self, key: &str, path: &str) -> Crumb {
        let get = |lang| self.labels.get(key, lang).unwrap_or(key).to_owned();
        Crumb {
            zh: get(UiLanguage::Zh),
            en: get(UiLanguage::En),
            path: path.to_owned(),
        }
    }

    /// Renders `template` with `site`, `page` and the values already in `ctx`.
    pub fn render_with(&self, template: &str, page: &PageCtx, mut ctx: Context) -> Result<Vec<u8>> {
        ctx.insert("site", &SiteCtx::new(self.config));
        ctx.insert("page", page);
        self.tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| anyhow!("{}", tera_error_chain(&e)))
            .with_context(|| format!("cannot render `{}` with template `{template}`", page.path))
    }

    /// Renders `template` with only the variables of `ctx` (a struct).
    fn render_fragment<T: serde::Serialize>(&self, template: &str, ctx: &T) -> Result<String> {
        let ctx = Context::from_serialize(ctx)?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| anyhow!("{}", tera_error_chain(&e)))
            .with_context(|| format!("cannot render template `{template}`"))
    }

    /// Renders and writes every page and static file; returns how many files.
    pub fn render_site(
        &self,
        archive: &Archive,
        sink: &dyn Sink,
        timings: &mut Vec<(&'static str, Duration)>,
    ) -> Result<usize> {
        let mut timer = Instant::now();
        let mut lap = |name: &'static str, timer: &mut Instant| {
            timings.push((name, timer.elapsed()));
            *timer = Instant::now();
        };
        // Every article as other pages link to it, made once.
        let links: Vec<ArticleLink> = (0..archive.entries.len())
            .into_par_iter()
            .map(|i| ArticleLink::new(archive, i, self.config.tz, self.config.default_language))
            .collect();
        let links = &links;
        // The sitemap lists the pages as they are written.
        let pages = sitemap::PageRecorder::new(sink);
        let (all, sink) = (sink, &pages as &dyn Sink);
        let mut files = self.render_articles(archive, links, sink)?;
        crate::memory::give_back();
        lap("  articles", &mut timer);
        files += self.render_home(archive, links, sink)?;
        files += self.render_all(archive, links, sink)?;
        files += self.render_topics(archive, links, sink)?;
        files += self.render_sources(archive, links, sink)?;
        files += self.render_people(archive, links, sink)?;
        files += self.render_dates(archive, links, sink)?;
        lap("  lists", &mut timer);
        files += self.render_languages(archive, links, sink)?;
        files += self.render_glossary(archive, links, sink)?;
        files += self.render_parallel(archive, links, sink)?;
        self.items.clear();
        crate::memory::give_back();
        files += self.write_i18n_js(sink)?;
        lap("  bilingual", &mut timer);
        let (search_files, patched) = crate::search::write_search(self, archive, sink)?;
        files += search_files;
        // `-v` tells whether the last build's index was patched.
        lap(
            if patched {
                "  search patch"
            } else {
                "  search"
            },
            &mut timer,
        );
        let page = PageCtx::new("404.html", &self.config.base_url);
        sink.put(
            "404.html",
            &self.render_with("404.html", &page, Context::new())?,
        )?;
        files += self.write_feeds(archive, all)?;
        files += self.write_sitemap(archive, &pages.pages()?, all)?;
        lap("  feeds+sitemap", &mut timer);
        Ok(files + 1 + self.write_statics(all)?)
    }

    fn render_articles(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        (0..archive.entries.len())
            .into_par_iter()
            .try_for_each(|i| {
                let e = &archive.entries[i];
                let page = PageCtx::new(&e.path, &self.config.base_url);
                let fill = |v: &mut memo::Vars, body: &CleanBody| {
                    v.add("article", &article_ctx(archive, links, i, body));
                    v.add("meta", &meta::meta_ctx(archive, i, self.config, &body.body));
                };
                let Some(stored) = e.body.stored.as_ref().filter(|_| self.memo.is_some()) else {
                    // The body is in memory (or there is no memo): the key
                    // is made of the values themselves.
                    let full = e.body.full()?;
                    return self.page("article.html", &page, sink, |v| fill(v, &full));
                };
                // The body's HTML is in the cache entry at `stored`, which
                // is never rewritten: its place stands for it in the memo's
                // key, so an unchanged page is kept without reading it back.
                // What stayed in memory (its links and images, resolved
                // against the archive) is in the key as it is.
                let place = (stored.pack.to_string_lossy(), stored.offset, stored.len);
                let key = |v: &mut memo::Vars| {
                    fill(v, &e.body);
                    v.add("stored", &place);
                };
                let render = || {
                    let mut v = memo::Vars::context();
                    fill(&mut v, &*e.body.full()?);
                    self.render_with("article.html", &page, v.into_context())
                };
                self.page_keyed("article.html", &page, sink, key, render)
            })?;
        Ok(archive.entries.len())
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
