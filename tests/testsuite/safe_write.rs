//! The output folder is replaced atomically, and nothing else is touched.

use crate::common::*;

/// Names in the site folder, sorted.
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_build_killed_before_the_swap_leaves_the_old_output_intact() {
    let site = TestSite::fixture("site");
    assert!(site.run(&["build"]).status.success());
    let before = files(&site.output());
    let home_before = site.read("index.html");

    site.write(
        "content/new.md",
        "<!--1700000000000-->\n[新文章](https://example.org/new.html)\n------\n\n<p>新</p>",
    );
    let killed = std::process::Command::new(env!("CARGO_BIN_EXE_duben"))
        .arg("build")
        .current_dir(site.root())
        .env("DUBEN_TEST_ABORT_BEFORE_SWAP", "1")
        .output()
        .unwrap();
    assert!(
        !killed.status.success(),
        "the hook should have aborted the build"
    );
    assert_eq!(files(&site.output()), before);
    assert_eq!(site.read("index.html"), home_before);

    // The next build cleans up what the killed one left and publishes.
    assert!(site.run(&["build"]).status.success());
    assert!(site.read("index.html").contains("新文章"));
    assert_eq!(
        entries(site.root()),
        vec![".duben-cache", "content", "public", "site.toml"],
        "only the output and the build cache"
    );
}

#[test]
fn output_folders_that_would_destroy_the_site_are_refused() {
    let site = TestSite::fixture("site");
    let before = files(site.root());
    for bad in [".", "content", "content/public", ".."] {
        let out = site.run(&["build", "--output", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: the output folder"), "{bad}: {err}");
    }
    assert_eq!(files(site.root()), before, "nothing was written or deleted");
}

#[test]
fn a_folder_duben_did_not_write_is_not_replaced() {
    let site = TestSite::fixture("site");
    site.write("mine/notes.txt", "keep me");
    let out = site.run(&["build", "--output", "mine"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not written by duben"));
    assert_eq!(
        std::fs::read_to_string(site.root().join("mine/notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn rebuilding_replaces_the_previous_output_completely() {
    let site = TestSite::fixture("site");
    site.build();
    assert!(site.output().join("2021/10/about-duben.html").is_file());
    std::fs::remove_file(site.root().join("content/pages/about-duben.md")).unwrap();
    site.build();
    assert!(!site.output().join("2021/10/about-duben.html").exists());
    assert_eq!(
        entries(site.root()),
        vec![".duben-cache", "content", "public", "site.toml"],
        "only the output and the build cache"
    );
}
