//! Parse stage: Markdown files with TOML (`+++`) or YAML (`---`) front matter.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// Front matter keys. Unknown keys are errors; put your own under `extra`.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FrontMatter {
    /// The article's title.
    pub title: Option<String>,
    /// Publication time: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DD`
    /// (times without an offset are in the site's timezone).
    pub date: Option<DateValue>,
    /// Content language (`zh-Hans`, `zh-Hant`, `en`, ...); detected when absent.
    pub lang: Option<String>,
    /// URL of the original article.
    pub source_url: Option<String>,
    /// Topics this article belongs to.
    pub topics: Vec<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Authors' names.
    pub authors: Vec<String>,
    /// Articles with the same key are translations of each other.
    pub translation_key: Option<String>,
    /// Not built unless `drafts = true` in site.toml.
    pub draft: bool,
    /// Output file name (without `.html`); derived from the source when absent.
    pub slug: Option<String>,
    /// A one-line summary for lists and feeds.
    pub description: Option<String>,
    /// The user's own keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A date as TOML gives it (a native datetime) or as text.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

/// Which front matter syntax a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Yaml,
}

/// Front matter split from its body.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub syntax: Syntax,
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// If `text` opens with `+++` or `---`, splits off the front matter.
/// `Err` carries a message when the block is opened but never closed.
pub fn split(text: &str) -> Option<Result<Split<'_>, String>> {
    let first = text.lines().next()?.trim_end();
    let (syntax, closers): (Syntax, &[&str]) = match first {
        "+++" => (Syntax::Toml, &["+++"]),
        "---" => (Syntax::Yaml, &["---", "..."]),
        _ => return None,
    };
    let start = first.len() + 1;
    let mut offset = start.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if closers.contains(&line.trim_end()) {
            let body_offset = offset + line.len();
            return Some(Ok(Split {
                syntax,
                front: &text[start.min(text.len())..offset],
                front_line: 2,
                body: &text[body_offset.min(text.len())..],
                body_line: line_no + 1,
            }));
        }
        offset += line.len();
    }
    Some(Err(format!(
        "the front matter opened with `{first}` on line 1 is never closed (add a `{}` line after it)",
        closers[0]
    )))
}

/// Parses the front matter text. The error message carries the file's line.
pub fn parse(split: &Split<'_>) -> Result<FrontMatter, (usize, String)> {
    match split.syntax {
        Syntax::Toml => toml::from_str(split.front).map_err(|e| {
            let line = e
                .span()
                .map(|s| split.front_line + split.front[..s.start].matches('\n').count())
                .unwrap_or(split.front_line);
            (line, format!("invalid TOML front matter: {}", e.message()))
        }),
        Syntax::Yaml => {
            if split.front.trim().is_empty() {
                return Ok(FrontMatter::default());
            }
            serde_yaml_ng::from_str(split.front).map_err(|e| {
                let line = e
                    .location()
                    .map(|l| split.front_line + l.line().saturating_sub(1))
                    .unwrap_or(split.front_line);
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
                (line, format!("invalid YAML front matter: {msg}"))
            })
        }
    }
}

/// Interprets a front matter date; naive times are in `tz`.
pub fn parse_date(value: &DateValue, tz: Tz) -> Result<DateTime<Utc>, String> {
    let text = match value {
        DateValue::Text(s) => s.trim().to_owned(),
        DateValue::Toml(d) => d.to_string(),
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(&text) {
        return Ok(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&text, fmt) {
            return local(naive, tz, &text);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return local(day.and_hms_opt(0, 0, 0).unwrap_or_default(), tz, &text);
    }
    Err(format!(
        "the date `{text}` is not a date (use `2021-09-29`, `2021-09-29 03:36` or RFC 3339)"
    ))
}

fn local(naive: NaiveDateTime, tz: Tz, text: &str) -> Result<DateTime<Utc>, String> {
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| format!("the date `{text}` does not exist in the site's timezone"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<FrontMatter, (usize, String)> {
        parse(&split(text).unwrap().unwrap())
    }

    #[test]
    fn toml_front_matter_is_split_and_read() {
        let text = "+++\ntitle = \"标题\"\ndate = 2021-09-29T03:36:00+08:00\ntags = [\"a\"]\n+++\n\n# Body\n";
        let s = split(text).unwrap().unwrap();
        assert_eq!(s.syntax, Syntax::Toml);
        assert_eq!(s.body, "\n# Body\n");
        assert_eq!(s.body_line, 6);
        let f = parse(&s).unwrap();
        assert_eq!(f.title.as_deref(), Some("标题"));
        assert_eq!(f.tags, vec!["a"]);
        let d = parse_date(f.date.as_ref().unwrap(), chrono_tz::UTC).unwrap();
        assert_eq!(d.to_rfc3339(), "2021-09-28T19:36:00+00:00");
    }

    #[test]
    fn yaml_front_matter_is_split_and_read() {
        let f =
            fm("---\ntitle: Hello\ndate: 2021-09-29\nlang: en\ndraft: true\n---\nbody").unwrap();
        assert_eq!(f.title.as_deref(), Some("Hello"));
        assert_eq!(f.lang.as_deref(), Some("en"));
        assert!(f.draft);
        let d = parse_date(f.date.as_ref().unwrap(), chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(d.to_rfc3339(), "2021-09-28T16:00:00+00:00");
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let (line, msg) = fm("+++\ntitle = \"x\"\nweight = 3\n+++\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("weight"), "{msg}");
        let (line, msg) = fm("---\ntitle: x\n\nweight: 3\n---\n").unwrap_err();
        assert_eq!(line, 4, "{msg}");
        assert!(msg.contains("weight"), "{msg}");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("+++\ntitle = \"x\"\n").unwrap().unwrap_err();
        assert!(err.contains("never closed"));
    }

    #[test]
    fn a_file_without_front_matter_is_not_split() {
        assert!(split("<!--1-->\n[t](u)\n---\n").is_none());
        assert!(split("").is_none());
    }

    #[test]
    fn bad_dates_are_explained() {
        let err = parse_date(&DateValue::Text("yesterday".into()), chrono_tz::UTC).unwrap_err();
        assert!(err.contains("yesterday"));
    }
}
