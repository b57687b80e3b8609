//! Link stage: the one global step. Takes every cleaned article, drops
//! duplicates, orders the archive in time and gives each article its page.
//!
//! Relations are indexes into [`Archive::entries`], never references.

pub mod paths;
pub mod url_key;

use std::collections::HashMap;

use chrono_tz::Tz;

use crate::clean::CleanBody;
use crate::diagnostics::Diagnostic;
use crate::parse::Article;

/// One article of the archive with everything known about it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub article: Article,
    pub body: CleanBody,
    /// Output path relative to the output folder, `/`-separated.
    pub path: String,
    /// Neighbours in time (indexes into `entries`): newer and older.
    pub newer: Option<usize>,
    pub older: Option<usize>,
}

/// The whole archive, newest first, undated last.
#[derive(Debug, Default)]
pub struct Archive {
    pub entries: Vec<Entry>,
    /// Matching key of each source URL → entry index.
    pub by_url: HashMap<String, usize>,
}

/// Links cleaned articles into an archive; duplicates become diagnostics.
pub fn link(items: Vec<(Article, CleanBody)>, tz: Tz) -> (Archive, Vec<Diagnostic>) {
    let (items, diagnostics) = drop_duplicates(items);
    let mut items = items;
    items.sort_by(|(a, _), (b, _)| {
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then(b.date.cmp(&a.date))
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    });
    let wanted: Vec<(String, &std::path::Path)> = items
        .iter()
        .map(|(a, _)| {
            let slug = paths::slug_for(a.slug.as_deref(), a.source_url.as_ref(), &a.rel_path);
            (
                format!("{}/{slug}", paths::folder(a.date, tz)),
                a.rel_path.as_path(),
            )
        })
        .collect();
    let out_paths = paths::unique_paths(&wanted);
    let dated = items.iter().filter(|(a, _)| a.date.is_some()).count();
    let entries: Vec<Entry> = items
        .into_iter()
        .zip(out_paths)
        .enumerate()
        .map(|(i, ((article, body), path))| Entry {
            article,
            body,
            path,
            newer: (i > 0 && i < dated).then(|| i - 1),
            older: (i + 1 < dated).then_some(i + 1),
        })
        .collect();
    let by_url = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((url_key::url_key(e.article.source_url.as_ref()?), i)))
        .collect();
    (Archive { entries, by_url }, diagnostics)
}

/// Keeps one article per source URL: the dated one, else the longer text,
/// else the one whose content path sorts first.
fn drop_duplicates(
    items: Vec<(Article, CleanBody)>,
) -> (Vec<(Article, CleanBody)>, Vec<Diagnostic>) {
    let mut best: HashMap<String, usize> = HashMap::new();
    for (i, (a, b)) in items.iter().enumerate() {
        let Some(url) = &a.source_url else { continue };
        let key = url_key::url_key(url);
        match best.get(&key) {
            Some(&j) => {
                let (oa, ob) = &items[j];
                let rank = |a: &Article, b: &CleanBody| {
                    (
                        a.date.is_some(),
                        b.text.len(),
                        std::cmp::Reverse(a.rel_path.clone()),
                    )
                };
                if rank(a, b) > rank(oa, ob) {
                    best.insert(key, i);
                }
            }
            None => {
                best.insert(key, i);
            }
        }
    }
    let keep: HashMap<usize, ()> = best.values().map(|&i| (i, ())).collect();
    let mut diagnostics = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    let keeper_of: HashMap<usize, std::path::PathBuf> = items
        .iter()
        .enumerate()
        .filter_map(|(i, (a, _))| {
            let key = url_key::url_key(a.source_url.as_ref()?);
            let k = best[&key];
            (k != i).then(|| (i, items[k].0.display_path.clone()))
        })
        .collect();
    for (i, item) in items.into_iter().enumerate() {
        if item.0.source_url.is_none() || keep.contains_key(&i) {
            kept.push(item);
        } else if let Some(other) = keeper_of.get(&i) {
            diagnostics.push(Diagnostic::skipped(
                &item.0.display_path,
                None,
                format!(
                    "has the same source URL as `{}`, which was built instead (duplicate article)",
                    other.display()
                ),
            ));
        }
    }
    (kept, diagnostics)
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
