//! Render stage: every page that lists articles or groups: topic, source,
//! person, month and undated pages (paginated), the topic, source and people
//! indexes, and the date archive (root and years, with their charts).

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::Renderer;
use super::article::Crumb;
use super::bilingual::LanguageLink;
use super::chart::{self, Bar};
use super::context::{ArticleLink, GroupLink, PageCtx, Pagination};
use super::feeds::list_feed;
use super::items::{Item, listed};
use super::memo::Vars;
use crate::link::Archive;
use crate::write::Sink;

/// A paginated list of articles under one heading.
pub struct ListPage<'a> {
    /// `topic`, `source`, `person`, `month` or `undated`.
    pub kind: &'static str,
    pub zh: String,
    pub en: String,
    /// Folder of the pages: `dir/index.html`, `dir/page-2.html`, ...
    pub dir: String,
    pub entries: &'a [usize],
    /// Person pages: how many articles per role.
    pub roles: Vec<RoleCount>,
    pub breadcrumbs: Vec<Crumb>,
    /// Language filter links (topic pages in more than one language).
    pub languages: Vec<LanguageLink>,
}

#[derive(Debug, Serialize, Clone)]
pub struct RoleCount {
    /// Interface label key of the role.
    pub role: &'static str,
    pub count: usize,
}

#[derive(Serialize)]
struct ListCtx<'a, I> {
    kind: &'static str,
    compact: bool,
    zh: &'a str,
    en: &'a str,
    count: usize,
    /// The page's articles as list items (`card.html`, or `title-item.html`
    /// when `compact`); in the memo's key, the articles themselves.
    items: I,
    roles: &'a [RoleCount],
    breadcrumbs: &'a [Crumb],
    languages: &'a [LanguageLink],
}

impl<'a, I> ListCtx<'a, I> {
    fn new(list: &'a ListPage, compact: bool, items: I) -> Self {
        ListCtx {
            kind: list.kind,
            compact,
            zh: &list.zh,
            en: &list.en,
            count: list.entries.len(),
            items,
            roles: &list.roles,
            breadcrumbs: &list.breadcrumbs,
            languages: &list.languages,
        }
    }
}

/// Output path of page `n` of a list in `dir`.
pub fn page_path(dir: &str, n: usize) -> String {
    if n == 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/page-{n}.html")
    }
}

#[derive(Serialize)]
struct GroupsCtx<'a> {
    kind: &'static str,
    groups: &'a [GroupLink<'a>],
    count: usize,
}

#[derive(Serialize)]
struct YearCtx {
    year: i32,
    count: usize,
    path: String,
    months: Vec<MonthCtx>,
}

#[derive(Serialize)]
struct MonthCtx {
    year: i32,
    month: u32,
    count: usize,
    path: String,
}

#[derive(Serialize)]
struct ArchiveCtx {
    /// `None` on the archive root, the year on a year page.
    year: Option<i32>,
    chart: String,
    years: Vec<YearCtx>,
    total: usize,
    undated: usize,
    breadcrumbs: Vec<Crumb>,
}

impl Renderer<'_> {
    /// Renders a paginated article list; returns the number of pages.
    pub fn render_list(
        &self,
        links: &[ArticleLink],
        list: &ListPage,
        sink: &dyn Sink,
    ) -> Result<usize> {
        // Long lists (a term's or a language's articles) list titles only.
        let compact = matches!(list.kind, "term" | "language");
        let per = if compact {
            self.config.paginate_titles
        } else {
            self.config.paginate
        };
        let total = list.entries.len().div_ceil(per).max(1);
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = page_path(&list.dir, n);
            let mut page = PageCtx::new(&path, &self.config.base_url);
            // Entries are newest first, undated last.
            let dated = list
                .entries
                .first()
                .is_some_and(|&i| links[i].date.is_some());
            page.feed = list_feed(
                list,
                dated,
                &self.config.base_url,
                self.config.default_language,
            );
            let shown = &list.entries[(n - 1) * per..(n * per).min(list.entries.len())];
            let kind = if compact { Item::Title } else { Item::Card };
            let pagination = Pagination::new(n, total, &|k| page_path(&list.dir, k));
            // Items are made only for pages the memo cannot keep.
            let key = |v: &mut Vars| {
                v.add("list", &ListCtx::new(list, compact, listed(links, shown)));
                v.add("pagination", &pagination);
            };
            let render = || {
                let items = self.items(kind, links, shown, &page.root)?;
                let mut v = Vars::context();
                v.add("list", &ListCtx::new(list, compact, items));
                v.add("pagination", &pagination);
                self.render_with("list.html", &page, v.into_context())
            };
            self.page_keyed("list.html", &page, sink, key, render)
        })?;
        Ok(total)
    }

    /// Renders an index of groups (topics, sources, people) with counts.
    pub fn render_groups(
        &self,
        kind: &'static str,
        dir: &str,
        groups: &[GroupLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let per = self.config.paginate_titles;
        let total = groups.len().div_ceil(per).max(1);
        (1..=total).into_par_iter().try_for_each(|n| {
            let path = page_path(dir, n);
            let page = PageCtx::new(&path, &self.config.base_url);
            let slice = &groups[(n - 1) * per..(n * per).min(groups.len())];
            let ctx = GroupsCtx {
                kind,
                groups: slice,
                count: groups.len(),
            };
            let pagination = Pagination::new(n, total, &|k| page_path(dir, k));
            self.page("groups.html", &page, sink, |v| {
                v.add("index", &ctx);
                v.add("pagination", &pagination);
            })
        })?;
        Ok(total)
    }

    /// The archive root (`archive/index.html`) and one page per year
    /// (`2021/index.html`), each with its chart; returns the number of pages.
    pub fn render_archive(&self, archive: &Archive, sink: &dyn Sink) -> Result<usize> {
        let months: Vec<(i32, u32, usize)> = archive
            .months
            .iter()
            .map(|m| (m.year, m.month, m.entries.len()))
            .collect();
        let mut years: Vec<i32> = months.iter().map(|m| m.0).collect();
        years.dedup();
        let year_ctx = |y: i32| YearCtx {
            year: y,
            count: months.iter().filter(|m| m.0 == y).map(|m| m.2).sum(),
            path: format!("{y:04}/index.html"),
            months: months
                .iter()
                .filter(|m| m.0 == y)
                .map(|&(year, month, count)| MonthCtx {
                    year,
                    month,
                    count,
                    path: format!("{year:04}/{month:02}/index.html"),
                })
                .collect(),
        };
        let label = |y: Option<i32>| {
            self.label("chart_label").to_owned() + &y.map(|y| format!(" {y}")).unwrap_or_default()
        };
        let mut jobs: Vec<(String, Option<i32>, Vec<Bar>)> = vec![(
            "archive/index.html".into(),
            None,
            chart::fill_months(&months),
        )];
        for &y in &years {
            let bars = (1..=12)
                .map(|m| Bar {
                    year: y,
                    month: m,
                    count: months
                        .iter()
                        .filter(|x| x.0 == y && x.1 == m)
                        .map(|x| x.2)
                        .sum(),
                })
                .collect();
            jobs.push((format!("{y:04}/index.html"), Some(y), bars));
        }
        jobs.par_iter().try_for_each(|(path, year, bars)| {
            let page = PageCtx::new(path, &self.config.base_url);
            let ctx = ArchiveCtx {
                year: *year,
                chart: chart::svg(bars, &page.root, &label(*year), year.is_none()),
                years: match year {
                    Some(y) => vec![year_ctx(*y)],
                    None => years.iter().map(|&y| year_ctx(y)).collect(),
                },
                total: archive.entries.len(),
                undated: archive.undated.len(),
                breadcrumbs: match year {
                    Some(_) => vec![self.crumb("archive", "archive/index.html")],
                    None => Vec::new(),
                },
            };
            self.page("archive.html", &page, sink, |v| v.add("archive", &ctx))
        })?;
        Ok(jobs.len())
    }
}
