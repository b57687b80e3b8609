//! Serve: from a request path to a file inside the output folder, and never
//! outside it.
//!
//! The path is percent-decoded once, then every segment is checked; anything
//! that could name a parent (`..`, `%2e%2e`, `..%2f`, backslashes), a NUL,
//! a drive or a second round of escapes (`%252e`) is refused outright rather
//! than cleaned up. What remains is joined to the output folder, and the
//! canonical result (symbolic links resolved) must still lie inside the
//! canonical output folder.

use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, percent_decode_str, utf8_percent_encode};

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder named without its trailing slash: redirect here (an
    /// absolute path on this server, re-encoded), so that the folder's
    /// `index.html` resolves its relative links against the folder.
    Redirect(String),
    NotFound,
}

/// Characters escaped when a path is written back into a `Location`.
const PATH_SEGMENT: &AsciiSet = &crate::render::context::PATH_ESCAPES.add(b'/').add(b'\\');

/// The checked segments of a request path (`/a/b.html?x` → `["a", "b.html"]`),
/// and whether it ended with `/`; `None` for anything suspicious.
pub fn segments(url: &str) -> Option<(Vec<String>, bool)> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return None;
    }
    // A second layer of escapes is never a real file name of ours; refusing
    // it keeps a later decoder (or a confused reader) from seeing `..`.
    if has_escape(&decoded) {
        return None;
    }
    let mut out = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => continue,
            "." | ".." => return None,
            s if s.contains(':') => return None,
            s => out.push(s.to_owned()),
        }
    }
    Some((out, decoded.ends_with('/')))
}

/// `%` followed by two hex digits.
fn has_escape(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Resolves a request path (`/2021/09/x.html`, `/topics/`) against the
/// output folder `root`.
pub fn resolve(root: &Path, url: &str) -> Target {
    let Some((segments, slash)) = segments(url) else {
        return Target::NotFound;
    };
    let Ok(root) = root.canonicalize() else {
        return Target::NotFound;
    };
    let mut path = root.clone();
    path.extend(&segments);
    if path.is_dir() {
        if !slash && !segments.is_empty() {
            let encoded: Vec<String> = segments
                .iter()
                .map(|s| utf8_percent_encode(s, PATH_SEGMENT).to_string())
                .collect();
            return Target::Redirect(format!("/{}/", encoded.join("/")));
        }
        path.push("index.html");
    }
    inside(&root, &path).map_or(Target::NotFound, Target::File)
}

/// The canonical form of `path` when it is a file inside `root` (already
/// canonical): a symbolic link pointing out of the output is not.
pub fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("2021/09")).unwrap();
        std::fs::create_dir_all(out.join("topics")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("2021/09/a b.html"), "a").unwrap();
        std::fs::write(out.join("topics/index.html"), "topics").unwrap();
        std::fs::write(dir.path().join("site.toml"), "secret").unwrap();
        dir
    }

    fn file(dir: &tempfile::TempDir, rel: &str) -> Target {
        Target::File(dir.path().join("public").join(rel).canonicalize().unwrap())
    }

    #[test]
    fn files_and_folder_indexes_resolve() {
        let dir = site();
        let out = dir.path().join("public");
        assert_eq!(resolve(&out, "/"), file(&dir, "index.html"));
        assert_eq!(
            resolve(&out, "/index.html?x=1#top"),
            file(&dir, "index.html")
        );
        assert_eq!(resolve(&out, "/topics/"), file(&dir, "topics/index.html"));
        assert_eq!(
            resolve(&out, "/2021/09/a%20b.html"),
            file(&dir, "2021/09/a b.html")
        );
        assert_eq!(
            resolve(&out, "//topics//index.html"),
            file(&dir, "topics/index.html")
        );
    }

    #[test]
    fn a_folder_without_its_slash_redirects_to_itself_on_this_server() {
        let dir = site();
        let out = dir.path().join("public");
        assert_eq!(
            resolve(&out, "/topics"),
            Target::Redirect("/topics/".into())
        );
        // Never `//host/`: a Location starting with two slashes leaves the site.
        assert_eq!(
            resolve(&out, "//topics"),
            Target::Redirect("/topics/".into())
        );
    }

    #[test]
    fn traversal_in_any_spelling_is_not_found() {
        let dir = site();
        let out = dir.path().join("public");
        for url in [
            "/../site.toml",
            "/topics/../../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/.%2e/site.toml",
            "/..%2fsite.toml",
            "/..%2Fsite.toml",
            "/%2e%2e%2fsite.toml",
            "/..%5csite.toml",
            "/..\\site.toml",
            "/%252e%252e/site.toml",
            "/%25252e%25252e/site.toml",
            "/index.html%00.txt",
            "/C:/Windows/win.ini",
            "/./index.html",
            "/%c0%ae%c0%ae/site.toml",
            "site.toml",
            "",
        ] {
            assert_eq!(resolve(&out, url), Target::NotFound, "{url}");
        }
        assert_eq!(resolve(&out, "/missing.html"), Target::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_output_are_not_found_and_inside_it_are_served() {
        let dir = site();
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(dir.path().join("site.toml"), out.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
        std::os::unix::fs::symlink(out.join("index.html"), out.join("same.html")).unwrap();
        assert_eq!(resolve(&out, "/leak.txt"), Target::NotFound);
        assert_eq!(resolve(&out, "/up/site.toml"), Target::NotFound);
        assert_eq!(resolve(&out, "/same.html"), file(&dir, "index.html"));
    }
}
