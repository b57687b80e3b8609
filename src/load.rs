//! Load stage: walks `content/` and reads article files into memory.
//!
//! Owns the decisions about which files are articles (`.md`, `.markdown`,
//! `.txt`), which are ignored (hidden folders, symlinks) and which are too large.
//!
//! A file the last build read and that still has the same size, times and
//! inode ([`Stamps`]) is not read again: its bytes' hash stands for it (the
//! build cache knows the article by that hash), and its bytes are read only
//! if the cache turns out not to hold it ([`Source::read`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_128;

use crate::diagnostics::Diagnostic;

/// One article file, read (or known from the last build) but not yet parsed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, for messages (`content/2021/a.md`).
    pub display_path: PathBuf,
    /// Path relative to `content/`, used for output names and ordering.
    pub rel_path: PathBuf,
    /// The file's bytes; empty while `unread`.
    pub bytes: Vec<u8>,
    /// Hash of the bytes (xxh3-128).
    pub hash: u128,
    /// The file, when its bytes are not in memory: the last build knew
    /// them by their hash, or they were read and hashed but not kept
    /// ([`KEEP_BYTES`]).
    pub unread: Option<PathBuf>,
}

impl Source {
    pub fn new(display_path: PathBuf, rel_path: PathBuf, bytes: Vec<u8>) -> Source {
        Source {
            display_path,
            rel_path,
            hash: xxh3_128(&bytes),
            bytes,
            unread: None,
        }
    }

    /// The source with its bytes: itself when they are in memory, else
    /// read now ([`Source::read`]).
    pub fn with_bytes(&self) -> Result<std::borrow::Cow<'_, Source>, Diagnostic> {
        match self.unread {
            None => Ok(std::borrow::Cow::Borrowed(self)),
            Some(_) => self.clone().read().map(std::borrow::Cow::Owned),
        }
    }

    /// The source with its bytes, read now if they were not. A file that
    /// changed since it was loaded is taken as it is now, with its new hash.
    pub fn read(self) -> Result<Source, Diagnostic> {
        let Some(path) = &self.unread else {
            return Ok(self);
        };
        match std::fs::read(path) {
            Ok(bytes) => Ok(Source::new(self.display_path, self.rel_path, bytes)),
            Err(e) => Err(Diagnostic::skipped(
                &self.display_path,
                None,
                format!("cannot be read: {e}"),
            )),
        }
    }
}

/// What a build read of each article file: its size, modification and
/// change times, inode and its bytes' hash, by path relative to `content/`.
/// The change time (which tools cannot set back, unlike the modification
/// time) and the inode make a file rewritten in place or replaced look
/// different even with the same size and modification time.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamps(FxHashMap<String, Stamp>);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified: u64,
    changed: u64,
    inode: u64,
    hash: u128,
}

/// Bytes of article files kept in memory from the load stage to parsing;
/// beyond them, a file read now is known by its hash and read again when it
/// is parsed ([`Source::read`]). Keeping all of a 100,000-article archive
/// (870 MB) grew the heap to a size the rest of the build never gave back.
const KEEP_BYTES: u64 = 64 << 20;

/// Files changed this recently are read again next time: on file systems
/// with coarse times, a later change within the same tick would keep the
/// same times.
const RACY: Duration = Duration::from_secs(2);

impl Stamp {
    fn of(m: &std::fs::Metadata, hash: u128) -> Stamp {
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            let ns = (m.ctime() as u64).wrapping_mul(1_000_000_000);
            (ns.wrapping_add(m.ctime_nsec() as u64), m.ino())
        };
        #[cfg(not(unix))]
        let (changed, inode) = (0, 0);
        Stamp {
            size: m.len(),
            modified: crate::cache::mtime_ns(m),
            changed,
            inode,
            hash,
        }
    }

    fn same_file(&self, other: &Stamp) -> bool {
        (self.size, self.modified, self.changed, self.inode)
            == (other.size, other.modified, other.changed, other.inode)
    }

    fn recent(&self, since: u64) -> bool {
        self.modified.max(self.changed) >= since
    }
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    /// The article files as read now, for the next build.
    pub stamps: Stamps,
    /// Non-article files (images and the like), relative to `content/`.
    pub assets: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The non-article files of `content/`, for finding images stored beside
/// their article.
#[derive(Debug, Default)]
pub struct AssetIndex {
    paths: std::collections::HashSet<String>,
}

impl AssetIndex {
    pub fn new(assets: &[PathBuf]) -> Self {
        AssetIndex {
            paths: assets.iter().map(|p| slash_path(p)).collect(),
        }
    }

    /// The content-relative path of the file an article's relative image
    /// `src` names: in the article's folder, or in a folder named like the
    /// article (`a.md` and `a/photo.jpg`). Never anything outside `content/`.
    pub fn lookup(&self, article: &Path, src: &str) -> Option<String> {
        let src = src.trim().split(['?', '#']).next().unwrap_or("");
        if src.is_empty() || src.starts_with('/') || src.contains(':') {
            return None;
        }
        let src = percent_encoding::percent_decode_str(src)
            .decode_utf8()
            .ok()?;
        let dir = article.parent().unwrap_or(Path::new(""));
        let own = dir.join(article.file_stem().unwrap_or_default());
        [dir.to_path_buf(), own].iter().find_map(|base| {
            let p = normalize(&base.join(src.as_ref()))?;
            self.paths.contains(&p).then_some(p)
        })
    }
}

/// `a/b/../c` → `a/c`, `/`-separated; `None` if it climbs out.
fn normalize(p: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a file name is an article by its extension (case-insensitive).
pub fn is_article_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "txt"))
        .unwrap_or(false)
}

/// Walks `content_dir` and reads every article file, in parallel, except
/// those whose stamp is the same as in `known` (see [`Source::unread`]).
///
/// `display_prefix` is how the folder is named in messages (usually `content`).
pub fn load(
    content_dir: &Path,
    display_prefix: &Path,
    max_file_bytes: u64,
    known: &Stamps,
) -> Loaded {
    let racy_since = SystemTime::now()
        .checked_sub(RACY)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    load_stamped(
        content_dir,
        display_prefix,
        max_file_bytes,
        known,
        racy_since,
        KEEP_BYTES,
    )
}

/// [`load`], keeping no stamp of files changed at or after `racy_since`
/// (ns since the epoch), and the bytes of files read up to `keep_bytes`.
fn load_stamped(
    content_dir: &Path,
    display_prefix: &Path,
    max_file_bytes: u64,
    known: &Stamps,
    racy_since: u64,
    keep_bytes: u64,
) -> Loaded {
    let mut loaded = Loaded::default();
    // Article files found by the walk: path, path under content/, path shown.
    let mut pending: Vec<(PathBuf, PathBuf, PathBuf)> = Vec::new();
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden_dir(e));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(content_dir);
                let shown = display_path(content_dir, display_prefix, path);
                loaded.diagnostics.push(Diagnostic::skipped(
                    &shown,
                    None,
                    format!("cannot be read: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = path.strip_prefix(content_dir).unwrap_or(path).to_path_buf();
        let shown = display_prefix.join(&rel);
        let ft = entry.file_type();
        if ft.is_symlink() {
            if is_article_file(path) {
                loaded.diagnostics.push(Diagnostic::skipped(
                    &shown,
                    None,
                    "is a symbolic link; links are not followed so that nothing outside \
                     content/ ends up in the site (copy the file instead)",
                ));
            }
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        if !is_article_file(path) {
            loaded.assets.push(rel);
            continue;
        }
        pending.push((entry.into_path(), rel, shown));
    }

    // Each file's stamp is taken, and the file read unless the last build
    // knew it, in parallel.
    let kept = AtomicU64::new(0);
    let results: Vec<Result<(Source, Option<Stamp>), Diagnostic>> = pending
        .into_par_iter()
        .map(|(path, rel, shown)| {
            let meta = std::fs::symlink_metadata(&path);
            if let Ok(m) = &meta
                && m.len() > max_file_bytes
            {
                return Err(Diagnostic::skipped(
                    &shown,
                    None,
                    format!(
                        "is {} bytes, more than the limit of {} bytes (`max_file_bytes` in site.toml)",
                        m.len(),
                        max_file_bytes
                    ),
                ));
            }
            // A file the last build read, unchanged since: known by its hash.
            let stamp = meta.ok().map(|m| Stamp::of(&m, 0));
            let known = rel.to_str().and_then(|r| known.0.get(r));
            if let (Some(stamp), Some(&known)) = (stamp, known)
                && stamp.same_file(&known)
            {
                let source = Source {
                    display_path: shown,
                    rel_path: rel,
                    bytes: Vec::new(),
                    hash: known.hash,
                    unread: Some(path),
                };
                return Ok((source, Some(known)));
            }
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let size = bytes.len() as u64;
                    let mut source = Source::new(shown, rel, bytes);
                    if kept.fetch_add(size, Ordering::Relaxed) + size > keep_bytes {
                        source.bytes = Vec::new();
                        source.unread = Some(path);
                    }
                    let hash = source.hash;
                    Ok((source, stamp.map(|s| Stamp { hash, ..s })))
                }
                Err(e) => Err(Diagnostic::skipped(
                    &shown,
                    None,
                    format!("cannot be read: {e}"),
                )),
            }
        })
        .collect();
    let mut stamps = FxHashMap::with_capacity_and_hasher(results.len(), Default::default());
    for r in results {
        match r {
            Ok((s, stamp)) => {
                if let (Some(stamp), Some(rel)) = (stamp, s.rel_path.to_str())
                    && !stamp.recent(racy_since)
                {
                    stamps.insert(rel.to_owned(), stamp);
                }
                loaded.sources.push(s);
            }
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded.stamps = Stamps(stamps);
    loaded
}

fn is_hidden_dir(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_dir() && e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
}

fn display_path(content_dir: &Path, prefix: &Path, path: &Path) -> PathBuf {
    prefix.join(path.strip_prefix(content_dir).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_recognized_by_extension_in_any_case() {
        assert!(is_article_file(Path::new("a.md")));
        assert!(is_article_file(Path::new("a.TXT")));
        assert!(is_article_file(Path::new(".hidden.md")));
        assert!(!is_article_file(Path::new("a.jpg")));
        assert!(!is_article_file(Path::new("md")));
    }

    #[test]
    fn images_beside_an_article_are_found_and_nothing_outside() {
        let index = AssetIndex::new(&[
            PathBuf::from("2021/photo 1.jpg"),
            PathBuf::from("2021/story/inner.png"),
            PathBuf::from("secret.jpg"),
        ]);
        let a = Path::new("2021/story.md");
        assert_eq!(
            index.lookup(a, "photo%201.jpg").as_deref(),
            Some("2021/photo 1.jpg")
        );
        assert_eq!(
            index.lookup(a, "./photo 1.jpg?x=1").as_deref(),
            Some("2021/photo 1.jpg")
        );
        assert_eq!(
            index.lookup(a, "inner.png").as_deref(),
            Some("2021/story/inner.png")
        );
        assert_eq!(
            index.lookup(a, "../secret.jpg").as_deref(),
            Some("secret.jpg")
        );
        assert_eq!(index.lookup(a, "../../../etc/passwd"), None);
        assert_eq!(index.lookup(a, "/secret.jpg"), None);
        assert_eq!(index.lookup(a, "https://x.org/photo 1.jpg"), None);
        assert_eq!(index.lookup(a, "missing.jpg"), None);
    }

    #[test]
    fn hidden_folders_are_not_walked_and_large_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::create_dir_all(c.join(".git")).unwrap();
        std::fs::write(c.join(".git/x.md"), "x").unwrap();
        std::fs::write(c.join("a b.md"), "small").unwrap();
        std::fs::write(c.join("big.md"), vec![b'x'; 100]).unwrap();
        std::fs::write(c.join("pic.jpg"), "jpg").unwrap();
        let loaded = load(c, Path::new("content"), 50, &Stamps::default());
        let names: Vec<_> = loaded.sources.iter().map(|s| s.rel_path.clone()).collect();
        assert_eq!(names, vec![PathBuf::from("a b.md")]);
        assert_eq!(loaded.assets, vec![PathBuf::from("pic.jpg")]);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert!(loaded.diagnostics[0].message.contains("max_file_bytes"));
        assert_eq!(loaded.diagnostics[0].path, PathBuf::from("content/big.md"));
    }

    #[test]
    fn files_unchanged_since_the_last_load_are_known_by_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        std::fs::write(c.join("a.md"), "one").unwrap();
        std::fs::write(c.join("b.md"), "two").unwrap();
        let load =
            |known: &Stamps| load_stamped(c, Path::new("content"), 50, known, u64::MAX, u64::MAX);
        let first = load(&Stamps::default());
        assert!(first.sources.iter().all(|s| s.unread.is_none()));
        assert_eq!(first.stamps.0.len(), 2);

        let second = load(&first.stamps);
        let hashes = |l: &Loaded| l.sources.iter().map(|s| s.hash).collect::<Vec<_>>();
        assert_eq!(hashes(&second), hashes(&first));
        assert!(
            second
                .sources
                .iter()
                .all(|s| s.bytes.is_empty() && s.unread.is_some())
        );
        // Read when needed, the bytes are the file's.
        let b = second.sources[1].clone().read().unwrap();
        assert_eq!(
            (b.bytes.as_slice(), b.hash),
            (&b"two"[..], first.sources[1].hash)
        );

        // Rewritten in place with the same size: read again. (Its times are
        // set apart, as they would be outside the racy window.)
        std::fs::write(c.join("a.md"), "ONE").unwrap();
        let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let file = std::fs::File::options().write(true).open(c.join("a.md"));
        file.unwrap().set_modified(past).unwrap();
        let third = load(&second.stamps);
        assert_eq!(third.sources[0].bytes, b"ONE");
        assert_ne!(third.sources[0].hash, first.sources[0].hash);
        assert!(third.sources[1].unread.is_some());

        // Files changed within the racy window leave no stamp.
        let racy = load_stamped(c, Path::new("content"), 50, &Stamps::default(), 0, u64::MAX);
        assert!(racy.stamps.0.is_empty());
    }

    #[test]
    fn bytes_beyond_the_budget_are_read_again_when_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        for i in 0..8 {
            std::fs::write(
                c.join(format!("{i}.md")),
                format!("article {i} ").repeat(10),
            )
            .unwrap();
        }
        let load = |keep| {
            load_stamped(
                c,
                Path::new("content"),
                1000,
                &Stamps::default(),
                u64::MAX,
                keep,
            )
        };
        let all = load(u64::MAX);
        // 8 files of 100 bytes with room for 3 of them.
        let some = load(350);
        let kept = some.sources.iter().filter(|s| s.unread.is_none()).count();
        assert_eq!(kept, 3);
        for (a, s) in all.sources.iter().zip(&some.sources) {
            assert_eq!((&s.rel_path, s.hash), (&a.rel_path, a.hash));
            assert_eq!(s.bytes.is_empty(), s.unread.is_some());
            // Read when parsed, a file not kept is what the first read saw.
            let read = s.clone().read().unwrap();
            assert_eq!((read.bytes, read.hash), (a.bytes.clone(), a.hash));
        }
        // The stamps (and hashes) of the files not kept are those of all.
        assert_eq!(some.stamps, all.stamps);
    }
}
