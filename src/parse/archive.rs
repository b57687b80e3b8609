//! Parse stage: the archive format (DESIGN §1.1).
//!
//! ```text
//! <!--1632857761000-->        publication time, ms since the Unix epoch
//! [title](source url)
//! ------                      setext underline, any length of - or =
//!
//! <p>raw HTML body ...
//! ```
//!
//! Every part is optional; each missing or malformed part becomes a note with
//! its line, and the caller decides the fallback.

use chrono::{DateTime, TimeZone, Utc};

/// What the header of an archive file said, before fallbacks.
#[derive(Debug, Default, PartialEq)]
pub struct ArchiveHeader {
    pub date: Option<DateTime<Utc>>,
    pub title: Option<String>,
    /// The link target exactly as written (checked by the caller).
    pub url: Option<String>,
    /// 1-based line of the title, where there is one.
    pub title_line: Option<usize>,
    /// 0-based index of the first body line.
    pub body_start: usize,
    /// Problems found, each with its 1-based line.
    pub notes: Vec<(usize, String)>,
}

/// Earliest and latest accepted publication times; anything outside is a
/// broken timestamp, not an old or future article.
pub const MIN_YEAR: i32 = 1980;
pub const MAX_YEAR: i32 = 2100;

/// Reads the header lines of an archive file. `lines` must come from decoded
/// text (no `\r`).
pub fn parse_header(lines: &[&str]) -> ArchiveHeader {
    let mut h = ArchiveHeader::default();
    let mut i = skip_blank(lines, 0);

    match lines.get(i).map(|l| l.trim()) {
        Some(l) if l.starts_with("<!--") => {
            match l.strip_prefix("<!--").and_then(|r| r.strip_suffix("-->")) {
                Some(inner) => match parse_timestamp(inner.trim()) {
                    Ok((date, note)) => {
                        h.date = Some(date);
                        if let Some(n) = note {
                            h.notes.push((i + 1, n));
                        }
                    }
                    Err(why) => h.notes.push((i + 1, format!("{why}; built as undated"))),
                },
                None => h.notes.push((
                    i + 1,
                    "the timestamp comment is not closed with `-->` on the same line; built as undated"
                        .into(),
                )),
            }
            i = skip_blank(lines, i + 1);
        }
        _ => h.notes.push((
            i + 1,
            "no timestamp comment (expected `<!--1632857761000-->` on line 1); built as undated"
                .into(),
        )),
    }

    let title_line = lines.get(i).map(|l| l.trim()).unwrap_or("");
    let underlined = lines.get(i + 1).is_some_and(|l| is_setext_underline(l));
    if let Some((title, url)) = split_title_link(title_line) {
        h.title = Some(title);
        h.url = Some(url);
        h.title_line = Some(i + 1);
        i += 1;
    } else if underlined || looks_like_plain_title(title_line) {
        h.notes.push((
            i + 1,
            "the title line is not a Markdown link `[title](url)`; used it as the title, \
             without a source link"
                .into(),
        ));
        h.title = Some(title_line.trim_start_matches('#').trim().to_owned());
        h.title_line = Some(i + 1);
        i += 1;
    } else {
        h.notes.push((
            i + 1,
            "no title line (expected `[title](https://...)` after the timestamp)".into(),
        ));
    }
    if lines.get(i).is_some_and(|l| is_setext_underline(l)) {
        i += 1;
    }
    h.body_start = skip_blank(lines, i);
    h
}

fn skip_blank(lines: &[&str], mut i: usize) -> usize {
    while lines.get(i).is_some_and(|l| l.trim().is_empty()) {
        i += 1;
    }
    i
}

/// `------` or `======` of any length, with optional surrounding spaces.
pub fn is_setext_underline(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && (t.bytes().all(|b| b == b'-') || t.bytes().all(|b| b == b'='))
}

/// A line that is text rather than the start of an HTML body.
fn looks_like_plain_title(line: &str) -> bool {
    !line.is_empty() && !line.starts_with('<') && line.chars().count() <= 300
}

/// Splits `[title](url)` where the title may contain brackets and the URL
/// parentheses: the URL is everything after the last `](` up to the final `)`.
pub fn split_title_link(line: &str) -> Option<(String, String)> {
    let inner = line.strip_prefix('[')?.strip_suffix(')')?;
    let split = inner.rfind("](")?;
    let title = &inner[..split];
    let url = inner[split + 2..].trim();
    let url = url
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .unwrap_or(url);
    Some((clean_title(title), url.to_owned()))
}

/// Title text: Markdown escapes and HTML entities decoded, whitespace collapsed.
pub fn clean_title(raw: &str) -> String {
    let mut unescaped = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            unescaped.push(chars.next().unwrap_or('\\'));
        } else {
            unescaped.push(c);
        }
    }
    let decoded = html_escape::decode_html_entities(&unescaped);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the timestamp comment's content. Milliseconds since the epoch; a
/// value too small to be milliseconds of a plausible date is read as seconds
/// (returned with a note).
pub fn parse_timestamp(raw: &str) -> Result<(DateTime<Utc>, Option<String>), String> {
    if raw.is_empty() {
        return Err("the timestamp comment is empty".into());
    }
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "the timestamp `{}` is not a number of milliseconds",
            shorten(raw)
        ));
    }
    if raw.starts_with('-') {
        return Err(format!("the timestamp `{}` is negative", shorten(raw)));
    }
    let value: i64 = digits
        .parse()
        .map_err(|_| format!("the timestamp `{}` is too large to be a date", shorten(raw)))?;
    let (ms, note) = if value < 100_000_000_000 {
        (
            value.saturating_mul(1000),
            Some(format!(
                "the timestamp `{value}` looks like seconds, not milliseconds; read it as seconds"
            )),
        )
    } else {
        (value, None)
    };
    let date = Utc
        .timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| format!("the timestamp `{}` is not a valid date", shorten(raw)))?;
    let year = chrono::Datelike::year(&date);
    if !(MIN_YEAR..MAX_YEAR).contains(&year) {
        return Err(format!(
            "the timestamp `{}` is in the year {year}, outside {MIN_YEAR}–{MAX_YEAR}",
            shorten(raw)
        ));
    }
    Ok((date, note))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
#[path = "archive_tests.rs"]
mod tests;
