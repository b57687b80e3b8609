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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::CleanBody;
    use crate::link::translations::Suggestion;
    use crate::parse::Article;

    fn archive(items: &[(&str, &str, Option<&str>)]) -> Archive {
        let items = items
            .iter()
            .enumerate()
            .map(|(i, (name, lang, key))| {
                let article = Article {
                    display_path: format!("content/{name}").into(),
                    rel_path: (*name).into(),
                    title: (*name).into(),
                    date: chrono::DateTime::from_timestamp(1_632_857_761 + i as i64, 0),
                    translation_key: key.map(str::to_owned),
                    ..Article::default()
                };
                let body = CleanBody {
                    lang: (*lang).into(),
                    ..CleanBody::default()
                };
                (article, body)
            })
            .collect();
        crate::link::test_support::link_all(items, &[]).0
    }

    fn index(a: &Archive, name: &str) -> usize {
        a.entries
            .iter()
            .position(|e| e.article.title == name)
            .unwrap()
    }

    #[test]
    fn keys_without_a_partner_in_another_language_are_lonely() {
        let a = archive(&[
            ("a.md", "zh-Hans", Some("pair")),
            ("b.md", "en", Some("pair")),
            ("c.md", "zh-Hans", Some("alone")),
            ("d.md", "zh-Hans", Some("same")),
            ("e.md", "zh-Hant", Some("same")),
        ]);
        let mut found: Vec<(String, Option<String>)> = lonely_keys(Path::new("/nonexistent"), &a)
            .into_iter()
            .map(|f| (f.file, f.target))
            .collect();
        found.sort();
        assert_eq!(
            found,
            vec![
                ("content/c.md".to_owned(), Some("alone".to_owned())),
                ("content/d.md".to_owned(), Some("same".to_owned())),
                ("content/e.md".to_owned(), Some("same".to_owned())),
            ]
        );
    }

    #[test]
    fn weak_and_borderline_automatic_pairs_are_listed() {
        let mut a = archive(&[
            ("strong.md", "zh-Hans", None),
            ("strong-en.md", "en", None),
            ("near.md", "zh-Hans", None),
            ("near-en.md", "en", None),
            ("weak.md", "zh-Hans", None),
            ("weak-en.md", "en", None),
        ]);
        let pair = |a: &Archive, z, e, score, matched, used| Suggestion {
            zh: index(a, z),
            en: index(a, e),
            score,
            matched,
            used,
        };
        a.suggestions = vec![
            pair(&a, "strong.md", "strong-en.md", 0.9, 6, true),
            pair(&a, "near.md", "near-en.md", 0.45, 3, true),
            pair(&a, "weak.md", "weak-en.md", 0.2, 2, false),
            pair(&a, "weak.md", "strong-en.md", 0.5, 4, false),
        ];
        let found: Vec<(String, String, f64)> = suspicious_pairs(&a)
            .into_iter()
            .map(|f| (f.file, f.message, f.score.unwrap()))
            .collect();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].0, "content/near.md");
        assert!(
            found[0].1.contains("near the threshold (0.45"),
            "{}",
            found[0].1
        );
        assert_eq!(found[1].2, 0.2);
        assert!(
            found[1]
                .1
                .contains("may be a translation of `content/weak-en.md`")
        );
        assert!(
            found[2].1.contains("paired with another article"),
            "{}",
            found[2].1
        );
    }
}
