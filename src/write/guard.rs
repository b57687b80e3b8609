//! Write stage: the checks that keep a build from replacing anything that is
//! not its own output.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::OUTPUT_MARKER;

/// Refuses an output folder that is, contains or lies inside the site's own
/// sources, that is a file, or that holds files duben did not write.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let out = absolute(output);
    let shown = output.display();
    if out == root {
        bail!(
            "the output folder `{shown}` is the site folder itself; choose a sub-folder such as `public`"
        );
    }
    if root.starts_with(&out) {
        bail!(
            "the output folder `{shown}` contains the site folder; replacing it would delete the site"
        );
    }
    for source in ["content", "templates", "static"] {
        let dir = root.join(source);
        if out.starts_with(&dir) {
            bail!(
                "the output folder `{shown}` is inside `{source}/`; choose a folder outside the site's sources"
            );
        }
    }
    if out.exists() {
        if !out.is_dir() {
            bail!("the output path `{shown}` exists and is not a folder");
        }
        let has_files = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if has_files && !out.join(OUTPUT_MARKER).exists() {
            bail!(
                "the output folder `{shown}` is not empty and was not written by duben; \
                 refusing to replace it (remove it yourself or choose another --output)"
            );
        }
        if std::fs::metadata(&out).is_ok_and(|m| m.permissions().readonly()) {
            bail!("the output folder `{shown}` is not writable");
        }
    }
    Ok(())
}

/// An absolute, lexically normalized path (`..` and `.` resolved, symlinks
/// resolved for the part that exists).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut lexical = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            std::path::Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Canonicalize the longest existing ancestor, then append the rest.
    let mut existing = lexical;
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/2021")).unwrap();
        dir
    }

    #[test]
    fn the_site_and_its_sources_are_never_the_output() {
        let s = site();
        let r = s.path();
        for bad in [
            r.to_path_buf(),
            r.join("content"),
            r.join("content/2021/out"),
            r.join("static"),
            r.join(".."),
            r.join("public/.."),
        ] {
            let err = check_output_dir(r, &bad).unwrap_err().to_string();
            assert!(err.contains("output"), "{}: {err}", bad.display());
        }
        assert!(check_output_dir(r, &r.join("public")).is_ok());
        assert!(check_output_dir(r, &r.join("../elsewhere")).is_ok());
    }

    #[test]
    fn a_foreign_non_empty_folder_is_refused_and_ours_accepted() {
        let s = site();
        let out = s.path().join("public");
        std::fs::create_dir(&out).unwrap();
        assert!(
            check_output_dir(s.path(), &out).is_ok(),
            "empty folder is fine"
        );
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = check_output_dir(s.path(), &out).unwrap_err().to_string();
        assert!(err.contains("not written by duben"), "{err}");
        std::fs::write(out.join(OUTPUT_MARKER), "").unwrap();
        assert!(check_output_dir(s.path(), &out).is_ok());
    }

    #[test]
    fn a_file_is_not_an_output_folder() {
        let s = site();
        let f = s.path().join("public");
        std::fs::write(&f, "x").unwrap();
        assert!(
            check_output_dir(s.path(), &f)
                .unwrap_err()
                .to_string()
                .contains("not a folder")
        );
    }
}
