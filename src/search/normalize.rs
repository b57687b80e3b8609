//! Search: the one normalization of text, used for the index here and for
//! queries by `static/search.js`, which implements exactly the same steps
//! (both are checked against `tests/fixtures/search_vectors.json`).
//!
//! Steps 1–3 apply to each character on its own (so both sides agree exactly
//! and the index builds fast):
//! 1. NFKC (full-width letters and digits become ASCII), then lower case.
//! 2. Diacritics removed (NFD, combining marks dropped): `café` → `cafe`.
//! 3. Traditional characters mapped to Simplified, with a table generated from
//!    zhconv and shipped to the browser as `search/t2s.js`: `北約` and `北约`
//!    are the same tokens.
//! 4. Tokens: each run of Han characters gives its overlapping bigrams (a
//!    one-character run gives itself); each run of letters and digits is a
//!    word, lightly stemmed (`reports` → `report`, `talking` → `talk`).
//!    Everything else separates tokens.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Traditional → Simplified, character by character.
pub static T2S: LazyLock<HashMap<char, char>> = LazyLock::new(build_t2s);

fn build_t2s() -> HashMap<char, char> {
    let mut map = HashMap::new();
    for range in [0x3400u32..=0x4DBF, 0x4E00..=0x9FFF, 0xF900..=0xFAFF] {
        for cp in range {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let s = zhconv::zhconv(&c.to_string(), zhconv::Variant::ZhHans);
            let mut chars = s.chars();
            if let (Some(t), None) = (chars.next(), chars.next())
                && t != c
            {
                map.insert(c, t);
            }
        }
    }
    map
}

/// The T2S table as an array over U+3400–U+9FFF, for the common case.
static T2S_ARRAY: LazyLock<Vec<char>> = LazyLock::new(|| {
    (0x3400u32..=0x9FFF)
        .map(|cp| {
            let c = char::from_u32(cp).unwrap_or(' ');
            T2S.get(&c).copied().unwrap_or(c)
        })
        .collect()
});

/// T2S for a character in U+3400–U+9FFF.
fn t2s_fast(c: char) -> char {
    T2S_ARRAY[(c as u32 - 0x3400) as usize]
}

/// Steps 1–3 for one character (the text's normalization is that of each
/// of its characters in turn: the same in Rust and in JavaScript, and fast).
fn normalize_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
        out.push(t2s_fast(c));
    } else {
        // Punctuation is most of these (，。「」 in Chinese text): remember
        // each character's result instead of normalizing it every time.
        SLOW_CHARS.with_borrow_mut(|known| {
            let normalized = known.entry(c).or_insert_with(|| normalize_slow(c));
            out.push_str(normalized);
        });
    }
}

thread_local! {
    static SLOW_CHARS: std::cell::RefCell<HashMap<char, Box<str>>> =
        std::cell::RefCell::new(HashMap::new());
}

fn normalize_slow(c: char) -> Box<str> {
    let lowered: String = c.nfkc().collect::<String>().to_lowercase();
    let stripped: String = lowered
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| T2S.get(&c).copied().unwrap_or(c))
        .collect();
    stripped.nfc().collect::<String>().into_boxed_str()
}

/// Builds the conversion tables now (on another thread, while the content
/// is read), so that the first use does not hold up the others.
pub fn warm_up() {
    LazyLock::force(&T2S_ARRAY);
}

/// Steps 1–3: the normalized text.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        normalize_char(c, &mut out);
    }
    out
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Step 4 on normalized text: calls `each` with every token, in order.
pub fn for_each_token(normalized: &str, mut each: impl FnMut(&str)) {
    let mut buf = String::new();
    let mut chars = normalized.chars().peekable();
    while let Some(c) = chars.next() {
        if is_han(c) {
            match chars.peek() {
                Some(&next) if is_han(next) => {
                    // Bigrams of the run.
                    let mut prev = c;
                    while let Some(&next) = chars.peek() {
                        if !is_han(next) {
                            break;
                        }
                        buf.clear();
                        buf.push(prev);
                        buf.push(next);
                        each(&buf);
                        prev = next;
                        chars.next();
                    }
                }
                _ => {
                    buf.clear();
                    buf.push(c);
                    each(&buf);
                }
            }
        } else if is_word_char(c) {
            buf.clear();
            buf.push(c);
            while let Some(&next) = chars.peek() {
                if !is_word_char(next) {
                    break;
                }
                buf.push(next);
                chars.next();
            }
            let stemmed = stem(&buf);
            each(&stemmed);
        }
    }
}

/// Step 4 on normalized text: the tokens, in order.
pub fn tokens(normalized: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(normalized, |t| out.push(t.to_owned()));
    out
}

/// Normalizes and tokenizes.
pub fn analyze(text: &str) -> Vec<String> {
    tokens(&normalize(text))
}

/// A light English stemmer: plural and a few verb endings. Words of other
/// scripts, and short words, are left alone.
pub fn stem(word: &str) -> Cow<'_, str> {
    let n = word.chars().count();
    if !word.is_ascii() || n <= 3 {
        return Cow::Borrowed(word);
    }
    let cut = |suffix: &str| Cow::Borrowed(&word[..word.len() - suffix.len()]);
    if word.ends_with("ies") && n > 4 {
        Cow::Owned(format!("{}y", &word[..word.len() - 3]))
    } else if word.ends_with("sses")
        || word.ends_with("ches")
        || word.ends_with("shes")
        || word.ends_with("xes")
        || word.ends_with("zes")
    {
        cut("es")
    } else if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        cut("s")
    } else if word.ends_with("ing") && n > 5 {
        cut("ing")
    } else if word.ends_with("ed") && n > 4 {
        cut("ed")
    } else {
        Cow::Borrowed(word)
    }
}

/// 32-bit FNV-1a of the token's UTF-8 bytes: which shard holds it.
pub fn token_hash(token: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in token.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors `static/search.js` is checked against in the browser.
    #[test]
    fn the_shared_test_vectors_hold() {
        let text = include_str!("../../tests/fixtures/search_vectors.json");
        let vectors: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        assert!(vectors.len() >= 15);
        for v in vectors {
            let input = v["input"].as_str().unwrap();
            assert_eq!(
                normalize(input),
                v["normalized"].as_str().unwrap(),
                "normalize {input:?}"
            );
            let toks: Vec<String> = v["tokens"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(analyze(input), toks, "tokens {input:?}");
            if let Some(h) = v.get("hash0") {
                assert_eq!(
                    token_hash(&toks[0]) as u64,
                    h.as_u64().unwrap(),
                    "hash {input:?}"
                );
            }
        }
    }

    #[test]
    fn traditional_and_simplified_give_the_same_tokens() {
        assert_eq!(analyze("北約秘書長"), analyze("北约秘书长"));
        assert_eq!(analyze("北约"), vec!["北约"]);
    }
}
