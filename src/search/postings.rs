//! Search: the postings of a whole index while they are gathered, by bucket.
//!
//! At 100,000 articles they are about 50 million (600 MB), more than the
//! rest of the build holds at once. So beyond a budget ([`RESIDENT`]) they
//! go to a scratch file in the build cache's folder: unnamed (the system
//! removes it when it is closed, also after a crash) and read back one
//! shard at a time. Smaller archives never touch the disk.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::index::Weight;

/// Postings kept in memory before they are written out (12 bytes each:
/// 24 MiB). A 10,000-article archive has about 4.9 million.
const RESIDENT: usize = 2 << 20;

/// One token in one document, in 12 bytes: `order` is the Han key itself
/// (one or two characters, below 2^63) or, for a word, `WORD` plus a
/// 63-bit fingerprint of its text. Two different words of one shard with
/// the same fingerprint would share postings; at a million distinct words
/// the odds are about 1 in 10^7 per build, and the cost is a false match.
/// The document (up to 2^24) and the weight (half units up to 127, and
/// whether it came from glossary forms only) share the last word.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Posting {
    order_hi: u32,
    order_lo: u32,
    doc_weight: u32,
}

impl Posting {
    pub(super) fn new(order: u64, doc: u32, w: Weight) -> Self {
        Posting {
            order_hi: (order >> 32) as u32,
            order_lo: order as u32,
            doc_weight: (doc << 8) | (w.halves.min(127) << 1) | u32::from(w.glossary_only),
        }
    }

    pub(super) fn order(&self) -> u64 {
        (u64::from(self.order_hi) << 32) | u64::from(self.order_lo)
    }

    pub(super) fn doc(&self) -> u32 {
        self.doc_weight >> 8
    }

    pub(super) fn weight(&self) -> Weight {
        Weight {
            halves: (self.doc_weight >> 1) & 127,
            glossary_only: self.doc_weight & 1 == 1,
        }
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        for word in [self.order_hi, self.order_lo, self.doc_weight] {
            out.extend_from_slice(&word.to_le_bytes());
        }
    }

    fn read_from(bytes: &[u8]) -> Posting {
        let word =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        Posting {
            order_hi: word(0),
            order_lo: word(4),
            doc_weight: word(8),
        }
    }
}

/// A bucket's postings, in the order they were added: the runs written to
/// the scratch file (offset, count), then those still in memory.
#[derive(Default)]
pub(super) struct Bucket {
    written: Vec<(u64, u32)>,
    resident: Vec<Posting>,
}

/// The postings of every bucket, as they are added.
pub(super) struct Gathering {
    buckets: Vec<Bucket>,
    resident: usize,
    total: usize,
    budget: usize,
    scratch: Option<Scratch>,
}

struct Scratch {
    dir: PathBuf,
    /// Created when first needed.
    file: Option<BufWriter<File>>,
    end: u64,
}

impl Gathering {
    /// Gathers `buckets` buckets; beyond the budget, into a scratch file in
    /// `scratch_dir` (without one, everything stays in memory).
    pub(super) fn new(buckets: usize, scratch_dir: Option<&Path>) -> Gathering {
        Gathering::with_budget(buckets, scratch_dir, RESIDENT)
    }

    pub(super) fn with_budget(
        buckets: usize,
        scratch_dir: Option<&Path>,
        budget: usize,
    ) -> Gathering {
        Gathering {
            buckets: (0..buckets).map(|_| Bucket::default()).collect(),
            resident: 0,
            total: 0,
            budget,
            scratch: scratch_dir.map(|dir| Scratch {
                dir: dir.to_path_buf(),
                file: None,
                end: 0,
            }),
        }
    }

    pub(super) fn push(&mut self, bucket: usize, posting: Posting) -> Result<()> {
        self.buckets[bucket].resident.push(posting);
        self.resident += 1;
        self.total += 1;
        if self.resident >= self.budget && self.scratch.is_some() {
            self.write_out()?;
        }
        Ok(())
    }

    pub(super) fn total(&self) -> usize {
        self.total
    }

    /// Moves every bucket's resident postings to the scratch file, freeing
    /// their memory.
    fn write_out(&mut self) -> Result<()> {
        let Some(scratch) = &mut self.scratch else {
            return Ok(());
        };
        let dir = &scratch.dir;
        let failed = || {
            format!(
                "cannot write search postings to a scratch file in `{}`",
                dir.display()
            )
        };
        if scratch.file.is_none() {
            // A folder where no file can be made (read-only, not a folder):
            // the postings stay in memory, as without a cache.
            let made = std::fs::create_dir_all(dir).and_then(|()| tempfile::tempfile_in(dir));
            match made {
                Ok(file) => scratch.file = Some(BufWriter::with_capacity(1 << 20, file)),
                Err(_) => {
                    self.scratch = None;
                    return Ok(());
                }
            }
        }
        let Some(file) = &mut scratch.file else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        for bucket in &mut self.buckets {
            if bucket.resident.is_empty() {
                continue;
            }
            bytes.clear();
            for p in &bucket.resident {
                p.write_to(&mut bytes);
            }
            file.write_all(&bytes).with_context(failed)?;
            bucket
                .written
                .push((scratch.end, bucket.resident.len() as u32));
            scratch.end += bytes.len() as u64;
            bucket.resident = Vec::new();
        }
        self.resident = 0;
        Ok(())
    }

    /// The buckets, and what reads their postings back.
    pub(super) fn finish(self) -> Result<(Vec<Bucket>, Postings)> {
        let file = match self.scratch.and_then(|s| s.file.map(|f| (s.dir, f))) {
            Some((dir, file)) => Some(Mutex::new(
                file.into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| {
                        format!(
                            "cannot write search postings to a scratch file in `{}`",
                            dir.display()
                        )
                    })?,
            )),
            None => None,
        };
        Ok((self.buckets, Postings { file }))
    }
}

/// Reads gathered buckets back.
pub(super) struct Postings {
    file: Option<Mutex<File>>,
}

impl Postings {
    /// Appends `bucket`'s postings to `out`, in the order they were added.
    pub(super) fn read(&self, bucket: Bucket, out: &mut Vec<Posting>) -> Result<()> {
        if !bucket.written.is_empty() {
            let file = self
                .file
                .as_ref()
                .context("search postings were written to no file")?;
            let mut bytes = Vec::new();
            for (offset, count) in bucket.written {
                bytes.resize(count as usize * 12, 0);
                let mut file = file
                    .lock()
                    .map_err(|_| anyhow::anyhow!("scratch file lock poisoned"))?;
                file.seek(SeekFrom::Start(offset))
                    .and_then(|_| file.read_exact(&mut bytes))
                    .context("cannot read search postings back from their scratch file")?;
                drop(file);
                out.extend(bytes.chunks_exact(12).map(Posting::read_from));
            }
        }
        out.extend(bucket.resident);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(order: u64, doc: u32) -> Posting {
        let w = Weight {
            halves: (doc % 100) + 1,
            glossary_only: doc.is_multiple_of(3),
        };
        Posting::new(order, doc, w)
    }

    /// Gathers 5,000 postings into 7 buckets with a budget of 64, with and
    /// without a scratch folder; returns each bucket read back, and how many
    /// runs went to the file.
    fn gather(scratch: Option<&Path>) -> (Vec<Vec<Posting>>, usize) {
        let mut g = Gathering::with_budget(7, scratch, 64);
        for doc in 0..5000u32 {
            let order = u64::from(doc.wrapping_mul(2_654_435_761)) | (1 << 63);
            g.push((order % 7) as usize, posting(order, doc)).unwrap();
        }
        assert_eq!(g.total(), 5000);
        let (buckets, postings) = g.finish().unwrap();
        let runs = buckets.iter().map(|b| b.written.len()).sum();
        let read = buckets
            .into_iter()
            .map(|b| {
                let mut out = Vec::new();
                postings.read(b, &mut out).unwrap();
                out
            })
            .collect();
        (read, runs)
    }

    #[test]
    fn postings_written_out_read_back_as_they_were_added() {
        let dir = tempfile::tempdir().unwrap();
        let (in_memory, no_runs) = gather(None);
        let (spilled, runs) = gather(Some(dir.path()));
        assert_eq!(no_runs, 0);
        assert!(runs > 7 * 10, "only {runs} runs were written out");
        assert_eq!(spilled, in_memory);
        // Where no scratch file can be made, they stay in memory.
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, "x").unwrap();
        assert_eq!(gather(Some(&not_a_folder)), (in_memory.clone(), 0));
        std::fs::remove_file(&not_a_folder).unwrap();
        // Each bucket holds its postings in document order, all of them.
        assert_eq!(in_memory.iter().map(Vec::len).sum::<usize>(), 5000);
        for (b, bucket) in in_memory.iter().enumerate() {
            assert!(bucket.windows(2).all(|w| w[0].doc() < w[1].doc()));
            assert!(bucket.iter().all(|p| p.order() % 7 == b as u64));
        }
        let p = posting(((0x4e2du64) << 32) | 0x56fd, 77);
        assert_eq!(
            (
                p.order(),
                p.doc(),
                p.weight().halves,
                p.weight().glossary_only
            ),
            (((0x4e2du64) << 32) | 0x56fd, 77, 78, false)
        );
        // The scratch file has no name: nothing is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
