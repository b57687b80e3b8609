//! `duben init`: a new site that builds and checks cleanly at once.

fn duben(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_duben"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_new_site_builds_three_articles_without_warnings_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-archive");
    let out = duben(&["init".as_ref(), site.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "site.toml",
        "content/archive-format.md",
        "content/markdown-toml.md",
        "content/markdown-yaml.md",
        "templates/README.md",
        "duben serve",
        "duben build",
    ] {
        assert!(said.contains(expected), "{expected} not in:\n{said}");
    }

    let out = duben(&["build".as_ref(), "--root".as_ref(), site.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Built 3 article(s), skipped 0, 1 warning(s)"),
        "{said}"
    );
    // The one warning: a new site has no base_url yet, so no feeds or sitemap.
    assert!(said.contains("site.toml: no `base_url`"), "{said}");
    // The two Markdown examples are each other's translation.
    let zh = std::fs::read_to_string(site.join("public/2023/11/markdown-toml.html")).unwrap();
    assert!(
        zh.contains("markdown-yaml.html"),
        "no link to the English version"
    );

    let out = duben(&["check".as_ref(), "--root".as_ref(), site.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(": 0 error(s), 1 warning(s)"), "{said}");
    assert!(said.contains("no `base_url`"), "{said}");
}

#[test]
fn init_refuses_a_folder_that_already_has_a_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = { zh = \"我的\", en = \"Mine\" }\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_duben"))
        .arg("init")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already has a site.toml"), "{err}");
    assert!(err.contains("Nothing was written"), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("site.toml")]);
}
