//! The pipeline up to the link stage: everything a build and a check share.
//!
//! load → parse → clean → link, each timed; rendering and writing are the
//! build's (`build.rs`).

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::clean::byline::Pattern;
use crate::clean::{self, CleanBody, CleanOptions};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::topics::TopicMap;
use crate::link::url_key::UrlMatcher;
use crate::link::{self, Archive, LinkOptions};
use crate::load;
use crate::parse::{self, Article, ParseOptions};

/// A site read, cleaned and linked, ready to render or to report on.
pub struct Prepared {
    pub config: SiteConfig,
    pub content_dir: PathBuf,
    pub archive: Archive,
    pub diagnostics: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Reads `root/site.toml`, with `--base-url` and `--drafts` applied.
pub fn configure(root: &Path, base_url: Option<&str>, drafts: bool) -> Result<SiteConfig> {
    let mut config = read_config(root)?;
    if let Some(url) = base_url {
        config.set_base_url(url).context("invalid --base-url")?;
    }
    config.drafts |= drafts;
    Ok(config)
}

/// Runs load, parse, clean and link over `root/content`.
pub fn prepare(root: &Path, config: SiteConfig) -> Result<Prepared> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        bail!(
            "no `content/` folder in `{}`: put the articles there, or point --root at the site folder",
            root.display()
        );
    }
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .build_global();
    let mut timings = Vec::new();
    let mut diagnostics = Diagnostics::default();
    let mut timer = Instant::now();
    let mut lap = |name: &'static str, timer: &mut Instant| {
        timings.push((name, timer.elapsed()));
        *timer = Instant::now();
    };

    let loaded = load::load(&content_dir, Path::new("content"), config.max_file_bytes);
    diagnostics.extend(loaded.diagnostics);
    lap("load", &mut timer);

    let opts_parse = ParseOptions {
        tz: config.tz,
        drafts: config.drafts,
    };
    let parsed: Vec<parse::Parsed> = loaded
        .sources
        .par_iter()
        .map(|s| parse::parse_source(s, opts_parse))
        .collect();
    drop(loaded.sources);
    let mut articles = Vec::with_capacity(parsed.len());
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        articles.extend(p.article);
    }
    lap("parse", &mut timer);

    let patterns = config.byline_patterns()?;
    let assets = load::AssetIndex::new(&loaded.assets);
    let cleaned: Vec<Result<(Article, CleanBody), Diagnostic>> = articles
        .into_par_iter()
        .map(|a| clean_guarded(a, &patterns, &assets))
        .collect();
    let mut items = Vec::with_capacity(cleaned.len());
    for c in cleaned {
        match c {
            Ok(item) => items.push(item),
            Err(d) => diagnostics.push(d),
        }
    }
    lap("clean", &mut timer);

    let topic_map =
        TopicMap::new(config.topic_defaults, &config.topics).map_err(|e| anyhow::anyhow!("{e}"))?;
    let translation_pairs = read_translations(root)?;
    let link_opts = LinkOptions {
        tz: config.tz,
        topics: &topic_map,
        matcher: UrlMatcher::new(&config.ignore_query_params),
        translation_pairs: &translation_pairs,
    };
    let (archive, link_diags) = link::link(items, &link_opts);
    diagnostics.extend(link_diags);
    lap("link", &mut timer);
    diagnostics.sort();
    Ok(Prepared {
        config,
        content_dir,
        archive,
        diagnostics,
        timings,
    })
}

pub fn read_config(root: &Path) -> Result<SiteConfig> {
    let path = root.join("site.toml");
    if !path.is_file() {
        bail!(
            "no `site.toml` in `{}`: run duben in a site folder or pass --root DIR",
            root.display()
        );
    }
    SiteConfig::from_file(&path)
}
/// `translations.toml` beside site.toml: `"source URL" = "source URL"` lines.
fn read_translations(root: &Path) -> Result<Vec<(String, String)>> {
    let path = root.join("translations.toml");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let table: std::collections::BTreeMap<String, String> = toml::from_str(&text).with_context(|| {
        format!(
            "invalid `{}`: write one `\"source URL\" = \"source URL of its translation\"` per line",
            path.display()
        )
    })?;
    Ok(table.into_iter().collect())
}
/// Cleans one article; a panic in a dependency on hostile input skips the
/// article instead of ending the build.
fn clean_guarded(
    mut article: Article,
    patterns: &[Pattern],
    assets: &load::AssetIndex,
) -> Result<(Article, CleanBody), Diagnostic> {
    let rel = article.rel_path.clone();
    let local = move |src: &str| assets.lookup(&rel, src);
    let opts = CleanOptions {
        bylines: patterns,
        local_image: &local,
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| clean::clean(&article, &opts)));
    match result {
        Ok(body) => {
            // The raw body is no longer needed: keep memory to the clean one.
            article.body = String::new();
            Ok((article, body))
        }
        Err(_) => Err(Diagnostic::skipped(
            &article.display_path,
            Some(article.body_line),
            "its body could not be cleaned (internal error; please report it with this file)",
        )),
    }
}
