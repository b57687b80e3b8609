//! Link stage: the one global step. Takes every cleaned article, drops
//! duplicates, orders the archive in time, gives each article its page, and
//! builds every relation: cross-references, backlinks, topics, sources,
//! people, months, neighbours and "more on this topic".
//!
//! Relations are indexes into [`Archive::entries`], never references.

pub mod glossary;
mod groups;
mod nav;
pub mod paths;
pub mod topics;
pub mod translations;
pub mod url_key;

use std::collections::{BTreeMap, HashMap};

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::clean::CleanBody;
use crate::clean::byline::Role;
use crate::diagnostics::Diagnostic;
use crate::parse::Article;
pub use groups::{Group, Month, Person};
use topics::TopicMap;
use url_key::UrlMatcher;

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
    /// Topics (indexes into `Archive::topics`), the URL's section first.
    pub topics: Vec<usize>,
    /// Index into `Archive::sources`.
    pub source: Option<usize>,
    /// People credited, with their role (indexes into `Archive::people`).
    pub credits: Vec<(Role, usize)>,
    /// Articles of the archive that link here, newest first.
    pub backlinks: Vec<usize>,
    /// Neighbours in time within the first topic.
    pub topic_newer: Option<usize>,
    pub topic_older: Option<usize>,
    /// "More on this topic", best first.
    pub more: Vec<usize>,
    /// Glossary terms this article glosses (indexes into `Archive::glossary`).
    pub terms: Vec<usize>,
    /// The article's translation, if it has one.
    pub translation: Option<translations::Translation>,
}

/// The whole archive, newest first, undated last.
#[derive(Debug, Default)]
pub struct Archive {
    pub entries: Vec<Entry>,
    /// Matching key of each source URL → entry index.
    pub by_url: HashMap<String, usize>,
    pub matcher: UrlMatcher,
    /// Topics by number of articles, then label.
    pub topics: Vec<Group>,
    /// Source sites by number of articles, then host.
    pub sources: Vec<Group>,
    /// People by number of articles, then name.
    pub people: Vec<Person>,
    /// Months with articles, newest first.
    pub months: Vec<Month>,
    /// Undated articles.
    pub undated: Vec<usize>,
    /// Local images: content-relative path → output path.
    pub assets: BTreeMap<String, String>,
    /// The bilingual glossary, by English form.
    pub glossary: Vec<glossary::Term>,
    /// Automatic translation pairs, used or only suggested.
    pub suggestions: Vec<translations::Suggestion>,
}

impl Archive {
    /// The entry an absolute URL points to, if it is in the archive.
    pub fn resolve(&self, href: &str) -> Option<usize> {
        self.by_url.get(&self.matcher.key_of(href)?).copied()
    }

    /// Sections that fell back to a generated label, with their article counts.
    pub fn unmapped_sections(&self) -> Vec<(String, usize)> {
        self.topics
            .iter()
            .filter(|t| !t.mapped)
            .map(|t| (t.section.clone(), t.entries.len()))
            .collect()
    }
}

/// What the link stage needs from the configuration.
pub struct LinkOptions<'a> {
    pub tz: Tz,
    pub topics: &'a TopicMap,
    pub matcher: UrlMatcher,
    /// Source URL pairs from `translations.toml`.
    pub translation_pairs: &'a [(String, String)],
    /// The glossary uses the last build found.
    pub uses: Option<&'a glossary::UsesMemo>,
}

/// Links cleaned articles into an archive; duplicates become diagnostics.
pub fn link(
    items: Vec<(Article, CleanBody)>,
    opts: &LinkOptions,
) -> anyhow::Result<(Archive, Vec<Diagnostic>)> {
    let (items, diagnostics) = drop_duplicates(items, &opts.matcher);
    let items: Vec<(String, Option<String>, (Article, CleanBody))> = items
        .into_par_iter()
        .map(|(key, item)| {
            let (a, _) = &item;
            let slug = paths::slug_for(a.slug.as_deref(), a.source_url.as_ref(), &a.rel_path);
            let wanted = format!("{}/{slug}", paths::folder(a.date, opts.tz));
            (wanted, key, item)
        })
        .collect();
    // Newest first, undated last: indices are sorted, not the (large) items.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&items[x].2.0, &items[y].2.0);
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then(b.date.cmp(&a.date))
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    });
    let mut slots: Vec<Option<_>> = items.into_iter().map(Some).collect();
    let mut items: Vec<_> = order.iter().filter_map(|&i| slots[i].take()).collect();
    drop(slots);
    let wanted: Vec<(String, &std::path::Path)> = items
        .iter_mut()
        .map(|(w, _, (a, _))| (std::mem::take(w), a.rel_path.as_path()))
        .collect();
    let out_paths = paths::unique_paths(&wanted);
    drop(wanted);
    let dated = items
        .iter()
        .filter(|(_, _, (a, _))| a.date.is_some())
        .count();
    let mut by_url = HashMap::new();
    let entries: Vec<Entry> = items
        .into_iter()
        .zip(out_paths)
        .enumerate()
        .map(|(i, ((_, key, (article, body)), path))| {
            if let Some(key) = key {
                by_url.insert(key, i);
            }
            Entry {
                article,
                body,
                path,
                newer: (i > 0 && i < dated).then(|| i - 1),
                older: (i + 1 < dated).then_some(i + 1),
                topics: Vec::new(),
                source: None,
                credits: Vec::new(),
                backlinks: Vec::new(),
                topic_newer: None,
                topic_older: None,
                more: Vec::new(),
                terms: Vec::new(),
                translation: None,
            }
        })
        .collect();
    let mut archive = Archive {
        entries,
        by_url,
        matcher: opts.matcher.clone(),
        ..Archive::default()
    };
    groups::build_groups(&mut archive, opts);
    nav::build_navigation(&mut archive);
    glossary::build_glossary(&mut archive, opts.uses)?;
    let mut diagnostics = diagnostics;
    diagnostics.extend(translations::pair(&mut archive, opts.translation_pairs));
    Ok((archive, diagnostics))
}

/// An article with its source URL's matching key.
type Keyed = (Option<String>, (Article, CleanBody));

/// Keeps one article per source URL: the dated one, else the longer text,
/// else the one whose content path sorts first. The kept ones come with
/// their URL's matching key.
fn drop_duplicates(
    items: Vec<(Article, CleanBody)>,
    matcher: &UrlMatcher,
) -> (Vec<Keyed>, Vec<Diagnostic>) {
    let keys: Vec<Option<String>> = items
        .par_iter()
        .map(|(a, _)| a.source_url.as_ref().map(|u| matcher.key(u)))
        .collect();
    let rank = |i: usize| {
        let (a, b) = &items[i];
        (
            a.date.is_some(),
            b.text_len(),
            std::cmp::Reverse(a.rel_path.clone()),
        )
    };
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        match best.get(key.as_str()) {
            Some(&j) if rank(i) <= rank(j) => {}
            _ => {
                best.insert(key, i);
            }
        }
    }
    let keeper: Vec<Option<usize>> = keys
        .iter()
        .map(|k| k.as_ref().map(|k| best[k.as_str()]))
        .collect();
    drop(best);
    // The path of each article kept instead of another, for the message.
    let shown: HashMap<usize, std::path::PathBuf> = keeper
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.filter(|&k| k != i))
        .map(|k| (k, items[k].0.display_path.clone()))
        .collect();
    let mut diagnostics = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for ((i, item), key) in items.into_iter().enumerate().zip(keys) {
        match keeper[i] {
            Some(k) if k != i => {
                diagnostics.push(Diagnostic::duplicate(&item.0.display_path, &shown[&k]))
            }
            _ => kept.push((key, item)),
        }
    }
    (kept, diagnostics)
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
