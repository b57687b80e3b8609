//! The build: runs the pipeline stages in order and reports what happened.
//!
//! load → parse → clean → link → render → write, each timed.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

use crate::clean::byline::Pattern;
use crate::clean::{self, CleanBody, CleanOptions};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link;
use crate::link::LinkOptions;
use crate::link::topics::TopicMap;
use crate::link::url_key::UrlMatcher;
use crate::load;
use crate::parse::{self, Article, ParseOptions};
use crate::render::Renderer;
use crate::render::theme::Theme;
use crate::write::{self, Staging};

/// What `duben build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holds `site.toml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `output_dir` of site.toml (relative to the root) when `None`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Also write a zip of the site here.
    pub zip: Option<PathBuf>,
    /// Build drafts too.
    pub drafts: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub articles: usize,
    /// URL sections without a topic label, with their article counts.
    pub unmapped_sections: Vec<(String, usize)>,
    pub files: usize,
    pub output: PathBuf,
    pub zip: Option<PathBuf>,
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
    pub timings: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    pub fn skipped(&self) -> usize {
        self.diagnostics.skipped().count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.warnings().count()
    }
}

/// Runs a whole build. `Err` means the build as a whole failed (bad
/// configuration, template error, unwritable output); the previous output is
/// then left as it was. Problems with single articles are in the report.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let root = &opts.root;
    let mut config = read_config(root)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url).context("invalid --base-url")?;
    }
    config.drafts |= opts.drafts;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    write::check_output_dir(root, &output)?;
    if let Some(zip) = &opts.zip {
        write::zip::check_zip_path(zip, root, &output)?;
    }
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        bail!(
            "no `content/` folder in `{}`: put the articles there, or point --root at the site folder",
            root.display()
        );
    }
    let theme = Theme::load(root)?;
    let renderer = Renderer::new(&config, &theme)?;
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .build_global();

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

    let staging = Staging::begin(&output)?;
    renderer.render_site(&archive, &staging)?;
    for (content_path, out_path) in &archive.assets {
        staging.copy(&content_dir.join(content_path), out_path)?;
    }
    let files = staging.files();
    lap("render+write", &mut timer);
    staging.commit()?;
    if let Some(zip) = &opts.zip {
        write::zip::zip_site(&output, zip)?;
        lap("zip", &mut timer);
    }
    diagnostics.sort();
    Ok(BuildReport {
        unmapped_sections: archive.unmapped_sections(),
        articles: archive.entries.len(),
        files,
        output,
        zip: opts.zip.clone(),
        diagnostics,
        elapsed: started.elapsed(),
        timings,
    })
}

fn read_config(root: &Path) -> Result<SiteConfig> {
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

/// `./public` shows as `public`.
fn shown_path(p: &Path) -> &Path {
    p.strip_prefix(".").unwrap_or(p)
}

/// The end-of-build summary, as printed by the command line.
pub fn summary(report: &BuildReport, verbose: bool) -> String {
    let mut s = String::new();
    let skipped: Vec<&Diagnostic> = report.diagnostics.skipped().collect();
    let warnings: Vec<&Diagnostic> = report.diagnostics.warnings().collect();
    if !skipped.is_empty() {
        s.push_str(&format!("Skipped {} file(s):\n", skipped.len()));
        for d in &skipped {
            s.push_str(&format!("  {d}\n"));
        }
    }
    if !warnings.is_empty() {
        let shown = if verbose {
            warnings.len()
        } else {
            warnings.len().min(30)
        };
        s.push_str(&format!("{} warning(s):\n", warnings.len()));
        for d in &warnings[..shown] {
            s.push_str(&format!("  {d}\n"));
        }
        if shown < warnings.len() {
            s.push_str(&format!(
                "  ... and {} more (run with -v to see all)\n",
                warnings.len() - shown
            ));
        }
    }
    if !report.unmapped_sections.is_empty() {
        let list: Vec<String> = report
            .unmapped_sections
            .iter()
            .map(|(s, n)| format!("{s} ({n})"))
            .collect();
        s.push_str(&format!(
            "Topics without a label (add them to [topics] in site.toml): {}\n",
            list.join(", ")
        ));
    }
    if verbose {
        for (stage, t) in &report.timings {
            s.push_str(&format!(
                "  {stage:<14} {:>8.1} ms\n",
                t.as_secs_f64() * 1000.0
            ));
        }
    }
    s.push_str(&format!(
        "Built {} article(s), skipped {}, {} warning(s); wrote {} file(s) to {} in {:.2} s\n",
        report.articles,
        skipped.len(),
        warnings.len(),
        report.files,
        shown_path(&report.output).display(),
        report.elapsed.as_secs_f64()
    ));
    if let Some(zip) = &report.zip {
        s.push_str(&format!("Zipped the site to {}\n", zip.display()));
    }
    let index = report.output.join("index.html");
    let abs = index.canonicalize().unwrap_or(index);
    s.push_str(&format!(
        "Open file://{} in a browser to read it.\n",
        abs.display()
    ));
    s
}
