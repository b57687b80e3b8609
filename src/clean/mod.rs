//! Clean stage: an article's untrusted body becomes safe, well-structured HTML
//! plus what was extracted from it (plain text, byline, language).
//!
//! Order: ammonia (`policy`) → scraper into a small tree ([`tree`]) →
//! line breaks between Chinese characters dropped (`spacing`) → structure
//! pass ([`structure`], with `figures`) → related box ([`related`]) →
//! byline ([`byline`]) → serialization ([`serialize`]).

pub mod byline;
mod figures;
pub mod glosses;
pub mod highlight;
pub mod lang;
mod policy;
pub mod related;
pub mod serialize;
mod spacing;
pub mod structure;
pub mod tree;
pub mod urls;

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::parse::Article;
use byline::Byline;
use related::RelatedLink;
use serialize::Body;
use tree::{Node, UrlContext};

pub use policy::sanitize;

/// A body ready for templates, and what was learned from it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CleanBody {
    /// Sanitized, restructured body without its byline and related list.
    pub body: Body,
    /// Plain text of the body, one line per block.
    pub text: String,
    /// The opening paragraphs' text (no captions, lists or headings), for lists.
    pub summary: String,
    /// The closing byline (and a dateline's reporter), parsed.
    pub byline: Option<Byline>,
    /// The related-articles box.
    pub related: Vec<RelatedLink>,
    /// Content language: declared, else detected.
    pub lang: String,
    /// Number of figures in the body.
    pub figures: usize,
    /// In-text glosses (`斯托尔滕贝格（Jens Stoltenberg）`), in order, unique.
    /// Only the link stage needs them, but they stay, made small instead
    /// ([`glosses::Gloss`]): freeing them after it (1.4 KB of small strings
    /// an article) made glibc's malloc take 2.5 times as long for the rest
    /// of a build (`perf`, 10,000 articles).
    pub glosses: Vec<glosses::Gloss>,
    /// The body in the other Chinese script, for Chinese articles.
    pub alt_script: Option<AltScript>,
    /// Set when the bulk of this body (its HTML, `alt_script` and `text`)
    /// was dropped from memory because the build cache holds it there;
    /// `body` then keeps only its links and local images. See
    /// [`CleanBody::full`] and [`CleanBody::text`].
    #[serde(skip)]
    pub stored: Option<crate::cache::articles::Location>,
    /// The length of `text` in bytes, kept when the text is dropped.
    #[serde(default)]
    pub text_len: usize,
}

impl CleanBody {
    /// Feeds what stands for the body's text into a hash: its place in the
    /// build cache when it was spilled there (entries are never rewritten,
    /// so the text need not be read back), else the text itself.
    pub fn hash_text(&self, h: &mut xxhash_rust::xxh3::Xxh3) {
        use crate::cache::field;
        match &self.stored {
            Some(at) => {
                field(h, at.pack.as_os_str().as_encoded_bytes());
                field(h, &at.offset.to_le_bytes());
                field(h, &at.len.to_le_bytes());
            }
            None => field(h, self.text.as_bytes()),
        }
    }

    /// Drops the HTML and the other-script body from memory, keeping links
    /// and local images (the link stage's), once the cache holds them at `at`.
    pub fn spill(&mut self, at: crate::cache::articles::Location) {
        self.body.parts.retain(|p| !p.is_html());
        self.alt_script = None;
        self.text_len = self.text.len();
        self.text = String::new();
        self.stored = Some(at);
    }

    /// The plain text: this one, or the one read back from the build cache.
    pub fn text(&self) -> anyhow::Result<std::borrow::Cow<'_, str>> {
        match &self.stored {
            None => Ok(std::borrow::Cow::Borrowed(&self.text)),
            Some(at) => crate::cache::articles::read_text(at).map(std::borrow::Cow::Owned),
        }
    }

    /// The length of the plain text in bytes.
    pub fn text_len(&self) -> usize {
        match &self.stored {
            None => self.text.len(),
            Some(_) => self.text_len,
        }
    }

    /// The whole body: this one, or the one read back from the build cache.
    pub fn full(&self) -> anyhow::Result<std::borrow::Cow<'_, CleanBody>> {
        match &self.stored {
            None => Ok(std::borrow::Cow::Borrowed(self)),
            Some(at) => {
                crate::cache::articles::read_clean_body(self, at).map(std::borrow::Cow::Owned)
            }
        }
    }
}

/// A Chinese body converted to the other script (Simplified ⇄ Traditional).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AltScript {
    /// `zh-Hant` for a Simplified article, `zh-Hans` for a Traditional one.
    pub lang: String,
    pub body: Body,
    pub title: String,
}

/// What cleaning needs besides the article.
#[derive(Clone, Copy)]
pub struct CleanOptions<'a> {
    /// The site's own byline patterns.
    pub bylines: &'a [byline::Pattern],
    /// Maps a relative image `src` of this article to a file in `content/`.
    pub local_image: &'a dyn Fn(&str) -> Option<String>,
}

fn no_local_image(_: &str) -> Option<String> {
    None
}

impl Default for CleanOptions<'_> {
    fn default() -> Self {
        CleanOptions {
            bylines: &[],
            local_image: &no_local_image,
        }
    }
}

/// Cleans one article's body.
pub fn clean(article: &Article, opts: &CleanOptions) -> CleanBody {
    let ctx = UrlContext {
        base: article.source_url.as_ref(),
        local_image: opts.local_image,
    };
    clean_with(
        &article.body,
        &ctx,
        article.lang.as_deref(),
        &article.title,
        opts.bylines,
    )
}

/// The other Chinese script of `lang`, and zhconv's name for it.
fn other_script(lang: &str) -> Option<(&'static str, zhconv::Variant)> {
    match lang {
        "zh-Hant" | "zh-TW" | "zh-HK" => Some(("zh-Hans", zhconv::Variant::ZhHans)),
        l if l.starts_with("zh") => Some(("zh-Hant", zhconv::Variant::ZhHant)),
        _ => None,
    }
}

/// Converts every text node (never an attribute or URL) to `variant`.
fn convert_texts(nodes: &mut [Node], variant: zhconv::Variant) {
    for n in nodes {
        match n {
            Node::Text(t) => *t = zhconv::zhconv(t, variant),
            Node::Element(e) if e.tag != "pre" && e.tag != "code" => {
                convert_texts(&mut e.children, variant)
            }
            _ => {}
        }
    }
}

/// Cleans an HTML body with default options; `base` resolves relative URLs,
/// `declared_lang` wins over detection, `title` helps detection.
pub fn clean_html(
    body: &str,
    base: Option<&Url>,
    declared_lang: Option<&str>,
    title: &str,
) -> CleanBody {
    clean_with(body, &UrlContext::remote(base), declared_lang, title, &[])
}

fn clean_with(
    body: &str,
    ctx: &UrlContext,
    declared_lang: Option<&str>,
    title: &str,
    patterns: &[byline::Pattern],
) -> CleanBody {
    let safe = policy::sanitize(body);
    let mut nodes = tree::build(&safe, ctx);
    spacing::drop_cjk_line_breaks(&mut nodes);
    let mut nodes = structure::restructure(nodes);
    let related = related::take_related(&mut nodes);
    let byline = read_byline(&mut nodes, patterns);
    let text = serialize::to_text(&nodes);
    let lang = match declared_lang {
        Some(l) => l.to_owned(),
        None => {
            let sample: String = title.chars().chain(text.chars().take(4000)).collect();
            lang::detect(&sample).to_owned()
        }
    };
    let mut found: Vec<glosses::Gloss> = Vec::new();
    let mut alt_script = None;
    if lang.starts_with("zh") {
        for g in text.lines().flat_map(glosses::glosses_in) {
            if !found.contains(&g) {
                found.push(g);
            }
        }
        glosses::mark_english(&mut nodes);
        if let Some((alt_lang, variant)) = other_script(&lang) {
            let mut alt = nodes.clone();
            convert_texts(&mut alt, variant);
            alt_script = Some(AltScript {
                lang: alt_lang.to_owned(),
                body: serialize::to_body(&alt),
                title: zhconv::zhconv(title, variant),
            });
        }
    }
    found.shrink_to_fit();
    CleanBody {
        glosses: found,
        alt_script,
        summary: opening_text(&nodes, 200),
        body: serialize::to_body(&nodes),
        figures: nodes
            .iter()
            .filter(|n| matches!(n, Node::Element(e) if e.tag == "figure"))
            .count(),
        text_len: text.len(),
        text,
        byline,
        related,
        lang,
        stored: None,
    }
}

/// The closing byline, plus a reporter named in an opening dateline such as
/// `（大纪元记者李凡综合报导）`.
fn read_byline(nodes: &mut Vec<Node>, patterns: &[byline::Pattern]) -> Option<Byline> {
    let closing = take_byline(nodes).map(|text| byline::parse(&text, patterns));
    let lead = nodes.iter().find_map(|n| match n {
        Node::Element(e) if e.tag == "p" => Some(text_prefix(&e.children, 80)),
        _ => None,
    });
    let lead_credits = lead
        .and_then(|t| DATELINE.captures(&t).map(|c| c[0].to_owned()))
        .map(|d| byline::parse(&d, patterns).credits)
        .unwrap_or_default();
    match closing {
        Some(mut b) => {
            for c in lead_credits {
                if !b.credits.contains(&c) {
                    b.credits.insert(0, c);
                }
            }
            Some(b)
        }
        None if !lead_credits.is_empty() => Some(Byline {
            credits: lead_credits,
            ..Byline::default()
        }),
        None => None,
    }
}

/// The first `max` characters of a subtree's text.
fn text_prefix(nodes: &[Node], max: usize) -> String {
    fn walk(nodes: &[Node], out: &mut String, max: usize) {
        for n in nodes {
            if out.len() >= max * 4 {
                return;
            }
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => walk(&e.children, out, max),
                Node::Trusted(_) => {}
            }
        }
    }
    let mut s = String::new();
    walk(nodes, &mut s, max);
    tree::collapse(&s).chars().take(max).collect()
}

/// `【大纪元2020年10月16日讯】（大纪元记者李凡综合报导）` at a body's start.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:【[^】]{0,40}】\s*)?[（(][^（）()]{0,12}(?:记者|記者)[^（）()]{2,24}?(?:报导|報導|报道|報道)[）)]")
        .unwrap_or_else(|e| panic!("dateline pattern: {e}"))
});

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
        let Some(text) = structure::short_text(&last.children, 200) else {
            break;
        };
        if !BYLINE.is_match(&text) {
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
