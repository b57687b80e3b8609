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
//! An item is rendered once for every root, not once per root: with a
//! marker as its root, which each page replaces with its own. (A template
//! that does more with the root than write it out gets one table per root:
//! the first item of each root is rendered both ways and compared.) At
//! 100,000 articles the cards of two roots took 200 MB.
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

/// Rendered items by kind and root (`None`: rendered with the marker as
/// their root), each a slot per article.
pub struct ItemCache {
    tables: Mutex<HashMap<(Item, Option<String>), Table>>,
    /// Whether the marker's table serves a kind at a root.
    marked: Mutex<HashMap<(Item, String), bool>>,
    /// A root no article can contain: random for each build.
    marker: String,
}

impl Default for ItemCache {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        ItemCache {
            tables: Mutex::default(),
            marked: Mutex::default(),
            marker: format!("\u{E000}{random:016x}\u{E000}"),
        }
    }
}

#[derive(Serialize)]
struct ItemCtx<'a> {
    a: &'a ArticleLink<'a>,
    root: &'a str,
    site: SiteCtx<'a>,
}

impl ItemCache {
    fn table(&self, kind: Item, root: Option<&str>, n: usize) -> Result<Table> {
        let mut tables = self
            .tables
            .lock()
            .map_err(|_| anyhow!("a render thread panicked"))?;
        let table = tables
            .entry((kind, root.map(str::to_owned)))
            .or_insert_with(|| (0..n).map(|_| OnceLock::new()).collect());
        Ok(table.clone())
    }

    fn fit(&self, kind: Item, root: &str) -> Option<bool> {
        let marked = self.marked.lock().ok()?;
        marked.get(&(kind, root.to_owned())).copied()
    }

    fn remember_fit(&self, kind: Item, root: &str, fits: bool) {
        if let Ok(mut marked) = self.marked.lock() {
            marked.insert((kind, root.to_owned()), fits);
        }
    }

    /// Frees the rendered items (once the lists are written).
    pub fn clear(&self) {
        if let Ok(mut tables) = self.tables.lock() {
            tables.clear();
        }
        if let Ok(mut marked) = self.marked.lock() {
            marked.clear();
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
        let Some(&first) = articles.first() else {
            return Ok(Vec::new());
        };
        let marker = self.items.marker.as_str();
        let render = |i: usize, root: &str| -> Result<String> {
            let ctx = ItemCtx {
                a: &links[i],
                root,
                site: SiteCtx::new(self.config),
            };
            self.render_fragment(kind.template(), &ctx)
        };
        let shared = self.items.table(kind, None, links.len())?;
        // Boxed: without the spare capacity Tera's buffer grew with.
        let marked = |i: usize| -> Result<&str> {
            if let Some(done) = shared[i].get() {
                return Ok(done);
            }
            let html = render(i, marker)?;
            Ok(shared[i].get_or_init(|| html.into_boxed_str()))
        };
        // Whether the marker's items serve this root: the first item,
        // rendered both ways, says.
        let fits = match self.items.fit(kind, root) {
            Some(fits) => fits,
            None => {
                let fits = marked(first)?.replace(marker, root) == render(first, root)?;
                self.items.remember_fit(kind, root, fits);
                fits
            }
        };
        if fits {
            return articles
                .iter()
                .map(|&i| Ok(marked(i)?.replace(marker, root)))
                .collect();
        }
        let table = self.items.table(kind, Some(root), links.len())?;
        articles
            .iter()
            .map(|&i| {
                if let Some(done) = table[i].get() {
                    return Ok(done.to_string());
                }
                let html = render(i, root)?;
                Ok(table[i].get_or_init(|| html.into_boxed_str()).to_string())
            })
            .collect()
    }
}
