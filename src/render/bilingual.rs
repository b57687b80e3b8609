//! Render stage: the bilingual pages: the glossary, the per-language lists
//! (and language filters of topics), the parallel reading pages of
//! translation pairs, and `i18n.js`, the label tables for the language switch.

use std::collections::BTreeMap;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::Renderer;
use super::align::align;
use super::article::parallel_path;
use super::context::{ArticleLink, PageCtx};
use super::lists::ListPage;
use crate::config::UiLanguage;
use crate::link::Archive;
use crate::write::Sink;

/// A language with its label in both languages and its page.
#[derive(Debug, Serialize, Clone)]
pub struct LanguageLink {
    pub tag: String,
    pub zh: String,
    pub en: String,
    pub path: String,
    pub count: usize,
}

#[derive(Serialize)]
struct TermCtx<'a> {
    zh: &'a str,
    en: &'a str,
    pinyin: &'a str,
    path: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct ParallelRow {
    left: Vec<String>,
    right: Vec<String>,
}

/// Articles of each language, in archive order.
pub fn by_language(archive: &Archive) -> BTreeMap<String, Vec<usize>> {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in archive.entries.iter().enumerate() {
        map.entry(e.body.lang.clone()).or_default().push(i);
    }
    map
}

/// `zh-Hans` → `zh-hans`: the folder of a language's pages.
pub fn language_slug(tag: &str) -> String {
    crate::link::paths::make_slug(tag)
}

impl Renderer<'_> {
    /// A language's name in both languages (the tag itself when unknown).
    pub fn language_names(&self, tag: &str) -> (String, String) {
        let key = format!("lang_{}", tag.to_ascii_lowercase().replace('-', "_"));
        let get = |l| self.labels.get(&key, l).map(str::to_owned);
        match (get(UiLanguage::Zh), get(UiLanguage::En)) {
            (Some(zh), Some(en)) => (zh, en),
            _ => (tag.to_owned(), tag.to_owned()),
        }
    }

    /// The languages of `entries`, with links to `prefix/<lang>/index.html`.
    pub fn language_links(
        &self,
        archive: &Archive,
        entries: &[usize],
        prefix: &str,
    ) -> Vec<LanguageLink> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in entries {
            *counts
                .entry(archive.entries[i].body.lang.as_str())
                .or_insert(0) += 1;
        }
        let mut out: Vec<LanguageLink> = counts
            .into_iter()
            .map(|(tag, count)| {
                let (zh, en) = self.language_names(tag);
                LanguageLink {
                    tag: tag.to_owned(),
                    zh,
                    en,
                    path: format!("{prefix}/{}/index.html", language_slug(tag)),
                    count,
                }
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
        out
    }

    /// `languages/index.html` and one list per language.
    pub(super) fn render_languages(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let all: Vec<usize> = (0..archive.entries.len()).collect();
        let languages = self.language_links(archive, &all, "languages");
        let page = PageCtx::new("languages/index.html", &self.config.base_url);
        self.page("languages.html", &page, sink, |v| {
            v.add("languages", &languages)
        })?;
        let mut files = 1;
        for (tag, entries) in by_language(archive) {
            let (zh, en) = self.language_names(&tag);
            files += self.render_list(
                links,
                &ListPage {
                    kind: "language",
                    zh,
                    en,
                    dir: format!("languages/{}", language_slug(&tag)),
                    entries: &entries,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("languages", "languages/index.html")],
                    languages: Vec::new(),
                },
                sink,
            )?;
        }
        Ok(files)
    }

    /// `glossary/index.html` (terms by English A–Z and by pinyin) and one
    /// page per term listing every article that uses either form.
    pub(super) fn render_glossary(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let terms: Vec<TermCtx> = archive
            .glossary
            .iter()
            .map(|t| TermCtx {
                zh: t.main_zh(),
                en: t.main_en(),
                pinyin: &t.pinyin,
                path: &t.path,
                count: t.articles.len(),
            })
            .collect();
        let page = PageCtx::new("glossary/index.html", &self.config.base_url);
        let mut by_pinyin: Vec<&TermCtx> = terms.iter().collect();
        by_pinyin.sort_by(|a, b| a.pinyin.cmp(b.pinyin).then_with(|| a.zh.cmp(b.zh)));
        self.page("glossary.html", &page, sink, |v| {
            v.add("by_english", &terms);
            v.add("by_pinyin", &by_pinyin);
        })?;
        let mut files = 1;
        for t in &archive.glossary {
            let variants = |forms: &[(String, usize)]| {
                forms
                    .iter()
                    .map(|(f, _)| f.as_str())
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            files += self.render_list(
                links,
                &ListPage {
                    kind: "term",
                    zh: variants(&t.zh),
                    en: variants(&t.en),
                    dir: t.path.trim_end_matches("/index.html").to_owned(),
                    entries: &t.articles,
                    roles: Vec::new(),
                    breadcrumbs: vec![self.crumb("glossary", "glossary/index.html")],
                    languages: Vec::new(),
                },
                sink,
            )?;
        }
        Ok(files)
    }

    /// One parallel reading page per translation pair, beside the Chinese
    /// article: paragraphs aligned by length, side by side.
    pub(super) fn render_parallel(
        &self,
        archive: &Archive,
        links: &[ArticleLink],
        sink: &dyn Sink,
    ) -> Result<usize> {
        let pairs: Vec<(usize, usize)> = archive
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let t = e.translation?;
                e.body.lang.starts_with("zh").then_some((i, t.other))
            })
            .collect();
        pairs.par_iter().try_for_each(|&(zh, en)| {
            let path = parallel_path(&archive.entries[zh].path);
            let page = PageCtx::new(&path, &self.config.base_url);
            let paragraphs = |i: usize| -> Result<Vec<String>> {
                Ok(archive.entries[i]
                    .body
                    .text()?
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect())
            };
            let (left, right) = (paragraphs(zh)?, paragraphs(en)?);
            let lens = |v: &[String]| v.iter().map(|p| p.chars().count()).collect::<Vec<_>>();
            let rows: Vec<ParallelRow> = align(&lens(&left), &lens(&right))
                .into_iter()
                .map(|(l, r)| ParallelRow {
                    left: l.into_iter().map(|k| left[k].clone()).collect(),
                    right: r.into_iter().map(|k| right[k].clone()).collect(),
                })
                .collect();
            // Figures and links stay on the article pages; the rows are text.
            self.page("parallel.html", &page, sink, |v| {
                v.add("left", &links[zh]);
                v.add("right", &links[en]);
                v.add("rows", &rows);
            })
        })?;
        Ok(pairs.len())
    }

    /// `i18n.js`: both label tables, for switching without reloading.
    pub(super) fn write_i18n_js(&self, sink: &dyn Sink) -> Result<usize> {
        let mut zh = serde_json::Map::new();
        let mut en = serde_json::Map::new();
        for (key, pair) in &self.labels.table {
            zh.insert(key.clone(), pair.zh.clone().into());
            en.insert(key.clone(), pair.en.clone().into());
        }
        let tables = serde_json::json!({ "zh": zh, "en": en });
        let js = format!(
            "/* Interface labels for the language switch; generated by duben from templates/i18n.toml. */\nwindow.DUBEN_I18N = {};\n",
            serde_json::to_string(&tables)?.replace("</", "<\\/")
        );
        sink.put("i18n.js", js.as_bytes())?;
        Ok(1)
    }
}
