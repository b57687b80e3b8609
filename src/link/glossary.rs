//! Link stage: the bilingual glossary.
//!
//! Every in-text gloss of the archive (`斯托尔滕贝格（Jens Stoltenberg）`) is a
//! pair of forms. Pairs that share a form are one term: the same English with
//! different transliterations (`斯托尔滕贝格`, `斯托尔滕伯格`), or the same
//! Chinese with different English (`NATO`, `North Atlantic Treaty
//! Organization`). A term lists every article that uses any of its forms,
//! glossed or not; English forms match case-insensitively on word boundaries.

use std::collections::BTreeMap;
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::Archive;
use super::paths::{make_slug, unique_paths};
use crate::cache::field;

/// One glossary term.
#[derive(Debug, Clone)]
pub struct Term {
    /// Chinese forms, most used first, with how often each was glossed.
    pub zh: Vec<(String, usize)>,
    /// English forms, most used first.
    pub en: Vec<(String, usize)>,
    /// How many glosses name this term.
    pub uses: usize,
    /// Articles that use any form, newest first.
    pub articles: Vec<usize>,
    /// Output path of the term's page (`glossary/jens-stoltenberg/index.html`).
    pub path: String,
    /// Pinyin of the main Chinese form, for sorting.
    pub pinyin: String,
}

impl Term {
    pub fn main_zh(&self) -> &str {
        self.zh.first().map(|(s, _)| s.as_str()).unwrap_or("")
    }

    pub fn main_en(&self) -> &str {
        self.en.first().map(|(s, _)| s.as_str()).unwrap_or("")
    }
}

/// Normalized English key: lower case, single spaces.
fn en_key(en: &str) -> String {
    en.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Builds the glossary and each entry's list of glossed terms, with the
/// uses the `memo` knows. Fails only when an article's text cannot be read
/// back from the build cache.
pub fn build_glossary(archive: &mut Archive, memo: Option<&UsesMemo>) -> anyhow::Result<()> {
    // Forms get ids: Chinese as written, English by normalized key (made
    // once per English spelling, not once per gloss).
    let mut zh_ids: FxHashMap<&str, usize> = FxHashMap::default();
    let mut en_spelled: FxHashMap<&str, usize> = FxHashMap::default();
    let mut en_ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut english: Vec<bool> = Vec::new();
    let mut spelled: Vec<FxHashMap<&str, usize>> = Vec::new();
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new(); // (zh id, en id, entry)
    for (i, e) in archive.entries.iter().enumerate() {
        for g in &e.body.glosses {
            let mut new_id = |is_english: bool| {
                english.push(is_english);
                spelled.push(FxHashMap::default());
                english.len() - 1
            };
            let z = *zh_ids.entry(g.zh()).or_insert_with(|| new_id(false));
            let n = match en_spelled.get(g.en()) {
                Some(&n) => n,
                None => {
                    let n = *en_ids.entry(en_key(g.en())).or_insert_with(|| new_id(true));
                    en_spelled.insert(g.en(), n);
                    n
                }
            };
            *spelled[z].entry(g.zh()).or_insert(0) += 1;
            *spelled[n].entry(g.en()).or_insert(0) += 1;
            pairs.push((z, n, i));
        }
    }
    let mut uf = UnionFind((0..english.len()).collect());
    for &(z, n, _) in &pairs {
        uf.union(z, n);
    }
    let mut groups: BTreeMap<usize, (Vec<usize>, Vec<usize>, usize)> = BTreeMap::new();
    for (id, &is_english) in english.iter().enumerate() {
        let root = uf.find(id);
        let g = groups.entry(root).or_default();
        if is_english {
            g.1.push(id)
        } else {
            g.0.push(id)
        }
    }
    for &(z, _, _) in &pairs {
        let root = uf.find(z);
        if let Some(g) = groups.get_mut(&root) {
            g.2 += 1;
        }
    }
    let forms = |list: &[usize]| -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = list
            .iter()
            .flat_map(|&id| spelled[id].iter().map(|(s, n)| (s.to_string(), *n)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let mut terms: Vec<Term> = groups
        .into_values()
        .map(|(zh, en, uses)| {
            let zh = forms(&zh);
            let pinyin = zh.first().map(|(s, _)| pinyin_key(s)).unwrap_or_default();
            Term {
                zh,
                en: forms(&en),
                uses,
                articles: Vec::new(),
                path: String::new(),
                pinyin,
            }
        })
        .filter(|t| !t.zh.is_empty() && !t.en.is_empty())
        .collect();
    terms.sort_by(|a, b| {
        en_key(a.main_en())
            .cmp(&en_key(b.main_en()))
            .then_with(|| a.main_zh().cmp(b.main_zh()))
    });
    let wanted: Vec<(String, std::path::PathBuf)> = terms
        .iter()
        .map(|t| {
            let slug = make_slug(t.main_en());
            let slug = if slug.is_empty() {
                make_slug(t.main_zh())
            } else {
                slug
            };
            (
                format!("glossary/{slug}"),
                format!("{}|{}", t.main_en(), t.main_zh()).into(),
            )
        })
        .collect();
    let wanted_refs: Vec<(String, &std::path::Path)> = wanted
        .iter()
        .map(|(a, b)| (a.clone(), b.as_path()))
        .collect();
    for (t, p) in terms.iter_mut().zip(unique_paths(&wanted_refs)) {
        t.path = format!("{}/index.html", p.trim_end_matches(".html"));
    }
    find_uses(archive, &mut terms, memo)?;
    // Each entry's own glossed terms, in the order it glosses them.
    let term_of: FxHashMap<&str, usize> = terms
        .iter()
        .enumerate()
        .flat_map(|(t, term)| term.zh.iter().map(move |(s, _)| (s.as_str(), t)))
        .collect();
    let own: Vec<Vec<usize>> = archive
        .entries
        .par_iter()
        .map(|e| {
            let mut own: Vec<usize> = Vec::new();
            for g in &e.body.glosses {
                if let Some(&t) = term_of.get(g.zh())
                    && !own.contains(&t)
                {
                    own.push(t);
                }
            }
            own
        })
        .collect();
    drop(term_of);
    for (e, own) in archive.entries.iter_mut().zip(own) {
        e.terms = own;
    }
    archive.glossary = terms;
    Ok(())
}

/// `斯托尔滕贝格` → `si tuo er teng bei ge`, for sorting by pinyin.
pub fn pinyin_key(zh: &str) -> String {
    use pinyin::ToPinyin;
    zh.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.plain().to_owned(),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The uses of glossary forms the last build found, kept in the build
/// cache: scanning every article's title and text for every form is most of
/// the link stage, and an edit rarely changes the forms or many texts.
/// What is found depends only on the forms (in order, with their terms) and
/// on the title and text, so a text with the same key under the same forms
/// uses the same terms.
#[derive(Default, Serialize, Deserialize)]
pub struct KnownUses {
    /// Hash of the forms.
    forms: u128,
    /// Each text's key (see [`text_key`]) and the terms it uses.
    texts: Vec<(u128, Vec<u32>)>,
}

/// The last build's uses, and this build's once they are found.
#[derive(Default)]
pub struct UsesMemo {
    previous: KnownUses,
    next: Mutex<Option<KnownUses>>,
}

impl UsesMemo {
    pub fn new(previous: KnownUses) -> UsesMemo {
        UsesMemo {
            previous,
            next: Mutex::new(None),
        }
    }

    /// This build's uses (for the next build).
    pub fn finish(self) -> Option<KnownUses> {
        self.next.into_inner().unwrap_or_default()
    }
}

/// An article's title and text, by key (the text by
/// [`crate::clean::CleanBody::hash_text`]).
fn text_key(e: &super::Entry) -> u128 {
    let mut h = Xxh3::new();
    field(&mut h, e.article.title.as_bytes());
    e.body.hash_text(&mut h);
    h.digest128()
}

/// Finds, for every term, the articles whose title or text uses a form;
/// texts the memo knows under the same forms are not scanned again.
fn find_uses(archive: &Archive, terms: &mut [Term], memo: Option<&UsesMemo>) -> anyhow::Result<()> {
    let mut patterns: Vec<String> = Vec::new();
    let mut owner: Vec<(usize, bool)> = Vec::new();
    for (t, term) in terms.iter().enumerate() {
        for (z, _) in &term.zh {
            patterns.push(z.clone());
            owner.push((t, false));
        }
        for (e, _) in &term.en {
            patterns.push(e.clone());
            owner.push((t, true));
        }
    }
    // What is found depends on the patterns and whose they are.
    let mut forms = Xxh3::new();
    for (pattern, &(t, english)) in patterns.iter().zip(&owner) {
        field(&mut forms, pattern.as_bytes());
        field(&mut forms, &(t as u64).to_le_bytes());
        forms.update(&[u8::from(english)]);
    }
    let forms = forms.digest128();
    if patterns.is_empty() {
        return Ok(());
    }
    let Ok(ac) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
    else {
        return Ok(());
    };
    let known: FxHashMap<u128, &[u32]> = match memo {
        Some(m) if m.previous.forms == forms => m
            .previous
            .texts
            .iter()
            .map(|(k, found)| (*k, found.as_slice()))
            .collect(),
        _ => FxHashMap::default(),
    };
    let per_entry: Vec<(u128, Vec<u32>)> = archive
        .entries
        .par_iter()
        .map(|e| {
            let key = text_key(e);
            if let Some(found) = known.get(&key) {
                return Ok((key, found.to_vec()));
            }
            let mut found: Vec<u32> = Vec::new();
            let text = e.body.text()?;
            for hay in [e.article.title.as_str(), &text] {
                for m in ac.find_iter(hay) {
                    let (t, english) = owner[m.pattern().as_usize()];
                    if english && !on_word_boundaries(hay, m.start(), m.end()) {
                        continue;
                    }
                    if !found.contains(&(t as u32)) {
                        found.push(t as u32);
                    }
                }
            }
            Ok((key, found))
        })
        .collect::<anyhow::Result<_>>()?;
    for (i, (_, found)) in per_entry.iter().enumerate() {
        for &t in found {
            terms[t as usize].articles.push(i);
        }
    }
    if let Some(memo) = memo
        && let Ok(mut next) = memo.next.lock()
    {
        *next = Some(KnownUses {
            forms,
            texts: per_entry,
        });
    }
    Ok(())
}

fn on_word_boundaries(hay: &str, start: usize, end: usize) -> bool {
    let before = hay[..start].chars().next_back();
    let after = hay[end..].chars().next();
    let latin = |c: char| c.is_ascii_alphanumeric() || ('\u{C0}'..='\u{24F}').contains(&c);
    !before.is_some_and(latin) && !after.is_some_and(latin)
}

#[cfg(test)]
#[path = "glossary_tests.rs"]
mod tests;
