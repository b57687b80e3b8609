//! Write stage: the output folder, written atomically.
//!
//! Pages go into a hidden staging folder beside the output folder; only when
//! everything is written is the old output swapped out and the new one in.
//! A failed or killed build therefore leaves the previous output intact, and
//! nothing outside the output folder (and its staging sibling) is touched.
//!
//! A file whose bytes equal the previous output's file of the same name is
//! not written again: it is hard-linked from the previous output, so its
//! modification time (and inode) stay, and `rsync` or a Pages upload sees
//! only what changed.

mod guard;
pub mod zip;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};

pub use guard::check_output_dir;

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes `bytes` at `path` (relative, `/`-separated) in the output.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Keeps the previous output's file at `path` as it is, if it still has
    /// `size` bytes and modification time `mtime` (ns since the epoch);
    /// whether it did. Sinks without a previous output never keep.
    fn keep(&self, _path: &str, _size: u64, _mtime: u64) -> Result<bool> {
        Ok(false)
    }

    /// The bytes of the previous output's file at `path`, if it still has
    /// `size` bytes and modification time `mtime`.
    fn previous(&self, _path: &str, _size: u64, _mtime: u64) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

/// Marker file in a finished output folder: lets a later build know that
/// the folder is duben's to replace.
pub const OUTPUT_MARKER: &str = ".duben-output";
/// Marker file in a staging folder, so stale ones can be recognized.
const STAGING_MARKER: &str = ".duben-staging";

/// A build's output, being written.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// The previous output, when it is a finished duben output.
    previous: Option<PathBuf>,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    /// Every file placed so far: its size and modification time (ns), by
    /// `/`-separated path (the listing the last-build record keeps).
    placed: Mutex<HashMap<String, (u64, u64)>>,
    /// Folders of the staging folder known to exist.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

/// Every file of an output folder: relative `/`-separated path, size and
/// modification time (ns), sorted.
pub type Listing = Vec<(String, u64, u64)>;

/// How a file at `rel` in an output folder is named in a [`Listing`].
pub fn listed_name(rel: &Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

impl Staging {
    /// Creates the staging folder beside `output` (which must already have
    /// passed [`check_output_dir`]).
    pub fn begin(output: &Path) -> Result<Staging> {
        let parent = output.parent().unwrap_or(Path::new("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
        remove_stale_staging(parent, &name);
        let dir = parent.join(format!(".{name}.duben-staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear the staging folder `{}`", dir.display()))?;
        }
        std::fs::create_dir(&dir).with_context(|| {
            format!(
                "cannot create `{}`: is `{}` writable?",
                dir.display(),
                parent.display()
            )
        })?;
        std::fs::write(dir.join(STAGING_MARKER), "duben staging folder\n")
            .with_context(|| format!("cannot write in `{}`", dir.display()))?;
        let previous = output
            .join(OUTPUT_MARKER)
            .is_file()
            .then(|| output.to_path_buf());
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            previous,
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            placed: Mutex::new(HashMap::new()),
            folders: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    /// Copies a file into the output at `path`.
    pub fn copy(&self, from: &Path, path: &str) -> Result<()> {
        let bytes =
            std::fs::read(from).with_context(|| format!("cannot read `{}`", from.display()))?;
        self.put(path, &bytes)
    }

    /// Number of files in the output so far.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// How many of them were identical to the previous output's and kept.
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Links the previous output's `rel` into `target` when it holds exactly
    /// `bytes`; whether it did, with the modification time when known.
    fn keep_unchanged(&self, rel: &Path, target: &Path, bytes: &[u8]) -> Option<Option<u64>> {
        let old = self.previous.as_ref()?.join(rel);
        // symlink_metadata: a link planted in the output is never followed.
        let meta = std::fs::symlink_metadata(&old).ok()?;
        let same = meta.is_file()
            && meta.len() == bytes.len() as u64
            && std::fs::read(&old).is_ok_and(|b| b == bytes);
        if !same {
            return None;
        }
        let kept = link_or_copy(&old, target, || Some(bytes.to_vec()))?;
        Some((kept == Kept::Linked).then(|| crate::cache::mtime_ns(&meta)))
    }

    /// Notes a file placed at `rel` (whose previous output's modification
    /// time it kept, if `mtime`; else it is read from the file).
    fn placed(&self, rel: &Path, target: &Path, size: u64, mtime: Option<u64>) {
        let mtime = mtime.or_else(|| {
            std::fs::symlink_metadata(target)
                .ok()
                .map(|m| crate::cache::mtime_ns(&m))
        });
        if let (Some(mtime), Ok(mut placed)) = (mtime, self.placed.lock()) {
            placed.insert(listed_name(rel), (size, mtime));
        }
    }

    /// The previous output's file at `path`, if there is one with `size`
    /// bytes and modification time `mtime`.
    fn intact(&self, path: &str, size: u64, mtime: u64) -> Result<Option<PathBuf>> {
        let Some(previous) = &self.previous else {
            return Ok(None);
        };
        let old = previous.join(checked_relative(path)?);
        // symlink_metadata: a link planted in the output is never followed.
        let intact = std::fs::symlink_metadata(&old)
            .is_ok_and(|m| m.is_file() && m.len() == size && crate::cache::mtime_ns(&m) == mtime);
        Ok(intact.then_some(old))
    }

    /// Where `path` goes in the staging folder, its folder created.
    fn target(&self, path: &str) -> Result<(PathBuf, PathBuf)> {
        let rel = checked_relative(path)?;
        let target = self.dir.join(&rel);
        if let Some(parent) = target.parent() {
            let known = self.folders.lock().is_ok_and(|f| f.contains(parent));
            if !known {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
        Ok((rel, target))
    }

    /// The folder being written (for the zip, before the swap).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces the output folder with the staged one; what it now holds.
    pub fn commit(mut self) -> Result<Listing> {
        if std::env::var_os("DUBEN_TEST_ABORT_BEFORE_SWAP").is_some() {
            // Test hook: behave like a build killed at the worst moment.
            std::process::abort();
        }
        std::fs::rename(self.dir.join(STAGING_MARKER), self.dir.join(OUTPUT_MARKER))
            .context("cannot finish the staging folder")?;
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir.file_name().unwrap_or_default().to_string_lossy()
        ));
        let had_old = self.output.exists();
        if had_old {
            std::fs::rename(&self.output, &old).with_context(|| {
                format!(
                    "cannot move the previous output `{}` aside",
                    self.output.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_old {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e).with_context(|| {
                format!("cannot move the new output to `{}`", self.output.display())
            });
        }
        self.committed = true;
        if had_old {
            remove_tree(&old).with_context(|| {
                format!("cannot remove the previous output at `{}`", old.display())
            })?;
        }
        let mut listing: Listing =
            std::mem::take(&mut *self.placed.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .map(|(path, (size, mtime))| (path, size, mtime))
                .collect();
        let marker = std::fs::symlink_metadata(self.output.join(OUTPUT_MARKER))
            .context("the output folder lost its marker file")?;
        listing.push((
            OUTPUT_MARKER.to_owned(),
            marker.len(),
            crate::cache::mtime_ns(&marker),
        ));
        listing.sort();
        Ok(listing)
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let (rel, target) = self.target(path)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        let size = bytes.len() as u64;
        if let Some(mtime) = self.keep_unchanged(&rel, &target, bytes) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            self.placed(&rel, &target, size, mtime);
            return Ok(());
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        self.placed(&rel, &target, size, None);
        Ok(())
    }

    fn keep(&self, path: &str, size: u64, mtime: u64) -> Result<bool> {
        let Some(old) = self.intact(path, size, mtime)? else {
            return Ok(false);
        };
        let (rel, target) = self.target(path)?;
        let Some(kept) = link_or_copy(&old, &target, || std::fs::read(&old).ok()) else {
            return Ok(false);
        };
        self.placed(&rel, &target, size, (kept == Kept::Linked).then_some(mtime));
        self.files.fetch_add(1, Ordering::Relaxed);
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    fn previous(&self, path: &str, size: u64, mtime: u64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .intact(path, size, mtime)?
            .and_then(|old| std::fs::read(old).ok())
            .filter(|bytes| bytes.len() as u64 == size))
    }
}

/// How a previous output's file was kept.
#[derive(PartialEq)]
enum Kept {
    /// Hard-linked: the same file, modification time included.
    Linked,
    /// Copied, with the old modification time as far as the file system
    /// keeps it.
    Copied,
}

/// Hard-links `old` at `target`; on file systems without hard links,
/// writes `bytes()` (`old`'s bytes) there with `old`'s modification time.
fn link_or_copy(
    old: &Path,
    target: &Path,
    bytes: impl FnOnce() -> Option<Vec<u8>>,
) -> Option<Kept> {
    if std::fs::hard_link(old, target).is_ok() {
        return Some(Kept::Linked);
    }
    let modified = std::fs::metadata(old).and_then(|m| m.modified()).ok()?;
    std::fs::write(target, bytes()?).ok()?;
    std::fs::File::options()
        .write(true)
        .open(target)
        .and_then(|f| f.set_modified(modified))
        .ok()?;
    Some(Kept::Copied)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.dir.join(STAGING_MARKER).exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes a folder and everything in it, its subfolders in parallel (the
/// previous output: tens of thousands of links to unlink after each build).
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        // file_type does not follow links: a planted link is removed, never
        // what it points to.
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// A relative path with only normal components: never absolute, never `..`.
fn checked_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write `{path}`: output paths must stay inside the output folder");
    }
    Ok(p.to_path_buf())
}

/// Removes staging folders left by builds that were killed, recognized by
/// their name and marker file, and only when their process is gone.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.duben-staging-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.trim_end_matches(".old");
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| p != std::process::id() && process_alive(p));
        let path = entry.path();
        let ours = path.join(STAGING_MARKER).exists() || path.join(OUTPUT_MARKER).exists();
        if ours && !alive {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true // cannot tell: leave it alone
    }
}

/// An in-memory sink, for tests and `duben check`-like dry runs.
#[derive(Default)]
pub struct MemorySink {
    pub files: std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        checked_relative(path)?;
        self.files
            .lock()
            .map_err(|_| anyhow::anyhow!("a writer thread panicked"))?
            .insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_escaping_the_output_are_refused() {
        for bad in ["../x.html", "/etc/passwd", "a/../../x", "", "./x/../../y"] {
            assert!(checked_relative(bad).is_err(), "{bad}");
        }
        assert!(checked_relative("2021/09/x.html").is_ok());
    }

    #[test]
    fn a_committed_build_replaces_the_output_and_leaves_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(OUTPUT_MARKER), "").unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        let s = Staging::begin(&out).unwrap();
        s.put("a/b.html", b"new").unwrap();
        assert_eq!(s.files(), 1);
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/b.html")).unwrap(), b"new");
        assert!(!out.join("old.html").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn the_listing_of_a_commit_is_what_the_output_holds() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        for (path, bytes) in [
            ("a/same.html", "s"),
            ("a/kept.html", "k"),
            ("b/c/old.html", "o"),
        ] {
            first.put(path, bytes.as_bytes()).unwrap();
        }
        let before = first.commit().unwrap();
        assert_eq!(
            Some(&before),
            crate::cache::last_build::list_output(&out).as_ref()
        );
        let stamp = |path: &str| {
            before
                .iter()
                .find(|f| f.0 == path)
                .map(|f| (f.1, f.2))
                .unwrap()
        };
        let (size, mtime) = stamp("a/kept.html");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = Staging::begin(&out).unwrap();
        second.put("a/same.html", b"s").unwrap();
        assert!(second.keep("a/kept.html", size, mtime).unwrap());
        second.put("b/new.html", b"new").unwrap();
        second.put("b/new.html", b"newer").unwrap();
        let after = second.commit().unwrap();
        assert_eq!(
            Some(&after),
            crate::cache::last_build::list_output(&out).as_ref()
        );
        let names: Vec<&str> = after.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [OUTPUT_MARKER, "a/kept.html", "a/same.html", "b/new.html"]
        );
        assert_eq!(
            stamp("a/same.html"),
            after
                .iter()
                .find(|f| f.0 == "a/same.html")
                .map(|f| (f.1, f.2))
                .unwrap()
        );
    }

    #[test]
    fn an_abandoned_build_leaves_the_old_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        {
            let s = Staging::begin(&out).unwrap();
            s.put("new.html", b"new").unwrap();
        }
        assert_eq!(std::fs::read(out.join("old.html")).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
