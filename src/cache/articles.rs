//! Cached parse + clean results, one file per article file under
//! `.duben-cache/v1/articles/`, named by the hash of everything the result
//! depends on.

use std::collections::HashSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{Cache, binary_id, field, hex};
use crate::clean::CleanBody;
use crate::diagnostics::Diagnostic;
use crate::load::Source;
use crate::parse::Article;

/// What parse + clean made of one file: the article (if it was not
/// skipped) and every message about it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub item: Option<(Article, CleanBody)>,
}

/// The article entries of a cache, for one set of clean settings.
pub struct ArticleCache<'a> {
    cache: &'a Cache,
    settings: u128,
}

impl<'a> ArticleCache<'a> {
    /// `settings` hashes everything besides the file that parse and clean
    /// depend on (site.toml, the local images, `--drafts`).
    pub fn new(cache: &'a Cache, settings: u128) -> Self {
        ArticleCache { cache, settings }
    }

    /// The key of one source file.
    pub fn key(&self, source: &Source) -> u128 {
        let mut h = Xxh3::new();
        h.update(&binary_id().to_le_bytes());
        h.update(&self.settings.to_le_bytes());
        field(&mut h, source.rel_path.to_string_lossy().as_bytes());
        field(&mut h, &source.bytes);
        h.digest128()
    }

    /// Where the entry of `key` is (or would be).
    pub fn file(&self, key: u128) -> PathBuf {
        let name = hex(key);
        self.cache
            .path("articles")
            .join(&name[..2])
            .join(format!("{name}.bin"))
    }

    /// The cached outcome, if there is a readable one.
    pub fn get(&self, key: u128) -> Option<Outcome> {
        if !self.cache.read {
            return None;
        }
        let file = self.file(key);
        let bytes = std::fs::read(&file).ok()?;
        let outcome = postcard::from_bytes(&bytes).ok();
        if outcome.is_none() && self.cache.write {
            // Damaged: remove it, so that `put` writes it again.
            let _ = std::fs::remove_file(&file);
        }
        outcome
    }

    /// Stores an outcome (best effort); where it is when the cache holds it.
    /// An entry already there is kept: the key names its content (this keeps
    /// `--force` from rewriting them all).
    pub fn put(&self, key: u128, outcome: &Outcome) -> Option<PathBuf> {
        if !self.cache.read && !self.cache.write {
            return None; // a disabled cache holds nothing
        }
        let file = self.file(key);
        if !file.is_file() {
            if !self.cache.write {
                return None;
            }
            let bytes = postcard::to_stdvec(outcome).ok()?;
            self.cache.store(&file, &bytes);
        }
        file.is_file().then_some(file)
    }

    /// Removes the entries of files that are gone or changed, so the cache
    /// does not grow without bound.
    pub fn prune(&self, used: &HashSet<u128>) {
        if !self.cache.write {
            return;
        }
        let used: HashSet<String> = used.iter().map(|&k| hex(k)).collect();
        let Ok(dirs) = std::fs::read_dir(self.cache.path("articles")) else {
            return;
        };
        for dir in dirs.flatten() {
            let Ok(files) = std::fs::read_dir(dir.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let stem = name.strip_suffix(".bin").unwrap_or(&name);
                if !used.contains(stem) {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
}

/// The clean body of the entry at `path` (see [`CleanBody::full`]).
pub fn read_clean_body(path: &std::path::Path) -> anyhow::Result<CleanBody> {
    let fail = || {
        anyhow::anyhow!(
            "the build cache entry `{}` changed or vanished during the build; run the build again",
            path.display()
        )
    };
    let bytes = std::fs::read(path).map_err(|_| fail())?;
    let outcome: Outcome = postcard::from_bytes(&bytes).map_err(|_| fail())?;
    outcome.item.map(|(_, body)| body).ok_or_else(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, body: &str) -> Source {
        Source {
            display_path: PathBuf::from("content").join(path),
            rel_path: PathBuf::from(path),
            bytes: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn an_entry_is_found_again_only_for_the_same_file_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let articles = ArticleCache::new(&cache, 1);
        let a = source("a.md", "hello");
        let key = articles.key(&a);
        assert!(articles.get(key).is_none());
        let outcome = Outcome {
            diagnostics: vec![Diagnostic::warning(&a.display_path, Some(3), "odd")],
            item: None,
        };
        articles.put(key, &outcome);
        let back = articles.get(key).unwrap();
        assert_eq!(back.diagnostics, outcome.diagnostics);
        assert_ne!(key, articles.key(&source("a.md", "hello!")));
        assert_ne!(key, articles.key(&source("b.md", "hello")));
        assert_ne!(key, ArticleCache::new(&cache, 2).key(&a));
        let forced = Cache::new(dir.path(), true);
        assert!(ArticleCache::new(&forced, 1).get(key).is_none());
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let articles = ArticleCache::new(&cache, 1);
        let a = source("a.md", "hello");
        let key = articles.key(&a);
        articles.put(key, &Outcome::default());
        std::fs::write(articles.file(key), [0xff; 3]).unwrap();
        assert!(articles.get(key).is_none());
        articles.put(key, &Outcome::default());
        assert!(articles.get(key).is_some());
    }

    #[test]
    fn a_spilled_body_keeps_its_links_and_reads_back_whole() {
        use crate::clean::serialize::{Body, Part};
        use crate::clean::{AltScript, CleanBody};
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let articles = ArticleCache::new(&cache, 1);
        let a = source("a.md", "x");
        let key = articles.key(&a);
        let body = Body {
            parts: vec![
                Part::Html("<p>正文</p>".into()),
                Part::Link("https://example.org/b".into()),
                Part::Asset("a/photo.jpg".into()),
            ],
        };
        let clean = CleanBody {
            body: body.clone(),
            alt_script: Some(AltScript {
                lang: "zh-Hant".into(),
                body: body.clone(),
                title: "標題".into(),
            }),
            ..CleanBody::default()
        };
        let outcome = Outcome {
            diagnostics: vec![],
            item: Some((Article::default(), clean.clone())),
        };
        let stored = articles.put(key, &outcome).unwrap();
        let mut spilled = clean;
        spilled.spill(stored.clone());
        assert!(spilled.alt_script.is_none());
        assert_eq!(
            spilled.body.links().collect::<Vec<_>>(),
            ["https://example.org/b"]
        );
        assert_eq!(spilled.body.assets().collect::<Vec<_>>(), ["a/photo.jpg"]);
        let full = spilled.full().unwrap();
        assert_eq!(full.body, body);
        assert_eq!(full.alt_script.as_ref().unwrap().title, "標題");
        std::fs::remove_file(stored).unwrap();
        let err = spilled.full().unwrap_err().to_string();
        assert!(err.contains("run the build again"), "{err}");
    }

    #[test]
    fn pruning_keeps_only_the_entries_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let articles = ArticleCache::new(&cache, 1);
        let (a, b) = (source("a.md", "a"), source("b.md", "b"));
        let (ka, kb) = (articles.key(&a), articles.key(&b));
        articles.put(ka, &Outcome::default());
        articles.put(kb, &Outcome::default());
        articles.prune(&HashSet::from([kb]));
        assert!(articles.get(ka).is_none());
        assert!(articles.get(kb).is_some());
    }
}
