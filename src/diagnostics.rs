//! Diagnostics: per-article problems collected by every stage and summarized at
//! the end of the build. A diagnostic never stops the other articles.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem was for the article it concerns.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The article was built, with a stated fallback.
    Warning,
    /// The article was not built.
    Skipped,
}

/// One problem with one input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it: relative to the site root (`content/a.md`).
    pub path: PathBuf,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// What is wrong and what was done about it, in one sentence.
    pub message: String,
    /// For a duplicate article: the file built instead (`duben check` reports
    /// duplicates apart from files that cannot be built).
    #[serde(default)]
    pub duplicate_of: Option<PathBuf>,
}

impl Diagnostic {
    pub fn warning(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            path: path.to_path_buf(),
            line,
            message: message.into(),
            duplicate_of: None,
        }
    }

    pub fn skipped(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Skipped,
            path: path.to_path_buf(),
            line,
            message: message.into(),
            duplicate_of: None,
        }
    }

    /// `path` was not built because it has the same source URL as `kept`.
    pub fn duplicate(path: &Path, kept: &Path) -> Self {
        Diagnostic {
            duplicate_of: Some(kept.to_path_buf()),
            ..Diagnostic::skipped(
                path,
                None,
                format!(
                    "has the same source URL as `{}`, which was built instead (duplicate article)",
                    kept.display()
                ),
            )
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Skipped => "skipped",
        };
        write!(f, "{kind}: {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collected diagnostics of a whole build, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Sorts by path then line so that parallel stages report deterministically.
    pub fn sort(&mut self) {
        self.items
            .sort_by(|a, b| (&a.path, a.line, a.severity).cmp(&(&b.path, b.line, b.severity)));
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Skipped)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_reads_like_a_compiler_message() {
        let d = Diagnostic::warning(Path::new("content/a.md"), Some(1), "no timestamp");
        assert_eq!(d.to_string(), "warning: content/a.md:1: no timestamp");
        let d = Diagnostic::skipped(Path::new("content/b.md"), None, "empty file");
        assert_eq!(d.to_string(), "skipped: content/b.md: empty file");
    }
}
