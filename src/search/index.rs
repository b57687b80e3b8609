//! Search: the inverted index and its files.
//!
//! Every article is a document: its index in the archive, which lists the
//! newest first, so a lower id is a more recent article and a year is a
//! range of ids. Its tokens come from four fields, weighted for ranking:
//! title ×2, topics and people ×2, the *other-language* forms of the
//! glossary terms it uses ×1.5 (so `Stoltenberg` finds an article that only
//! writes 斯托尔滕贝格, and the result can say so), and the body ×1.
//!
//! Each posting carries its BM25 term score (k1 = 1.2, b = 0.75, the
//! document's length already applied, against the average length rounded
//! so that an incremental build can patch the shards: `average_length`),
//! quantized to 1..=15 (with the glossary bit, one base-64 digit), so a
//! query needs only the shards of
//! its tokens: the browser multiplies by the idf it computes from the
//! posting count and adds up.
//!
//! Files (all loaded by `<script>`, never fetched):
//! - `search/s/<n>.js`: shard `n` of the postings, tokens assigned by
//!   [`token_hash`] modulo the shard count; each token's postings are varint
//!   numbers in a base-64 string: doc-id deltas and `score << 1 | glossary`;
//! - `search/d/<id>.js`: one document's title, path, date, topic, language,
//!   text (for snippets) and glossary terms, loaded for shown results only;
//! - `search/lang.js`, `search/topic.js`: every document's language and
//!   first topic, loaded only when the reader filters by them;
//! - `search/t2s.js`: the Traditional → Simplified table of the normalizer.
//!
//! The year filter needs no file: `search.html` carries each year's id range.

use std::fmt::Write as _;
use std::path::Path;

use chrono_tz::Tz;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::normalize::{T2S, is_han, normalize, stem, token_hash};
use super::postings::{Bucket, Gathering, Posting};
use crate::cache::field;
use crate::link::Archive;
use crate::render::memo::PageMemo;
use crate::write::Sink;

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Scores are quantized to 1..=QUANT.
const QUANT: f64 = 15.0;
/// Postings are split so that a shard is about this many bytes.
const SHARD_TARGET_BYTES: usize = 48 * 1024;
/// Text kept per document for snippets (characters).
const SNIPPET_SOURCE_CHARS: usize = 2500;

/// Inlined in `search.html`: enough to load the right shards.
#[derive(Debug, Serialize, Clone)]
pub struct SearchConfig {
    pub docs: usize,
    pub shards: usize,
    /// `[year, first id, end id]`, newest year first.
    pub years: Vec<[u32; 3]>,
    /// The BM25 score a quantized 1 stands for.
    pub unit: f64,
}

/// One token's weight in one document.
#[derive(Clone, Copy, Default)]
pub(super) struct Weight {
    /// Weighted term frequency, in half units.
    pub(super) halves: u32,
    /// Whether every occurrence came from glossary forms.
    pub(super) glossary_only: bool,
}

/// A Han token without allocation: one or two characters packed in a u64
/// (the first in the high half; a lone character has no low half).
fn han_chars(key: u64) -> impl Iterator<Item = char> {
    [(key >> 32) as u32, (key & 0xFFFF_FFFF) as u32]
        .into_iter()
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
}

pub(super) fn han_text(key: u64) -> String {
    han_chars(key).collect()
}

/// [`token_hash`] of a Han token's text, without building it.
fn han_hash(key: u64) -> u32 {
    let mut buf = [0u8; 8];
    let mut len = 0;
    for c in han_chars(key) {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    token_hash(std::str::from_utf8(&buf[..len]).unwrap_or_default())
}

/// The tokens of one document with their weights, and its length in tokens.
#[derive(Default)]
pub(super) struct DocTokens {
    pub han: FxHashMap<u64, Weight>,
    pub words: FxHashMap<Box<str>, Weight>,
    pub length: usize,
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
                match self.words.get_mut(stemmed.as_ref()) {
                    Some(w) => bump(w),
                    None => bump(self.words.entry(stemmed.into()).or_insert(fresh)),
                }
                self.length += 1;
            }
        }
    }
}

/// Tokens of one document with their weights.
fn doc_tokens(archive: &Archive, i: usize, terms_of: &[Vec<usize>]) -> anyhow::Result<DocTokens> {
    let e = &archive.entries[i];
    let text = e.body.text()?;
    // Distinct tokens grow with the text: sized up front, the maps do not
    // rehash as they fill (a tenth of the time spent here).
    let size = text.len() / 8;
    let mut doc = DocTokens {
        han: FxHashMap::with_capacity_and_hasher(size, Default::default()),
        words: FxHashMap::with_capacity_and_hasher(size / 4, Default::default()),
        length: 0,
    };
    doc.add(&e.article.title, 4, false);
    doc.add(&text, 2, false);
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
    Ok(doc)
}

/// Documents tokenized at a time: their postings go to the buckets before
/// the next batch is read, so memory holds the postings, not the token maps.
const BATCH: usize = 256;
/// Postings are gathered in this many buckets (by token hash); a shard is
/// a whole number of buckets, since the shard count is a power of two.
const BUCKETS: u32 = 4096;

/// The texts of a bucket's words, by fingerprint.
type Words = FxHashMap<u64, Box<str>>;

/// What the next build needs to patch this index instead of making it
/// again (see `search::patch`); kept in the last build's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchRecord {
    /// Each document by id: its key (`doc_key`), its length in tokens and
    /// how many distinct tokens it has (its postings).
    pub docs: Vec<(u128, u32, u32)>,
    pub shards: u32,
    /// The bits of `average_length`.
    pub avgdl: u64,
    /// Postings in all shards.
    pub postings: u64,
}

/// What [`write`] did.
pub struct Written {
    pub config: SearchConfig,
    pub files: usize,
    /// Whether the last build's index was patched rather than made whole.
    pub patched: bool,
}

/// Builds the index and writes its files to `sink` (dates in `tz`, the
/// site's timezone, as on the article pages); returns what `search.html`
/// needs. With a `memo` that holds the last build's index, only the
/// documents that changed are tokenized and the shards are patched.
///
/// Documents are tokenized in parallel batches whose postings are moved to
/// buckets by token hash; then each shard is sorted and written in
/// parallel, and so is each document's snippet file.
pub fn write(
    archive: &Archive,
    tz: Tz,
    memo: Option<&PageMemo>,
    scratch: Option<&Path>,
    sink: &dyn Sink,
) -> anyhow::Result<Written> {
    let n = archive.entries.len();
    if n >= 1 << 24 {
        anyhow::bail!("the search index holds at most 16,777,215 articles; this archive has {n}");
    }
    let mut terms_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (t, term) in archive.glossary.iter().enumerate() {
        for &i in &term.articles {
            terms_of[i].push(t);
        }
    }
    let keys: Vec<u128> = (0..n)
        .into_par_iter()
        .map(|i| doc_key(archive, i, &terms_of[i]))
        .collect();
    let previous = memo
        .and_then(PageMemo::search)
        .filter(|p| p.docs.len() == n);
    let index = Index {
        archive,
        terms_of: &terms_of,
        keys: &keys,
    };
    let patched = match (memo, previous) {
        (Some(memo), Some(previous)) => super::patch::patch(&index, previous, memo, sink)?,
        _ => None,
    };
    let (record, patched) = match patched {
        Some(record) => (record, true),
        None => (index.write_whole(sink, scratch)?, false),
    };
    (0..n).into_par_iter().try_for_each(|i| {
        let path = format!("search/d/{i}.js");
        if let (Some(memo), Some(previous)) = (memo, previous)
            && previous.docs[i].0 == keys[i]
            && memo.keep_file(&path, sink)?
        {
            return Ok(());
        }
        sink.put(&path, doc_js(archive, i, &terms_of[i], tz)?.as_bytes())
    })?;
    sink.put("search/lang.js", lang_js(archive).as_bytes())?;
    sink.put("search/topic.js", topic_js(archive).as_bytes())?;
    sink.put("search/t2s.js", t2s_js().as_bytes())?;
    let config = SearchConfig {
        shards: record.shards as usize,
        docs: n,
        years: year_ranges(archive),
        unit: (K1 + 1.0) / QUANT,
    };
    let files = record.shards as usize + n + 3;
    if let Some(memo) = memo {
        memo.set_search(record)?;
    }
    Ok(Written {
        config,
        files,
        patched,
    })
}

/// A document's key: everything its tokens, its length and its snippet
/// file are made of, its text by [`crate::clean::CleanBody::hash_text`],
/// so that unchanged documents are recognized without reading their text.
/// (Templates, site.toml and the binary need not be in it: the last
/// build's record is only used when they are the same.)
fn doc_key(archive: &Archive, i: usize, terms: &[usize]) -> u128 {
    let e = &archive.entries[i];
    let mut h = Xxh3::new();
    h.update(&(i as u64).to_le_bytes());
    let mut field = |bytes: &[u8]| field(&mut h, bytes);
    field(e.article.title.as_bytes());
    field(e.path.as_bytes());
    field(
        &e.article
            .date
            .map_or(i64::MIN, |d| d.timestamp())
            .to_le_bytes(),
    );
    field(e.body.lang.as_bytes());
    for &t in &e.topics {
        field(archive.topics[t].zh.as_bytes());
        field(archive.topics[t].en.as_bytes());
    }
    field(b"credits");
    for &(_, p) in &e.credits {
        field(archive.people[p].name.as_bytes());
    }
    field(b"terms");
    for &t in terms {
        let term = &archive.glossary[t];
        field(term.main_zh().as_bytes());
        field(term.main_en().as_bytes());
        for (form, _) in term.zh.iter().chain(&term.en) {
            field(form.as_bytes());
        }
        field(b"");
    }
    e.body.hash_text(&mut h);
    h.digest128()
}

/// The average document length, rounded to a 32nd of a power of two
/// (steps of about 2 %). BM25 barely moves with it, and rounded, one
/// edited article almost never changes it, so that the next build can
/// patch the shards instead of scoring every posting again.
pub(super) fn average_length(lengths: impl Iterator<Item = u32>, n: usize) -> f64 {
    let mean = (lengths.map(f64::from).sum::<f64>() / n.max(1) as f64).max(1.0);
    ((mean.log2() * 32.0).round() / 32.0).exp2()
}

/// How many shards `postings` postings make (a power of two).
pub(super) fn shard_count(postings: u64) -> u32 {
    (postings as usize * 2 / SHARD_TARGET_BYTES)
        .max(1)
        .next_power_of_two()
        .min(BUCKETS as usize) as u32
}

/// The shard of a token, by its order (see [`Posting`]) and text.
pub(super) fn shard_of(order: u64, text: Option<&str>, shards: u32) -> u32 {
    let hash = match text {
        Some(word) => token_hash(word),
        None => han_hash(order),
    };
    hash % BUCKETS % shards
}

/// The archive's documents, with what their tokens are made of.
pub(super) struct Index<'a> {
    pub archive: &'a Archive,
    pub terms_of: &'a [Vec<usize>],
    pub keys: &'a [u128],
}

impl Index<'_> {
    /// Tokens of document `i` with their weights.
    pub(super) fn tokens(&self, i: usize) -> anyhow::Result<DocTokens> {
        doc_tokens(self.archive, i, self.terms_of)
    }

    /// Tokenizes every document and writes every shard; postings beyond a
    /// budget wait in a scratch file in `scratch` (see [`Gathering`]).
    fn write_whole(&self, sink: &dyn Sink, scratch: Option<&Path>) -> anyhow::Result<SearchRecord> {
        self.write_gathered(sink, Gathering::new(BUCKETS as usize, scratch))
    }

    fn write_gathered(
        &self,
        sink: &dyn Sink,
        mut gathering: Gathering,
    ) -> anyhow::Result<SearchRecord> {
        let n = self.archive.entries.len();
        let mut words: Vec<Words> = (0..BUCKETS).map(|_| Words::default()).collect();
        let mut docs: Vec<(u128, u32, u32)> = Vec::with_capacity(n);
        let tokenize = |start: usize| -> anyhow::Result<Vec<DocTokens>> {
            (start..(start + BATCH).min(n))
                .into_par_iter()
                .map(|i| self.tokens(i))
                .collect()
        };
        // Each batch is moved to the buckets while the next one is tokenized.
        let mut batch = tokenize(0)?;
        for start in (0..n).step_by(BATCH) {
            let scatter = || -> anyhow::Result<()> {
                for (k, d) in batch.into_iter().enumerate() {
                    let doc = (start + k) as u32;
                    let distinct = d.han.len() + d.words.len();
                    docs.push((self.keys[doc as usize], d.length as u32, distinct as u32));
                    for (key, w) in d.han {
                        let b = (han_hash(key) % BUCKETS) as usize;
                        gathering.push(b, Posting::new(key, doc, w))?;
                    }
                    for (text, w) in d.words {
                        let order = word_order(&text);
                        let b = (token_hash(&text) % BUCKETS) as usize;
                        gathering.push(b, Posting::new(order, doc, w))?;
                        words[b].entry(order).or_insert(text);
                    }
                }
                Ok(())
            };
            let next = start + BATCH;
            let tokenize_next = || match next < n {
                true => tokenize(next),
                false => Ok(Vec::new()),
            };
            let (scattered, following) = rayon::join(scatter, tokenize_next);
            scattered?;
            batch = following?;
        }
        let total = gathering.total();
        let (buckets, postings) = gathering.finish()?;
        let shard_count = shard_count(total as u64);
        let avgdl = average_length(docs.iter().map(|d| d.1), n);
        // Shard s holds the buckets b with b % shard_count == s.
        let mut by_shard: Vec<Vec<(Bucket, Words)>> =
            (0..shard_count).map(|_| Vec::new()).collect();
        for (b, (bucket, w)) in buckets.into_iter().zip(words).enumerate() {
            by_shard[b % shard_count as usize].push((bucket, w));
        }
        by_shard
            .into_par_iter()
            .enumerate()
            .try_for_each(|(s, parts)| {
                let mut shard: Vec<Posting> = Vec::new();
                let mut texts = Words::default();
                for (bucket, w) in parts {
                    postings.read(bucket, &mut shard)?;
                    texts.extend(w);
                }
                // Stable: each token's postings stay in document order.
                shard.sort_by_key(|p| p.order());
                let scored = shard.iter().map(|p| {
                    let length = docs[p.doc() as usize].1;
                    (p.order(), p.doc(), score(p.weight(), length, avgdl))
                });
                let js = shard_js(s as u32, scored, |order| texts.get(&order).map(|w| &**w));
                sink.put(&format!("search/s/{s}.js"), js.as_bytes())
            })?;
        Ok(SearchRecord {
            docs,
            shards: shard_count,
            avgdl: avgdl.to_bits(),
            postings: total as u64,
        })
    }
}

/// The high bit of a word's [`Posting::order`].
const WORD: u64 = 1 << 63;

/// A word's [`Posting::order`].
pub(super) fn word_order(text: &str) -> u64 {
    WORD | (fingerprint(text) >> 1)
}

/// A token's [`Posting::order`] from its text as the shard file has it.
pub(super) fn order_of(token: &str) -> u64 {
    let mut chars = token.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, _) if is_han(a) => (a as u64) << 32,
        (Some(a), Some(b), None) if is_han(a) && is_han(b) => ((a as u64) << 32) | b as u64,
        _ => word_order(token),
    }
}

/// 64-bit FNV-1a of a word.
fn fingerprint(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A token's BM25 term score in a document, quantized: `(score << 1) |
/// glossary_only`.
pub(super) fn score(w: Weight, length: u32, avgdl: f64) -> u32 {
    let tf = f64::from(w.halves) / 2.0;
    let bm25 = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * f64::from(length) / avgdl));
    let q = (bm25 / (K1 + 1.0) * QUANT).round().clamp(1.0, QUANT) as u32;
    (q << 1) | u32::from(w.glossary_only)
}

/// Each year's range of document ids (the archive lists newest first, so
/// a year's articles are contiguous).
fn year_ranges(archive: &Archive) -> Vec<[u32; 3]> {
    let mut years: Vec<[u32; 3]> = Vec::new();
    for m in &archive.months {
        let (Some(&lo), Some(&hi)) = (m.entries.iter().min(), m.entries.iter().max()) else {
            continue;
        };
        let (lo, hi) = (lo as u32, hi as u32 + 1);
        match years.iter_mut().find(|y| y[0] == m.year as u32) {
            Some(y) => {
                y[1] = y[1].min(lo);
                y[2] = y[2].max(hi);
            }
            None => years.push([m.year as u32, lo, hi]),
        }
    }
    years.sort_unstable_by(|a, b| b[0].cmp(&a[0]));
    years
}

/// Varint in base 64: five value bits a character, the sixth says "more".
pub(super) const DIGITS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

/// A shard's file from its postings as `(order, document, score)`, sorted
/// by token then document; `word` gives a word's text by its order (Han
/// tokens are their order).
pub(super) fn shard_js<'w>(
    shard: u32,
    postings: impl Iterator<Item = (u64, u32, u32)>,
    word: impl Fn(u64) -> Option<&'w str>,
) -> String {
    let mut out = format!("dubenSearch.shard({shard},{{");
    let mut last: Option<u64> = None;
    let mut last_doc = 0u32;
    for (order, doc, score) in postings {
        if last != Some(order) {
            if last.is_some() {
                out.push_str("\",");
            }
            let text = match word(order) {
                Some(w) => w.to_string(),
                None => han_text(order),
            };
            out.push_str(&serde_json::to_string(&text).unwrap_or_default());
            out.push_str(":\"");
            last = Some(order);
            last_doc = 0;
        }
        push_varint(&mut out, doc - last_doc);
        push_varint(&mut out, score);
        last_doc = doc;
    }
    if last.is_some() {
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

/// `search/lang.js`: the language tags, then one base-36 digit per document.
fn lang_js(archive: &Archive) -> String {
    let mut langs: Vec<&str> = archive
        .entries
        .iter()
        .map(|e| e.body.lang.as_str())
        .collect();
    langs.sort_unstable();
    langs.dedup();
    langs.truncate(36);
    let packed: String = archive
        .entries
        .iter()
        .map(|e| {
            let i = langs.iter().position(|l| *l == e.body.lang).unwrap_or(0);
            base36(i as u64, 1)
        })
        .collect();
    facet_js("lang", &langs, &packed)
}

/// `search/topic.js`: two base-36 digits per document, its first topic's
/// index plus one (0: none).
fn topic_js(archive: &Archive) -> String {
    let packed: String = archive
        .entries
        .iter()
        .map(|e| base36(e.topics.first().map_or(0, |t| t + 1).min(1295) as u64, 2))
        .collect();
    facet_js("topic", &[], &packed)
}

fn facet_js(name: &str, values: &[&str], packed: &str) -> String {
    format!(
        "dubenSearch.facet(\"{name}\",{},\"{packed}\");\n",
        serde_json::to_string(values)
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

fn doc_js(archive: &Archive, i: usize, terms: &[usize], tz: Tz) -> anyhow::Result<String> {
    let e = &archive.entries[i];
    let text = e.body.text()?;
    let doc = DocJs {
        t: &e.article.title,
        p: &e.path,
        d: e.article
            .date
            .map(|d| d.with_timezone(&tz).format("%Y-%m-%d").to_string()),
        l: &e.body.lang,
        tp: e
            .topics
            .first()
            .map(|&t| [archive.topics[t].zh.as_str(), archive.topics[t].en.as_str()]),
        x: text.chars().take(SNIPPET_SOURCE_CHARS).collect(),
        g: terms
            .iter()
            .map(|&t| [archive.glossary[t].main_zh(), archive.glossary[t].main_en()])
            .collect(),
    };
    Ok(format!(
        "dubenSearch.doc({i},{});\n",
        serde_json::to_string(&doc)
            .unwrap_or_default()
            .replace("</", "<\\/")
    ))
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
                .map(|k| han_text(*k))
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

    /// An index whose postings went through a scratch file is the index
    /// gathered in memory, file for file.
    #[test]
    fn postings_kept_on_disk_make_the_same_shards() {
        use crate::link::test_support::{body, link_all};
        use crate::write::MemorySink;
        let items = (0..60)
            .map(|i| {
                let article = crate::parse::Article {
                    display_path: format!("a{i}.md").into(),
                    rel_path: format!("a{i}.md").into(),
                    title: format!("第{i}篇 report {i}"),
                    date: chrono::DateTime::from_timestamp_millis(1_000 * i),
                    ..crate::parse::Article::default()
                };
                let text = format!(
                    "北约秘书长斯托尔滕贝格（Jens Stoltenberg）第{i}次说，word{} 和 word{} 都在。",
                    i % 7,
                    i * 13
                );
                let glosses = [("斯托尔滕贝格", "Jens Stoltenberg")];
                (article, body("zh-Hans", &text, &glosses))
            })
            .collect();
        let archive = link_all(items, &[]).0;
        let n = archive.entries.len();
        let terms_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        let keys: Vec<u128> = (0..n).map(|i| i as u128).collect();
        let index = Index {
            archive: &archive,
            terms_of: &terms_of,
            keys: &keys,
        };
        let in_memory = MemorySink::default();
        let whole = index.write_whole(&in_memory, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let spilled = MemorySink::default();
        let gathering = Gathering::with_budget(BUCKETS as usize, Some(dir.path()), 50);
        let record = index.write_gathered(&spilled, gathering).unwrap();
        assert_eq!(
            (record.postings, record.shards),
            (whole.postings, whole.shards)
        );
        assert!(whole.postings > 500, "{} postings", whole.postings);
        let files = |s: &MemorySink| s.files.lock().unwrap().clone();
        assert_eq!(files(&spilled), files(&in_memory));
        assert!(files(&in_memory).keys().any(|k| k.starts_with("search/s/")));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
