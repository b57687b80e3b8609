//! Clean stage: an article's untrusted body becomes safe, well-structured HTML
//! plus what was extracted from it (plain text, byline, language).
//!
//! Order: ammonia ([`policy`]) → scraper into a small tree ([`tree`]) →
//! line breaks between Chinese characters dropped (`spacing`) → structure
//! pass ([`structure`], with `figures`) → byline → serialization ([`serialize`]).

mod figures;
pub mod highlight;
pub mod lang;
mod policy;
pub mod serialize;
mod spacing;
pub mod structure;
pub mod tree;
pub mod urls;

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::parse::Article;
use tree::Node;

pub use policy::sanitize;

/// A body ready for templates, and what was learned from it.
#[derive(Debug, Clone, Default)]
pub struct CleanBody {
    /// Sanitized, restructured HTML of the body without its byline.
    pub html: String,
    /// Plain text of the body, one line per block.
    pub text: String,
    /// The opening paragraphs' text (no captions, lists or headings), for lists.
    pub summary: String,
    /// The closing byline line(s), as text.
    pub byline: Option<String>,
    /// Content language: declared, else detected.
    pub lang: String,
    /// Number of figures in the body.
    pub figures: usize,
}

/// Cleans one article's body.
pub fn clean(article: &Article) -> CleanBody {
    clean_html(
        &article.body,
        article.source_url.as_ref(),
        article.lang.as_deref(),
        &article.title,
    )
}

/// Cleans an HTML body; `base` resolves relative URLs, `declared_lang` wins
/// over detection, `title` helps detection.
pub fn clean_html(
    body: &str,
    base: Option<&Url>,
    declared_lang: Option<&str>,
    title: &str,
) -> CleanBody {
    let safe = policy::sanitize(body);
    let mut nodes = tree::build(&safe, base);
    spacing::drop_cjk_line_breaks(&mut nodes);
    let mut nodes = structure::restructure(nodes);
    let byline = take_byline(&mut nodes);
    let text = serialize::to_text(&nodes);
    let lang = match declared_lang {
        Some(l) => l.to_owned(),
        None => {
            let sample: String = title.chars().chain(text.chars().take(4000)).collect();
            lang::detect(&sample).to_owned()
        }
    };
    CleanBody {
        summary: opening_text(&nodes, 200),
        html: serialize::to_html(&nodes),
        figures: nodes
            .iter()
            .filter(|n| matches!(n, Node::Element(e) if e.tag == "figure"))
            .count(),
        text,
        byline,
        lang,
    }
}

/// Text of the first top-level paragraphs, at least `min_chars` long when
/// the body has that much.
fn opening_text(nodes: &[Node], min_chars: usize) -> String {
    let mut out = String::new();
    for node in nodes {
        if let Node::Element(e) = node
            && e.tag == "p"
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&structure::text_of(&e.children));
            if out.chars().count() >= min_chars {
                break;
            }
        }
    }
    out
}

/// Signals of a closing byline: reporters, editors, translators, "end".
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(记者|責編|责编|責任編輯|责任编辑|网编|網編|编辑[:：／/]|編輯[:：／/]|采访[:：／/]|採訪[:：／/]|审校|審校|发稿|（完）|\(完\)|Reported by|Written (in English )?by|Translated by|Edited by)",
    )
    .unwrap_or_else(|e| panic!("byline pattern: {e}"))
});

/// Removes the body's closing byline (up to two short paragraphs) and returns its text.
fn take_byline(nodes: &mut Vec<Node>) -> Option<String> {
    let mut lines = Vec::new();
    for _ in 0..2 {
        let Some(Node::Element(last)) = nodes.last() else {
            break;
        };
        if last.tag != "p" {
            break;
        }
        let text = structure::text_of(&last.children);
        if text.chars().count() > 200 || !BYLINE.is_match(&text) {
            break;
        }
        lines.push(text);
        nodes.pop();
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join(" "))
}

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
