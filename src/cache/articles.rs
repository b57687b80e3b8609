//! Cached parse + clean results, in pack files under
//! `.duben-cache/v2/articles/`: each build appends the results it computed
//! to one new pack, and `index.bin` maps every key (the hash of everything
//! a result depends on) to its place in a pack.
//!
//! A few large files instead of one file per article: creating ten
//! thousand small files took longer than cleaning the articles (ext4 inode
//! allocation). A pack whose live entries fill less than half of it is
//! compacted: its live entries are copied into the new pack and it is
//! deleted. Every entry carries a checksum; a damaged one is a miss.
//!
//! An entry is the outcome without its body's HTML, other-script body and
//! plain text (the *meta* part, which every build reads), then the body
//! part, read when the article's page is rendered ([`read_clean_body`]),
//! then the text part, read by the link stage and the search index
//! ([`read_text`]).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::{Cache, binary_id, field};
use crate::clean::serialize::Body;
use crate::clean::{AltScript, CleanBody};
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

/// Where a cache entry is: its pack, and its bytes' offset and length.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub pack: Arc<Path>,
    pub offset: u64,
    pub len: u64,
    /// Where the text part starts in the entry (0 when not known yet).
    pub text_at: u64,
    /// Where the meta part's checksum ends (0 when not known: the whole
    /// entry is read).
    pub meta_end: u64,
}

/// The part of an entry read only when the page is rendered.
#[derive(Serialize, Deserialize)]
struct BodyPart {
    body: Body,
    alt_script: Option<AltScript>,
}

/// `index.bin`: pack file names, and every entry as (key, pack, offset,
/// length, end of its meta part), so that a build reads just the meta part.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    packs: Vec<String>,
    entries: Vec<(u128, u32, u64, u64, u32)>,
}

const INDEX: &str = "index.bin";
const PACK_EXT: &str = "pack";
/// A pack that is not in the index (left by a killed build) is deleted once
/// it is this old: a younger one may belong to a build still running.
const ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// The pack being written by this build. Entries are written straight
/// through (one write each, no buffer), so an entry that could not be
/// written is known at once and its body simply stays in memory.
struct PackWriter {
    path: Arc<Path>,
    file: File,
    offset: u64,
}

enum Writer {
    NotYet,
    Open(PackWriter),
    /// The pack could not be created or written: nothing more is cached.
    Failed,
}

/// A pack of the last build, open for reading, and its size.
type OpenPack = (Mutex<File>, u64);

/// The article entries of a cache, for one set of clean settings.
pub struct ArticleCache<'a> {
    cache: &'a Cache,
    settings: u128,
    dir: PathBuf,
    /// The last build's entries (empty when the cache may not be read).
    known: HashMap<u128, Location>,
    /// Packs the last build's index named.
    old_packs: Vec<Arc<Path>>,
    /// Packs to empty into the new one (less than half of them in use).
    sparse: HashSet<Arc<Path>>,
    writer: Mutex<Writer>,
    /// Where every entry this build uses is, for the next index.
    used: Mutex<Vec<(u128, Location)>>,
    /// The last build's packs this build read from.
    open: Mutex<HashMap<Arc<Path>, Arc<OpenPack>>>,
}

impl<'a> ArticleCache<'a> {
    /// `settings` hashes everything besides the file that parse and clean
    /// depend on (site.toml, the local images, `--drafts`).
    pub fn new(cache: &'a Cache, settings: u128) -> Self {
        let dir = cache.path("articles");
        let index: Index = std::fs::read(dir.join(INDEX))
            .ok()
            .and_then(|b| postcard::from_bytes(&b).ok())
            .unwrap_or_default();
        let old_packs: Vec<Arc<Path>> = index
            .packs
            .iter()
            .map(|name| Arc::from(dir.join(name).as_path()))
            .collect();
        let mut known = HashMap::new();
        if cache.read {
            for &(key, pack, offset, len, meta_end) in &index.entries {
                if let Some(pack) = old_packs.get(pack as usize) {
                    let pack = pack.clone();
                    let (text_at, meta_end) = (0, u64::from(meta_end));
                    known.insert(
                        key,
                        Location {
                            pack,
                            offset,
                            len,
                            text_at,
                            meta_end,
                        },
                    );
                }
            }
        }
        ArticleCache {
            cache,
            settings,
            dir,
            known,
            old_packs,
            sparse: HashSet::new(),
            writer: Mutex::new(Writer::NotYet),
            used: Mutex::new(Vec::new()),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The key of one source file.
    pub fn key(&self, source: &Source) -> u128 {
        let mut h = Xxh3::new();
        h.update(&binary_id().to_le_bytes());
        h.update(&self.settings.to_le_bytes());
        field(&mut h, source.rel_path.to_string_lossy().as_bytes());
        field(&mut h, &source.hash.to_le_bytes());
        h.digest128()
    }

    /// Given every key this build will ask for, marks the packs whose live
    /// entries fill less than half of them, to be copied into the new pack.
    pub fn plan(&mut self, keys: &[u128]) {
        if !self.cache.write {
            return;
        }
        let mut live: HashMap<&Arc<Path>, u64> = HashMap::new();
        for key in keys {
            if let Some(loc) = self.known.get(key) {
                *live.entry(&loc.pack).or_default() += loc.len;
            }
        }
        for pack in &self.old_packs {
            let size = std::fs::metadata(pack).map_or(0, |m| m.len());
            let used = live.get(pack).copied().unwrap_or(0);
            if used > 0 && used * 2 < size {
                self.sparse.insert(pack.clone());
            }
        }
    }

    /// The cached outcome, if there is a sound one; its body stays in the
    /// cache (see [`CleanBody::full`]).
    pub fn get(&self, key: u128) -> Option<Outcome> {
        let loc = self.known.get(&key)?;
        let sparse = self.sparse.contains(&loc.pack);
        // Only the head and meta part are read (the index says where they
        // end), unless the entry is to be copied out of a sparse pack.
        let want = if sparse || loc.meta_end == 0 {
            loc.len
        } else {
            loc.meta_end.min(loc.len)
        };
        let mut bytes = self.read_known(loc, want).ok()?;
        let (meta_end, text_at) = meta_bounds(&bytes).ok()?;
        if meta_end > bytes.len() as u64 {
            bytes = self.read_known(loc, meta_end.min(loc.len)).ok()?;
        }
        let mut outcome = decode_meta(&bytes).ok()?;
        let mut loc = loc.clone();
        if sparse
            && checked(&bytes).is_ok()
            && let Some(copied) = self.append(&bytes, text_at)
        {
            loc = copied;
        }
        (loc.text_at, loc.meta_end) = (text_at, meta_end);
        if let Some((_, body)) = &mut outcome.item {
            body.stored = Some(loc.clone());
        }
        self.remember(key, loc);
        Some(outcome)
    }

    /// The first `len` bytes of an entry of the last build, through the
    /// pack's file handle, opened once per build.
    fn read_known(&self, loc: &Location, len: u64) -> std::io::Result<Vec<u8>> {
        let pack = {
            let mut open = self
                .open
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            match open.get(&loc.pack) {
                Some(p) => p.clone(),
                None => {
                    let file = File::open(&loc.pack)?;
                    let size = file.metadata()?.len();
                    let p = Arc::new((Mutex::new(file), size));
                    open.insert(loc.pack.clone(), p.clone());
                    p
                }
            }
        };
        let (file, size) = &*pack;
        let mut file = file.lock().map_err(|_| std::io::Error::other("poisoned"))?;
        read_range(&mut file, *size, loc.offset, len)
    }

    /// Stores an outcome (best effort). When the cache holds it, the body's
    /// HTML leaves memory until its page is rendered.
    pub fn put(&self, key: u128, outcome: &mut Outcome) {
        if !self.cache.write {
            return;
        }
        let Some((bytes, text_at)) = encode(outcome) else {
            return;
        };
        let Some(loc) = self.append(&bytes, text_at) else {
            return;
        };
        if let Some((_, body)) = &mut outcome.item {
            body.spill(loc.clone());
        }
        self.remember(key, loc);
    }

    fn remember(&self, key: u128, loc: Location) {
        if let Ok(mut used) = self.used.lock() {
            used.push((key, loc));
        }
    }

    /// Appends an entry (whose text part starts at `text_at`) to this
    /// build's pack; where it is.
    fn append(&self, bytes: &[u8], text_at: u64) -> Option<Location> {
        let mut writer = self.writer.lock().ok()?;
        if matches!(*writer, Writer::NotYet) {
            *writer = self.new_pack().map_or(Writer::Failed, Writer::Open);
        }
        let Writer::Open(w) = &mut *writer else {
            return None;
        };
        if w.file.write_all(bytes).is_err() {
            // Full disk or the like: this entry and the ones after it are
            // not cached (a torn entry fails its checksum if ever read).
            *writer = Writer::Failed;
            return None;
        }
        let loc = Location {
            pack: w.path.clone(),
            offset: w.offset,
            len: bytes.len() as u64,
            text_at,
            meta_end: meta_bounds(bytes).map_or(0, |(end, _)| end),
        };
        w.offset += bytes.len() as u64;
        Some(loc)
    }

    fn new_pack(&self) -> Option<PackWriter> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = self
            .dir
            .join(format!("{stamp:x}-{}.{PACK_EXT}", std::process::id()));
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        Some(PackWriter {
            path: Arc::from(path.as_path()),
            file,
            offset: 0,
        })
    }

    /// Writes the index of the entries this build used, and deletes the
    /// packs no longer needed.
    pub fn finish(self) {
        if !self.cache.write {
            return;
        }
        let used = self.used.into_inner().unwrap_or_default();
        let mut index = Index::default();
        let mut numbers: HashMap<Arc<Path>, u32> = HashMap::new();
        for (key, loc) in used {
            let next = numbers.len() as u32;
            let n = *numbers.entry(loc.pack.clone()).or_insert_with(|| {
                let name = loc.pack.file_name().unwrap_or_default();
                index.packs.push(name.to_string_lossy().into_owned());
                next
            });
            let meta_end = u32::try_from(loc.meta_end).unwrap_or(0);
            index.entries.push((key, n, loc.offset, loc.len, meta_end));
        }
        let Ok(bytes) = postcard::to_stdvec(&index) else {
            return;
        };
        self.cache.store(&self.dir.join(INDEX), &bytes);
        // The layout before packs: one file per entry.
        let _ = std::fs::remove_dir_all(self.cache.dir.with_file_name("v1"));
        let Ok(files) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for f in files.flatten() {
            let path = f.path();
            let is_pack = path.extension().is_some_and(|e| e == PACK_EXT);
            if !is_pack || numbers.contains_key(path.as_path()) {
                continue;
            }
            let ours = self.old_packs.iter().any(|p| **p == *path);
            let old = f
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > ORPHAN_AGE);
            if ours || old {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// An entry: the lengths of its meta and body parts, the meta part (the
/// outcome with its body spilled) and a checksum of all that (so that the
/// head and meta part can be read alone), the body part (HTML and
/// other-script body), the text part (the plain text, then its own
/// checksum, so that it can be read alone), and a checksum of all of it.
/// Returns the entry and where its text part starts.
fn encode(outcome: &Outcome) -> Option<(Vec<u8>, u64)> {
    let mut meta = Outcome {
        diagnostics: outcome.diagnostics.clone(),
        item: None,
    };
    let mut parts = None;
    if let Some((article, body)) = &outcome.item {
        let part = BodyPart {
            body: body.body.clone(),
            alt_script: body.alt_script.clone(),
        };
        parts = Some((part, &body.text));
        let mut light = CleanBody {
            alt_script: None,
            text: String::new(),
            text_len: body.text.len(),
            stored: None,
            ..body.clone()
        };
        light.body.parts.retain(|p| !p.is_html());
        meta.item = Some((article.clone(), light));
    }
    let mut bytes = vec![0; 16];
    postcard::to_io(&meta, &mut bytes).ok()?;
    let meta_len = (bytes.len() - 16) as u64;
    bytes[..8].copy_from_slice(&meta_len.to_le_bytes());
    // The meta checksum covers the head, whose body length is known only
    // once the body is written: its place is kept.
    bytes.extend_from_slice(&[0; 8]);
    let body_at = bytes.len();
    if let Some((part, _)) = &parts {
        postcard::to_io(part, &mut bytes).ok()?;
    }
    let text_at = bytes.len();
    if let Some((_, text)) = &parts {
        postcard::to_io(text, &mut bytes).ok()?;
        let sum = xxh3_64(&bytes[text_at..]);
        bytes.extend_from_slice(&sum.to_le_bytes());
    }
    let body_len = (text_at - body_at) as u64;
    bytes[8..16].copy_from_slice(&body_len.to_le_bytes());
    let meta_end = body_at - 8;
    let sum = xxh3_64(&bytes[..meta_end]);
    bytes[meta_end..body_at].copy_from_slice(&sum.to_le_bytes());
    let sum = xxh3_64(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    Some((bytes, text_at as u64))
}

fn number(b: &[u8]) -> Result<u64, ()> {
    Ok(u64::from_le_bytes(b.try_into().map_err(|_| ())?))
}

/// From an entry's head (its first 16 bytes): where its meta checksum
/// ends and where its text part starts.
fn meta_bounds(bytes: &[u8]) -> Result<(u64, u64), ()> {
    let head = bytes.get(..16).ok_or(())?;
    let (meta_len, body_len) = (number(&head[..8])?, number(&head[8..])?);
    let meta_end = meta_len.checked_add(24).ok_or(())?;
    Ok((meta_end, meta_end.checked_add(body_len).ok_or(())?))
}

/// The meta part of an entry, from its first bytes (at least up to the
/// meta checksum), checked.
fn decode_meta(bytes: &[u8]) -> Result<Outcome, ()> {
    let (meta_end, _) = meta_bounds(bytes)?;
    let part = bytes.get(..meta_end as usize).ok_or(())?;
    let (data, sum) = part.split_at(part.len() - 8);
    if xxh3_64(data).to_le_bytes() != sum {
        return Err(());
    }
    postcard::from_bytes(&data[16..]).map_err(|_| ())
}

/// A whole entry, if its checksum holds.
fn checked(bytes: &[u8]) -> Result<&[u8], ()> {
    let (data, sum) = bytes
        .split_at_checked(bytes.len().checked_sub(8).ok_or(())?)
        .ok_or(())?;
    if xxh3_64(data).to_le_bytes() != sum {
        return Err(());
    }
    Ok(data)
}

/// The body and text parts of a whole entry, checked.
fn decode_body(bytes: &[u8]) -> Result<(BodyPart, String), ()> {
    let data = checked(bytes)?;
    let (meta_end, text_at) = meta_bounds(data)?;
    let body = data.get(meta_end as usize..text_at as usize).ok_or(())?;
    let part = postcard::from_bytes(body).map_err(|_| ())?;
    Ok((part, decode_text(&data[text_at as usize..])?))
}

/// A text part: the text, then its checksum.
fn decode_text(part: &[u8]) -> Result<String, ()> {
    let (text, sum) = part
        .split_at_checked(part.len().checked_sub(8).ok_or(())?)
        .ok_or(())?;
    if xxh3_64(text).to_le_bytes() != sum {
        return Err(());
    }
    postcard::from_bytes(text).map_err(|_| ())
}

fn read_entry(loc: &Location) -> std::io::Result<Vec<u8>> {
    read_at(loc, 0, loc.len)
}

/// `len` bytes of the entry at `loc`, from `from` on.
fn read_at(loc: &Location, from: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(&loc.pack)?;
    let size = file.metadata()?.len();
    let at = loc
        .offset
        .checked_add(from)
        .ok_or(std::io::ErrorKind::InvalidInput)?;
    read_range(&mut file, size, at, len)
}

/// `len` bytes of `file` (`size` bytes long) from `at` on: an error, not an
/// allocation, when they would run past its end (as a damaged index may
/// say).
fn read_range(file: &mut File, size: u64, at: u64, len: u64) -> std::io::Result<Vec<u8>> {
    if at.checked_add(len).is_none_or(|end| end > size) {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    file.seek(SeekFrom::Start(at))?;
    let mut bytes = vec![0; len as usize];
    file.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn vanished(loc: &Location) -> anyhow::Error {
    anyhow::anyhow!(
        "the build cache `{}` changed or vanished during the build; run the build again",
        loc.pack.display()
    )
}

/// The whole clean body of an article whose body is in the cache at `loc`
/// (`spilled` is what stayed in memory).
pub fn read_clean_body(spilled: &CleanBody, loc: &Location) -> anyhow::Result<CleanBody> {
    let bytes = read_entry(loc).map_err(|_| vanished(loc))?;
    let (part, text) = decode_body(&bytes).map_err(|_| vanished(loc))?;
    Ok(CleanBody {
        body: part.body,
        alt_script: part.alt_script,
        text,
        stored: None,
        ..spilled.clone()
    })
}

/// The plain text of an article whose body is in the cache at `loc`: only
/// its text part is read.
pub fn read_text(loc: &Location) -> anyhow::Result<String> {
    let part_len = loc.len.checked_sub(loc.text_at + 8);
    let part = part_len
        .filter(|_| loc.text_at > 0)
        .ok_or(())
        .and_then(|n| read_at(loc, loc.text_at, n).map_err(|_| ()))
        .and_then(|bytes| decode_text(&bytes));
    part.map_err(|_| vanished(loc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, body: &str) -> Source {
        Source::new(
            PathBuf::from("content").join(path),
            PathBuf::from(path),
            body.as_bytes().to_vec(),
        )
    }

    /// One build's use of the cache: `put` for misses, then `finish`.
    fn session(cache: &Cache, keys: &[u128], mut each: impl FnMut(&ArticleCache, u128)) {
        let mut articles = ArticleCache::new(cache, 1);
        articles.plan(keys);
        for &k in keys {
            each(&articles, k);
        }
        articles.finish();
    }

    fn packs(dir: &Path) -> Vec<PathBuf> {
        let mut packs: Vec<PathBuf> = std::fs::read_dir(dir.join(".duben-cache/v2/articles"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == PACK_EXT))
            .collect();
        packs.sort();
        packs
    }

    fn with_body(text: &str) -> Outcome {
        use crate::clean::serialize::Part;
        let body = Body {
            parts: vec![
                Part::Html(format!("<p>{text}</p>")),
                Part::Link("https://example.org/b".into()),
                Part::Asset("a/photo.jpg".into()),
            ],
        };
        let clean = CleanBody {
            body: body.clone(),
            alt_script: Some(AltScript {
                lang: "zh-Hant".into(),
                body,
                title: "標題".into(),
            }),
            text: text.into(),
            ..CleanBody::default()
        };
        Outcome {
            diagnostics: vec![],
            item: Some((Article::default(), clean)),
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
        articles.put(key, &mut outcome_clone(&outcome));
        articles.finish();
        let back = ArticleCache::new(&cache, 1).get(key).unwrap();
        assert_eq!(back.diagnostics, outcome.diagnostics);
        let articles = ArticleCache::new(&cache, 1);
        assert_ne!(key, articles.key(&source("a.md", "hello!")));
        assert_ne!(key, articles.key(&source("b.md", "hello")));
        assert_ne!(key, ArticleCache::new(&cache, 2).key(&a));
        let forced = Cache::new(dir.path(), true);
        assert!(ArticleCache::new(&forced, 1).get(key).is_none());
    }

    fn outcome_clone(o: &Outcome) -> Outcome {
        Outcome {
            diagnostics: o.diagnostics.clone(),
            item: o.item.clone(),
        }
    }

    #[test]
    fn an_index_claiming_more_than_its_pack_holds_is_a_miss_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        session(&cache, &[7], |a, k| a.put(k, &mut with_body("正文")));
        let pack = packs(dir.path()).pop().unwrap();
        let name = pack.file_name().unwrap().to_string_lossy().into_owned();
        // Entries far past the end of the pack, as a damaged index may hold:
        // reading them must not try to allocate what they claim.
        let index = Index {
            packs: vec![name],
            entries: vec![(7, 0, 0, u64::MAX / 2, 0), (8, 0, u64::MAX - 8, 64, 24)],
        };
        let articles = dir.path().join(".duben-cache/v2/articles");
        std::fs::write(articles.join(INDEX), postcard::to_stdvec(&index).unwrap()).unwrap();
        let reading = ArticleCache::new(&cache, 1);
        assert!(reading.get(7).is_none());
        assert!(reading.get(8).is_none());
        let far = Location {
            pack: Arc::from(pack.as_path()),
            offset: 0,
            len: u64::MAX / 2,
            text_at: 16,
            meta_end: 0,
        };
        assert!(read_text(&far).is_err());
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let key = 7;
        session(&cache, &[key], |a, k| a.put(k, &mut with_body("正文")));
        let pack = packs(dir.path()).pop().unwrap();
        let mut bytes = std::fs::read(&pack).unwrap();
        bytes[20] ^= 0xff;
        std::fs::write(&pack, bytes).unwrap();
        let mut missed = false;
        session(&cache, &[key], |a, k| {
            missed = a.get(k).is_none();
            a.put(k, &mut with_body("正文"));
        });
        assert!(missed, "a damaged entry is not used");
        assert_eq!(packs(dir.path()).len(), 1, "the damaged pack is gone");
        let back = ArticleCache::new(&cache, 1).get(key).unwrap();
        let full = back.item.unwrap().1;
        assert_eq!(full.full().unwrap().text, "正文");
    }

    #[test]
    fn a_spilled_body_keeps_its_links_and_reads_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let articles = ArticleCache::new(&cache, 1);
        let whole = with_body("正文");
        let mut outcome = outcome_clone(&whole);
        articles.put(1, &mut outcome);
        articles.finish();
        for spilled in [
            outcome.item.unwrap().1,
            ArticleCache::new(&cache, 1).get(1).unwrap().item.unwrap().1,
        ] {
            assert!(spilled.alt_script.is_none());
            assert!(spilled.stored.is_some());
            assert_eq!(
                spilled.body.links().collect::<Vec<_>>(),
                ["https://example.org/b"]
            );
            assert_eq!(spilled.body.assets().collect::<Vec<_>>(), ["a/photo.jpg"]);
            let full = spilled.full().unwrap();
            let original = &whole.item.as_ref().unwrap().1;
            assert_eq!(full.body, original.body);
            assert_eq!(full.alt_script.as_ref().unwrap().title, "標題");
            assert_eq!(full.text, "正文");
            assert!(spilled.text.is_empty(), "the text left memory");
            assert_eq!(spilled.text().unwrap(), "正文");
            assert_eq!(spilled.text_len(), "正文".len());
        }
        let spilled = ArticleCache::new(&cache, 1).get(1).unwrap().item.unwrap().1;
        std::fs::remove_file(packs(dir.path()).pop().unwrap()).unwrap();
        let err = spilled.full().unwrap_err().to_string();
        assert!(err.contains("run the build again"), "{err}");
    }

    #[test]
    fn the_index_keeps_only_entries_in_use_and_sparse_packs_are_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), false);
        let keys: Vec<u128> = (0..10).collect();
        session(&cache, &keys, |a, k| {
            a.put(k, &mut with_body(&format!("文{k}")))
        });
        let first = packs(dir.path());
        assert_eq!(first.len(), 1);
        // Six of ten still in use: the pack stays, and a new one holds key 10.
        let mut hits = 0;
        let used = [0, 1, 2, 3, 4, 5, 10];
        session(&cache, &used, |a, k| match a.get(k) {
            Some(_) => hits += 1,
            None => a.put(k, &mut with_body("新")),
        });
        assert_eq!(hits, 6);
        assert_eq!(packs(dir.path()).len(), 2);
        assert!(packs(dir.path()).contains(&first[0]));
        // Two of ten: the first pack is copied out and deleted.
        session(&cache, &[0, 10], |a, k| assert!(a.get(k).is_some()));
        assert!(!packs(dir.path()).contains(&first[0]));
        let articles = ArticleCache::new(&cache, 1);
        assert!(articles.get(5).is_none(), "unused entries are forgotten");
        let body = articles.get(0).unwrap().item.unwrap().1;
        assert_eq!(body.full().unwrap().text, "文0");
    }
}
