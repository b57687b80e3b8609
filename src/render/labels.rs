//! Render stage: interface labels in Chinese and English.
//!
//! Templates write `{{ t(key="home") }}`, which gives the label in the site's
//! default interface language; a missing key is a template error, so a label
//! can never silently go missing from one language.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::config::{Bilingual, UiLanguage};

/// Every label, by key.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Labels {
    pub table: BTreeMap<String, LabelPair>,
}

/// One label in both languages.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LabelPair {
    pub zh: String,
    pub en: String,
}

impl Labels {
    /// Merges label files in order: later files override earlier keys.
    /// Every key must have both `zh` and `en`.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Labels> {
        let mut table = BTreeMap::new();
        for (name, text) in sources {
            let parsed: BTreeMap<String, Bilingual> =
                toml::from_str(text).with_context(|| format!("invalid labels in `{name}`"))?;
            for (key, pair) in parsed {
                if pair.zh.trim().is_empty() || pair.en.trim().is_empty() {
                    bail!("label `{key}` in `{name}` needs both a `zh` and an `en` text");
                }
                table.insert(
                    key,
                    LabelPair {
                        zh: pair.zh,
                        en: pair.en,
                    },
                );
            }
        }
        Ok(Labels { table })
    }

    /// Applies site.toml's `[labels]` on top of the tables.
    pub fn extend(&mut self, site: &BTreeMap<String, Bilingual>) -> Result<()> {
        for (key, pair) in site {
            if pair.zh.trim().is_empty() || pair.en.trim().is_empty() {
                bail!("label `{key}` in site.toml's [labels] needs both a `zh` and an `en` text");
            }
            self.table.insert(
                key.clone(),
                LabelPair {
                    zh: pair.zh.clone(),
                    en: pair.en.clone(),
                },
            );
        }
        Ok(())
    }

    pub fn get(&self, key: &str, lang: UiLanguage) -> Option<&str> {
        self.table.get(key).map(|p| match lang {
            UiLanguage::Zh => p.zh.as_str(),
            UiLanguage::En => p.en.as_str(),
        })
    }

    /// The Tera function `t(key=...)`.
    pub fn tera_function(self: Arc<Self>, lang: UiLanguage) -> impl tera::Function {
        move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            let key = args.get("key").and_then(|v| v.as_str()).ok_or_else(|| {
                tera::Error::msg("t() needs a `key` argument, as in t(key=\"home\")")
            })?;
            self.get(key, lang)
                .map(|s| tera::Value::String(s.to_owned()))
                .ok_or_else(|| {
                    tera::Error::msg(format!(
                        "no interface label `{key}`: add it to templates/i18n.toml with `zh` and `en`"
                    ))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_labels_have_both_languages() {
        let labels =
            Labels::from_sources(&[("i18n".into(), super::super::theme::LABELS.into())]).unwrap();
        assert_eq!(labels.get("home", UiLanguage::Zh), Some("首页"));
        assert_eq!(labels.get("home", UiLanguage::En), Some("Home"));
    }

    /// Every key a built-in template names, and every key the code builds
    /// (roles, list kinds, languages), exists in both languages.
    #[test]
    fn every_label_the_templates_and_code_use_exists_in_both_languages() {
        let labels =
            Labels::from_sources(&[("i18n".into(), super::super::theme::LABELS.into())]).unwrap();
        let pattern =
            regex::Regex::new(r#"t\(key=["']([a-z_]+)["']\)|data-i18n(?:-[a-z-]+)?="([a-z_]+)""#)
                .unwrap();
        let mut used: Vec<String> = Vec::new();
        for (name, src) in super::super::theme::TEMPLATES {
            for c in pattern.captures_iter(src) {
                let key = c.get(1).or_else(|| c.get(2)).unwrap().as_str().to_owned();
                used.push(format!("{key} ({name})"));
                assert!(
                    labels.table.contains_key(&key),
                    "template {name} uses the missing label `{key}`"
                );
            }
        }
        assert!(used.len() > 60, "only {} label uses found", used.len());
        let built: Vec<String> = crate::clean::byline::Role::ALL
            .iter()
            .map(|r| r.label_key().to_owned())
            .chain(
                [
                    "topic", "source", "person", "month", "undated", "language", "term",
                ]
                .map(|k| format!("{k}_label")),
            )
            .chain(
                [
                    "zh_hans", "zh_hant", "en", "de", "fr", "es", "pt", "it", "cs", "ja", "ko",
                    "und",
                ]
                .map(|l| format!("lang_{l}")),
            )
            .chain(
                [
                    "english_version",
                    "chinese_version",
                    "topics",
                    "sources",
                    "people",
                ]
                .map(String::from),
            )
            .collect();
        for key in built {
            let pair = labels
                .table
                .get(&key)
                .unwrap_or_else(|| panic!("the code uses the missing label `{key}`"));
            assert!(!pair.zh.is_empty() && !pair.en.is_empty());
        }
    }

    #[test]
    fn site_toml_labels_override_the_tables() {
        let mut labels =
            Labels::from_sources(&[("i18n".into(), super::super::theme::LABELS.into())]).unwrap();
        let mut site = BTreeMap::new();
        site.insert(
            "home".to_owned(),
            Bilingual {
                zh: "主页".into(),
                en: "Front page".into(),
            },
        );
        labels.extend(&site).unwrap();
        assert_eq!(labels.get("home", UiLanguage::En), Some("Front page"));
        site.insert(
            "bad".to_owned(),
            Bilingual {
                zh: "".into(),
                en: "x".into(),
            },
        );
        assert!(labels.extend(&site).is_err());
    }

    #[test]
    fn a_label_missing_a_language_is_an_error() {
        let err = Labels::from_sources(&[("x.toml".into(), "[home]\nzh = \"首页\"\n".into())])
            .unwrap_err();
        assert!(format!("{err:#}").contains("x.toml"), "{err:#}");
        let err = Labels::from_sources(&[(
            "x.toml".into(),
            "[home]\nzh = \"首页\"\nen = \" \"\n".into(),
        )])
        .unwrap_err();
        assert!(format!("{err:#}").contains("both"), "{err:#}");
    }

    #[test]
    fn later_files_override_earlier_keys() {
        let labels = Labels::from_sources(&[
            ("a".into(), "[home]\nzh = \"首页\"\nen = \"Home\"\n".into()),
            ("b".into(), "[home]\nzh = \"主页\"\nen = \"Start\"\n".into()),
        ])
        .unwrap();
        assert_eq!(labels.get("home", UiLanguage::En), Some("Start"));
    }
}
