//! `duben check`: translation pairs: `translations.toml` entries that match no
//! article, `translation_key`s without a partner, and automatic pairs worth a
//! look (suggested but not used, or used with a score near the threshold).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Finding, Level};
use crate::diagnostics::Diagnostic;
use crate::link::Archive;
use crate::link::translations::{PairSource, USE_MIN_MATCHES, USE_MIN_SCORE};

/// Used automatic pairs scoring below `USE_MIN_SCORE + NEAR` are listed.
const NEAR: f64 = 0.1;

/// The link stage's own message about `translations.toml`, which the check
/// replaces with one finding per URL, with its line.
pub fn is_file_pair_diagnostic(d: &Diagnostic) -> bool {
    d.path == Path::new("translations.toml")
}

pub fn check(root: &Path, archive: &Archive) -> Result<Vec<Finding>> {
    let mut out = unmatched_file_pairs(root, archive)?;
    out.extend(lonely_keys(root, archive));
    out.extend(suspicious_pairs(archive));
    Ok(out)
}

fn unmatched_file_pairs(root: &Path, archive: &Archive) -> Result<Vec<Finding>> {
    let path = root.join("translations.toml");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    // The pipeline has already read the file and reported a bad one.
    let table: BTreeMap<String, String> = toml::from_str(&text).unwrap_or_default();
    let mut out = Vec::new();
    for (a, b) in &table {
        for url in [a, b] {
            if archive.resolve(url).is_some() {
                continue;
            }
            let line = text
                .lines()
                .position(|l| l.contains(url.as_str()))
                .map(|i| i + 1);
            out.push(
                Finding::new(Level::Error, "unmatched-translation", "translations.toml")
                    .line(line)
                    .target(url.clone())
                    .message(format!(
                        "`{url}` is not the source URL of any article, so the pair `{a}` = `{b}` is ignored"
                    )),
            );
        }
    }
    Ok(out)
}

/// Keys that pair nothing: used by one article only, or only by articles
/// in the same language.
fn lonely_keys(root: &Path, archive: &Archive) -> Vec<Finding> {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in archive.entries.iter().enumerate() {
        if let Some(k) = e.article.translation_key.as_deref().map(str::trim)
            && !k.is_empty()
        {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (key, group) in by_key {
        let paired = group.iter().any(|&i| {
            archive.entries[i]
                .translation
                .is_some_and(|t| t.source == PairSource::Key)
        });
        if paired && group.len() == 2 {
            continue;
        }
        let why = match group.len() {
            1 => "no other article has it, so this one has no translation".to_owned(),
            n if !paired => {
                format!("the {n} articles sharing it are in the same language, so none is paired")
            }
            n => {
                format!("{n} articles share it; only one Chinese and one other article are paired")
            }
        };
        for &i in &group {
            let display = &archive.entries[i].article.display_path;
            let line = std::fs::read_to_string(root.join(display))
                .ok()
                .and_then(|t| t.lines().position(|l| l.contains("translation_key")))
                .map(|n| n + 1);
            out.push(
                Finding::new(
                    Level::Warning,
                    "lonely-translation-key",
                    display.to_string_lossy().replace('\\', "/"),
                )
                .line(line)
                .target(key)
                .message(format!("translation_key `{key}`: {why}")),
            );
            if group.len() == 1 || paired {
                break;
            }
        }
    }
    out
}

/// Automatic pairs a person should look at.
fn suspicious_pairs(archive: &Archive) -> Vec<Finding> {
    let path = |i: usize| {
        archive.entries[i]
            .article
            .display_path
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut out = Vec::new();
    for s in &archive.suggestions {
        let good = s.score >= USE_MIN_SCORE && s.matched >= USE_MIN_MATCHES;
        let why = if s.used && s.score < USE_MIN_SCORE + NEAR {
            format!(
                "is paired automatically with `{}` by a score near the threshold ({:.2}, {} shared names; pairs need {USE_MIN_SCORE} and {USE_MIN_MATCHES}): check that it is its translation, and set `translation_key` on both if so",
                path(s.en),
                s.score,
                s.matched
            )
        } else if s.used {
            continue;
        } else if good {
            format!(
                "may be a translation of `{}` ({:.2}, {} shared names), but one of them is paired with another article",
                path(s.en),
                s.score,
                s.matched
            )
        } else {
            format!(
                "may be a translation of `{}` ({:.2}, {} shared names; pairs need {USE_MIN_SCORE} and {USE_MIN_MATCHES}): if it is, pair them with `translation_key` or translations.toml",
                path(s.en),
                s.score,
                s.matched
            )
        };
        let mut f = Finding::new(Level::Warning, "suspicious-pair", path(s.zh))
            .target(path(s.en))
            .message(why);
        f.score = Some((s.score * 1000.0).round() / 1000.0);
        out.push(f);
    }
    out
}
