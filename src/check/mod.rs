//! `duben check`: everything a build validates, without writing anything.
//!
//! Runs the pipeline (load → parse → clean → link), renders the site into
//! memory, and turns what it finds into [`Finding`]s: files that cannot be
//! built, per-file warnings, unlabelled topics, duplicate source URLs,
//! translation problems, internal links that resolve to no page and local
//! images that are not in `content/`.

mod links;
mod refs;
mod report;
mod translations;

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::cache::Cache;
use crate::diagnostics::{Diagnostic, Severity};
use crate::link::Archive;
use crate::pipeline::{configure, load_content, prepare_loaded};
use crate::progress::ProgressMode;
use crate::render::Renderer;
use crate::render::theme::Theme;
pub use report::{json, text};

/// How bad a finding is: errors make `duben check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem found by the check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub level: Level,
    /// Stable machine name: `skipped`, `article-warning`, `unmapped-topic`,
    /// `duplicate-url`, `unmatched-translation`, `lonely-translation-key`,
    /// `suspicious-pair`, `broken-link`, `missing-image`.
    pub kind: &'static str,
    /// The file concerned, relative to the site folder (`content/a.md`), or
    /// the output page for links that come from the theme (`public/x.html`).
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// What is wrong and how to fix it, for a human.
    pub message: String,
    /// The link, image, URL, topic section or translation key concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Articles concerned (unmapped topics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// Score of an automatic translation pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl Finding {
    pub fn new(level: Level, kind: &'static str, file: impl Into<String>) -> Finding {
        Finding {
            level,
            kind,
            file: file.into(),
            line: None,
            message: String::new(),
            target: None,
            count: None,
            score: None,
        }
    }

    pub fn line(mut self, line: Option<usize>) -> Finding {
        self.line = line;
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Finding {
        self.target = Some(target.into());
        self
    }
}

/// What `duben check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Articles that would be built.
    pub articles: usize,
    /// Files the site would have.
    pub pages: usize,
    /// Errors first, then by file, line and kind.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.count(Level::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Level::Warning)
    }

    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

/// Checks the site in `root`. `Err` means it cannot be checked at all (no
/// or invalid site.toml, a template that does not compile, no `content/`).
pub fn check(root: &Path) -> Result<CheckReport> {
    let config = configure(root, None, false)?;
    let theme = Theme::load(root)?;
    Renderer::new(&config, &theme)?;
    // The build cache is read (a checked site is usually built too) but
    // never written: check writes nothing.
    // Check reads every file: it looks for links and images in their text.
    let loaded = load_content(root, &config, None, ProgressMode::Quiet)?;
    let refs = refs::check(&loaded, &config);
    let cache = Cache::read_only(root);
    let prepared = prepare_loaded(
        root,
        config,
        loaded,
        &cache,
        ProgressMode::Quiet,
        Vec::new(),
    )?;
    let archive = &prepared.archive;
    let mut findings: Vec<Finding> = prepared
        .diagnostics
        .items
        .iter()
        .filter(|d| !translations::is_file_pair_diagnostic(d))
        .map(from_diagnostic)
        .collect();
    if prepared.config.base_url.is_empty() {
        let d = crate::render::sitemap::no_base_url_warning();
        findings.push(Finding::new(Level::Warning, "no-base-url", "site.toml").message(d.message));
    }
    findings.extend(unmapped_topics(archive));
    findings.extend(translations::check(root, archive)?);
    findings.extend(refs);
    let renderer = Renderer::new(&prepared.config, &theme)?;
    let rendered = links::render(&renderer, archive)?;
    let out_dir = prepared
        .config
        .output_dir
        .to_string_lossy()
        .replace('\\', "/");
    findings.extend(rendered.broken_links(&out_dir));
    findings.sort_by(|a, b| {
        (a.level, &a.file, a.line, a.kind, &a.target)
            .cmp(&(b.level, &b.file, b.line, b.kind, &b.target))
    });
    Ok(CheckReport {
        articles: archive.entries.len(),
        pages: rendered.files.len(),
        findings,
    })
}

/// A build's diagnostic as a finding: a skipped file is an error, except a
/// duplicate (the same article is built from its other copy).
fn from_diagnostic(d: &Diagnostic) -> Finding {
    let duplicate = d.duplicate_of.is_some();
    let (level, kind) = match d.severity {
        Severity::Skipped if duplicate => (Level::Warning, "duplicate-url"),
        Severity::Skipped => (Level::Error, "skipped"),
        Severity::Warning => (Level::Warning, "article-warning"),
    };
    Finding::new(level, kind, d.path.to_string_lossy().replace('\\', "/"))
        .line(d.line)
        .message(d.message.clone())
}

/// URL sections that fell back to a generated label.
fn unmapped_topics(archive: &Archive) -> Vec<Finding> {
    archive
        .topics
        .iter()
        .filter(|t| !t.mapped)
        .map(|t| {
            let n = t.entries.len();
            let first = t
                .entries
                .first()
                .map(|&i| archive.entries[i].article.display_path.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|| "site.toml".into());
            let mut f = Finding::new(Level::Warning, "unmapped-topic", first)
                .target(t.section.clone())
                .message(format!(
                    "topic section `{}` ({n} article(s)) has no label and shows as “{}”; add `\"{}\" = {{ zh = \"…\", en = \"…\" }}` under [topics] in site.toml",
                    t.section, t.en, t.section
                ));
            f.count = Some(n);
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_warnings_and_other_skipped_files_errors() {
        let p = Path::new("content/a.md");
        let dup = Diagnostic::duplicate(p, Path::new("content/b.md"));
        let f = from_diagnostic(&dup);
        assert_eq!((f.level, f.kind), (Level::Warning, "duplicate-url"));
        let f = from_diagnostic(&Diagnostic::skipped(p, Some(1), "is empty"));
        assert_eq!(
            (f.level, f.kind, f.line),
            (Level::Error, "skipped", Some(1))
        );
        let f = from_diagnostic(&Diagnostic::warning(p, Some(2), "no timestamp"));
        assert_eq!((f.level, f.kind), (Level::Warning, "article-warning"));
    }
}
