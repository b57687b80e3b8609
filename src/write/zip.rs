//! Write stage: a zip of the built site that reads offline once unzipped.
//!
//! Everything sits under one top folder (named after the zip file), entries
//! are sorted and carry a fixed timestamp, so the same site gives the same
//! bytes. The zip is written beside its final name and renamed at the end.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::OUTPUT_MARKER;

/// Refuses a zip path inside the output folder or the site's content.
pub fn check_zip_path(zip_path: &Path, root: &Path, output: &Path) -> Result<()> {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.components().collect::<std::path::PathBuf>()
    };
    let (z, out, content) = (abs(zip_path), abs(output), abs(&root.join("content")));
    if z.starts_with(&out) {
        bail!(
            "the zip `{}` would be inside the output folder; write it elsewhere",
            zip_path.display()
        );
    }
    if z.starts_with(&content) {
        bail!(
            "the zip `{}` would be inside content/; write it elsewhere",
            zip_path.display()
        );
    }
    if z.is_dir() {
        bail!("the zip path `{}` is a folder", zip_path.display());
    }
    Ok(())
}

/// Zips the folder `site` into `zip_path`; returns the number of files.
pub fn zip_site(site: &Path, zip_path: &Path) -> Result<usize> {
    let top = zip_path
        .file_stem()
        .map(|s| crate::link::paths::make_slug(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "site".into());
    let tmp = zip_path.with_extension("zip.partial");
    if let Some(parent) = zip_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder `{}`", parent.display()))?;
    }
    let file = std::fs::File::create(&tmp)
        .with_context(|| format!("cannot create `{}`", tmp.display()))?;
    let result = write_entries(site, &top, file);
    match result {
        Ok(count) => {
            std::fs::rename(&tmp, zip_path)
                .with_context(|| format!("cannot write `{}`", zip_path.display()))?;
            Ok(count)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn write_entries(site: &Path, top: &str, file: std::fs::File) -> Result<usize> {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let dir_options = options.unix_permissions(0o755);
    zip.add_directory(format!("{top}/"), dir_options)?;
    let mut count = 0;
    for entry in WalkDir::new(site).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read `{}`", site.display()))?;
        let rel = entry.path().strip_prefix(site).unwrap_or(entry.path());
        let name: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = format!("{top}/{}", name.join("/"));
        if entry.file_type().is_dir() {
            zip.add_directory(format!("{name}/"), dir_options)?;
        } else if entry.file_type().is_file() && entry.file_name() != OUTPUT_MARKER {
            zip.start_file(name, options)?;
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("cannot read `{}`", entry.path().display()))?;
            zip.write_all(&bytes)?;
            count += 1;
        }
    }
    zip.finish()?.flush()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_has_one_top_folder_and_no_marker() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("public");
        std::fs::create_dir_all(site.join("2021/09")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("2021/09/a.html"), "a").unwrap();
        std::fs::write(site.join(OUTPUT_MARKER), "").unwrap();
        let zip_path = dir.path().join("My Archive.zip");
        assert_eq!(zip_site(&site, &zip_path).unwrap(), 2);
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            vec![
                "my-archive/",
                "my-archive/2021/",
                "my-archive/2021/09/",
                "my-archive/2021/09/a.html",
                "my-archive/index.html"
            ]
        );
        assert!(!dir.path().join("My Archive.zip.partial").exists());
    }

    #[test]
    fn a_zip_inside_the_output_is_refused() {
        let root = Path::new("/site");
        assert!(
            check_zip_path(
                Path::new("/site/public/a.zip"),
                root,
                Path::new("/site/public")
            )
            .is_err()
        );
        assert!(
            check_zip_path(
                Path::new("/site/content/a.zip"),
                root,
                Path::new("/site/public")
            )
            .is_err()
        );
        assert!(check_zip_path(Path::new("/site/a.zip"), root, Path::new("/site/public")).is_ok());
    }
}
