//! Render stage: the template contract. Every value a template can read is a
//! field of one of these structs; `body` is the only HTML and it has been
//! through the sanitizer. Links are relative paths from the output root; a
//! template prefixes them with `page.root` (`../../` on an article page).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

use crate::config::{Bilingual, SiteConfig, UiLanguage};
use crate::link::{Archive, Entry, Group, Person};

/// `site`: the same on every page.
#[derive(Debug, Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a Bilingual,
    pub description: &'a Bilingual,
    /// Title in the default interface language.
    pub default_title: &'a str,
    /// `<html lang>` of interface text: `zh-Hans` or `en`.
    pub lang: &'static str,
    /// Default interface language code: `zh` or `en`.
    pub ui: &'static str,
    /// Absolute base URL with a trailing `/`, or empty.
    pub base_url: &'a str,
    /// Whether the site has `atom.xml` (written only with a `base_url`).
    pub feed: bool,
    pub generator: &'static str,
    pub extra: &'a toml::Table,
}

impl<'a> SiteCtx<'a> {
    pub fn new(config: &'a SiteConfig) -> Self {
        SiteCtx {
            title: &config.title,
            description: &config.description,
            default_title: config.default_title(),
            lang: config.default_language.tag(),
            ui: config.default_language.code(),
            base_url: &config.base_url,
            feed: !config.base_url.is_empty(),
            generator: concat!("duben ", env!("CARGO_PKG_VERSION")),
            extra: &config.extra,
        }
    }
}

/// `page`: where the page is.
#[derive(Debug, Serialize)]
pub struct PageCtx {
    /// Output path of this page, e.g. `2021/09/x.html`.
    pub path: String,
    /// Relative prefix to the output root: `""`, `"../"`, `"../../"`.
    pub root: String,
    /// Absolute URL of this page when `base_url` is set.
    pub canonical: Option<String>,
    /// The page's own Atom feed (topic and language lists), for autodiscovery.
    pub feed: Option<FeedLink>,
}

/// An Atom feed as a page's `<head>` announces it.
#[derive(Debug, Serialize, Clone)]
pub struct FeedLink {
    /// Output path of the feed (`topics/china/atom.xml`).
    pub path: String,
    pub title: String,
}

impl PageCtx {
    pub fn new(path: &str, base_url: &str) -> Self {
        PageCtx {
            path: path.to_owned(),
            root: root_of(path),
            canonical: absolute(base_url, path),
            feed: None,
        }
    }
}

/// Characters that cannot stand as they are in a URL path.
pub(crate) const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The absolute URL of output path `path`, or `None` without a `base_url`:
/// an absolute URL is never guessed. `base_url` ends with `/` (the
/// configuration makes sure of it).
pub fn absolute(base_url: &str, path: &str) -> Option<String> {
    if base_url.is_empty() {
        return None;
    }
    let path = percent_encoding::utf8_percent_encode(path, PATH_ESCAPES);
    Some(format!("{base_url}{path}"))
}

/// `../` once per folder level of `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// A publication time in the site's timezone.
#[derive(Debug, Serialize, Clone)]
pub struct DateCtx {
    /// RFC 3339 with the site's offset, for `<time datetime>` (and for the
    /// script that re-formats dates in the reader's interface language).
    pub iso: String,
    /// `2021-09-29 03:36`: language-neutral, for citing.
    pub display: String,
    /// `2021-09-29`.
    pub day: String,
    /// `2021年9月29日 03:36` / `29 Sep 2021, 03:36`, in the default language.
    pub long: String,
    /// `2021年9月29日` / `29 Sep 2021`, in the default language.
    pub short: String,
    /// UTC offset of the site's timezone at that moment, `+08:00`.
    pub offset: String,
    pub year: i32,
    pub month: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl DateCtx {
    pub fn new(date: DateTime<Utc>, tz: Tz, ui: UiLanguage) -> Self {
        use chrono::{Datelike, Offset, Timelike};
        let local = date.with_timezone(&tz);
        let (y, m, d) = (local.year(), local.month(), local.day());
        let hm = format!("{:02}:{:02}", local.hour(), local.minute());
        let short = match ui {
            UiLanguage::Zh => format!("{y}年{m}月{d}日"),
            UiLanguage::En => format!("{d} {} {y}", MONTHS[m as usize - 1]),
        };
        let long = match ui {
            UiLanguage::Zh => format!("{short} {hm}"),
            UiLanguage::En => format!("{short}, {hm}"),
        };
        // chrono's `format` parses its pattern at every call: by hand for
        // four-digit years and whole-minute offsets (what `%Y-%m-%d` and
        // `%:z` give; chrono rounds an offset with seconds, as local mean
        // times before 1900 have).
        let secs = local.offset().fix().local_minus_utc();
        let (day, offset) = if (0..=9999).contains(&y) && secs % 60 == 0 {
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.unsigned_abs();
            (
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{sign}{:02}:{:02}", secs / 3600, secs / 60 % 60),
            )
        } else {
            (
                local.format("%Y-%m-%d").to_string(),
                local.format("%:z").to_string(),
            )
        };
        DateCtx {
            iso: local.to_rfc3339(),
            display: format!("{day} {hm}"),
            day,
            offset,
            long,
            short,
            year: y,
            month: m,
        }
    }
}

/// A topic, source or person, as linked from other pages.
#[derive(Debug, Serialize, Clone)]
pub struct GroupLink<'a> {
    pub zh: &'a str,
    pub en: &'a str,
    /// The group's first page.
    pub path: String,
    pub count: usize,
}

impl<'a> GroupLink<'a> {
    pub fn of(g: &'a Group) -> Self {
        GroupLink {
            zh: &g.zh,
            en: &g.en,
            path: format!("{}/index.html", g.dir),
            count: g.entries.len(),
        }
    }

    pub fn person(p: &'a Person) -> Self {
        GroupLink {
            zh: &p.name,
            en: &p.name,
            path: format!("{}/index.html", p.dir),
            count: p.count,
        }
    }
}

/// An article as listed on home, list and navigation links.
#[derive(Debug, Clone)]
pub struct ArticleLink<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub date: Option<DateCtx>,
    pub lang: &'a str,
    /// Host of the source, without `www.`.
    pub source_host: Option<&'a str>,
    /// The article's first topic.
    pub topic: Option<GroupLink<'a>>,
    /// The description, or the opening of the text.
    pub summary: String,
    /// A hash of all of the above, standing for the article in the render
    /// memo's keys (see `render::items::listed` and `memo::keying`).
    pub key: u128,
}

impl Serialize for ArticleLink<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // A struct either way: the article page flattens its own link.
        if super::memo::keying() {
            let mut st = s.serialize_struct("ArticleLink", 1)?;
            st.serialize_field("key", &self.key)?;
            return st.end();
        }
        let mut st = s.serialize_struct("ArticleLink", 7)?;
        st.serialize_field("path", self.path)?;
        st.serialize_field("title", self.title)?;
        st.serialize_field("date", &self.date)?;
        st.serialize_field("lang", self.lang)?;
        st.serialize_field("source_host", &self.source_host)?;
        st.serialize_field("topic", &self.topic)?;
        st.serialize_field("summary", &self.summary)?;
        st.end()
    }
}

impl<'a> ArticleLink<'a> {
    pub fn new(archive: &'a Archive, i: usize, tz: Tz, ui: UiLanguage) -> Self {
        let e = &archive.entries[i];
        let mut link = ArticleLink {
            path: &e.path,
            title: &e.article.title,
            date: e.article.date.map(|d| DateCtx::new(d, tz, ui)),
            lang: &e.body.lang,
            source_host: e.source.map(|s| archive.sources[s].en.as_str()),
            topic: e.topics.first().map(|&t| GroupLink::of(&archive.topics[t])),
            summary: description_of(e, 120),
            key: 0,
        };
        link.key = serde_json::to_vec(&link).map_or(0, |json| xxh3_128(&json));
        link
    }
}

/// The article's own description, else the opening of its text cut at
/// `max` characters (for lists, feeds and page metadata).
pub fn description_of(e: &Entry, max: usize) -> String {
    e.article
        .description
        .clone()
        .unwrap_or_else(|| summarize(&e.body.summary, max))
}

/// The first `max` characters of the text, cut at a character, with `…`.
/// Runs of white space count as one space; only the first `max + 1`
/// characters are looked at.
pub fn summarize(text: &str, max: usize) -> String {
    let mut s = String::new();
    let mut count = 0;
    for (k, word) in text.split_whitespace().enumerate() {
        for c in (k > 0).then_some(' ').into_iter().chain(word.chars()) {
            if count == max {
                s.push('…');
                return s;
            }
            s.push(c);
            count += 1;
        }
    }
    s
}

/// Numbered pages of a list.
#[derive(Debug, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Page links to show: first, last and a window around the current one;
    /// `None` marks a gap.
    pub pages: Vec<Option<PageLink>>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
}

impl Pagination {
    /// `path_of(n)` gives the output path of page `n` (1-based).
    pub fn new(current: usize, total: usize, path_of: &dyn Fn(usize) -> String) -> Self {
        let mut pages = Vec::new();
        let mut last_shown = 0;
        for n in 1..=total {
            let near = n.abs_diff(current) <= 2;
            if n == 1 || n == total || near {
                if n > last_shown + 1 {
                    pages.push(None);
                }
                pages.push(Some(PageLink {
                    number: n,
                    path: path_of(n),
                    current: n == current,
                }));
                last_shown = n;
            }
        }
        Pagination {
            current,
            total,
            prev: (current > 1).then(|| path_of(current - 1)),
            next: (current < total).then(|| path_of(current + 1)),
            pages,
        }
    }
}

/// A month's worth of titles on the "all articles" list.
#[derive(Debug, Serialize)]
pub struct MonthGroup<'a> {
    /// `2021-09`, or empty for undated articles.
    pub month: String,
    pub articles: Vec<&'a ArticleLink<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_need_a_base_url_and_escape_the_path() {
        assert_eq!(absolute("", "a.html"), None);
        assert_eq!(
            absolute("https://u.github.io/repo/", "2021/09/a b.html").as_deref(),
            Some("https://u.github.io/repo/2021/09/a%20b.html")
        );
    }

    #[test]
    fn roots_climb_one_level_per_folder() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("page/2.html"), "../");
        assert_eq!(root_of("2021/09/x.html"), "../../");
    }

    #[test]
    fn dates_show_in_the_site_timezone() {
        let d = DateTime::from_timestamp_millis(1632857761000).unwrap();
        let c = DateCtx::new(d, chrono_tz::Asia::Shanghai, UiLanguage::Zh);
        assert_eq!(c.display, "2021-09-29 03:36");
        assert_eq!(c.iso, "2021-09-29T03:36:01+08:00");
        assert_eq!(c.long, "2021年9月29日 03:36");
        assert_eq!(c.short, "2021年9月29日");
        assert_eq!(c.offset, "+08:00");
        let e = DateCtx::new(d, chrono_tz::Asia::Shanghai, UiLanguage::En);
        assert_eq!(e.long, "29 Sep 2021, 03:36");
        assert_eq!(e.short, "29 Sep 2021");
    }

    #[test]
    fn dates_read_as_chrono_formats_them_in_any_zone() {
        let zones = [
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Kolkata,
            chrono_tz::UTC,
            chrono_tz::Asia::Shanghai,
        ];
        for ms in [
            0i64,
            1_632_857_761_000,
            -2_208_988_800_000,
            4_102_444_800_000,
        ] {
            let d = DateTime::from_timestamp_millis(ms).unwrap();
            for tz in zones {
                let local = d.with_timezone(&tz);
                let c = DateCtx::new(d, tz, UiLanguage::En);
                assert_eq!(c.day, local.format("%Y-%m-%d").to_string());
                assert_eq!(c.display, local.format("%Y-%m-%d %H:%M").to_string());
                assert_eq!(c.offset, local.format("%:z").to_string(), "{tz} {ms}");
            }
        }
    }

    #[test]
    fn summaries_flatten_white_space_and_cut_at_a_character() {
        assert_eq!(summarize("  a \n\t b  ", 10), "a b");
        assert_eq!(summarize("abc de", 6), "abc de");
        assert_eq!(summarize("abc de", 5), "abc d…");
        assert_eq!(summarize("abc de", 4), "abc …");
        assert_eq!(summarize("abc", 0), "…");
        assert_eq!(summarize("", 0), "");
    }

    #[test]
    fn pagination_shows_a_window_with_gaps() {
        let p = Pagination::new(5, 10, &|n| format!("p{n}"));
        let shown: Vec<Option<usize>> = p
            .pages
            .iter()
            .map(|x| x.as_ref().map(|l| l.number))
            .collect();
        assert_eq!(
            shown,
            vec![
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(10)
            ]
        );
        assert_eq!(p.prev.as_deref(), Some("p4"));
        assert_eq!(p.next.as_deref(), Some("p6"));
    }

    #[test]
    fn summaries_are_cut_with_an_ellipsis() {
        assert_eq!(summarize("一二三四五", 3), "一二三…");
        assert_eq!(summarize("a\n b", 10), "a b");
    }
}
