//! Link stage: output paths of article pages.
//!
//! An article lives at `YYYY/MM/<slug>.html` (month of publication in the
//! site's timezone) or `undated/<slug>.html`. Slugs contain only `a-z`, `0-9`
//! and `-`, so every path is ASCII, has no `..` and stays inside the output
//! folder whatever the input. Collisions are resolved deterministically: the
//! article whose content path sorts first keeps the plain name, the others get
//! a suffix derived from their own content path, which does not change when
//! other articles come and go.

use std::path::Path;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use rustc_hash::{FxHashMap, FxHashSet};
use url::Url;

/// Longest slug kept (bytes); longer ones are cut at a word boundary.
const MAX_SLUG: usize = 64;

/// Names used by list pages inside the date folders.
const RESERVED: &[&str] = &["index", "all", "page"];

/// The folder of an article: `2021/09` or `undated`.
pub fn folder(date: Option<DateTime<Utc>>, tz: Tz) -> String {
    match date {
        Some(d) => {
            let local = d.with_timezone(&tz);
            format!("{:04}/{:02}", local.year(), local.month())
        }
        None => "undated".to_owned(),
    }
}

/// The slug of an article: from front matter `slug`, else the last segment
/// of its source URL, else its file name; transliterated to ASCII.
pub fn slug_for(explicit: Option<&str>, source_url: Option<&Url>, rel_path: &Path) -> String {
    let from_url = source_url.and_then(url_segment);
    let from_file = rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let candidates = [explicit.map(str::to_owned), from_url, from_file];
    let slug = candidates
        .iter()
        .flatten()
        .map(|c| make_slug(c))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "article".to_owned());
    if RESERVED.contains(&slug.as_str()) || slug.starts_with("page-") {
        format!("{slug}-article")
    } else {
        slug
    }
}

/// The last non-empty path segment of a URL, percent-decoded, without extension.
fn url_segment(url: &Url) -> Option<String> {
    let segment = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    let stem = match decoded.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 => stem.to_owned(),
        _ => decoded.into_owned(),
    };
    Some(stem)
}

/// ASCII slug: transliterated, lower case, `-` between words, length-capped.
pub fn make_slug(text: &str) -> String {
    let slug = slug::slugify(text);
    if slug.len() <= MAX_SLUG {
        return slug;
    }
    let cut = &slug[..MAX_SLUG];
    match cut.rfind('-') {
        Some(i) if i > MAX_SLUG / 2 => cut[..i].to_owned(),
        _ => cut.trim_end_matches('-').to_owned(),
    }
}

/// Assigns unique paths. `wanted[i]` is (folder/slug, content path) of
/// article `i`; returns `folder/slug[-suffix].html` for each, in order.
pub fn unique_paths(wanted: &[(String, &Path)]) -> Vec<String> {
    let mut groups: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, (base, _)) in wanted.iter().enumerate() {
        groups.entry(base.as_str()).or_default().push(i);
    }
    let mut out: Vec<String> = wanted.iter().map(|(b, _)| format!("{b}.html")).collect();
    // Only bases wanted more than once need suffixes: in base order, the
    // first by content path keeps the base.
    let mut shared: Vec<(&str, Vec<usize>)> =
        groups.into_iter().filter(|(_, m)| m.len() > 1).collect();
    if shared.is_empty() {
        return out;
    }
    shared.sort_unstable_by_key(|&(base, _)| base);
    let mut taken: FxHashSet<String> = out.iter().cloned().collect();
    for (base, mut members) in shared {
        members.sort_by(|&a, &b| wanted[a].1.cmp(wanted[b].1));
        for &i in &members[1..] {
            let mut suffix = short_hash(&wanted[i].1.to_string_lossy());
            let mut path = format!("{base}-{suffix}.html");
            while taken.contains(&path) {
                suffix = short_hash(&suffix);
                path = format!("{base}-{suffix}.html");
            }
            taken.insert(path.clone());
            out[i] = path;
        }
    }
    out
}

/// Eight hex digits of FNV-1a: stable across builds, platforms and versions.
pub fn short_hash(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:08x}", (h >> 32) as u32 ^ h as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn slugs_come_from_the_source_url_first() {
        let u =
            url("https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/cl-09282021124357.html");
        assert_eq!(
            slug_for(None, Some(&u), Path::new("x.md")),
            "cl-09282021124357"
        );
        assert_eq!(
            slug_for(Some("My Slug"), Some(&u), Path::new("x.md")),
            "my-slug"
        );
        let u = url("http://www.bbc.com/zhongwen/simp/world-53367088");
        assert_eq!(
            slug_for(None, Some(&u), Path::new("x.md")),
            "world-53367088"
        );
    }

    #[test]
    fn chinese_and_odd_names_become_ascii() {
        let u = url("https://chinadigitaltimes.net/chinese/2020/06/%e6%97%a5%e8%af%be/");
        assert_eq!(slug_for(None, Some(&u), Path::new("x.md")), "ri-ke");
        assert_eq!(
            slug_for(None, None, Path::new("a b/.hidden name.md")),
            "hidden-name"
        );
        assert_eq!(
            slug_for(None, None, Path::new("../../etc/passwd.md")),
            "passwd"
        );
        assert_eq!(slug_for(None, None, Path::new("...md")), "article");
        assert_eq!(slug_for(None, None, Path::new("index.md")), "index-article");
        for s in [
            "Ünïcödé ☃ name",
            "/abs/path",
            "..",
            "a\\b",
            "CON",
            "\u{202e}evil",
        ] {
            let slug = slug_for(None, None, Path::new(&format!("{s}.md")));
            assert!(
                slug.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{slug}"
            );
            assert!(!slug.is_empty());
        }
    }

    #[test]
    fn long_slugs_are_cut_at_a_word_boundary() {
        let s = make_slug(&"word ".repeat(40));
        assert!(s.len() <= MAX_SLUG && s.ends_with("word"), "{s}");
    }

    #[test]
    fn folders_follow_the_site_timezone() {
        let d = DateTime::from_timestamp_millis(1632857761000).unwrap();
        assert_eq!(folder(Some(d), chrono_tz::Asia::Shanghai), "2021/09");
        let d = DateTime::from_timestamp_millis(1633017600000 - 1000).unwrap(); // 2021-09-30T15:59:59Z
        assert_eq!(folder(Some(d), chrono_tz::Asia::Shanghai), "2021/09");
        assert_eq!(folder(Some(d), chrono_tz::UTC), "2021/09");
        assert_eq!(folder(None, chrono_tz::UTC), "undated");
    }

    #[test]
    fn collisions_get_stable_suffixes() {
        let wanted = vec![
            ("2021/09/a".to_owned(), Path::new("z.md")),
            ("2021/09/a".to_owned(), Path::new("b.md")),
            ("2021/09/c".to_owned(), Path::new("c.md")),
        ];
        let paths = unique_paths(&wanted);
        assert_eq!(paths[1], "2021/09/a.html");
        assert_eq!(paths[0], format!("2021/09/a-{}.html", short_hash("z.md")));
        assert_eq!(paths[2], "2021/09/c.html");
        // Adding an unrelated article changes nothing.
        let mut more = wanted.clone();
        more.push(("2021/09/d".to_owned(), Path::new("d.md")));
        assert_eq!(&unique_paths(&more)[..3], &paths[..]);
    }

    #[test]
    fn a_suffix_already_taken_is_hashed_again() {
        let taken = format!("x-{}", short_hash("b.md"));
        let wanted = vec![
            ("x".to_owned(), Path::new("b.md")),
            (taken.clone(), Path::new("c.md")),
            ("x".to_owned(), Path::new("a.md")),
        ];
        let paths = unique_paths(&wanted);
        assert_eq!(paths[2], "x.html");
        assert_eq!(paths[1], format!("{taken}.html"));
        assert_eq!(
            paths[0],
            format!("x-{}.html", short_hash(&short_hash("b.md")))
        );
    }
}
