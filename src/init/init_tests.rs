use super::*;
use crate::config::SiteConfig;

#[test]
fn the_site_toml_template_is_the_default_configuration() {
    let parsed = SiteConfig::parse(SITE_TOML).unwrap();
    assert_eq!(
        format!("{parsed:?}"),
        format!("{:?}", SiteConfig::default())
    );
}

/// The configuration's keys, as serde lists them when it meets an unknown one.
fn config_keys() -> Vec<String> {
    let err = SiteConfig::parse("not_a_key = 1").unwrap_err();
    let msg = format!("{err:#}");
    let list = msg
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected message: {msg}"));
    list.split(',')
        .map(|k| k.trim().trim_matches('`').to_owned())
        .filter(|k| !k.is_empty())
        .map(|k| k.split('`').next().unwrap().to_owned())
        .collect()
}

#[test]
fn every_configuration_key_is_written_and_documented() {
    let keys = config_keys();
    assert!(keys.len() >= 16, "{keys:?}");
    let lines: Vec<&str> = SITE_TOML.lines().collect();
    for key in keys {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{key} = ")) || *l == format!("[{key}]"))
            .unwrap_or_else(|| panic!("`{key}` is not set in src/init/site.toml"));
        assert!(
            at > 0 && lines[at - 1].starts_with("# "),
            "`{key}` has no comment above it"
        );
    }
}

#[test]
fn init_writes_a_site_and_refuses_to_overwrite_one() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new/site");
    let created = init(&site).unwrap();
    assert_eq!(created.len(), 5);
    assert_eq!(
        std::fs::read_to_string(site.join("site.toml")).unwrap(),
        SITE_TOML
    );
    let readme = std::fs::read_to_string(site.join("templates/README.md")).unwrap();
    assert!(readme.contains("`templates/article.html`"), "{readme}");
    assert!(readme.contains("`static/style.css`"), "{readme}");

    let err = init(&site).unwrap_err().to_string();
    assert!(err.contains("already has a site.toml"), "{err}");

    let other = dir.path().join("other");
    std::fs::create_dir_all(other.join("content")).unwrap();
    std::fs::write(other.join("content/a.md"), "mine").unwrap();
    let err = init(&other).unwrap_err().to_string();
    assert!(err.contains("content/"), "{err}");
    assert!(!other.join("site.toml").exists());
    assert_eq!(
        std::fs::read_to_string(other.join("content/a.md")).unwrap(),
        "mine"
    );
}
