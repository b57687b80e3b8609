//! The build: the pipeline, then render and write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use xxhash_rust::xxh3::Xxh3;

use crate::cache::last_build::{Fingerprint, LastBuild};
use crate::cache::{Cache, binary_id, field};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::pipeline::{configure, load_content, prepare_loaded};
use crate::progress::ProgressMode;
use crate::render::Renderer;
use crate::render::memo::PageMemo;
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
    /// Ignore `.duben-cache/` (it is still refreshed for the next build).
    pub force: bool,
    /// How progress is shown while building.
    pub progress: ProgressMode,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub articles: usize,
    /// URL sections without a topic label, with their article counts.
    pub unmapped_sections: Vec<(String, usize)>,
    pub files: usize,
    /// Files identical to the previous output's, left untouched.
    pub unchanged: usize,
    /// Nothing changed since the last build: nothing was done.
    pub up_to_date: bool,
    /// Articles whose parse + clean came from the cache.
    pub cached: usize,
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
///
/// Parse + clean results come from `.duben-cache/` when the file, the
/// settings and the binary are unchanged; when no input changed at all and
/// the output is as the last build left it, nothing is done.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let root = &opts.root;
    let cache = Cache::new(root, opts.force);
    // The conversion tables take about 0.03 s to build, which even one
    // edited article needs, and jieba's dictionary 0.09 s (needed by
    // glossary terms not seen before): built from the start, on a side
    // thread, while this one reads the settings and templates.
    let jieba = !crate::pipeline::remember_trims(&cache);
    std::thread::spawn(move || {
        crate::clean::glosses::warm_up(jieba);
        crate::search::normalize::warm_up();
    });
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
    let timer = Instant::now();
    let loaded = load_content(root, &config, Some(&cache), opts.progress)?;
    let timings = vec![("load", timer.elapsed())];
    let fingerprint = inputs_fingerprint(root, opts, &config, &output, &theme, &loaded);
    let abs_output = std::path::absolute(&output).unwrap_or_else(|_| output.clone());
    let mut last = LastBuild::load(&cache).filter(|l| l.output == abs_output);
    if let Some(last) = last.take_if(|l| l.matches(&fingerprint, &abs_output, opts.zip.as_deref()))
    {
        return Ok(up_to_date_report(last, opts, output, started, timings));
    }
    // From here until the new record is saved, the record would lie.
    LastBuild::forget(&cache);
    let memo = PageMemo::new(render_salt(&config, &theme), last.as_ref());
    let mut prepared = prepare_loaded(root, config, loaded, &cache, opts.progress, timings)?;
    if prepared.config.base_url.is_empty() {
        // One warning for the whole build, not one per page.
        prepared.diagnostics.push(no_base_url_warning());
    }
    let renderer = Renderer::new(&prepared.config, &theme)?
        .with_memo(&memo)
        .with_scratch(cache.scratch_dir());
    let mut timings = prepared.timings;
    let timer = Instant::now();
    let step = opts.progress.step("render", 0);
    let staging = Staging::begin(&output)?;
    renderer.render_site(&prepared.archive, &staging, &mut timings)?;
    for (content_path, out_path) in &prepared.archive.assets {
        staging.copy(&prepared.content_dir.join(content_path), out_path)?;
    }
    let (files, unchanged) = (staging.files(), staging.unchanged());
    step.finish(&format!("{files} file(s), {unchanged} unchanged"));
    timings.push(("render+write", timer.elapsed()));
    let listing = staging.commit()?;
    let mut zip = None;
    if let Some(path) = &opts.zip {
        let timer = Instant::now();
        write::zip::zip_site(&output, path)?;
        timings.push(("zip", timer.elapsed()));
        zip = std::fs::metadata(path)
            .ok()
            .map(|m| (path.clone(), m.len()));
    }
    drop(renderer);
    let render_salt = Some(memo.salt());
    let (pages, search) = memo.finish();
    let report = BuildReport {
        unmapped_sections: prepared.archive.unmapped_sections(),
        articles: prepared.archive.entries.len(),
        files,
        unchanged,
        up_to_date: false,
        cached: prepared.cached,
        output,
        zip: opts.zip.clone(),
        diagnostics: prepared.diagnostics,
        elapsed: started.elapsed(),
        timings,
    };
    // Freeing the archive's many small allocations takes a while; nothing
    // waits for it.
    let archive = prepared.archive;
    std::thread::spawn(move || drop(archive));
    LastBuild {
        fingerprint,
        output: abs_output,
        files: listing,
        zip,
        articles: report.articles,
        unmapped_sections: report.unmapped_sections.clone(),
        diagnostics: report.diagnostics.items.clone(),
        render_salt,
        pages,
        search,
    }
    .save(&cache);
    Ok(report)
}

/// Hashes everything a build reads: the options, site.toml,
/// translations.toml, the theme, every article file's bytes and every other
/// content file's size and time.
fn inputs_fingerprint(
    root: &Path,
    opts: &BuildOptions,
    config: &crate::config::SiteConfig,
    output: &Path,
    theme: &Theme,
    loaded: &Loaded,
) -> String {
    let mut f = Fingerprint::default();
    f.add(
        format!(
            "{:?}|{:?}|{}|{}",
            output, opts.zip, config.base_url, config.drafts
        )
        .as_bytes(),
    );
    f.add(&config.source_hash.to_le_bytes());
    f.add(&std::fs::read(root.join("translations.toml")).unwrap_or_default());
    for (name, text) in &theme.templates {
        f.add(name.as_bytes());
        f.add(text.as_bytes());
    }
    for (name, text) in &theme.labels_toml {
        f.add(name.as_bytes());
        f.add(text.as_bytes());
    }
    for (name, bytes) in &theme.statics {
        f.add(name.as_bytes());
        f.add(bytes);
    }
    for s in &loaded.sources {
        f.add(s.rel_path.to_string_lossy().as_bytes());
        f.add(&s.hash.to_le_bytes());
    }
    for a in &loaded.assets {
        f.add_file_meta(&root.join("content").join(a));
    }
    for d in &loaded.diagnostics {
        f.add(d.to_string().as_bytes());
    }
    f.finish()
}

/// What every rendered page depends on besides its own values: the
/// binary, site.toml (and `--base-url`, `--drafts`) and the theme.
fn render_salt(config: &crate::config::SiteConfig, theme: &Theme) -> u128 {
    let mut h = Xxh3::new();
    field(&mut h, &binary_id().to_le_bytes());
    field(&mut h, &config.source_hash.to_le_bytes());
    field(&mut h, config.base_url.as_bytes());
    field(&mut h, &[u8::from(config.drafts)]);
    let labels = theme.labels_toml.iter().map(|(n, t)| (n, t));
    for (name, text) in theme.templates.iter().chain(labels) {
        field(&mut h, name.as_bytes());
        field(&mut h, text.as_bytes());
    }
    h.digest128()
}

/// The report of a build that found nothing to do.
fn up_to_date_report(
    last: LastBuild,
    opts: &BuildOptions,
    output: PathBuf,
    started: Instant,
    timings: Vec<(&'static str, Duration)>,
) -> BuildReport {
    BuildReport {
        articles: last.articles,
        unmapped_sections: last.unmapped_sections,
        files: last.files.len(),
        unchanged: last.files.len(),
        up_to_date: true,
        cached: last.articles,
        output,
        zip: opts.zip.clone(),
        diagnostics: Diagnostics {
            items: last.diagnostics,
        },
        elapsed: started.elapsed(),
        timings,
    }
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
        if let Some(kib) = peak_memory_kib() {
            s.push_str(&format!("  peak memory    {:>8} MiB\n", kib / 1024));
        }
    }
    if report.up_to_date {
        s.push_str(&format!(
            "Nothing changed since the last build: {} article(s), skipped {}, {} warning(s); {} file(s) in {} are up to date ({:.2} s)\n",
            report.articles,
            skipped.len(),
            warnings.len(),
            report.files,
            shown_path(&report.output).display(),
            report.elapsed.as_secs_f64()
        ));
    } else {
        s.push_str(&format!(
            "Built {} article(s), skipped {}, {} warning(s); wrote {} file(s) to {} ({} unchanged) in {:.2} s\n",
            report.articles,
            skipped.len(),
            warnings.len(),
            report.files,
            shown_path(&report.output).display(),
            report.unchanged,
            report.elapsed.as_secs_f64()
        ));
    }
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

/// The process's peak resident memory (Linux: `VmHWM`), for `-v`.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `./public` shows as `public`.
fn shown_path(p: &Path) -> &Path {
    p.strip_prefix(".").unwrap_or(p)
}
