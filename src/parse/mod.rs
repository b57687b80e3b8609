//! Parse stage: a [`Source`] (bytes) becomes an [`Article`] (metadata and a
//! raw, still untrusted HTML body), or a diagnostic saying why it cannot.
//!
//! Fallbacks are decided here, in one place: no date means undated, no title
//! means the file name, a source URL that is not http(s) is dropped.

pub mod archive;
pub mod decode;
pub mod front_matter;
mod markdown;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use url::Url;

use crate::diagnostics::Diagnostic;
use crate::load::Source;

/// Which syntax a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// The archive format: timestamp comment, title link, raw HTML body.
    Archive,
    /// Markdown with TOML or YAML front matter.
    Markdown,
}

/// An article's metadata and raw body, before cleaning.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// Path relative to the site root, for messages.
    pub display_path: PathBuf,
    /// Path relative to `content/`.
    pub rel_path: PathBuf,
    pub format: Option<Format>,
    pub title: String,
    pub date: Option<DateTime<Utc>>,
    pub source_url: Option<Url>,
    /// Declared content language, if any.
    pub lang: Option<String>,
    pub topics: Vec<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub translation_key: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// Raw, untrusted HTML (Markdown bodies are already rendered to HTML).
    pub body: String,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// What parsing needs from the site configuration.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    pub tz: Tz,
    pub drafts: bool,
}

/// The article (if it can be built at all) and every problem found.
#[derive(Debug)]
pub struct Parsed {
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one source file. Never panics; a file that cannot be an article
/// comes back with `article: None` and a `Skipped` diagnostic.
pub fn parse_source(source: &Source, opts: ParseOptions) -> Parsed {
    let path = &source.display_path;
    let mut diags = Vec::new();
    let decoded = decode::decode(&source.bytes);
    for (line, msg) in decoded.repairs {
        diags.push(Diagnostic::warning(path, Some(line), msg));
    }
    let text = decoded.text;
    if text.trim().is_empty() {
        diags.push(Diagnostic::skipped(path, None, "is empty"));
        return Parsed {
            article: None,
            diagnostics: diags,
        };
    }
    let mut article = Article {
        display_path: path.clone(),
        rel_path: source.rel_path.clone(),
        ..Article::default()
    };
    let built = match front_matter::split(&text) {
        Some(Ok(split)) => read_front_matter(&split, &mut article, opts, path, &mut diags),
        Some(Err(msg)) => {
            diags.push(Diagnostic::skipped(path, Some(1), msg));
            false
        }
        None => {
            read_archive(&text, &mut article, &source.rel_path, path, &mut diags);
            true
        }
    };
    if !built {
        return Parsed {
            article: None,
            diagnostics: diags,
        };
    }
    if article.title.is_empty() {
        article.title = title_from_file_name(&source.rel_path);
        let fallback = format!("used the file name as the title: “{}”", article.title);
        // One message per problem: complete the header's note if it made one.
        match diags
            .iter_mut()
            .find(|d| d.message.starts_with("no title line"))
        {
            Some(d) => d.message = format!("{}; {fallback}", d.message),
            None => diags.push(Diagnostic::warning(
                path,
                None,
                format!("has an empty title; {fallback}"),
            )),
        }
    }
    Parsed {
        article: Some(article),
        diagnostics: diags,
    }
}

fn read_archive(text: &str, a: &mut Article, rel: &Path, path: &Path, diags: &mut Vec<Diagnostic>) {
    let lines: Vec<&str> = text.lines().collect();
    let header = archive::parse_header(&lines);
    for (line, msg) in header.notes {
        diags.push(Diagnostic::warning(path, Some(line), msg));
    }
    a.format = Some(Format::Archive);
    a.date = header.date;
    a.title = header.title.unwrap_or_default();
    if let Some(raw) = header.url {
        a.source_url = check_source_url(&raw, path, header.title_line, diags);
    }
    let body = lines.get(header.body_start..).unwrap_or(&[]).join("\n");
    a.body_line = header.body_start + 1;
    a.body = if body.trim_start().starts_with('<') {
        body
    } else if is_markdown_file(rel) {
        markdown::to_html(&body)
    } else {
        markdown::plain_text_to_html(&body)
    };
}

fn read_front_matter(
    split: &front_matter::Split<'_>,
    a: &mut Article,
    opts: ParseOptions,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let fm = match front_matter::parse(split) {
        Ok(fm) => fm,
        Err((line, msg)) => {
            diags.push(Diagnostic::skipped(path, Some(line), msg));
            return false;
        }
    };
    if fm.draft && !opts.drafts {
        diags.push(Diagnostic::skipped(
            path,
            None,
            "is a draft (`draft = true`); set `drafts = true` in site.toml to build drafts",
        ));
        return false;
    }
    a.format = Some(Format::Markdown);
    a.title = fm
        .title
        .as_deref()
        .map(archive::clean_title)
        .unwrap_or_default();
    if let Some(d) = &fm.date {
        match front_matter::parse_date(d, opts.tz) {
            Ok(date) => a.date = Some(date),
            Err(msg) => diags.push(Diagnostic::warning(
                path,
                None,
                format!("{msg}; built as undated"),
            )),
        }
    }
    if let Some(raw) = &fm.source_url {
        a.source_url = check_source_url(raw, path, None, diags);
    }
    a.lang = fm.lang.and_then(|l| {
        if is_language_tag(&l) {
            Some(l)
        } else {
            diags.push(Diagnostic::warning(
                path,
                None,
                format!("`lang = \"{l}\"` is not a language tag like `zh-Hans` or `en`; ignored"),
            ));
            None
        }
    });
    a.topics = fm.topics;
    a.tags = fm.tags;
    a.authors = fm.authors;
    a.translation_key = fm.translation_key;
    a.slug = fm.slug;
    a.description = fm.description;
    a.body = markdown::to_html(split.body);
    a.body_line = split.body_line;
    true
}

/// Keeps a source URL only if it is absolute http(s).
fn check_source_url(
    raw: &str,
    path: &Path,
    line: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Url> {
    let shown: String = raw.chars().take(80).collect();
    let problem = if raw.trim().is_empty() {
        "the source URL is empty".to_owned()
    } else {
        match Url::parse(raw.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                return Some(u);
            }
            Ok(u) => format!(
                "the source URL `{shown}` uses `{}:`, not http(s)",
                u.scheme()
            ),
            Err(e) => format!("the source URL `{shown}` is not an absolute URL ({e})"),
        }
    };
    diags.push(Diagnostic::warning(
        path,
        line,
        format!("{problem}; built without a source link"),
    ));
    None
}

fn is_markdown_file(rel: &Path) -> bool {
    rel.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| !e.eq_ignore_ascii_case("txt"))
}

/// `zh-Hans`, `en`, `pt-BR`: letters, then letter/digit subtags.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// "2021-nato_talks.md" becomes "2021 nato talks".
pub fn title_from_file_name(rel: &Path) -> String {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: Vec<&str> = stem
        .split(|c: char| c == '-' || c == '_' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "(untitled)".to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
