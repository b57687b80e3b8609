//! Link stage: which articles are translations of each other.
//!
//! Three sources, strongest first:
//! 1. front matter `translation_key`: articles sharing a key (as in Hugo);
//! 2. `translations.toml` beside site.toml: `"source URL" = "source URL"`;
//! 3. automatic suggestion: a Chinese and an English article published within
//!    [`WINDOW_HOURS`] of each other, scored by the overlap (Jaccard) of the
//!    names the Chinese text glosses (`斯托尔滕贝格（Jens Stoltenberg）`) and the
//!    glossary names the English text uses. A pair is used when at least
//!    [`USE_MIN_MATCHES`] names are shared and the score is at least
//!    [`USE_MIN_SCORE`]; weaker pairs down to [`SUGGEST_MIN_SCORE`] are only
//!    listed by `duben check`. Each article gets at most one partner, best
//!    score first.

use std::collections::{BTreeMap, HashSet};

use super::Archive;
use crate::diagnostics::Diagnostic;

pub const WINDOW_HOURS: i64 = 48;
pub const USE_MIN_SCORE: f64 = 0.4;
pub const USE_MIN_MATCHES: usize = 3;
pub const SUGGEST_MIN_SCORE: f64 = 0.15;

/// How a pair was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairSource {
    Key,
    File,
    Automatic,
}

/// An article's translation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Translation {
    pub other: usize,
    pub source: PairSource,
    /// Share of glossed names found (automatic pairs), else 1.
    pub score: f64,
}

/// An automatic pair, used or only suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub zh: usize,
    pub en: usize,
    pub score: f64,
    pub matched: usize,
    pub used: bool,
}

fn is_chinese(lang: &str) -> bool {
    lang.starts_with("zh")
}

fn is_english(lang: &str) -> bool {
    lang == "en" || lang.starts_with("en-")
}

/// Pairs articles; `file_pairs` are the URL pairs of `translations.toml`.
pub fn pair(archive: &mut Archive, file_pairs: &[(String, String)]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut taken: HashSet<usize> = HashSet::new();
    let set = |archive: &mut Archive, a: usize, b: usize, source, score| {
        archive.entries[a].translation = Some(Translation {
            other: b,
            source,
            score,
        });
        archive.entries[b].translation = Some(Translation {
            other: a,
            source,
            score,
        });
    };
    // 1. translation_key
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in archive.entries.iter().enumerate() {
        if let Some(k) = e
            .article
            .translation_key
            .as_deref()
            .filter(|k| !k.trim().is_empty())
        {
            by_key.entry(k).or_default().push(i);
        }
    }
    let keyed: Vec<(usize, usize)> = by_key
        .values()
        .filter_map(|group| {
            let zh = group
                .iter()
                .find(|&&i| is_chinese(&archive.entries[i].body.lang))?;
            let en = group
                .iter()
                .find(|&&i| !is_chinese(&archive.entries[i].body.lang))?;
            Some((*zh, *en))
        })
        .collect();
    for (a, b) in keyed {
        set(archive, a, b, PairSource::Key, 1.0);
        taken.extend([a, b]);
    }
    // 2. translations.toml
    for (u1, u2) in file_pairs {
        match (archive.resolve(u1), archive.resolve(u2)) {
            (Some(a), Some(b)) if a != b && !taken.contains(&a) && !taken.contains(&b) => {
                set(archive, a, b, PairSource::File, 1.0);
                taken.extend([a, b]);
            }
            (Some(_), Some(_)) => {}
            (x, _) => {
                let missing = if x.is_none() { u1 } else { u2 };
                diags.push(Diagnostic::warning(
                    std::path::Path::new("translations.toml"),
                    None,
                    format!(
                        "`{missing}` is not the source URL of any article; that pair was ignored"
                    ),
                ));
            }
        }
    }
    // 3. automatic
    let suggestions = suggest(archive);
    let mut ranked: Vec<&Suggestion> = suggestions.iter().collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.matched.cmp(&a.matched))
            .then(a.zh.cmp(&b.zh))
    });
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    for s in ranked {
        let good = s.score >= USE_MIN_SCORE && s.matched >= USE_MIN_MATCHES;
        if good && !taken.contains(&s.zh) && !taken.contains(&s.en) {
            set(archive, s.zh, s.en, PairSource::Automatic, s.score);
            taken.extend([s.zh, s.en]);
            used.insert((s.zh, s.en));
        }
    }
    archive.suggestions = suggestions
        .into_iter()
        .map(|mut s| {
            s.used = used.contains(&(s.zh, s.en));
            s
        })
        .collect();
    diags
}

/// Every Chinese–English pair close in time with a score worth listing.
///
/// The score is the Jaccard overlap of two sets of glossary terms: those the
/// Chinese text glosses, and those whose English form the English text uses.
/// An English text that names many other people scores lower than one that
/// names just the Chinese text's.
///
/// Each Chinese text's candidates are found through the English texts that
/// use each of its terms (by date, within the window), so the work follows
/// the terms shared rather than every pair in the window: at 100,000
/// articles comparing every pair took most of the link stage.
fn suggest(archive: &Archive) -> Vec<Suggestion> {
    use rayon::prelude::*;
    let mut english: Vec<(chrono::DateTime<chrono::Utc>, usize)> = archive
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| is_english(&e.body.lang))
        .filter_map(|(i, e)| Some((e.article.date?, i)))
        .collect();
    english.sort();
    let mut position = vec![None; archive.entries.len()];
    for (p, &(_, i)) in english.iter().enumerate() {
        position[i] = Some(p);
    }
    // Per term, the English texts (by their place in `english`) that use
    // it; per English text, how many terms it uses.
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); archive.glossary.len()];
    let mut named = vec![0usize; english.len()];
    for (t, term) in archive.glossary.iter().enumerate() {
        let mut places: Vec<usize> = term.articles.iter().filter_map(|&i| position[i]).collect();
        places.sort_unstable();
        places.dedup();
        for &p in &places {
            named[p] += 1;
        }
        users[t] = places;
    }
    let window = chrono::Duration::hours(WINDOW_HOURS);
    archive
        .entries
        .par_iter()
        .enumerate()
        .flat_map_iter(|(z, ze)| {
            let mut out = Vec::new();
            let Some(zd) = ze.article.date else {
                return out;
            };
            if !is_chinese(&ze.body.lang) || ze.terms.is_empty() {
                return out;
            }
            let mut glossed = ze.terms.clone();
            glossed.sort_unstable();
            glossed.dedup();
            let from = english.partition_point(|(d, _)| *d < zd - window);
            let to = english.partition_point(|(d, _)| *d <= zd + window);
            let mut hits: Vec<usize> = Vec::new();
            for &t in &glossed {
                let list = &users[t];
                let start = list.partition_point(|&p| p < from);
                let end = list.partition_point(|&p| p < to);
                hits.extend_from_slice(&list[start..end]);
            }
            hits.sort_unstable();
            for run in hits.chunk_by(|a, b| a == b) {
                let (p, matched) = (run[0], run.len());
                let union = glossed.len() + named[p] - matched;
                let score = matched as f64 / union.max(1) as f64;
                if score >= SUGGEST_MIN_SCORE && matched >= 2 {
                    out.push(Suggestion {
                        zh: z,
                        en: english[p].1,
                        score,
                        matched,
                        used: false,
                    });
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
#[path = "translations_tests.rs"]
mod tests;
