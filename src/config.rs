//! Configuration: `site.toml`, read once before the pipeline starts.
//!
//! Every field has a `///` line; those lines are the reference for users and are
//! mirrored in the README's site.toml section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::clean::byline::{Pattern, Role};

/// A text in both interface languages.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// The Chinese text.
    pub zh: String,
    /// The English text.
    pub en: String,
}

/// The interface language a reader sees without JavaScript.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum UiLanguage {
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl UiLanguage {
    /// The BCP 47 tag used in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            UiLanguage::Zh => "zh-Hans",
            UiLanguage::En => "en",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            UiLanguage::Zh => "zh",
            UiLanguage::En => "en",
        }
    }
}

/// One `[[bylines]]` entry of site.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BylinePattern {
    /// Regular expression with a `name` or `names` capture group.
    pub pattern: String,
    /// What the named people did.
    pub role: Role,
}

/// `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title in both languages.
    pub title: Bilingual,
    /// A one-line description in both languages (home page and feeds).
    pub description: Bilingual,
    /// Absolute URL the site is published at, e.g. `https://user.github.io/repo/`.
    /// Used only for canonical links and feeds; empty means "not published yet".
    pub base_url: String,
    /// IANA time zone in which dates are shown and archive months are cut.
    pub timezone: String,
    /// Interface language shown without JavaScript: `"zh"` or `"en"`.
    pub default_language: UiLanguage,
    /// Output folder, relative to the site root.
    pub output_dir: PathBuf,
    /// Articles per page on the home page and other article lists.
    pub paginate: usize,
    /// Titles per page on the "all articles" list.
    pub paginate_titles: usize,
    /// Files larger than this many bytes are skipped with a message
    /// (archived news articles are a few hundred kilobytes at most).
    pub max_file_bytes: u64,
    /// Build articles marked `draft = true` in front matter.
    pub drafts: bool,
    /// Source URL sections → topic labels, on top of the built-in map
    /// (`"mandarin/Xinwen" = { zh = "要闻", en = "Top News" }`).
    pub topics: BTreeMap<String, Bilingual>,
    /// Use the built-in topic map for well-known news sites.
    pub topic_defaults: bool,
    /// Extra query parameters to ignore when matching links to articles
    /// (`utm_*`, `t`, `feedType`, `feedName` and other trackers always are).
    pub ignore_query_params: Vec<String>,
    /// Interface labels to change, by key, in both languages
    /// (`[labels.home] zh = "主页"  en = "Front page"`); see templates/i18n.toml.
    pub labels: BTreeMap<String, Bilingual>,
    /// Extra byline patterns: a regex with a `name` or `names` group, and a
    /// role (`reporter`, `editor`, `web_editor`, `translator`, `writer`,
    /// `reviewer`, `author`).
    pub bylines: Vec<BylinePattern>,
    /// The user's own keys, passed to templates as `config.extra`.
    pub extra: toml::Table,
    #[serde(skip)]
    pub tz: Tz,
    /// Hash of the `site.toml` bytes this was read from (0 when parsed from
    /// a string): what the build cache keys on, without reading it again.
    #[serde(skip)]
    pub source_hash: u128,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: Bilingual {
                zh: "新闻存档".into(),
                en: "News Archive".into(),
            },
            description: Bilingual {
                zh: "一个双语新闻存档".into(),
                en: "A bilingual news archive".into(),
            },
            base_url: String::new(),
            timezone: "Asia/Shanghai".into(),
            default_language: UiLanguage::Zh,
            output_dir: PathBuf::from("public"),
            paginate: 20,
            paginate_titles: 200,
            max_file_bytes: 10 * 1024 * 1024,
            drafts: false,
            topics: BTreeMap::new(),
            topic_defaults: true,
            ignore_query_params: Vec::new(),
            bylines: Vec::new(),
            labels: BTreeMap::new(),
            extra: toml::Table::new(),
            tz: chrono_tz::Asia::Shanghai,
            source_hash: 0,
        }
    }
}

impl SiteConfig {
    /// Reads and validates `site.toml` at `path`.
    pub fn from_file(path: &Path) -> Result<SiteConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the site configuration `{}`", path.display()))?;
        let mut config = SiteConfig::parse(&text)
            .with_context(|| format!("invalid site configuration `{}`", path.display()))?;
        config.source_hash = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        Ok(config)
    }

    /// Parses and validates the text of a `site.toml`.
    pub fn parse(text: &str) -> Result<SiteConfig> {
        let mut config: SiteConfig = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&mut self) -> Result<()> {
        self.tz = self.timezone.parse().map_err(|_| {
            anyhow::anyhow!(
                "`timezone = \"{}\"` is not an IANA time zone name (for example \"Asia/Shanghai\" or \"UTC\")",
                self.timezone
            )
        })?;
        if self.paginate == 0 || self.paginate_titles == 0 {
            bail!("`paginate` and `paginate_titles` must be at least 1");
        }
        if !self.base_url.is_empty() {
            self.base_url = normalize_base_url(&self.base_url)?;
        }
        self.byline_patterns()?;
        Ok(())
    }

    /// The `[[bylines]]` patterns, compiled.
    pub fn byline_patterns(&self) -> Result<Vec<Pattern>> {
        self.bylines
            .iter()
            .map(|b| {
                let regex = regex::Regex::new(&b.pattern).map_err(|e| {
                    anyhow::anyhow!(
                        "`[[bylines]]` pattern `{}` is not a valid regex: {e}",
                        b.pattern
                    )
                })?;
                if regex
                    .capture_names()
                    .flatten()
                    .all(|n| n != "name" && n != "names")
                {
                    bail!(
                        "`[[bylines]]` pattern `{}` needs a `(?P<name>...)` group",
                        b.pattern
                    );
                }
                Ok(Pattern {
                    regex,
                    role: b.role,
                })
            })
            .collect()
    }

    /// Replaces `base_url` (from `--base-url`), with the same checks as the file.
    pub fn set_base_url(&mut self, base_url: &str) -> Result<()> {
        self.base_url = normalize_base_url(base_url)?;
        Ok(())
    }

    /// The title in the default interface language.
    pub fn default_title(&self) -> &str {
        match self.default_language {
            UiLanguage::Zh => &self.title.zh,
            UiLanguage::En => &self.title.en,
        }
    }
}

/// Checks that a base URL is absolute http(s) and ends with exactly one `/`.
fn normalize_base_url(raw: &str) -> Result<String> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| anyhow::anyhow!("`base_url = \"{raw}\"` is not an absolute URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("`base_url = \"{raw}\"` must start with http:// or https://");
    }
    let mut s = url.to_string();
    while s.ends_with("//") {
        s.pop();
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let c = SiteConfig::parse("").unwrap();
        assert_eq!(c.timezone, "Asia/Shanghai");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.default_language, UiLanguage::Zh);
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let err = SiteConfig::parse("titel = 1").unwrap_err();
        assert!(format!("{err:#}").contains("titel"), "{err:#}");
    }

    #[test]
    fn a_bad_timezone_is_named() {
        let err = SiteConfig::parse("timezone = \"Mars/Base\"").unwrap_err();
        assert!(format!("{err:#}").contains("Mars/Base"));
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let c = SiteConfig::parse("base_url = \"https://u.github.io/repo\"").unwrap();
        assert_eq!(c.base_url, "https://u.github.io/repo/");
        assert!(SiteConfig::parse("base_url = \"ftp://x\"").is_err());
    }

    #[test]
    fn topics_and_byline_patterns_are_read_and_checked() {
        let c = SiteConfig::parse(
            "[topics]\n\"mandarin/Xinwen\" = { zh = \"要闻\", en = \"Top News\" }\n[[bylines]]\npattern = \"主笔：(?P<name>\\\\S+)\"\nrole = \"writer\"\n",
        )
        .unwrap();
        assert_eq!(c.topics["mandarin/Xinwen"].en, "Top News");
        assert_eq!(c.byline_patterns().unwrap().len(), 1);
        let err =
            SiteConfig::parse("[[bylines]]\npattern = \"主笔\"\nrole = \"writer\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("name"), "{err:#}");
        let err = SiteConfig::parse("[[bylines]]\npattern = \"(?P<name>x)\"\nrole = \"boss\"\n")
            .unwrap_err();
        assert!(format!("{err:#}").contains("boss"), "{err:#}");
    }

    #[test]
    fn user_keys_live_under_extra() {
        let c = SiteConfig::parse("[extra]\nauthor = \"me\"").unwrap();
        assert_eq!(c.extra["author"].as_str(), Some("me"));
    }
}
