//! Link stage: topics, from source URL sections and front matter.
//!
//! A URL's *sections* are its path segments without the article itself,
//! without segments that carry no subject: numbers and dates, one- and
//! two-letter codes (`a`, `gb`, `zh`), script and format words (`simp`,
//! `article`, `post`, ...), and long slugs. The topic map (built-in
//! `default_topics.toml` plus site.toml `[topics]`) labels sections; a
//! section without a label becomes a topic with a readable fallback label and
//! is reported in the build summary.

use std::collections::BTreeMap;

use url::Url;

use crate::config::Bilingual;

/// Built-in map, see the file for the matching rule.
pub const DEFAULT_TOPICS: &str = include_str!("default_topics.toml");

/// Segments that never name a subject.
const NOT_SECTIONS: &[&str] = &[
    "gb", "b5", "big5", "simp", "trad", "zhongwen", "chinese", "article", "articles", "post",
    "posts", "story", "stories", "amp", "index", "contenu", "content", "html", "www", "m",
];

/// Segments that name no subject when they are a URL's only section.
const GENERIC_ALONE: &[&str] = &["news", "en", "english", "mandarin", "cantonese", "home"];

/// The topic map: lower-cased key segments → labels.
#[derive(Debug, Clone, Default)]
pub struct TopicMap {
    entries: Vec<(Vec<String>, Bilingual)>,
}

/// A topic an article belongs to, before the archive gives it a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicLabel {
    pub zh: String,
    pub en: String,
    /// `false` for a fallback label of an unmapped section.
    pub mapped: bool,
    /// The section path it came from (empty for front matter topics).
    pub section: String,
}

impl TopicMap {
    /// The built-in map (unless `defaults` is false) with `site` on top.
    pub fn new(defaults: bool, site: &BTreeMap<String, Bilingual>) -> Result<TopicMap, String> {
        let mut merged: BTreeMap<String, Bilingual> = BTreeMap::new();
        if defaults {
            let built_in: BTreeMap<String, Bilingual> =
                toml::from_str(DEFAULT_TOPICS).map_err(|e| format!("built-in topic map: {e}"))?;
            merged.extend(built_in.into_iter().map(|(k, v)| (k.to_lowercase(), v)));
        }
        merged.extend(site.iter().map(|(k, v)| (k.to_lowercase(), v.clone())));
        let entries = merged
            .into_iter()
            .map(|(k, v)| {
                (
                    k.split('/')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    v,
                )
            })
            .collect();
        Ok(TopicMap { entries })
    }

    /// The topic of a source URL, if its path has a section.
    pub fn topic_of(&self, url: &Url) -> Option<TopicLabel> {
        let sections = sections(url);
        if sections.is_empty() {
            return None;
        }
        let lower: Vec<String> = sections.iter().map(|s| s.to_lowercase()).collect();
        let best = self
            .entries
            .iter()
            .filter(|(key, _)| contains_run(&lower, key))
            .max_by_key(|(key, _)| key.len());
        let section = sections.join("/");
        Some(match best {
            Some((_, label)) => TopicLabel {
                zh: label.zh.clone(),
                en: label.en.clone(),
                mapped: true,
                section,
            },
            None => {
                let fallback = readable(sections.last().map(String::as_str).unwrap_or(""));
                TopicLabel {
                    zh: fallback.clone(),
                    en: fallback,
                    mapped: false,
                    section,
                }
            }
        })
    }

    /// A front matter topic or tag: labelled by the map when a key or label
    /// matches it, else by itself.
    pub fn named(&self, name: &str) -> TopicLabel {
        let lower = name.to_lowercase();
        let hit = self.entries.iter().find(|(key, label)| {
            key.join("/") == lower || label.zh == name || label.en.to_lowercase() == lower
        });
        match hit {
            Some((_, l)) => TopicLabel {
                zh: l.zh.clone(),
                en: l.en.clone(),
                mapped: true,
                section: String::new(),
            },
            None => TopicLabel {
                zh: name.to_owned(),
                en: name.to_owned(),
                mapped: true,
                section: String::new(),
            },
        }
    }
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The subject-bearing path segments of a URL, percent-decoded.
pub fn sections(url: &Url) -> Vec<String> {
    let Some(segments) = url.path_segments() else {
        return Vec::new();
    };
    let segments: Vec<String> = segments
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let Some((last, parents)) = segments.split_last() else {
        return Vec::new();
    };
    let mut out: Vec<String> = parents.iter().filter(|s| is_section(s)).cloned().collect();
    // "news" alone says nothing; inside `english/news/china` it is part of a key.
    if out.len() == 1 && GENERIC_ALONE.contains(&out[0].to_lowercase().as_str()) {
        out.clear();
    }
    // BBC-style article names carry their section: `chinese-news-53459497`.
    if let Some((words, id)) = last.rsplit_once('-')
        && id.len() >= 5
        && id.bytes().all(|b| b.is_ascii_digit())
        && is_section(words)
        && words.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        out.push(words.to_owned());
    }
    out
}

fn is_section(s: &str) -> bool {
    let lower = s.to_lowercase();
    let chars = s.chars().count();
    // Section names are short words; longer non-Latin segments are titles.
    let (shortest, longest) = if s.is_ascii() { (3, 30) } else { (2, 8) };
    chars >= shortest
        && chars <= longest
        && !NOT_SECTIONS.contains(&lower.as_str())
        && !s.chars().any(|c| c.is_ascii_digit())
        && s.matches('-').count() <= 2
        && !s.contains('.')
        && !s.contains(char::is_whitespace)
}

/// `chinese-news` → `Chinese News`; Chinese text is left as it is.
fn readable(section: &str) -> String {
    section
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> TopicMap {
        TopicMap::new(true, &BTreeMap::new()).unwrap()
    }

    fn topic(url: &str) -> Option<TopicLabel> {
        map().topic_of(&Url::parse(url).unwrap())
    }

    #[test]
    fn rfa_sections_map_to_bilingual_labels() {
        let t =
            topic("https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/cl-09282021124357.html")
                .unwrap();
        assert_eq!(
            (t.zh.as_str(), t.en.as_str(), t.mapped),
            ("军事外交", "Military & Diplomacy", true)
        );
        assert_eq!(t.section, "mandarin/yataibaodao/junshiwaijiao");
        assert_eq!(
            topic("https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html")
                .unwrap()
                .en,
            "Top News"
        );
        assert_eq!(
            topic("https://www.rfa.org/mandarin/pinglun/zhuzhaoji/zzj-04232020160345.html")
                .unwrap()
                .zh,
            "评论"
        );
    }

    #[test]
    fn dates_codes_and_slugs_are_not_sections() {
        assert_eq!(
            topic("https://www.epochtimes.com/gb/18/8/31/n10682438.htm"),
            None
        );
        assert_eq!(
            topic(
                "https://www.voachinese.com/a/news-china-bans-mit-products-20180827/4545753.html"
            ),
            None
        );
        assert_eq!(topic("https://www.soundofhope.org/post/385240"), None);
        assert_eq!(
            topic("https://chinadigitaltimes.net/chinese/2020/06/%e6%97%a5/"),
            None
        );
        assert_eq!(
            topic("https://www.secretchina.com/news/gb/2020/08/01/1.html"),
            None
        );
        assert_eq!(
            topic(
                "https://www.dw.com/zh/%E5%8C%97%E4%BA%AC%E4%BB%A4%E5%9B%9B%E5%AE%B6%E7%BE%8E%E5%AA%92%E4%B8%8A%E6%8A%A5/a-53996921"
            ),
            None
        );
    }

    #[test]
    fn bbc_article_names_and_percent_encoded_sections_count() {
        assert_eq!(
            topic("http://www.bbc.com/zhongwen/simp/chinese-news-53459497")
                .unwrap()
                .zh,
            "中国"
        );
        assert_eq!(
            topic("https://www.rfi.fr/cn/%E5%9B%BD%E9%99%85/20200627-x")
                .unwrap()
                .en,
            "World"
        );
        assert_eq!(
            topic("https://cn.nytimes.com/culture/20200629/christo/")
                .unwrap()
                .en,
            "Culture"
        );
    }

    #[test]
    fn unmapped_sections_get_a_readable_fallback() {
        let t = topic("https://www.example.org/special-reports/abc.html").unwrap();
        assert_eq!((t.zh.as_str(), t.mapped), ("Special Reports", false));
    }

    #[test]
    fn site_entries_override_and_extend_the_defaults() {
        let mut site = BTreeMap::new();
        site.insert(
            "Xinwen".to_owned(),
            Bilingual {
                zh: "新闻".into(),
                en: "News".into(),
            },
        );
        site.insert(
            "special-reports".to_owned(),
            Bilingual {
                zh: "特别报道".into(),
                en: "Special Reports".into(),
            },
        );
        let m = TopicMap::new(true, &site).unwrap();
        assert_eq!(
            m.topic_of(&Url::parse("https://www.rfa.org/mandarin/Xinwen/1.html").unwrap())
                .unwrap()
                .zh,
            "新闻"
        );
        let t = m
            .topic_of(&Url::parse("https://x.org/special-reports/1.html").unwrap())
            .unwrap();
        assert!(t.mapped);
        let none = TopicMap::new(false, &BTreeMap::new()).unwrap();
        assert!(
            !none
                .topic_of(&Url::parse("https://www.rfa.org/mandarin/Xinwen/1.html").unwrap())
                .unwrap()
                .mapped
        );
    }

    #[test]
    fn front_matter_topics_use_map_labels_when_they_match() {
        let m = map();
        assert_eq!(m.named("Commentary").zh, "评论");
        assert_eq!(m.named("香港").en, "Hong Kong");
        assert_eq!(m.named("台独").en, "台独");
    }
}
