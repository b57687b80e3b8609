//! Search: patching the last build's index instead of making it again.
//!
//! Making the index tokenizes every document's text, which after one edit
//! is most of an incremental build. The shards of the last build already
//! hold every unchanged document's postings, and a posting's score depends
//! only on its document and on the average length, which is rounded (see
//! [`average_length`]). So when the same documents keep the same ids, only
//! the documents whose key changed are tokenized; each shard of the
//! previous output is read, loses their old postings and gains their new
//! ones. The result is byte for byte the index a whole build makes (a test
//! compares them).
//!
//! The index is made whole instead when the last build left no record (or
//! a different one: other templates, site.toml or binary), when the number
//! of documents, the rounded average length or the shard count changes,
//! when more than half of the documents changed, or when a previous shard
//! file is missing, altered (size or modification time) or unreadable.

use std::collections::BTreeMap;

use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::index::{
    DIGITS, DocTokens, Index, SearchRecord, average_length, han_text, order_of, score, shard_count,
    shard_js, shard_of, word_order,
};
use crate::render::memo::PageMemo;
use crate::write::Sink;

/// A shard's postings by token order: the token's text and its
/// `(document, score)` postings in document order.
type Shard = BTreeMap<u64, (Box<str>, Vec<(u32, u32)>)>;

/// Writes the shards patched from the last build's; returns the new
/// record, or `None` when the index must be made whole (nothing has been
/// written then).
pub(super) fn patch(
    index: &Index,
    previous: &SearchRecord,
    memo: &PageMemo,
    sink: &dyn Sink,
) -> Result<Option<SearchRecord>> {
    let n = index.keys.len();
    let changed: Vec<usize> = (0..n)
        .filter(|&i| previous.docs[i].0 != index.keys[i])
        .collect();
    if changed.len() > n / 2 {
        return Ok(None);
    }
    let tokens: Vec<DocTokens> = changed
        .par_iter()
        .map(|&i| index.tokens(i))
        .collect::<Result<_>>()?;
    let mut docs = previous.docs.clone();
    let mut postings = previous.postings;
    for (&i, d) in changed.iter().zip(&tokens) {
        let distinct = (d.han.len() + d.words.len()) as u32;
        postings = postings.saturating_sub(u64::from(docs[i].2)) + u64::from(distinct);
        docs[i] = (index.keys[i], d.length as u32, distinct);
    }
    let avgdl = average_length(docs.iter().map(|d| d.1), n);
    let shards = shard_count(postings);
    if avgdl.to_bits() != previous.avgdl || shards != previous.shards {
        return Ok(None);
    }
    // The changed documents' new postings, by shard.
    let mut added: Vec<Shard> = (0..shards).map(|_| Shard::new()).collect();
    for (&i, d) in changed.iter().zip(tokens) {
        let (doc, length) = (i as u32, docs[i].1);
        for (order, w) in d.han {
            let entry = added[shard_of(order, None, shards) as usize]
                .entry(order)
                .or_insert_with(|| (han_text(order).into(), Vec::new()));
            entry.1.push((doc, score(w, length, avgdl)));
        }
        for (text, w) in d.words {
            let order = word_order(&text);
            let s = shard_of(order, Some(&text), shards) as usize;
            let entry = added[s].entry(order).or_insert_with(|| (text, Vec::new()));
            entry.1.push((doc, score(w, length, avgdl)));
        }
    }
    let changed: FxHashSet<u32> = changed.iter().map(|&i| i as u32).collect();
    // Every shard is made before any is written: if one cannot be read,
    // the whole index is made instead, and no file is written twice.
    let files: Option<Vec<String>> = added
        .into_par_iter()
        .enumerate()
        .map(|(s, added)| {
            let path = format!("search/s/{s}.js");
            let bytes = memo.previous_file(&path, sink).ok()??;
            let mut shard = decode_shard(s as u32, &bytes)?;
            for (_, list) in shard.values_mut() {
                list.retain(|(doc, _)| !changed.contains(doc));
            }
            for (order, (text, list)) in added {
                let entry = shard.entry(order).or_insert_with(|| (text, Vec::new()));
                entry.1.extend(list);
                entry.1.sort_unstable_by_key(|&(doc, _)| doc);
            }
            shard.retain(|_, (_, list)| !list.is_empty());
            Some(encode_shard(s as u32, &shard))
        })
        .collect();
    let Some(files) = files else {
        return Ok(None);
    };
    files
        .par_iter()
        .enumerate()
        .try_for_each(|(s, js)| sink.put(&format!("search/s/{s}.js"), js.as_bytes()))?;
    Ok(Some(SearchRecord {
        docs,
        shards,
        avgdl: avgdl.to_bits(),
        postings,
    }))
}

fn encode_shard(s: u32, shard: &Shard) -> String {
    let postings = shard
        .iter()
        .flat_map(|(&order, (_, list))| list.iter().map(move |&(doc, score)| (order, doc, score)));
    shard_js(s, postings, |order| {
        shard.get(&order).map(|(text, _)| &**text)
    })
}

/// Reads a shard file as [`shard_js`] writes it; `None` if it is not one.
fn decode_shard(s: u32, js: &[u8]) -> Option<Shard> {
    let js = std::str::from_utf8(js).ok()?;
    let object = js
        .strip_prefix(&format!("dubenSearch.shard({s},"))?
        .strip_suffix(");\n")?;
    let tokens: FxHashMap<String, String> = serde_json::from_str(object).ok()?;
    let mut digit_value = [u8::MAX; 128];
    for (v, &d) in DIGITS.iter().enumerate() {
        digit_value[d as usize] = v as u8;
    }
    let mut shard = Shard::new();
    for (text, varints) in tokens {
        let mut numbers = Vec::with_capacity(varints.len());
        let (mut value, mut shift) = (0u32, 0);
        for b in varints.bytes() {
            let d = *digit_value.get(b as usize)?;
            if d == u8::MAX || shift > 30 {
                return None;
            }
            value |= u32::from(d & 31) << shift;
            if d & 32 != 0 {
                shift += 5;
            } else {
                numbers.push(value);
                (value, shift) = (0, 0);
            }
        }
        if shift != 0 || numbers.len() % 2 != 0 {
            return None;
        }
        let mut doc = 0u32;
        let list = numbers
            .chunks_exact(2)
            .map(|pair| {
                doc += pair[0];
                (doc, pair[1])
            })
            .collect();
        shard.insert(order_of(&text), (text.into(), list));
    }
    Some(shard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_reads_back_as_it_was_written() {
        let mut shard = Shard::new();
        shard.insert(
            order_of("新闻"),
            ("新闻".into(), vec![(0, 3), (7, 30), (40, 2)]),
        );
        shard.insert(order_of("闻"), ("闻".into(), vec![(5, 31)]));
        shard.insert(
            order_of("taiwan"),
            ("taiwan".into(), vec![(1, 1), (100_000, 9)]),
        );
        shard.insert(order_of("\"q\""), ("\"q\"".into(), vec![(2, 4)]));
        let js = encode_shard(3, &shard);
        assert!(js.starts_with("dubenSearch.shard(3,{"), "{js}");
        assert_eq!(decode_shard(3, js.as_bytes()), Some(shard));
        // Another shard's file, or a damaged one, is not read as this one.
        assert_eq!(decode_shard(4, js.as_bytes()), None);
        assert_eq!(decode_shard(3, &js.as_bytes()[..js.len() - 4]), None);
        assert_eq!(decode_shard(3, js.replace(":\"", ":\"!").as_bytes()), None);
    }
}
