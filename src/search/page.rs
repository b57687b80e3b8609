//! Search: writing the index files and the search page.

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use super::index;
use crate::link::Archive;
use crate::render::Renderer;
use crate::render::context::PageCtx;
use crate::write::Sink;

#[derive(Serialize)]
struct TopicOption<'a> {
    index: usize,
    zh: &'a str,
    en: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct Filters<'a> {
    languages: Vec<crate::render::bilingual::LanguageLink>,
    topics: Vec<TopicOption<'a>>,
    years: Vec<i32>,
}

/// Builds the index and writes it with `search.html`; returns the number of
/// files and whether the last build's index was patched.
pub fn write_search(
    renderer: &Renderer,
    archive: &Archive,
    sink: &dyn Sink,
) -> Result<(usize, bool)> {
    let index::Written {
        config,
        files,
        patched,
    } = index::write(
        archive,
        renderer.timezone(),
        renderer.memo(),
        renderer.scratch(),
        sink,
    )?;
    let all: Vec<usize> = (0..archive.entries.len()).collect();
    let mut years: Vec<i32> = archive.months.iter().map(|m| m.year).collect();
    years.dedup();
    let filters = Filters {
        languages: renderer.language_links(archive, &all, "languages"),
        topics: archive
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| TopicOption {
                index: i,
                zh: &t.zh,
                en: &t.en,
                count: t.entries.len(),
            })
            .collect(),
        years,
    };
    let page = PageCtx::new("search.html", renderer.base_url());
    let mut ctx = Context::new();
    ctx.insert("search_filters", &filters);
    ctx.insert("search_config", &config);
    sink.put(
        "search.html",
        &renderer.render_with("search.html", &page, ctx)?,
    )?;
    Ok((files + 1, patched))
}
