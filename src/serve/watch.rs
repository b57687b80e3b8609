//! Serve: watching the site's sources for changes.
//!
//! `content/`, `templates/` and `static/` are watched recursively; the site
//! folder itself only non-recursively, for `site.toml` and
//! `translations.toml`. The output folder, the build's staging folders
//! (`.public.duben-staging-PID`) and `.duben-cache/` live in the site folder
//! too, which is why it is never watched recursively and names are filtered:
//! a build must not trigger the next one.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Folders of the site whose whole tree is a source.
const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];
/// Files in the site folder that are sources.
const SOURCE_FILES: [&str; 2] = ["site.toml", "translations.toml"];
/// Quiet time after the last change before a rebuild: an editor's save or a
/// `git checkout` is many events.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// A running watch of one site.
pub struct Watch {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    watched: HashSet<&'static str>,
}

impl Watch {
    /// Starts watching the site folder `root`.
    pub fn start(root: &Path) -> Result<Watch> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot watch `{}`", root.display()))?;
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx)
            .context("cannot watch the site for changes (file watcher unavailable)")?;
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch `{}`", root.display()))?;
        let mut watch = Watch {
            root,
            watcher,
            events,
            watched: HashSet::new(),
        };
        watch.watch_sources()?;
        Ok(watch)
    }

    /// Watches the source folders that exist and are not watched yet (one
    /// may be created while serving).
    fn watch_sources(&mut self) -> Result<()> {
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if !self.watched.contains(dir) && path.is_dir() {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch `{}`", path.display()))?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// Blocks until sources changed and then stayed quiet for [`DEBOUNCE`];
    /// returns the changed paths, relative to the site folder. `None` when
    /// the watcher stopped.
    pub fn next_change(&mut self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            let event = self.events.recv().ok()?;
            self.collect(event, &mut changed);
        }
        // Only relevant events extend the wait: the build's own reads of
        // the sources (inotify's open events) must not postpone it forever.
        let mut deadline = Instant::now() + DEBOUNCE;
        loop {
            let before = changed.len();
            let wait = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(wait) {
                Ok(event) => self.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if changed.len() != before {
                deadline = Instant::now() + DEBOUNCE;
            }
        }
        if let Err(e) = self.watch_sources() {
            eprintln!("warning: {e:#}");
        }
        Some(changed)
    }

    fn collect(&self, event: notify::Result<Event>, changed: &mut BTreeSet<PathBuf>) {
        match event {
            Ok(event) if is_change(&event.kind) || event.need_rescan() => {
                for path in &event.paths {
                    if let Some(rel) = source_path(&self.root, path) {
                        changed.insert(rel);
                    }
                }
            }
            Ok(_) => {}
            // Lost events (queue overflow, a watch that failed): rebuild to
            // be safe.
            Err(e) => {
                changed.insert(PathBuf::from(format!("(watch error: {e})")));
            }
        }
    }
}

/// Kinds that change a file's content or existence. Reads (inotify reports
/// opens) and metadata changes (access times) do not.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any | EventKind::Other => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
    }
}

/// `path` relative to the site folder when it is a source: inside a source
/// folder (not hidden, not an editor's backup or swap file), a source
/// folder itself, or one of the source files of the site folder.
pub fn source_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let names: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap_or(".")).collect();
    let first = *names.first()?;
    let relevant = if names.len() == 1 {
        SOURCE_FILES.contains(&first) || SOURCE_DIRS.contains(&first)
    } else {
        SOURCE_DIRS.contains(&first) && names[1..].iter().all(|n| !is_scratch(n))
    };
    relevant.then(|| rel.to_path_buf())
}

/// Hidden files and folders (which the build does not read either) and
/// editors' temporary files.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_count_and_the_builds_own_folders_do_not() {
        let root = Path::new("/site");
        let yes = |p: &str| source_path(root, &root.join(p)).is_some();
        assert!(yes("site.toml"));
        assert!(yes("translations.toml"));
        assert!(yes("content/rfa/a.md"));
        assert!(yes("content"));
        assert!(yes("templates/article.html"));
        assert!(yes("static/img/logo.png"));
        assert!(!yes("public/index.html"));
        assert!(!yes("public"));
        assert!(!yes(".public.duben-staging-1234"));
        assert!(!yes(".public.duben-staging-1234/index.html"));
        assert!(!yes(".duben-cache/articles.bin"));
        assert!(!yes(".duben-cache"));
        assert!(!yes("README.md"));
        assert!(!yes("content/.git/index"));
        assert!(!yes("content/a.md~"));
        assert!(!yes("content/.a.md.swp"));
        assert!(!yes("content/#a.md#"));
        assert!(source_path(root, Path::new("/elsewhere/site.toml")).is_none());
    }

    #[test]
    fn reads_and_metadata_changes_are_not_changes() {
        use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind};
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(RemoveKind::Any)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
    }

    #[test]
    fn an_edit_is_reported_once_after_the_quiet_time_and_a_build_is_not_an_edit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "x").unwrap();
        let mut watch = Watch::start(&root).unwrap();
        // What a build does: read the sources, write the output and staging.
        std::fs::read(root.join("content/a.md")).unwrap();
        std::fs::create_dir_all(root.join(".public.duben-staging-1/x")).unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "y").unwrap();
        std::fs::write(root.join("content/a.md"), "changed").unwrap();
        let changed = watch.next_change().unwrap();
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            vec![PathBuf::from("content/a.md")]
        );
        // A folder created later is watched from then on.
        std::fs::create_dir(root.join("templates")).unwrap();
        assert!(
            watch
                .next_change()
                .unwrap()
                .contains(Path::new("templates"))
        );
        std::fs::write(root.join("templates/x.html"), "t").unwrap();
        assert!(
            watch
                .next_change()
                .unwrap()
                .contains(Path::new("templates/x.html"))
        );
    }
}
