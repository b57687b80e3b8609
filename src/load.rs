//! Load stage: walks `content/` and reads article files into memory.
//!
//! Owns the decisions about which files are articles (`.md`, `.markdown`,
//! `.txt`), which are ignored (hidden folders, symlinks) and which are too large.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// One article file, read but not yet parsed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, for messages (`content/2021/a.md`).
    pub display_path: PathBuf,
    /// Path relative to `content/`, used for output names and ordering.
    pub rel_path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    /// Non-article files (images and the like), relative to `content/`.
    pub assets: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The non-article files of `content/`, for finding images stored beside
/// their article.
#[derive(Debug, Default)]
pub struct AssetIndex {
    paths: std::collections::HashSet<String>,
}

impl AssetIndex {
    pub fn new(assets: &[PathBuf]) -> Self {
        AssetIndex {
            paths: assets.iter().map(|p| slash_path(p)).collect(),
        }
    }

    /// The content-relative path of the file an article's relative image
    /// `src` names: in the article's folder, or in a folder named like the
    /// article (`a.md` and `a/photo.jpg`). Never anything outside `content/`.
    pub fn lookup(&self, article: &Path, src: &str) -> Option<String> {
        let src = src.trim().split(['?', '#']).next().unwrap_or("");
        if src.is_empty() || src.starts_with('/') || src.contains(':') {
            return None;
        }
        let src = percent_encoding::percent_decode_str(src)
            .decode_utf8()
            .ok()?;
        let dir = article.parent().unwrap_or(Path::new(""));
        let own = dir.join(article.file_stem().unwrap_or_default());
        [dir.to_path_buf(), own].iter().find_map(|base| {
            let p = normalize(&base.join(src.as_ref()))?;
            self.paths.contains(&p).then_some(p)
        })
    }
}

/// `a/b/../c` → `a/c`, `/`-separated; `None` if it climbs out.
fn normalize(p: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a file name is an article by its extension (case-insensitive).
pub fn is_article_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "txt"))
        .unwrap_or(false)
}

/// Walks `content_dir` and reads every article file, in parallel.
///
/// `display_prefix` is how the folder is named in messages (usually `content`).
pub fn load(content_dir: &Path, display_prefix: &Path, max_file_bytes: u64) -> Loaded {
    let mut loaded = Loaded::default();
    let mut to_read = Vec::new();
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden_dir(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(content_dir);
                let shown = display_path(content_dir, display_prefix, path);
                loaded.diagnostics.push(Diagnostic::skipped(
                    &shown,
                    None,
                    format!("cannot be read: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = path.strip_prefix(content_dir).unwrap_or(path).to_path_buf();
        let shown = display_prefix.join(&rel);
        let ft = entry.file_type();
        if ft.is_symlink() {
            if is_article_file(path) {
                loaded.diagnostics.push(Diagnostic::skipped(
                    &shown,
                    None,
                    "is a symbolic link; links are not followed so that nothing outside \
                     content/ ends up in the site (copy the file instead)",
                ));
            }
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        if !is_article_file(path) {
            loaded.assets.push(rel);
            continue;
        }
        match entry.metadata() {
            Ok(m) if m.len() > max_file_bytes => {
                loaded.diagnostics.push(Diagnostic::skipped(
                    &shown,
                    None,
                    format!(
                        "is {} bytes, more than the limit of {} bytes (`max_file_bytes` in site.toml)",
                        m.len(),
                        max_file_bytes
                    ),
                ));
                continue;
            }
            _ => {}
        }
        to_read.push((path.to_path_buf(), rel, shown));
    }

    let results: Vec<Result<Source, Diagnostic>> = to_read
        .into_par_iter()
        .map(
            |(path, rel_path, display_path)| match std::fs::read(&path) {
                Ok(bytes) => Ok(Source {
                    display_path,
                    rel_path,
                    bytes,
                }),
                Err(e) => Err(Diagnostic::skipped(
                    &display_path,
                    None,
                    format!("cannot be read: {e}"),
                )),
            },
        )
        .collect();
    for r in results {
        match r {
            Ok(s) => loaded.sources.push(s),
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded
}

fn is_hidden_dir(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_dir() && e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
}

fn display_path(content_dir: &Path, prefix: &Path, path: &Path) -> PathBuf {
    prefix.join(path.strip_prefix(content_dir).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_recognized_by_extension_in_any_case() {
        assert!(is_article_file(Path::new("a.md")));
        assert!(is_article_file(Path::new("a.TXT")));
        assert!(is_article_file(Path::new(".hidden.md")));
        assert!(!is_article_file(Path::new("a.jpg")));
        assert!(!is_article_file(Path::new("md")));
    }

    #[test]
    fn images_beside_an_article_are_found_and_nothing_outside() {
        let index = AssetIndex::new(&[
            PathBuf::from("2021/photo 1.jpg"),
            PathBuf::from("2021/story/inner.png"),
            PathBuf::from("secret.jpg"),
        ]);
        let a = Path::new("2021/story.md");
        assert_eq!(
            index.lookup(a, "photo%201.jpg").as_deref(),
            Some("2021/photo 1.jpg")
        );
        assert_eq!(
            index.lookup(a, "./photo 1.jpg?x=1").as_deref(),
            Some("2021/photo 1.jpg")
        );
        assert_eq!(
            index.lookup(a, "inner.png").as_deref(),
            Some("2021/story/inner.png")
        );
        assert_eq!(
            index.lookup(a, "../secret.jpg").as_deref(),
            Some("secret.jpg")
        );
        assert_eq!(index.lookup(a, "../../../etc/passwd"), None);
        assert_eq!(index.lookup(a, "/secret.jpg"), None);
        assert_eq!(index.lookup(a, "https://x.org/photo 1.jpg"), None);
        assert_eq!(index.lookup(a, "missing.jpg"), None);
    }

    #[test]
    fn hidden_folders_are_not_walked_and_large_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::create_dir_all(c.join(".git")).unwrap();
        std::fs::write(c.join(".git/x.md"), "x").unwrap();
        std::fs::write(c.join("a b.md"), "small").unwrap();
        std::fs::write(c.join("big.md"), vec![b'x'; 100]).unwrap();
        std::fs::write(c.join("pic.jpg"), "jpg").unwrap();
        let loaded = load(c, Path::new("content"), 50);
        let names: Vec<_> = loaded.sources.iter().map(|s| s.rel_path.clone()).collect();
        assert_eq!(names, vec![PathBuf::from("a b.md")]);
        assert_eq!(loaded.assets, vec![PathBuf::from("pic.jpg")]);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert!(loaded.diagnostics[0].message.contains("max_file_bytes"));
        assert_eq!(loaded.diagnostics[0].path, PathBuf::from("content/big.md"));
    }
}
