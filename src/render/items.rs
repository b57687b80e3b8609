//! Render stage: an article's list items (its card, its title line),
//! rendered once per article and page depth and pasted into every list that
//! shows it.
//!
//! An article appears on many lists: the home pages, its month, its topics,
//! its source, its people, its language and its glossary terms. Rendering
//! its card once for each took a third of the list pages' time (perf, 10,000
//! articles). A list item depends only on the article and on the page's
//! relative root (`../../`), so the cache is kept per root.
//!
//! The items are the built-in templates `card.html` and `title-item.html`
//! (which call the `article_card` and `title_item` macros): a site overrides
//! either file, or the macros, to change them everywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Result, anyhow};
use serde::Serialize;

use super::Renderer;
use super::context::{ArticleLink, SiteCtx};

/// The two kinds of list item, by template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// `card.html`: title, date, topic, source and summary.
    Card,
    /// `title-item.html`: date and title on one line.
    Title,
}

impl Item {
    fn template(self) -> &'static str {
        match self {
            Item::Card => "card.html",
            Item::Title => "title-item.html",
        }
    }
}

type Table = Arc<[OnceLock<Box<str>>]>;

/// Rendered items by kind and root, each a slot per article.
#[derive(Default)]
pub struct ItemCache {
    tables: Mutex<HashMap<(Item, String), Table>>,
}

#[derive(Serialize)]
struct ItemCtx<'a> {
    a: &'a ArticleLink<'a>,
    root: &'a str,
    site: SiteCtx<'a>,
}

impl ItemCache {
    fn table(&self, kind: Item, root: &str, n: usize) -> Result<Table> {
        let mut tables = self
            .tables
            .lock()
            .map_err(|_| anyhow!("a render thread panicked"))?;
        let table = tables
            .entry((kind, root.to_owned()))
            .or_insert_with(|| (0..n).map(|_| OnceLock::new()).collect());
        Ok(table.clone())
    }

    /// Frees the rendered items (once the lists are written).
    pub fn clear(&self) {
        if let Ok(mut tables) = self.tables.lock() {
            tables.clear();
        }
    }
}

/// The articles `shown` (indexes into `links`), for the memo's key of a
/// page that lists them as items: an item depends only on its article, the
/// page's root and the templates.
pub fn listed(links: &[ArticleLink], shown: &[usize]) -> Vec<u128> {
    shown.iter().map(|&i| links[i].key).collect()
}

impl Renderer<'_> {
    /// The `kind` items of `articles` (indexes into `links`) for a page at
    /// `root`, rendered on first use.
    pub fn items(
        &self,
        kind: Item,
        links: &[ArticleLink],
        articles: &[usize],
        root: &str,
    ) -> Result<Vec<String>> {
        let table = self.items.table(kind, root, links.len())?;
        articles
            .iter()
            .map(|&i| {
                if let Some(done) = table[i].get() {
                    return Ok(done.to_string());
                }
                let ctx = ItemCtx {
                    a: &links[i],
                    root,
                    site: SiteCtx::new(self.config),
                };
                let html = self.render_fragment(kind.template(), &ctx)?;
                // Boxed: without the spare capacity Tera's buffer grew with.
                Ok(table[i].get_or_init(|| html.into_boxed_str()).to_string())
            })
            .collect()
    }
}
