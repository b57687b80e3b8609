//! The command line as a user runs it.

use crate::common::*;

#[test]
fn build_prints_a_summary_and_where_to_open_the_site() {
    let site = TestSite::fixture("broken");
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Skipped 6 file(s):"), "{stdout}");
    assert!(
        stdout.contains("  skipped: content/empty.md: is empty\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Built 21 article(s), skipped 6, 15 warning(s); wrote "),
        "{stdout}"
    );
    // The fixture has no base_url: one warning for the whole build.
    assert_eq!(stdout.matches("no `base_url`").count(), 1, "{stdout}");
    let index = site.output().join("index.html").canonicalize().unwrap();
    assert!(
        stdout.contains(&format!("Open file://{} in a browser", index.display())),
        "{stdout}"
    );
}

#[test]
fn zip_holds_the_site_under_one_folder_and_reads_offline() {
    let site = TestSite::fixture("site");
    let zdir = tempfile::tempdir().unwrap();
    let zip_path = zdir.path().join("archive.zip");
    let out = site.run(&["build", "--zip", zip_path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let unzipped = tempfile::tempdir().unwrap();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    archive.extract(unzipped.path()).unwrap();
    std::fs::remove_file(&zip_path).unwrap();
    assert_eq!(entries_of(unzipped.path()), vec!["archive"]);
    let top = unzipped.path().join("archive");
    let mut expected = files(&site.output());
    expected.retain(|f| f != ".duben-output");
    assert_eq!(files(&top), expected);
    assert_internal_links_resolve(&top);
}

fn entries_of(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn base_url_flag_sets_canonical_links() {
    let site = TestSite::fixture("broken");
    let out = site.run(&["build", "--base-url", "https://user.github.io/repo"]);
    assert!(out.status.success());
    assert!(
        site.read("2021/09/bom.html").contains(
            r#"<link rel="canonical" href="https://user.github.io/repo/2021/09/bom.html">"#
        )
    );
    let out = site.run(&["build", "--base-url", "not a url"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--base-url"));
}

#[test]
fn configuration_errors_name_the_file_and_change_nothing() {
    let site = TestSite::fixture("site");
    assert!(site.run(&["build"]).status.success());
    let before = site.read("index.html");
    site.write("site.toml", "timezone = \"Mars/Olympus\"\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("site.toml") && err.contains("Mars/Olympus"),
        "{err}"
    );
    assert_eq!(site.read("index.html"), before);
}

#[test]
fn a_folder_without_site_toml_gets_a_helpful_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_duben"))
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `site.toml`"));
}
