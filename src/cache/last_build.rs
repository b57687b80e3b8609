//! The last build: a fingerprint of all its inputs, the files it wrote and
//! its report, so that a build with the same inputs and an intact output
//! folder can stop right after reading the content.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

use super::{Cache, binary_id, field, hex, mtime_ns};
use crate::diagnostics::Diagnostic;
use crate::write::{Listing, listed_name};

/// What is kept of the last build.
#[derive(Debug, Serialize, Deserialize)]
pub struct LastBuild {
    pub fingerprint: String,
    pub output: PathBuf,
    /// Every file of the output folder: relative `/`-separated path, size
    /// and modification time (ns).
    pub files: Listing,
    pub zip: Option<(PathBuf, u64)>,
    pub articles: usize,
    pub unmapped_sections: Vec<(String, usize)>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the rendered pages depend on besides their values (templates,
    /// labels, site.toml, the binary): see [`crate::render::memo`].
    #[serde(default)]
    pub render_salt: Option<u128>,
    /// Every page rendered through the memo, with the hash of its values.
    #[serde(default)]
    pub pages: Vec<(String, u128)>,
    /// The search index, for the next build to patch.
    #[serde(default)]
    pub search: Option<crate::search::index::SearchRecord>,
}

/// Binary (postcard, tagged with the binary that wrote it): at 10,000
/// articles the record is 3 MB as JSON and took 50 ms to write.
const FILE: &str = "last-build.bin";

/// Hashes a build's inputs, field by field.
pub struct Fingerprint(Xxh3);

impl Default for Fingerprint {
    fn default() -> Self {
        let mut h = Xxh3::new();
        h.update(&binary_id().to_le_bytes());
        Fingerprint(h)
    }
}

impl Fingerprint {
    pub fn add(&mut self, bytes: &[u8]) {
        field(&mut self.0, bytes);
    }

    /// Adds a file's path, size and modification time (for images, which
    /// are copied, never read).
    pub fn add_file_meta(&mut self, path: &Path) {
        self.add(path.to_string_lossy().as_bytes());
        let meta = std::fs::metadata(path).ok();
        let size = meta.as_ref().map_or(u64::MAX, |m| m.len());
        let mtime = meta.as_ref().map_or(0, mtime_ns);
        self.0.update(&size.to_le_bytes());
        self.0.update(&mtime.to_le_bytes());
    }

    pub fn finish(&self) -> String {
        hex(self.0.digest128())
    }
}

impl LastBuild {
    /// The last build, if its record is readable and reading is allowed.
    pub fn load(cache: &Cache) -> Option<LastBuild> {
        cache.load(FILE)
    }

    pub fn save(&self, cache: &Cache) {
        cache.save(FILE, self);
    }

    /// Forgets the last build (when a build fails half-way, the record no
    /// longer describes the output).
    pub fn forget(cache: &Cache) {
        if cache.write {
            let _ = std::fs::remove_file(cache.path(FILE));
            // The record's name before it was binary.
            let _ = std::fs::remove_file(cache.path("last-build.json"));
        }
    }

    /// Whether this record describes a build with `fingerprint` into
    /// `output`, and the output folder (and zip) still hold exactly what it
    /// wrote, by name, size and modification time.
    pub fn matches(&self, fingerprint: &str, output: &Path, zip: Option<&Path>) -> bool {
        if self.fingerprint != fingerprint || self.output != output {
            return false;
        }
        let zip_ok = match (&self.zip, zip) {
            (None, None) => true,
            (Some((path, size)), Some(z)) => {
                path == z && std::fs::metadata(z).is_ok_and(|m| m.len() == *size)
            }
            _ => false,
        };
        zip_ok && list_output(output).is_some_and(|files| files == self.files)
    }
}

/// Every file in `output` with its size and modification time, sorted;
/// `None` if it cannot be read.
pub fn list_output(output: &Path) -> Option<Listing> {
    let mut files = Vec::new();
    for entry in WalkDir::new(output).follow_links(false) {
        let entry = entry.ok()?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).ok()?;
        let meta = entry.metadata().ok()?;
        files.push((listed_name(rel), meta.len(), mtime_ns(&meta)));
    }
    files.sort();
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_matches_only_an_intact_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/b.html"), "bb").unwrap();
        std::fs::write(out.join("index.html"), "i").unwrap();
        let record = LastBuild {
            fingerprint: "f".into(),
            output: out.clone(),
            files: list_output(&out).unwrap(),
            zip: None,
            articles: 1,
            unmapped_sections: vec![],
            diagnostics: vec![],
            render_salt: None,
            pages: vec![],
            search: None,
        };
        let names: Vec<(&str, u64)> = record.files.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(names, vec![("a/b.html", 2), ("index.html", 1)]);
        assert!(record.matches("f", &out, None));
        assert!(!record.matches("g", &out, None));
        std::fs::write(out.join("a/b.html"), "changed").unwrap();
        assert!(!record.matches("f", &out, None));
        std::fs::write(out.join("a/b.html"), "bb").unwrap();
        std::fs::remove_file(out.join("index.html")).unwrap();
        assert!(!record.matches("f", &out, None));
    }
}
