//! Link stage: the archive's groupings: topics, source sites, people, months,
//! and the output paths of their pages and of local images.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::Datelike;
use rayon::prelude::*;

use super::paths::{make_slug, unique_paths};
use super::topics::TopicLabel;
use super::{Archive, LinkOptions};
use crate::clean::byline::Role;

/// A list of articles with a page: a topic or a source site.
#[derive(Debug, Clone)]
pub struct Group {
    pub zh: String,
    pub en: String,
    /// Folder of the group's pages (`topics/military-diplomacy`).
    pub dir: String,
    /// Entries, newest first.
    pub entries: Vec<usize>,
    /// `false` for a topic whose label is a fallback.
    pub mapped: bool,
    /// URL section the topic came from (empty otherwise).
    pub section: String,
}

/// A person credited in bylines.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// Folder of the person's pages (`people/cai-ling`).
    pub dir: String,
    /// Articles per role, newest first.
    pub roles: Vec<(Role, Vec<usize>)>,
    /// Number of distinct articles.
    pub count: usize,
}

/// A month with articles.
#[derive(Debug, Clone)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    pub entries: Vec<usize>,
}

impl Month {
    /// `2021/09`: the month's folder, as articles use it.
    pub fn dir(&self) -> String {
        format!("{:04}/{:02}", self.year, self.month)
    }
}

pub fn build_groups(archive: &mut Archive, opts: &LinkOptions) {
    build_topics(archive, opts);
    build_sources(archive);
    build_people(archive);
    build_months(archive, opts.tz);
    build_assets(archive);
}

fn build_topics(archive: &mut Archive, opts: &LinkOptions) {
    let mut by_label: BTreeMap<(String, String), (TopicLabel, Vec<usize>)> = BTreeMap::new();
    // Each entry's labels (from its URL's section, then its front matter),
    // without repeats; found in parallel, gathered in archive order.
    let labels: Vec<Vec<TopicLabel>> = archive
        .entries
        .par_iter()
        .map(|e| {
            let mut labels: Vec<TopicLabel> = Vec::new();
            if let Some(t) = e
                .article
                .source_url
                .as_ref()
                .and_then(|u| opts.topics.topic_of(u))
            {
                labels.push(t);
            }
            for name in e.article.topics.iter().chain(&e.article.tags) {
                let name = name.trim();
                if !name.is_empty() {
                    labels.push(opts.topics.named(name));
                }
            }
            let mut unique: Vec<TopicLabel> = Vec::with_capacity(labels.len());
            for l in labels {
                if !unique.iter().any(|u| u.zh == l.zh && u.en == l.en) {
                    unique.push(l);
                }
            }
            unique
        })
        .collect();
    let mut per_entry: Vec<Vec<(String, String)>> = Vec::with_capacity(archive.entries.len());
    for (i, labels) in labels.into_iter().enumerate() {
        let mut seen = Vec::with_capacity(labels.len());
        for l in labels {
            let key = (l.zh.clone(), l.en.clone());
            seen.push(key.clone());
            let mapped = l.mapped;
            let slot = by_label.entry(key).or_insert_with(|| (l, Vec::new()));
            slot.1.push(i);
            slot.0.mapped &= mapped;
        }
        per_entry.push(seen);
    }
    let groups: Vec<(TopicLabel, Vec<usize>)> = by_label.into_values().collect();
    let wanted: Vec<(String, String)> = groups
        .iter()
        .map(|(l, _)| {
            let slug = make_slug(&l.en);
            let slug = if slug.is_empty() {
                make_slug(&l.zh)
            } else {
                slug
            };
            (
                format!(
                    "topics/{}",
                    if slug.is_empty() {
                        "topic".into()
                    } else {
                        slug
                    }
                ),
                format!("{}|{}", l.zh, l.en),
            )
        })
        .collect();
    let dirs = unique_dirs(&wanted);
    let mut topics: Vec<Group> = groups
        .into_iter()
        .zip(dirs)
        .map(|((l, entries), dir)| Group {
            zh: l.zh,
            en: l.en,
            dir,
            entries,
            mapped: l.mapped,
            section: l.section,
        })
        .collect();
    topics.sort_by(|a, b| {
        b.entries
            .len()
            .cmp(&a.entries.len())
            .then_with(|| a.dir.cmp(&b.dir))
    });
    // Each entry keeps its own order: the URL's section, then front matter.
    let index: HashMap<(String, String), usize> = topics
        .iter()
        .enumerate()
        .map(|(t, g)| ((g.zh.clone(), g.en.clone()), t))
        .collect();
    for (e, keys) in archive.entries.iter_mut().zip(per_entry) {
        e.topics = keys.iter().map(|k| index[k]).collect();
    }
    archive.topics = topics;
}

/// `unique_paths` for folders: same rules, no `.html`.
fn unique_dirs(wanted: &[(String, String)]) -> Vec<String> {
    let as_paths: Vec<(String, &Path)> = wanted
        .iter()
        .map(|(d, k)| (d.clone(), Path::new(k.as_str())))
        .collect();
    unique_paths(&as_paths)
        .into_iter()
        .map(|p| p.trim_end_matches(".html").to_owned())
        .collect()
}

fn build_sources(archive: &mut Archive) {
    let mut by_host: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in archive.entries.iter().enumerate() {
        if let Some(host) = e.article.source_url.as_ref().and_then(|u| u.host_str()) {
            let host = host.to_ascii_lowercase();
            let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
            by_host.entry(host).or_default().push(i);
        }
    }
    let wanted: Vec<(String, String)> = by_host
        .keys()
        .map(|h| (format!("sources/{}", make_slug(h)), h.clone()))
        .collect();
    let dirs = unique_dirs(&wanted);
    let mut sources: Vec<Group> = by_host
        .into_iter()
        .zip(dirs)
        .map(|((host, entries), dir)| Group {
            zh: host.clone(),
            en: host,
            dir,
            entries,
            mapped: true,
            section: String::new(),
        })
        .collect();
    sources.sort_by(|a, b| {
        b.entries
            .len()
            .cmp(&a.entries.len())
            .then_with(|| a.en.cmp(&b.en))
    });
    for (s, source) in sources.iter().enumerate() {
        for &i in &source.entries {
            archive.entries[i].source = Some(s);
        }
    }
    archive.sources = sources;
}

fn build_people(archive: &mut Archive) {
    let mut by_name: BTreeMap<String, BTreeMap<Role, Vec<usize>>> = BTreeMap::new();
    for (i, e) in archive.entries.iter().enumerate() {
        let authors = e
            .article
            .authors
            .iter()
            .map(|a| (Role::Author, a.trim().to_owned()));
        let credited = e
            .body
            .byline
            .iter()
            .flat_map(|b| b.credits.iter().map(|c| (c.role, c.name.clone())));
        for (role, name) in authors.chain(credited) {
            if name.is_empty() {
                continue;
            }
            let list = by_name.entry(name).or_default().entry(role).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let wanted: Vec<(String, String)> = by_name
        .keys()
        .map(|n| {
            let slug = make_slug(n);
            (
                format!(
                    "people/{}",
                    if slug.is_empty() {
                        "person".into()
                    } else {
                        slug
                    }
                ),
                n.clone(),
            )
        })
        .collect();
    let dirs = unique_dirs(&wanted);
    let mut people: Vec<Person> = by_name
        .into_iter()
        .zip(dirs)
        .map(|((name, roles), dir)| {
            let mut all: Vec<usize> = roles.values().flatten().copied().collect();
            all.sort_unstable();
            all.dedup();
            Person {
                name,
                dir,
                roles: roles.into_iter().collect(),
                count: all.len(),
            }
        })
        .collect();
    people.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    for (p, person) in people.iter().enumerate() {
        for (role, list) in &person.roles {
            for &i in list {
                archive.entries[i].credits.push((*role, p));
            }
        }
    }
    for e in &mut archive.entries {
        e.credits.sort();
    }
    archive.people = people;
}

fn build_months(archive: &mut Archive, tz: chrono_tz::Tz) {
    let mut months: Vec<Month> = Vec::new();
    for (i, e) in archive.entries.iter().enumerate() {
        match e.article.date {
            Some(d) => {
                let local = d.with_timezone(&tz);
                let (y, m) = (local.year(), local.month());
                match months.last_mut() {
                    Some(last) if last.year == y && last.month == m => last.entries.push(i),
                    _ => months.push(Month {
                        year: y,
                        month: m,
                        entries: vec![i],
                    }),
                }
            }
            None => archive.undated.push(i),
        }
    }
    archive.months = months;
}

/// Local images get `media/<ascii path>` in the output.
fn build_assets(archive: &mut Archive) {
    let mut used: Vec<String> = archive
        .entries
        .iter()
        .flat_map(|e| e.body.body.assets().map(str::to_owned))
        .collect();
    used.sort();
    used.dedup();
    let wanted: Vec<(String, String)> = used
        .iter()
        .map(|p| (format!("media/{}", ascii_asset_path(p)), p.clone()))
        .collect();
    let mut taken: HashMap<String, usize> = HashMap::new();
    for ((out, content), _) in wanted.iter().zip(0..) {
        let n = taken.entry(out.clone()).or_insert(0);
        *n += 1;
        let out = if *n == 1 {
            out.clone()
        } else {
            let (stem, ext) = out.rsplit_once('.').unwrap_or((out, ""));
            format!("{stem}-{}.{ext}", super::paths::short_hash(content))
        };
        archive.assets.insert(content.clone(), out);
    }
}

/// `2021/北约/图 1.JPG` → `2021/bei-yue/tu-1.jpg`.
fn ascii_asset_path(content_path: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let segments: Vec<&str> = content_path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        if i + 1 == segments.len() {
            let (stem, ext) = seg.rsplit_once('.').unwrap_or((seg, ""));
            let stem = make_slug(stem);
            let ext: String = ext
                .to_ascii_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            let stem = if stem.is_empty() {
                "image".to_owned()
            } else {
                stem
            };
            parts.push(if ext.is_empty() {
                stem
            } else {
                format!("{stem}.{ext}")
            });
        } else {
            let s = make_slug(seg);
            parts.push(if s.is_empty() { "dir".into() } else { s });
        }
    }
    parts.join("/")
}
