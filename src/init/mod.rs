//! `duben init`: a new site: a documented `site.toml`, one example article
//! in each supported format, and a note on overriding the built-in theme.
//!
//! The files are templates compiled into the binary (`src/init/`); a test
//! keeps `site.toml` equal to [`SiteConfig::default`] key by key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::theme::{STATIC, TEMPLATES};

/// The documented configuration, every key at its default.
pub const SITE_TOML: &str = include_str!("site.toml");

/// Example articles, by path under `content/`.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("archive-format.md", include_str!("archive-format.md")),
    ("markdown-toml.md", include_str!("markdown-toml.md")),
    ("markdown-yaml.md", include_str!("markdown-yaml.md")),
];

/// Creates a site in `dir` and returns the files written, relative to it.
/// Refuses, writing nothing, when `dir` already holds a site.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.join("site.toml").exists() {
        bail!(
            "`{}` already has a site.toml: choose an empty or new folder (`duben init NEW_FOLDER`)",
            dir.display()
        );
    }
    let content = dir.join("content");
    if content.exists() && !is_empty_dir(&content)? {
        bail!(
            "`{}` already has articles in content/: choose an empty or new folder (`duben init NEW_FOLDER`)",
            dir.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` is a file, not a folder", dir.display());
    }
    let mut files: Vec<(PathBuf, String)> = vec![("site.toml".into(), SITE_TOML.to_owned())];
    for (name, text) in EXAMPLES {
        files.push((Path::new("content").join(name), (*text).to_owned()));
    }
    let readme = Path::new("templates").join("README.md");
    if !dir.join(&readme).exists() {
        files.push((readme, templates_readme()));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
        }
        // `create_new`: never overwrite a file, even one that appeared
        // between the checks above and now.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    Ok(entries.next().is_none())
}

/// How to override the theme, with the names of every built-in file.
pub fn templates_readme() -> String {
    let mut s = String::from(include_str!("templates-README.md"));
    s.push_str("\n## Built-in templates\n\n");
    for (name, _) in TEMPLATES {
        s.push_str(&format!("- `templates/{name}`\n"));
    }
    s.push_str("- `templates/i18n.toml` (merged label by label, not replaced)\n");
    s.push_str("\n## Built-in static files\n\n");
    for (name, _) in STATIC {
        s.push_str(&format!("- `static/{name}`\n"));
    }
    s.push_str("- `static/syntax.css` (generated unless you provide one)\n");
    s
}

/// What `duben init` prints: the files created and what to do next.
pub fn summary(dir: &Path, created: &[PathBuf]) -> String {
    let mut s = format!("Created a new duben site in {}:\n", dir.display());
    for f in created {
        s.push_str(&format!("  {}\n", f.display()));
    }
    s.push_str("Next:\n");
    if dir != Path::new(".") {
        s.push_str(&format!("  cd {}\n", dir.display()));
    }
    s.push_str("  duben serve    # preview at http://127.0.0.1, rebuilt as you edit\n");
    s.push_str("  duben build    # write the site to public/\n");
    s.push_str("  duben check    # list problems without writing anything\n");
    s
}

#[cfg(test)]
#[path = "init_tests.rs"]
mod tests;
