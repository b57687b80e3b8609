//! Search: the inverted index and its files.
//!
//! Every article is a document (its index in the archive). Its tokens come
//! from four fields, weighted for ranking: title ×3, topics and people ×2,
//! the *other-language* forms of the glossary terms it uses ×1.5 (so
//! `Stoltenberg` finds an article that only writes 斯托尔滕贝格, and the result
//! can say so), and the body ×1.
//!
//! Files (all loaded by `<script>`, never fetched):
//! - `search/s/<n>.js`: shard `n` of the postings, tokens assigned by
//!   [`token_hash`] modulo the shard count; each token's postings are varint
//!   numbers in a base-64 string: doc-id deltas and `weight × 2 | glossary`;
//! - `search/facets.js`: per document, its language, topic, day and length;
//! - `search/d/<id>.js`: one document's title, path, date, topic, language,
//!   text (for snippets) and glossary terms, loaded for shown results only;
//! - `search/t2s.js`: the Traditional → Simplified table of the normalizer.

use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::normalize::{T2S, is_han, normalize, stem, token_hash};
use crate::link::Archive;

/// Postings are split so that a shard is about this many bytes.
const SHARD_TARGET_BYTES: usize = 48 * 1024;
/// Text kept per document for snippets (characters).
const SNIPPET_SOURCE_CHARS: usize = 2500;

/// A built index, ready to write.
pub struct SearchIndex {
    /// Shard number → JavaScript source.
    pub shards: Vec<String>,
    pub facets: String,
    /// Document id → JavaScript source.
    pub docs: Vec<String>,
    pub t2s: String,
    /// Values the search page needs before the first query.
    pub config: SearchConfig,
}

/// Inlined in `search.html`: enough to load the right shards.
#[derive(Debug, Serialize, Clone)]
pub struct SearchConfig {
    pub shards: usize,
    pub docs: usize,
}

/// One token's weight in one document.
#[derive(Clone, Copy, Default)]
struct Weight {
    /// Weighted term frequency, in half units.
    halves: u32,
    /// Whether every occurrence came from glossary forms.
    glossary_only: bool,
}

/// A token without allocation: one or two Han characters packed in a u64,
/// or a word.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Han(u64),
    Word(Box<str>),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Han(k) => {
                let (a, b) = ((k >> 32) as u32, (*k & 0xFFFF_FFFF) as u32);
                [a, b]
                    .iter()
                    .filter(|&&c| c != 0)
                    .filter_map(|&c| char::from_u32(c))
                    .collect()
            }
            Key::Word(w) => w.to_string(),
        }
    }
}

/// The tokens of one document with their weights, and its length in tokens.
#[derive(Default)]
struct DocTokens {
    han: FxHashMap<u64, Weight>,
    words: FxHashMap<Box<str>, Weight>,
    length: usize,
}

impl DocTokens {
    /// Adds the tokens of `text` (the same tokens as `normalize::tokens`).
    fn add(&mut self, text: &str, halves: u32, glossary: bool) {
        let normalized = normalize(text);
        let bump = |w: &mut Weight| {
            w.halves += halves;
            w.glossary_only &= glossary;
        };
        let fresh = Weight {
            halves: 0,
            glossary_only: true,
        };
        let mut chars = normalized.chars().peekable();
        let mut word = String::new();
        while let Some(c) = chars.next() {
            if is_han(c) {
                let next_han = chars.peek().copied().filter(|&n| is_han(n));
                match next_han {
                    None => {
                        bump(self.han.entry((c as u64) << 32).or_insert(fresh));
                        self.length += 1;
                    }
                    Some(_) => {
                        let mut prev = c;
                        while let Some(&n) = chars.peek() {
                            if !is_han(n) {
                                break;
                            }
                            bump(
                                self.han
                                    .entry(((prev as u64) << 32) | n as u64)
                                    .or_insert(fresh),
                            );
                            self.length += 1;
                            prev = n;
                            chars.next();
                        }
                    }
                }
            } else if c.is_alphanumeric() {
                word.clear();
                word.push(c);
                while let Some(&n) = chars.peek() {
                    if !n.is_alphanumeric() || is_han(n) {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                let stemmed = stem(&word);
                match self.words.get_mut(stemmed.as_str()) {
                    Some(w) => bump(w),
                    None => bump(self.words.entry(stemmed.into_boxed_str()).or_insert(fresh)),
                }
                self.length += 1;
            }
        }
    }
}

/// Tokens of one document with their weights.
fn doc_tokens(archive: &Archive, i: usize, terms_of: &[Vec<usize>]) -> DocTokens {
    let e = &archive.entries[i];
    let mut doc = DocTokens::default();
    doc.add(&e.article.title, 4, false);
    doc.add(&e.body.text, 2, false);
    let length = doc.length;
    let mut meta = String::new();
    for &t in &e.topics {
        let topic = &archive.topics[t];
        let _ = write!(meta, "{} {} ", topic.zh, topic.en);
    }
    for &(_, p) in &e.credits {
        let _ = write!(meta, "{} ", archive.people[p].name);
    }
    doc.add(&meta, 4, false);
    let mut other = String::new();
    for &t in &terms_of[i] {
        let term = &archive.glossary[t];
        for (form, _) in term.zh.iter().chain(&term.en) {
            let _ = write!(other, "{form} | ");
        }
    }
    doc.add(&other, 3, true);
    doc.length = length;
    doc
}

/// The shard of a token, as `token_hash` of its text.
fn shard_of(key: &Key, shards: usize) -> usize {
    let hash = match key {
        Key::Han(_) => token_hash(&key.text()),
        Key::Word(w) => token_hash(w),
    };
    hash as usize % shards
}

/// Builds the whole index in memory.
pub fn build(archive: &Archive) -> SearchIndex {
    let n = archive.entries.len();
    let mut terms_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (t, term) in archive.glossary.iter().enumerate() {
        for &i in &term.articles {
            terms_of[i].push(t);
        }
    }
    let per_doc: Vec<DocTokens> = (0..n)
        .into_par_iter()
        .map(|i| doc_tokens(archive, i, &terms_of))
        .collect();
    let lengths: Vec<usize> = per_doc.iter().map(|d| d.length).collect();
    let total_postings: usize = per_doc.iter().map(|d| d.han.len() + d.words.len()).sum();
    let shard_count = (total_postings * 3 / SHARD_TARGET_BYTES).clamp(1, 4096);
    // Each distinct token's shard, computed once.
    let mut keys: FxHashMap<Key, usize> = FxHashMap::default();
    let mut by_shard: Vec<Vec<(u32, usize, Weight)>> = vec![Vec::new(); shard_count];
    let mut key_list: Vec<Key> = Vec::new();
    for (doc, d) in per_doc.into_iter().enumerate() {
        let han = d.han.into_iter().map(|(k, w)| (Key::Han(k), w));
        let words = d.words.into_iter().map(|(k, w)| (Key::Word(k), w));
        for (key, w) in han.chain(words) {
            let id = match keys.get(&key) {
                Some(&id) => id,
                None => {
                    let id = key_list.len();
                    key_list.push(key.clone());
                    keys.insert(key, id);
                    id
                }
            };
            by_shard[shard_of(&key_list[id], shard_count)].push((doc as u32, id, w));
        }
    }
    let texts: Vec<String> = key_list.par_iter().map(Key::text).collect();
    let shards: Vec<String> = by_shard
        .into_par_iter()
        .enumerate()
        .map(|(s, postings)| shard_js(s, postings, &texts))
        .collect();
    SearchIndex {
        facets: facets_js(archive, &lengths),
        docs: (0..n)
            .into_par_iter()
            .map(|i| doc_js(archive, i, &terms_of[i]))
            .collect(),
        t2s: t2s_js(),
        config: SearchConfig {
            shards: shard_count,
            docs: n,
        },
        shards,
    }
}

/// Varint in base 64: five value bits a character, the sixth says "more".
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_varint(out: &mut String, mut v: u32) {
    loop {
        let low = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(DIGITS[low] as char);
            return;
        }
        out.push(DIGITS[low | 32] as char);
    }
}

fn shard_js(shard: usize, postings: Vec<(u32, usize, Weight)>, texts: &[String]) -> String {
    // Postings arrive in document order; group them by token.
    let mut by_token: FxHashMap<usize, Vec<(u32, Weight)>> = FxHashMap::default();
    for (doc, tok, w) in postings {
        by_token.entry(tok).or_default().push((doc, w));
    }
    let mut tokens: Vec<usize> = by_token.keys().copied().collect();
    tokens.sort_unstable_by(|a, b| texts[*a].cmp(&texts[*b]));
    let mut out = format!("dubenSearch.shard({shard},{{");
    for (k, tok) in tokens.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&texts[*tok]).unwrap_or_default());
        out.push_str(":\"");
        let mut last = 0u32;
        for &(doc, w) in &by_token[tok] {
            push_varint(&mut out, doc - last);
            push_varint(&mut out, (w.halves.min(4095) << 1) | w.glossary_only as u32);
            last = doc;
        }
        out.push('"');
    }
    out.push_str("});\n");
    out
}

fn base36(mut v: u64, width: usize) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = vec![b'0'; width];
    for slot in s.iter_mut().rev() {
        *slot = D[(v % 36) as usize];
        v /= 36;
    }
    String::from_utf8(s).unwrap_or_default()
}

fn facets_js(archive: &Archive, lengths: &[usize]) -> String {
    let mut langs: Vec<&str> = archive
        .entries
        .iter()
        .map(|e| e.body.lang.as_str())
        .collect();
    langs.sort_unstable();
    langs.dedup();
    let mut packed = String::with_capacity(archive.entries.len() * 9);
    for (i, e) in archive.entries.iter().enumerate() {
        let lang = langs.iter().position(|l| *l == e.body.lang).unwrap_or(0);
        let topic = e.topics.first().map(|t| t + 1).unwrap_or(0).min(1295);
        let day = e
            .article
            .date
            .map(|d| d.timestamp().div_euclid(86_400).max(1) as u64)
            .unwrap_or(0);
        packed.push_str(&base36(lang as u64, 1));
        packed.push_str(&base36(topic as u64, 2));
        packed.push_str(&base36(day, 4));
        packed.push_str(&base36((lengths[i] / 4).min(1295) as u64, 2));
    }
    let avg = lengths.iter().sum::<usize>() as f64 / lengths.len().max(1) as f64;
    let topics: Vec<[&str; 2]> = archive
        .topics
        .iter()
        .map(|t| [t.zh.as_str(), t.en.as_str()])
        .collect();
    let value =
        serde_json::json!({ "langs": langs, "topics": topics, "avgdl": avg, "docs": packed });
    format!(
        "dubenSearch.facets({});\n",
        serde_json::to_string(&value)
            .unwrap_or_default()
            .replace("</", "<\\/")
    )
}

#[derive(Serialize)]
struct DocJs<'a> {
    t: &'a str,
    p: &'a str,
    d: Option<String>,
    l: &'a str,
    tp: Option<[&'a str; 2]>,
    x: String,
    g: Vec<[&'a str; 2]>,
}

fn doc_js(archive: &Archive, i: usize, terms: &[usize]) -> String {
    let e = &archive.entries[i];
    let doc = DocJs {
        t: &e.article.title,
        p: &e.path,
        d: e.article.date.map(|d| d.format("%Y-%m-%d").to_string()),
        l: &e.body.lang,
        tp: e
            .topics
            .first()
            .map(|&t| [archive.topics[t].zh.as_str(), archive.topics[t].en.as_str()]),
        x: e.body.text.chars().take(SNIPPET_SOURCE_CHARS).collect(),
        g: terms
            .iter()
            .map(|&t| [archive.glossary[t].main_zh(), archive.glossary[t].main_en()])
            .collect(),
    };
    format!(
        "dubenSearch.doc({i},{});\n",
        serde_json::to_string(&doc)
            .unwrap_or_default()
            .replace("</", "<\\/")
    )
}

fn t2s_js() -> String {
    let mut pairs: Vec<(char, char)> = T2S.iter().map(|(a, b)| (*a, *b)).collect();
    pairs.sort_unstable();
    let (from, to): (String, String) = pairs.into_iter().unzip();
    format!(
        "dubenSearch.t2s({},{});\n",
        serde_json::to_string(&from).unwrap_or_default(),
        serde_json::to_string(&to).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index's allocation-free tokenizer and the reference one agree.
    #[test]
    fn index_tokens_are_the_normalizer_tokens() {
        let text = include_str!("../../tests/fixtures/search_vectors.json");
        let vectors: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        for v in vectors {
            let input = v["input"].as_str().unwrap();
            let mut doc = DocTokens::default();
            doc.add(input, 2, false);
            let mut got: Vec<String> = doc
                .han
                .keys()
                .map(|k| Key::Han(*k).text())
                .chain(doc.words.keys().map(|w| w.to_string()))
                .collect();
            got.sort();
            let mut want: Vec<String> = crate::search::normalize::analyze(input);
            want.sort();
            want.dedup();
            assert_eq!(got, want, "{input:?}");
            assert_eq!(doc.length, crate::search::normalize::analyze(input).len());
        }
    }

    #[test]
    fn varints_round_trip_through_the_base64_alphabet() {
        let mut s = String::new();
        for v in [0u32, 1, 31, 32, 1000, 65535, 1 << 20] {
            push_varint(&mut s, v);
        }
        // Decode as search.js does.
        let mut out = Vec::new();
        let (mut v, mut shift) = (0u64, 0);
        for c in s.bytes() {
            let d = DIGITS.iter().position(|&x| x == c).unwrap() as u64;
            v += (d & 31) << shift;
            if d & 32 != 0 {
                shift += 5
            } else {
                out.push(v);
                v = 0;
                shift = 0;
            }
        }
        assert_eq!(out, vec![0, 1, 31, 32, 1000, 65535, 1 << 20]);
    }
}
