//! The build: the pipeline, then render and write; and the check, which
//! stops before rendering.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::Archive;
use crate::link::translations::{SUGGEST_MIN_SCORE, USE_MIN_MATCHES, USE_MIN_SCORE};
use crate::pipeline::{configure, prepare};
use crate::render::Renderer;
use crate::render::sitemap::no_base_url_warning;
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
    let root = &opts.root;
    let config = configure(root, opts.base_url.as_deref(), opts.drafts)?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    write::check_output_dir(root, &output)?;
    if let Some(zip) = &opts.zip {
        write::zip::check_zip_path(zip, root, &output)?;
    }
    let theme = Theme::load(root)?;
    // Templates compile before any article is read: a template error fails fast.
    Renderer::new(&config, &theme)?;
    let mut prepared = prepare(root, config)?;
    if prepared.config.base_url.is_empty() {
        // One warning for the whole build, not one per page.
        prepared.diagnostics.push(no_base_url_warning());
    }
    let renderer = Renderer::new(&prepared.config, &theme)?;
    let mut timings = prepared.timings;
    let timer = Instant::now();
    let staging = Staging::begin(&output)?;
    renderer.render_site(&prepared.archive, &staging, &mut timings)?;
    for (content_path, out_path) in &prepared.archive.assets {
        staging.copy(&prepared.content_dir.join(content_path), out_path)?;
    }
    let files = staging.files();
    timings.push(("render+write", timer.elapsed()));
    staging.commit()?;
    if let Some(zip) = &opts.zip {
        let timer = Instant::now();
        write::zip::zip_site(&output, zip)?;
        timings.push(("zip", timer.elapsed()));
    }
    Ok(BuildReport {
        unmapped_sections: prepared.archive.unmapped_sections(),
        articles: prepared.archive.entries.len(),
        files,
        output,
        zip: opts.zip.clone(),
        diagnostics: prepared.diagnostics,
        elapsed: started.elapsed(),
        timings,
    })
}

/// What `duben check` found.
pub struct CheckReport {
    pub archive: Archive,
    pub diagnostics: Diagnostics,
}

/// Reads, cleans and links the site without writing anything.
pub fn check(root: &Path) -> Result<CheckReport> {
    let config = configure(root, None, false)?;
    let theme = Theme::load(root)?;
    Renderer::new(&config, &theme)?;
    let prepared = prepare(root, config)?;
    Ok(CheckReport {
        archive: prepared.archive,
        diagnostics: prepared.diagnostics,
    })
}

/// The check's report: problems, unlabelled topics, translation pairs.
pub fn check_summary(report: &CheckReport) -> String {
    let mut s = String::new();
    for d in &report.diagnostics.items {
        s.push_str(&format!("{d}\n"));
    }
    let unmapped = report.archive.unmapped_sections();
    for (section, n) in &unmapped {
        s.push_str(&format!("note: topic section `{section}` ({n} article(s)) has no label; add it to [topics] in site.toml\n"));
    }
    let a = &report.archive;
    let used = a.suggestions.iter().filter(|p| p.used).count();
    s.push_str(&format!(
        "Automatic translation pairs ({used} used: score ≥ {USE_MIN_SCORE} with ≥ {USE_MIN_MATCHES} names; listed from {SUGGEST_MIN_SCORE}):\n"
    ));
    let mut pairs: Vec<_> = a.suggestions.iter().collect();
    pairs.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.zh.cmp(&y.zh)));
    for p in pairs {
        let (z, e) = (&a.entries[p.zh], &a.entries[p.en]);
        s.push_str(&format!(
            "  {} {:.2} ({} names) {} ⇄ {}\n",
            if p.used { "used     " } else { "suggested" },
            p.score,
            p.matched,
            z.article.display_path.display(),
            e.article.display_path.display()
        ));
    }
    let skipped = report.diagnostics.skipped().count();
    s.push_str(&format!(
        "Checked {} article(s): {} skipped, {} warning(s)\n",
        a.entries.len() + skipped,
        skipped,
        report.diagnostics.warnings().count()
    ));
    s
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

/// `./public` shows as `public`.
fn shown_path(p: &Path) -> &Path {
    p.strip_prefix(".").unwrap_or(p)
}
