//! Render stage: Atom feeds. `atom.xml` for the whole site, one beside each
//! topic's pages (`topics/<topic>/atom.xml`) and one beside each content
//! language's (`languages/<lang>/atom.xml`): the newest [`FEED_ENTRIES`]
//! dated articles, each with its full sanitized body.
//!
//! Feeds exist only with a `base_url`: every link in them must be absolute,
//! and without one there is no right absolute URL to give. Undated articles
//! are left out: an Atom entry needs a date, and inventing one would put
//! them at the top or bottom of readers' timelines for no reason.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use rayon::prelude::*;

use super::Renderer;
use super::article::render_body;
use super::bilingual::{by_language, language_slug};
use super::context::{FeedLink, absolute, description_of};
use super::lists::ListPage;
use crate::clean::byline::Role;
use crate::config::UiLanguage;
use crate::link::Archive;
use crate::write::Sink;

/// Entries per feed: the newest articles.
pub const FEED_ENTRIES: usize = 50;

/// One feed to write.
struct Feed {
    /// Output path: `atom.xml`, `topics/china/atom.xml`.
    path: String,
    /// The HTML page listing the same articles.
    page: String,
    title: String,
    lang: String,
    /// Dated entries, newest first, at most [`FEED_ENTRIES`].
    entries: Vec<usize>,
    /// The newest entry's date.
    updated: Option<DateTime<Utc>>,
}

/// The feed a topic or language list page announces in its `<head>`:
/// the one in the folder of the topic or language (a topic's per-language
/// pages announce the topic's feed). Only when the feed exists: with a
/// `base_url` and at least one dated article in the list.
pub fn list_feed(list: &ListPage, dated: bool, base_url: &str, ui: UiLanguage) -> Option<FeedLink> {
    if base_url.is_empty() || !dated || !matches!(list.kind, "topic" | "language") {
        return None;
    }
    let mut parts = list.dir.splitn(3, '/');
    let dir = format!("{}/{}", parts.next()?, parts.next()?);
    let label = match ui {
        UiLanguage::Zh => &list.zh,
        UiLanguage::En => &list.en,
    };
    Some(FeedLink {
        path: format!("{dir}/atom.xml"),
        title: format!("{label} · Atom"),
    })
}

/// `s` without the characters XML 1.0 forbids (C0 controls other than tab
/// and line breaks, U+FFFE, U+FFFF) and without C1 controls and DEL, which
/// it only tolerates: a hostile title must not make a feed unreadable.
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if s.chars().any(bad) {
        Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// RFC 3339 in the site's timezone, to the second.
pub fn rfc3339(date: DateTime<Utc>, tz: Tz) -> String {
    date.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_safe(value)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, kind: Option<&str>, href: &str) -> io::Result<()> {
    let mut e = w.create_element("link").with_attribute(("rel", rel));
    if let Some(kind) = kind {
        e = e.with_attribute(("type", kind));
    }
    e.with_attribute(("href", xml_safe(href).as_ref()))
        .write_empty()?;
    Ok(())
}

impl Renderer<'_> {
    /// Writes every feed; returns how many (none without a `base_url`).
    pub(super) fn write_feeds(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        if self.config.base_url.is_empty() {
            return Ok(0);
        }
        let feeds = self.plan_feeds(archive);
        let mut needed: Vec<usize> = feeds.iter().flat_map(|f| f.entries.clone()).collect();
        needed.sort_unstable();
        needed.dedup();
        // An article in several feeds is written once.
        let entries: HashMap<usize, Vec<u8>> = needed
            .par_iter()
            .map(|&i| Ok((i, self.feed_entry(archive, i)?)))
            .collect::<Result<_>>()?;
        feeds
            .par_iter()
            .try_for_each(|f| sink.put(&f.path, &self.feed_xml(f, &entries)?))?;
        Ok(feeds.len())
    }

    /// The site feed, then one per topic and per language with dated articles.
    fn plan_feeds(&self, archive: &Archive) -> Vec<Feed> {
        let site = self.config.default_title();
        let ui = self.config.default_language;
        let pick = |zh: &str, en: &str| match ui {
            UiLanguage::Zh => zh.to_owned(),
            UiLanguage::En => en.to_owned(),
        };
        let feed = |dir: &str, title: String, lang: &str, entries: &[usize]| {
            let mut dated: Vec<usize> = entries
                .iter()
                .copied()
                .filter(|&i| archive.entries[i].article.date.is_some())
                .collect();
            dated.sort_by_key(|&i| std::cmp::Reverse(archive.entries[i].article.date));
            dated.truncate(FEED_ENTRIES);
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            Feed {
                path: format!("{prefix}atom.xml"),
                page: format!("{prefix}index.html"),
                title,
                lang: lang.to_owned(),
                updated: dated.first().and_then(|&i| archive.entries[i].article.date),
                entries: dated,
            }
        };
        let all: Vec<usize> = (0..archive.entries.len()).collect();
        // The site feed is always there (every page announces it); the
        // others only when they have something in them.
        let mut feeds = vec![feed("", site.to_owned(), ui.tag(), &all)];
        let topics = archive.topics.iter().map(|t| {
            let title = format!("{} · {site}", pick(&t.zh, &t.en));
            feed(&t.dir, title, ui.tag(), &t.entries)
        });
        let languages = by_language(archive).into_iter().map(|(tag, entries)| {
            let (zh, en) = self.language_names(&tag);
            let dir = format!("languages/{}", language_slug(&tag));
            feed(&dir, format!("{} · {site}", pick(&zh, &en)), &tag, &entries)
        });
        feeds.extend(topics.chain(languages).filter(|f| !f.entries.is_empty()));
        feeds
    }

    fn feed_xml(&self, feed: &Feed, entries: &HashMap<usize, Vec<u8>>) -> Result<Vec<u8>> {
        let abs = |p: &str| absolute(&self.config.base_url, p).unwrap_or_default();
        // An empty site feed still needs `updated`: the Unix epoch says "never".
        let updated = feed.updated.map_or_else(
            || "1970-01-01T00:00:00Z".to_owned(),
            |d| rfc3339(d, self.config.tz),
        );
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        let start = BytesStart::new("feed").with_attributes([
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", xml_safe(&feed.lang).as_ref()),
        ]);
        w.write_event(Event::Start(start.borrow()))?;
        text(&mut w, "title", &feed.title)?;
        text(&mut w, "subtitle", self.description())?;
        link(
            &mut w,
            "self",
            Some("application/atom+xml"),
            &abs(&feed.path),
        )?;
        link(&mut w, "alternate", Some("text/html"), &abs(&feed.page))?;
        text(&mut w, "id", &abs(&feed.path))?;
        text(&mut w, "updated", &updated)?;
        // Atom wants an author for the feed when not every entry has one.
        w.create_element("author")
            .write_inner_content(|w| text(w, "name", self.config.default_title()))?;
        w.create_element("generator")
            .with_attribute(("version", env!("CARGO_PKG_VERSION")))
            .write_text_content(BytesText::new("duben"))?;
        for i in &feed.entries {
            w.get_mut().extend_from_slice(&entries[i]);
        }
        w.write_event(Event::End(start.to_end()))?;
        let mut out = w.into_inner();
        out.push(b'\n');
        Ok(out)
    }

    /// One `<entry>`: absolute links, dates, people from the byline, topics
    /// as categories, and the body the article page shows, its links made
    /// absolute so that they work in a feed reader.
    fn feed_entry(&self, archive: &Archive, i: usize) -> Result<Vec<u8>> {
        let base = &self.config.base_url;
        let abs = |p: &str| absolute(base, p).unwrap_or_default();
        let e = &archive.entries[i];
        let url = abs(&e.path);
        let date = e
            .article
            .date
            .map(|d| rfc3339(d, self.config.tz))
            .unwrap_or_default();
        let zh = e.body.lang.starts_with("zh");
        let summary = description_of(e, 200);
        let body = render_body(archive, i, &e.body.full()?.body, base);
        let (authors, contributors) = people(archive, i);
        // Written inside a `<feed>` of its own, so that it is indented as
        // the real feed's child; only the entry is kept.
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Start(BytesStart::new("feed")))?;
        let from = w.get_ref().len();
        w.create_element("entry")
            .with_attribute(("xml:lang", xml_safe(&e.body.lang).as_ref()))
            .write_inner_content(|w| {
                text(w, "title", &e.article.title)?;
                link(w, "alternate", Some("text/html"), &url)?;
                if let Some(src) = &e.article.source_url {
                    link(w, "via", Some("text/html"), src.as_str())?;
                }
                text(w, "id", &url)?;
                text(w, "published", &date)?;
                text(w, "updated", &date)?;
                for (tag, list) in [("author", &authors), ("contributor", &contributors)] {
                    for &p in list {
                        let person = &archive.people[p];
                        w.create_element(tag).write_inner_content(|w| {
                            text(w, "name", &person.name)?;
                            text(w, "uri", &abs(&format!("{}/index.html", person.dir)))
                        })?;
                    }
                }
                for &t in &e.topics {
                    let topic = &archive.topics[t];
                    let label = if zh { &topic.zh } else { &topic.en };
                    w.create_element("category")
                        .with_attribute(("term", xml_safe(label).as_ref()))
                        .write_empty()?;
                }
                if !summary.is_empty() {
                    text(w, "summary", &summary)?;
                }
                w.create_element("content")
                    .with_attribute(("type", "html"))
                    .write_text_content(BytesText::new(&xml_safe(&body)))?;
                Ok(())
            })?;
        Ok(w.into_inner().split_off(from))
    }

    fn description(&self) -> &str {
        match self.config.default_language {
            UiLanguage::Zh => &self.config.description.zh,
            UiLanguage::En => &self.config.description.en,
        }
    }
}

/// People of article `i` (indexes into `Archive::people`): those who wrote
/// or reported it are its authors; translators and editors contribute.
fn people(archive: &Archive, i: usize) -> (Vec<usize>, Vec<usize>) {
    let (mut authors, mut contributors) = (Vec::new(), Vec::new());
    for &(role, p) in &archive.entries[i].credits {
        if matches!(role, Role::Author | Role::Reporter | Role::Writer) {
            if !authors.contains(&p) {
                authors.push(p);
            }
        } else if !contributors.contains(&p) {
            contributors.push(p);
        }
    }
    contributors.retain(|p| !authors.contains(p));
    (authors, contributors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_forbids_are_dropped() {
        assert_eq!(
            xml_safe("a\u{0}b\u{1}c\u{8}\u{b}\u{7f}\u{85}d\u{FFFF}"),
            "abcd"
        );
        assert_eq!(xml_safe("tab\tline\nok & <fine>"), "tab\tline\nok & <fine>");
        assert!(matches!(xml_safe("北约"), Cow::Borrowed(_)));
    }

    #[test]
    fn topic_pages_and_their_language_pages_announce_the_topic_feed() {
        let list = |kind, dir: &str| ListPage {
            kind,
            zh: "中国".into(),
            en: "China".into(),
            dir: dir.into(),
            entries: &[],
            roles: Vec::new(),
            breadcrumbs: Vec::new(),
            languages: Vec::new(),
        };
        let base = "https://u.github.io/repo/";
        let feed = |l: &ListPage, dated| list_feed(l, dated, base, UiLanguage::En).map(|f| f.path);
        assert_eq!(
            feed(&list("topic", "topics/china"), true).as_deref(),
            Some("topics/china/atom.xml")
        );
        assert_eq!(
            feed(&list("topic", "topics/china/en"), true).as_deref(),
            Some("topics/china/atom.xml")
        );
        assert_eq!(
            feed(&list("language", "languages/en"), true).as_deref(),
            Some("languages/en/atom.xml")
        );
        assert_eq!(feed(&list("topic", "topics/china"), false), None);
        assert_eq!(feed(&list("month", "2021/09"), true), None);
        assert_eq!(
            list_feed(&list("topic", "topics/china"), true, "", UiLanguage::En).map(|f| f.path),
            None
        );
    }
}
