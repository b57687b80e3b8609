//! The pipeline up to the link stage: everything a build and a check share.
//!
//! load → parse + clean (cached per file) → link, each timed; rendering and writing are the
//! build's (`build.rs`).

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cache::Cache;
use crate::cache::articles::{ArticleCache, Outcome};
use crate::clean::byline::Pattern;
use crate::clean::{self, CleanBody, CleanOptions};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::glossary::UsesMemo;
use crate::link::topics::TopicMap;
use crate::link::url_key::UrlMatcher;
use crate::link::{self, Archive, LinkOptions};
use crate::load::{self, Loaded, Source};
use crate::parse::{self, Article, ParseOptions};
use crate::progress::ProgressMode;

/// A site read, cleaned and linked, ready to render or to report on.
pub struct Prepared {
    pub config: SiteConfig,
    pub content_dir: PathBuf,
    pub archive: Archive,
    pub diagnostics: Diagnostics,
    pub timings: Vec<(&'static str, Duration)>,
    /// How many articles came from the build cache.
    pub cached: usize,
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

/// Runs load, parse, clean and link over `root/content`, without a cache.
pub fn prepare(root: &Path, config: SiteConfig) -> Result<Prepared> {
    let timer = Instant::now();
    let loaded = load_content(root, &config, None, ProgressMode::Quiet)?;
    let timings = vec![("load", timer.elapsed())];
    prepare_loaded(
        root,
        config,
        loaded,
        &Cache::disabled(),
        ProgressMode::Quiet,
        timings,
    )
}

/// The load stage: every file of `root/content`, read, except (with a
/// `cache`) those the last build read that did not change since (see
/// [`load::Stamps`]).
pub fn load_content(
    root: &Path,
    config: &SiteConfig,
    cache: Option<&Cache>,
    progress: ProgressMode,
) -> Result<Loaded> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        bail!(
            "no `content/` folder in `{}`: put the articles there, or point --root at the site folder",
            root.display()
        );
    }
    let step = progress.step("load", 0);
    let known: load::Stamps = cache.and_then(|c| c.load(STAMPS)).unwrap_or_default();
    let loaded = load::load(
        &content_dir,
        Path::new("content"),
        config.max_file_bytes,
        &known,
    );
    if let Some(cache) = cache
        && loaded.stamps != known
    {
        cache.save(STAMPS, &loaded.stamps);
    }
    step.finish(&format!(
        "{} article file(s), {} other file(s)",
        loaded.sources.len(),
        loaded.assets.len()
    ));
    Ok(loaded)
}

/// Parse, clean (through the cache) and link of loaded content.
pub fn prepare_loaded(
    root: &Path,
    config: SiteConfig,
    loaded: Loaded,
    cache: &Cache,
    progress: ProgressMode,
    mut timings: Vec<(&'static str, Duration)>,
) -> Result<Prepared> {
    let content_dir = root.join("content");
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .build_global();
    let mut diagnostics = Diagnostics::default();
    let mut timer = Instant::now();
    let mut lap = |name: &'static str, timer: &mut Instant| {
        timings.push((name, timer.elapsed()));
        *timer = Instant::now();
    };
    diagnostics.extend(loaded.diagnostics);

    let patterns = config.byline_patterns()?;
    let assets = load::AssetIndex::new(&loaded.assets);
    let opts_parse = ParseOptions {
        tz: config.tz,
        drafts: config.drafts,
    };
    let mut articles_cache = ArticleCache::new(cache, clean_settings(&config, &loaded.assets));
    let keys: Vec<u128> = loaded
        .sources
        .par_iter()
        .map(|s| articles_cache.key(s))
        .collect();
    articles_cache.plan(&keys);
    let step = progress.step("parse+clean", keys.len());
    let hits = AtomicUsize::new(0);
    let outcomes: Vec<Outcome> = loaded
        .sources
        .into_par_iter()
        .zip(keys.par_iter())
        .map(|(source, &key)| {
            // What the cache holds need not stay in memory until rendering:
            // hits and stored outcomes keep their bodies there.
            let outcome = match articles_cache.get(key) {
                Some(o) => {
                    hits.fetch_add(1, Ordering::Relaxed);
                    o
                }
                // A file known from the last build is read now; it is
                // cached under the key of the bytes read.
                None => match source.read() {
                    Ok(source) => {
                        let mut o = parse_and_clean(&source, opts_parse, &patterns, &assets);
                        articles_cache.put(articles_cache.key(&source), &mut o);
                        o
                    }
                    Err(d) => Outcome {
                        diagnostics: vec![d],
                        item: None,
                    },
                },
            };
            step.inc();
            outcome
        })
        .collect();
    articles_cache.finish();
    if let Some(trims) = clean::glosses::trims_to_keep() {
        cache.save(TRIMS, &trims);
    }
    let hits = hits.into_inner();
    let mut items = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        diagnostics.extend(o.diagnostics);
        items.extend(o.item);
    }
    step.finish(&format!(
        "{} article(s), {hits} from the cache",
        items.len()
    ));
    lap("parse+clean", &mut timer);

    let step = progress.step("link", 0);
    let topic_map =
        TopicMap::new(config.topic_defaults, &config.topics).map_err(|e| anyhow::anyhow!("{e}"))?;
    let translation_pairs = read_translations(root)?;
    let uses = UsesMemo::new(cache.load(GLOSSARY_USES).unwrap_or_default());
    let link_opts = LinkOptions {
        tz: config.tz,
        topics: &topic_map,
        matcher: UrlMatcher::new(&config.ignore_query_params),
        translation_pairs: &translation_pairs,
        uses: Some(&uses),
    };
    let (archive, link_diags) = link::link(items, &link_opts)?;
    if let Some(known) = uses.finish() {
        cache.save(GLOSSARY_USES, &known);
    }
    diagnostics.extend(link_diags);
    step.finish("cross-references, glossary, translations");
    crate::memory::give_back();
    lap("link", &mut timer);
    diagnostics.sort();
    Ok(Prepared {
        config,
        content_dir,
        archive,
        diagnostics,
        timings,
        cached: hits,
    })
}

/// The build cache's file of the article files' stamps.
const STAMPS: &str = "files.bin";

/// The build cache's file of the glossary terms jieba trimmed.
const TRIMS: &str = "gloss-trims.bin";

/// Where jieba cut glossary terms, by term.
type Trims = rustc_hash::FxHashMap<String, u32>;

/// Adds the glossary term cuts kept in `cache` to those known; whether a
/// build kept them.
pub fn remember_trims(cache: &Cache) -> bool {
    let kept: Option<Trims> = cache.load(TRIMS);
    let known = kept.is_some();
    if let Some(cuts) = kept {
        clean::glosses::remember_trims(cuts);
    }
    known
}

/// The build cache's file of the glossary uses found by the last build.
const GLOSSARY_USES: &str = "glossary-uses.bin";

/// Everything besides an article's own file that parse and clean depend on:
/// site.toml (byline patterns, time zone), `--drafts`, and which local images
/// exist.
fn clean_settings(config: &SiteConfig, assets: &[PathBuf]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&config.source_hash.to_le_bytes());
    h.update(&[config.drafts as u8]);
    for a in assets {
        h.update(a.to_string_lossy().as_bytes());
        h.update(b"\0");
    }
    h.digest128()
}

/// Parses and cleans one file; every problem is in the outcome.
fn parse_and_clean(
    source: &Source,
    opts: ParseOptions,
    patterns: &[Pattern],
    assets: &load::AssetIndex,
) -> Outcome {
    let parsed = parse::parse_source(source, opts);
    let mut outcome = Outcome {
        diagnostics: parsed.diagnostics,
        item: None,
    };
    if let Some(article) = parsed.article {
        match clean_guarded(article, patterns, assets) {
            Ok(item) => outcome.item = Some(item),
            Err(d) => outcome.diagnostics.push(d),
        }
    }
    outcome
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
