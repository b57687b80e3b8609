//! Build cache: `.duben-cache/` in the site folder, which the user may delete
//! at any time (it only makes builds faster).
//!
//! Two things are kept:
//! - per article file, the result of parse + clean, keyed by a hash of the
//!   file's path and bytes, the clean settings (site.toml, the list of local
//!   images) and the binary ([`articles`]);
//! - the last build's input fingerprint, output file list and report, so that
//!   a build whose inputs did not change at all finishes without doing
//!   anything ([`last_build`]).
//!
//! A cache that cannot be read is a miss; one that cannot be written is
//! ignored. Nothing here ever decides what the site contains.

pub mod articles;
pub mod last_build;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use xxhash_rust::xxh3::Xxh3;

/// The folder name, in the site folder.
pub const CACHE_DIR: &str = ".duben-cache";
/// Bumped when the cache's layout changes.
const LAYOUT: &str = "v2";

/// Where the cache lives and whether it may be read.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// `--force`: entries are written but never read.
    read: bool,
    /// `duben check`: entries are read but nothing is written.
    write: bool,
}

impl Cache {
    /// The cache of the site at `root`; `force` ignores what is there.
    pub fn new(root: &Path, force: bool) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR).join(LAYOUT),
            read: !force,
            write: true,
        }
    }

    /// A cache that is read but never written (for `duben check`).
    pub fn read_only(root: &Path) -> Cache {
        Cache {
            write: false,
            ..Cache::new(root, false)
        }
    }

    /// Where a build may keep scratch files (unnamed, gone when closed):
    /// the cache's folder, unless nothing may be written there.
    pub fn scratch_dir(&self) -> Option<&Path> {
        self.write.then_some(self.dir.as_path())
    }

    /// A cache that is neither read nor written.
    pub fn disabled() -> Cache {
        Cache {
            dir: PathBuf::new(),
            read: false,
            write: false,
        }
    }

    /// The value the cache file `name` holds, if this binary wrote it.
    pub fn load<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        if !self.read {
            return None;
        }
        let bytes = std::fs::read(self.path(name)).ok()?;
        let (binary, value): (u128, T) = postcard::from_bytes(&bytes).ok()?;
        (binary == binary_id()).then_some(value)
    }

    /// Keeps `value` in the cache file `name`, tagged with this binary.
    pub fn save<T: serde::Serialize>(&self, name: &str, value: &T) {
        if let Ok(bytes) = postcard::to_stdvec(&(binary_id(), value)) {
            self.store(&self.path(name), &bytes);
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `bytes` at `path` atomically (temporary file, then rename), so
    /// that a killed build or two builds at once never leave a torn entry.
    fn store(&self, path: &Path, bytes: &[u8]) {
        if !self.write {
            return;
        }
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Identifies the running binary: its version, size and modification time,
/// so that a rebuilt duben never reads entries an older one wrote.
pub fn binary_id() -> u128 {
    static ID: LazyLock<u128> = LazyLock::new(|| {
        let mut h = Xxh3::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        if let Ok(m) = std::env::current_exe().and_then(std::fs::metadata) {
            h.update(&m.len().to_le_bytes());
            h.update(&mtime_ns(&m).to_le_bytes());
        }
        h.digest128()
    });
    *ID
}

/// A file's modification time in nanoseconds since the epoch (0 if unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Feeds a length-prefixed field into a hash, so that `("ab", "c")` and
/// `("a", "bc")` differ.
pub(crate) fn field(h: &mut Xxh3, bytes: &[u8]) {
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn hex(key: u128) -> String {
    format!("{key:032x}")
}
