//! Render stage: the site's list pages: home, "all articles", topics,
//! sources, people and the date archive.

use anyhow::Result;
use rayon::prelude::*;

use super::Renderer;
use super::article::Crumb;
use super::context::{ArticleLink, GroupLink, MonthGroup, PageCtx, Pagination};
use super::items::{Item, listed};
use super::lists::{ListPage, RoleCount};
use super::memo::Vars;
use crate::config::UiLanguage;
use crate::link::Archive;
use crate::write::Sink;

impl Renderer<'_> {
    /// `index.html`, `page/2.html`, ...: newest first, `paginate` a page.
    pub(super) fn render_home(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let per = self.config.paginate;
        let total = links.len().div_ceil(per).max(1);
        let path_of = |n: usize| {
            if n == 1 {
                "index.html".to_owned()
            } else {
                format!("page/{n}.html")
            }
        };
        let topics: Vec<GroupLink> = archive.topics.iter().take(12).map(GroupLink::of).collect();
        let all: Vec<usize> = (0..links.len()).collect();
        let languages = self.language_links(archive, &all, "languages");
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = path_of(n);
            let page = PageCtx::new(&path, &self.config.base_url);
            let shown: Vec<usize> = ((n - 1) * per..(n * per).min(links.len())).collect();
            let pagination = Pagination::new(n, total, &path_of);
            let rest = |v: &mut Vars| {
                v.add("pagination", &pagination);
                v.add("total_articles", &links.len());
                v.add("topics", &topics);
                v.add("languages", &languages);
            };
            // Items are made only for pages the memo cannot keep.
            let key = |v: &mut Vars| {
                v.add("items", &listed(links, &shown));
                rest(v);
            };
            let render = || {
                let mut v = Vars::context();
                v.add("items", &self.items(Item::Card, links, &shown, &page.root)?);
                rest(&mut v);
                self.render_with("index.html", &page, v.into_context())
            };
            self.page_keyed("index.html", &page, sink, key, render)
        })?;
        Ok(total)
    }

    /// `all/index.html`, `all/2.html`, ...: every title, grouped by month.
    pub(super) fn render_all(
        &self,
        _archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let per = self.config.paginate_titles;
        let total = links.len().div_ceil(per).max(1);
        let path_of = |n: usize| {
            if n == 1 {
                "all/index.html".to_owned()
            } else {
                format!("all/{n}.html")
            }
        };
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = path_of(n);
            let page = PageCtx::new(&path, &self.config.base_url);
            let mut groups: Vec<MonthGroup> = Vec::new();
            for link in &links[(n - 1) * per..(n * per).min(links.len())] {
                let month = link
                    .date
                    .as_ref()
                    .map(|d| format!("{:04}-{:02}", d.year, d.month))
                    .unwrap_or_default();
                match groups.last_mut() {
                    Some(g) if g.month == month => g.articles.push(link),
                    _ => groups.push(MonthGroup {
                        month,
                        articles: vec![link],
                    }),
                }
            }
            let pagination = Pagination::new(n, total, &path_of);
            self.page("all.html", &page, sink, |v| {
                v.add("groups", &groups);
                v.add("pagination", &pagination);
                v.add("total_articles", &links.len());
            })
        })?;
        Ok(total)
    }

    pub(super) fn render_topics(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let groups: Vec<GroupLink> = archive.topics.iter().map(GroupLink::of).collect();
        let mut files = self.render_groups("topics", "topics", &groups, sink)?;
        for t in &archive.topics {
            // A topic in several languages gets a page per language too.
            let languages = self.language_links(archive, &t.entries, &t.dir);
            let languages = if languages.len() > 1 {
                languages
            } else {
                Vec::new()
            };
            let topic_crumb = Crumb {
                zh: t.zh.clone(),
                en: t.en.clone(),
                path: format!("{}/index.html", t.dir),
            };
            for l in &languages {
                let entries: Vec<usize> = t
                    .entries
                    .iter()
                    .copied()
                    .filter(|&i| archive.entries[i].body.lang == l.tag)
                    .collect();
                files += self.render_list(
                    links,
                    &ListPage {
                        kind: "topic",
                        zh: format!("{} · {}", t.zh, l.zh),
                        en: format!("{} · {}", t.en, l.en),
                        dir: l.path.trim_end_matches("/index.html").to_owned(),
                        entries: &entries,
                        roles: Vec::new(),
                        breadcrumbs: vec![
                            self.crumb("topics", "topics/index.html"),
                            topic_crumb.clone(),
                        ],
                        languages: languages.clone(),
                    },
                    sink,
                )?;
            }
            files += self.render_list(
                links,
                &ListPage {
                    kind: "topic",
                    zh: t.zh.clone(),
                    en: t.en.clone(),
                    dir: t.dir.clone(),
                    entries: &t.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("topics", "topics/index.html")],
                    languages,
                },
                sink,
            )?;
        }
        Ok(files)
    }

    pub(super) fn render_sources(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let groups: Vec<GroupLink> = archive.sources.iter().map(GroupLink::of).collect();
        let mut files = self.render_groups("sources", "sources", &groups, sink)?;
        for s in &archive.sources {
            files += self.render_list(
                links,
                &ListPage {
                    kind: "source",
                    zh: s.zh.clone(),
                    en: s.en.clone(),
                    dir: s.dir.clone(),
                    entries: &s.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("sources", "sources/index.html")],
                    languages: Vec::new(),
                },
                sink,
            )?;
        }
        Ok(files)
    }

    pub(super) fn render_people(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let groups: Vec<GroupLink> = archive.people.iter().map(GroupLink::person).collect();
        let mut files = self.render_groups("people", "people", &groups, sink)?;
        for p in &archive.people {
            let mut entries: Vec<usize> = p
                .roles
                .iter()
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            entries.sort_unstable();
            entries.dedup();
            let roles = p
                .roles
                .iter()
                .map(|(r, l)| RoleCount {
                    role: r.label_key(),
                    count: l.len(),
                })
                .collect();
            files += self.render_list(
                links,
                &ListPage {
                    kind: "person",
                    zh: p.name.clone(),
                    en: p.name.clone(),
                    dir: p.dir.clone(),
                    entries: &entries,
                    roles,
                    breadcrumbs: vec![self.crumb("people", "people/index.html")],
                    languages: Vec::new(),
                },
                sink,
            )?;
        }
        Ok(files)
    }

    /// Archive root, years, months and the undated page.
    pub(super) fn render_dates(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let mut files = self.render_archive(archive, sink)?;
        for m in &archive.months {
            files += self.render_list(
                links,
                &ListPage {
                    kind: "month",
                    zh: format!("{}年{}月", m.year, m.month),
                    en: format!("{:04}-{:02}", m.year, m.month),
                    dir: m.dir(),
                    entries: &m.entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![
                        self.crumb("archive", "archive/index.html"),
                        Crumb {
                            zh: format!("{}年", m.year),
                            en: m.year.to_string(),
                            path: format!("{:04}/index.html", m.year),
                        },
                    ],
                    languages: Vec::new(),
                },
                sink,
            )?;
        }
        files += self.render_list(
            links,
            &ListPage {
                kind: "undated",
                zh: self
                    .labels
                    .get("undated", UiLanguage::Zh)
                    .unwrap_or("")
                    .to_owned(),
                en: self
                    .labels
                    .get("undated", UiLanguage::En)
                    .unwrap_or("")
                    .to_owned(),
                dir: "undated".into(),
                entries: &archive.undated,
                roles: Vec::new(),
                breadcrumbs: vec![self.crumb("archive", "archive/index.html")],
                languages: Vec::new(),
            },
            sink,
        )?;
        Ok(files)
    }
}
