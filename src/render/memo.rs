//! Render stage: the page memo, which lets an incremental build skip
//! rendering pages whose inputs did not change.
//!
//! A page is rendered from a template and the values handed to it (its
//! context). Before rendering, the template's name and the values are hashed
//! (as JSON, which is unambiguous); when the last build rendered the same
//! page from the same hash, under the same templates, labels, site.toml and
//! binary (the *salt*), and its file in the previous output still has the
//! size and modification time that build left, the file is linked from the
//! previous output instead of being rendered again.
//!
//! The memo is kept in the last build's record (`last-build.bin`), which
//! is removed when a build starts and written only after its output is in
//! place, so a memo always describes the output folder that is there.
//!
//! Templates only see their context: a template that calls Tera's `now()`
//! or `get_env()` keeps the value of the build that last rendered the page
//! (`--force` renders everything again).

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::Context;
use xxhash_rust::xxh3::xxh3_128;

use crate::cache::last_build::LastBuild;
use crate::search::index::SearchRecord;
use crate::write::Sink;

/// What the last build left of a page: its hash, size and modification time.
struct Previous {
    hash: u128,
    size: u64,
    mtime: u64,
}

/// The last build's page hashes, and this build's as pages are made.
pub struct PageMemo {
    salt: u128,
    previous: HashMap<String, Previous>,
    current: Mutex<Vec<(String, u128)>>,
    /// The last build's search index, and the size and modification time
    /// of its files (`search/…`).
    search: Option<SearchRecord>,
    search_files: HashMap<String, (u64, u64)>,
    next_search: Mutex<Option<SearchRecord>>,
}

impl PageMemo {
    /// A memo for a build with `salt`; `last` is the last build's record
    /// when it was made for the same output folder (its pages are used only
    /// if its salt is the same).
    pub fn new(salt: u128, last: Option<&LastBuild>) -> PageMemo {
        let mut previous = HashMap::new();
        let mut search_files = HashMap::new();
        let last = last.filter(|l| l.render_salt == Some(salt));
        if let Some(last) = last {
            for (path, size, mtime) in &last.files {
                if path.starts_with("search/") {
                    search_files.insert(path.clone(), (*size, *mtime));
                }
            }
            let files: HashMap<&str, (u64, u64)> = last
                .files
                .iter()
                .map(|(p, size, mtime)| (p.as_str(), (*size, *mtime)))
                .collect();
            for (path, hash) in &last.pages {
                if let Some(&(size, mtime)) = files.get(path.as_str()) {
                    let hash = *hash;
                    previous.insert(path.clone(), Previous { hash, size, mtime });
                }
            }
        }
        PageMemo {
            salt,
            previous,
            current: Mutex::new(Vec::new()),
            search: last.and_then(|l| l.search.clone()),
            search_files,
            next_search: Mutex::new(None),
        }
    }

    /// The salt this memo was made with.
    pub fn salt(&self) -> u128 {
        self.salt
    }

    /// Keeps the previous output's `path` when it was made from `hash`;
    /// whether it did.
    fn keep(&self, path: &str, hash: u128, sink: &dyn Sink) -> Result<bool> {
        match self.previous.get(path) {
            Some(p) if p.hash == hash && sink.keep(path, p.size, p.mtime)? => {
                self.record(path, hash)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn record(&self, path: &str, hash: u128) -> Result<()> {
        self.current
            .lock()
            .map_err(|_| anyhow!("a render thread panicked"))?
            .push((path.to_owned(), hash));
        Ok(())
    }

    /// The last build's search index.
    pub fn search(&self) -> Option<&SearchRecord> {
        self.search.as_ref()
    }

    /// Keeps the last build's search file `path` if it is still as that
    /// build left it; whether it did. The caller knows it is up to date.
    pub fn keep_file(&self, path: &str, sink: &dyn Sink) -> Result<bool> {
        match self.search_files.get(path) {
            Some(&(size, mtime)) => sink.keep(path, size, mtime),
            None => Ok(false),
        }
    }

    /// The bytes of the last build's search file `path`, if it is still as
    /// that build left it.
    pub fn previous_file(&self, path: &str, sink: &dyn Sink) -> Result<Option<Vec<u8>>> {
        match self.search_files.get(path) {
            Some(&(size, mtime)) => sink.previous(path, size, mtime),
            None => Ok(None),
        }
    }

    /// Records this build's search index.
    pub fn set_search(&self, record: SearchRecord) -> Result<()> {
        *self
            .next_search
            .lock()
            .map_err(|_| anyhow!("a render thread panicked"))? = Some(record);
        Ok(())
    }

    /// Every page of this build with its hash, sorted by path, and the
    /// search index's record.
    pub fn finish(self) -> (Vec<(String, u128)>, Option<SearchRecord>) {
        let mut pages = self.current.into_inner().unwrap_or_default();
        pages.sort();
        (pages, self.next_search.into_inner().unwrap_or_default())
    }
}

/// The values of one page, either hashed or put into a Tera context: the
/// same closure fills both, so the hash covers exactly what is rendered.
pub struct Vars {
    mode: Mode,
}

enum Mode {
    /// The salt, the template's name and each value as JSON, hashed at the
    /// end (one pass over a buffer is much faster than many small updates);
    /// `None` once a value could not be serialized.
    Hash(Option<Vec<u8>>),
    Fill(Context),
}

impl Vars {
    /// Starts the hash of a page made with `template`.
    pub(super) fn hasher(salt: u128, template: &str) -> Vars {
        let mut buf = Vec::with_capacity(16 * 1024);
        buf.extend_from_slice(&salt.to_le_bytes());
        push_field(&mut buf, template.as_bytes());
        Vars {
            mode: Mode::Hash(Some(buf)),
        }
    }

    pub(super) fn context() -> Vars {
        Vars {
            mode: Mode::Fill(Context::new()),
        }
    }

    /// Adds the template variable `name`.
    pub fn add<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match &mut self.mode {
            Mode::Hash(Some(buf)) => {
                push_field(buf, name.as_bytes());
                let _keying = Keying::start();
                // A value that cannot be serialized leaves the page without
                // a key: it is always rendered (and fails then if it must).
                if serde_json::to_writer(&mut *buf, value).is_err() {
                    self.mode = Mode::Hash(None);
                }
            }
            Mode::Hash(None) => {}
            Mode::Fill(ctx) => ctx.insert(name, value),
        }
    }

    /// The hash of the values, if they all could be serialized.
    pub(super) fn digest(self) -> Option<u128> {
        match self.mode {
            Mode::Hash(buf) => buf.map(|b| xxh3_128(&b)),
            Mode::Fill(_) => None,
        }
    }

    pub(super) fn into_context(self) -> Context {
        match self.mode {
            Mode::Fill(ctx) => ctx,
            Mode::Hash(_) => Context::new(),
        }
    }
}

thread_local! {
    static KEYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the value being serialized is going into a memo key: a value
/// that carries a hash of itself may then write the hash instead (an
/// article linked from a page, `context::ArticleLink`, is a tenth of the
/// cost of an article page's key otherwise).
pub fn keying() -> bool {
    KEYING.get()
}

/// Marks this thread as serializing a key until dropped.
struct Keying;

impl Keying {
    fn start() -> Keying {
        KEYING.set(true);
        Keying
    }
}

impl Drop for Keying {
    fn drop(&mut self) {
        KEYING.set(false);
    }
}

/// A length-prefixed field, so that `("ab", "c")` and `("a", "bc")` differ.
fn push_field(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    buf.extend_from_slice(bytes);
}

impl super::Renderer<'_> {
    /// Renders `template` with `page` and the variables `vars` adds, and
    /// writes it at `page.path`, unless the memo shows that the previous
    /// output's file was made from the same values (it is then kept).
    pub fn page(
        &self,
        template: &str,
        page: &super::context::PageCtx,
        sink: &dyn Sink,
        vars: impl Fn(&mut Vars),
    ) -> Result<()> {
        self.page_keyed(template, page, sink, &vars, || {
            let mut v = Vars::context();
            vars(&mut v);
            self.render_with(template, page, v.into_context())
        })
    }

    /// Like [`Self::page`], but the memo's key is made of the values `key`
    /// adds, which must determine the page as surely as its own values, and
    /// the page is made by `render` only when the memo cannot keep it.
    pub fn page_keyed(
        &self,
        template: &str,
        page: &super::context::PageCtx,
        sink: &dyn Sink,
        key: impl Fn(&mut Vars),
        render: impl FnOnce() -> Result<Vec<u8>>,
    ) -> Result<()> {
        let hash = self.memo.and_then(|memo| {
            let mut v = Vars::hasher(memo.salt(), template);
            v.add("page", page);
            key(&mut v);
            Some((memo, v.digest()?))
        });
        if let Some((memo, hash)) = hash
            && memo.keep(&page.path, hash, sink)?
        {
            return Ok(());
        }
        sink.put(&page.path, &render()?)?;
        if let Some((memo, hash)) = hash {
            memo.record(&page.path, hash)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Unserializable;

    impl Serialize for Unserializable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }

    #[test]
    fn a_value_that_cannot_be_serialized_leaves_the_page_without_a_key() {
        let key = |second: &dyn Fn(&mut Vars)| {
            let mut v = Vars::hasher(1, "article.html");
            v.add("a", &1);
            second(&mut v);
            v.digest()
        };
        let one = key(&|v| v.add("b", &2));
        assert!(one.is_some());
        assert_eq!(one, key(&|v| v.add("b", &2)));
        assert_ne!(one, key(&|v| v.add("b", &3)));
        assert_eq!(key(&|v| v.add("b", &Unserializable)), None);
        // A failed value is not a prefix that later values could match.
        assert_eq!(
            key(&|v| {
                v.add("b", &Unserializable);
                v.add("c", &4)
            }),
            None
        );
    }
}
