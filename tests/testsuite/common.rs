//! Test helpers: fixture sites copied into temporary folders, built with the
//! library or the real binary, and the checks every build must pass.

use std::path::{Component, Path, PathBuf};
use std::process::Output;

use duben::build::{BuildOptions, BuildReport, build};
use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn fixture(name: &str) -> TestSite {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&src, site.root());
        site
    }

    /// The repository's own site: site.toml and the bundled sample archive.
    pub fn bundled() -> TestSite {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::copy(repo.join("site.toml"), site.root().join("site.toml")).unwrap();
        copy_tree(&repo.join("content"), &site.root().join("content"));
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Builds with the library, as `duben build --root <site>` would.
    pub fn build(&self) -> BuildReport {
        build(&BuildOptions {
            root: self.root().to_path_buf(),
            ..BuildOptions::default()
        })
        .unwrap_or_else(|e| panic!("build failed: {e:#}"))
    }

    /// Runs the real `duben` binary with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_duben"))
            .args(args)
            .current_dir(self.root())
            .output()
            .unwrap()
    }

    pub fn read(&self, rel: &str) -> String {
        let p = self.output().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, as sorted `/`-separated relative paths.
/// Every file of a folder with its bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    out.sort();
    out
}

/// Checks every internal link (`href`, `src`) of every HTML page under
/// `dir`: relative, naming a file, and that file exists. Returns how many
/// links were checked.
pub fn assert_internal_links_resolve(dir: &Path) -> usize {
    let sel = Selector::parse("a[href], link[href], img[src], script[src]").unwrap();
    let mut checked = 0;
    let mut broken = Vec::new();
    for page in files(dir).iter().filter(|f| f.ends_with(".html")) {
        let html = Html::parse_document(&std::fs::read_to_string(dir.join(page)).unwrap());
        for el in html.select(&sel) {
            let v = el.value();
            let target = v.attr("href").or_else(|| v.attr("src")).unwrap();
            if target.starts_with("https://")
                || target.starts_with("http://")
                || target.starts_with("mailto:")
                || target.starts_with('#')
            {
                continue;
            }
            checked += 1;
            let path = target.split(['#', '?']).next().unwrap();
            if path.starts_with('/')
                || path.is_empty()
                || path.ends_with('/')
                || !path.contains('.')
            {
                broken.push(format!(
                    "{page}: `{target}` is not a relative link to a file"
                ));
                continue;
            }
            let resolved = normalize(&Path::new(page).parent().unwrap().join(path));
            match resolved {
                Some(p) if dir.join(&p).is_file() => {}
                _ => broken.push(format!("{page}: `{target}` does not resolve")),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken link(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
    checked
}

/// Resolves `..` lexically; `None` if the path climbs out of the root.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Text of the first element matching `selector` in `html`.
pub fn text_of(html: &str, selector: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

/// Number of elements matching `selector`.
pub fn count(html: &str, selector: &str) -> usize {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(selector).unwrap()).count()
}

/// Inner HTML of the first match.
pub fn inner_html(html: &str, selector: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.inner_html())
        .unwrap_or_default()
}
