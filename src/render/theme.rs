//! Render stage: the built-in theme, embedded in the binary, and the site's
//! overrides of it.
//!
//! A site's `templates/x.html` replaces the built-in `x.html` of the same name
//! (and may add new templates); `static/x` replaces the built-in `static/x`.
//! `templates/i18n.toml` is merged key by key into the built-in labels.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use regex::Regex;
use walkdir::WalkDir;

/// Built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("all.html", include_str!("../../templates/all.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("card.html", include_str!("../../templates/card.html")),
    (
        "title-item.html",
        include_str!("../../templates/title-item.html"),
    ),
    ("groups.html", include_str!("../../templates/groups.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "glossary.html",
        include_str!("../../templates/glossary.html"),
    ),
    (
        "languages.html",
        include_str!("../../templates/languages.html"),
    ),
    (
        "parallel.html",
        include_str!("../../templates/parallel.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
];

/// Built-in interface labels (Chinese and English).
pub const LABELS: &str = include_str!("../../templates/i18n.toml");

/// Built-in static files, by path under `static/`.
pub const STATIC: &[(&str, &[u8])] = &[
    ("duben.js", include_bytes!("../../static/duben.js")),
    ("search.js", include_bytes!("../../static/search.js")),
    ("style.css", include_bytes!("../../static/style.css")),
];

/// The theme a site is rendered with: built-ins plus the site's overrides.
#[derive(Debug, Default)]
pub struct Theme {
    /// Template name → source.
    pub templates: BTreeMap<String, String>,
    /// Label tables, built-in merged with the site's `templates/i18n.toml`.
    pub labels_toml: Vec<(String, String)>,
    /// Output path → bytes of every static file.
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads the built-in theme and overlays `root/templates` and `root/static`.
    pub fn load(root: &Path) -> Result<Theme> {
        let mut theme = Theme::default();
        for (name, src) in TEMPLATES {
            theme
                .templates
                .insert((*name).to_owned(), (*src).to_owned());
        }
        theme
            .labels_toml
            .push(("built-in i18n.toml".into(), LABELS.to_owned()));
        for (name, bytes) in STATIC {
            theme.statics.insert((*name).to_owned(), compact(bytes));
        }
        for (name, bytes) in read_tree(&root.join("templates"))? {
            let text = String::from_utf8(bytes)
                .with_context(|| format!("`templates/{name}` is not UTF-8 text"))?;
            if name == "i18n.toml" {
                theme.labels_toml.push((format!("templates/{name}"), text));
            } else if name.eq_ignore_ascii_case("README.md") {
                // `duben init` writes one: notes for people, not a template.
                continue;
            } else {
                theme.templates.insert(name, text);
            }
        }
        for (name, bytes) in read_tree(&root.join("static"))? {
            // A copy of a built-in file (this repository's own `static/`)
            // is the built-in file, compacted.
            let builtin = STATIC
                .iter()
                .any(|(n, b)| *n == name && *b == bytes.as_slice());
            if !builtin {
                theme.statics.insert(name, bytes);
            }
        }
        Ok(theme)
    }
}

/// A built-in script or stylesheet without its comment lines and
/// indentation: the search page must load under 50 KB before a query.
/// Only duben's own files, written so that no string or regular expression
/// spans lines, and no comment starts after code on its line.
fn compact(bytes: &[u8]) -> Vec<u8> {
    static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*/\*(?:[^*]|\*+[^*/])*\*+/[ \t]*$").expect("valid")
    });
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let text = COMMENT.replace_all(text, "");
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out.into_bytes()
}

/// Every regular file under `dir` (if it exists), by `/`-separated relative path.
/// Symbolic links are not followed, hidden files and folders are ignored.
fn read_tree(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read `{}`", entry.path().display()))?;
        files.push((name.join("/"), bytes));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded lists must name every file of the repository's theme.
    #[test]
    fn every_theme_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk: Vec<String> = read_tree(&root.join("templates"))
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        embedded.push("i18n.toml".into());
        embedded.sort();
        assert_eq!(on_disk, embedded);
        let statics: Vec<String> = read_tree(&root.join("static"))
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let embedded: Vec<String> = STATIC.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(statics, embedded);
    }

    #[test]
    fn compacting_drops_comment_lines_and_indentation_only() {
        let src = b"/* header\n * more */\nbody {\n  color: red; /* kept */\n}\n\n  /* a */ x(); /* b */\n";
        assert_eq!(
            String::from_utf8(compact(src)).unwrap(),
            "body {\ncolor: red; /* kept */\n}\n/* a */ x(); /* b */\n"
        );
    }

    #[test]
    fn a_site_template_overrides_the_built_in_one_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "mine").unwrap();
        std::fs::create_dir_all(dir.path().join("static/img")).unwrap();
        std::fs::write(dir.path().join("static/img/logo.png"), "png").unwrap();
        std::fs::write(dir.path().join("templates/README.md"), "{% not tera").unwrap();
        let theme = Theme::load(dir.path()).unwrap();
        assert!(!theme.templates.contains_key("README.md"));
        assert_eq!(theme.templates["404.html"], "mine");
        assert_eq!(theme.templates["base.html"], TEMPLATES[0].1);
        assert_eq!(theme.statics["img/logo.png"], b"png");
        assert!(theme.statics.contains_key("style.css"));
    }
}
