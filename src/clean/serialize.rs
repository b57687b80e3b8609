//! Clean stage: writes the restructured tree out as HTML.
//!
//! Only the tags of the tree and the attributes listed here are written; every
//! text and attribute value is escaped. Links and local images are left as
//! holes ([`Part::Link`], [`Part::Asset`]): only the link stage knows which
//! links stay inside the archive and where images are copied to.

use super::tree::{CONTAINER, Element, INLINE, Node};

/// `rel` of every link that leaves the archive.
pub const EXTERNAL_REL: &str = "noopener noreferrer nofollow";

/// A cleaned body: sanitized HTML with holes for link targets and local images.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Body {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Part {
    /// Finished, escaped HTML.
    Html(String),
    /// The opening tag of a link to this absolute http(s) URL.
    Link(String),
    /// The `src` of an image stored in `content/` (content-relative path).
    Asset(String),
}

impl Body {
    /// The absolute URLs the body links to, in order of appearance.
    pub fn links(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Link(u) => Some(u.as_str()),
            _ => None,
        })
    }

    /// Local images the body shows (content-relative paths).
    pub fn assets(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Asset(a) => Some(a.as_str()),
            _ => None,
        })
    }

    /// Fills the holes: `link(url)` gives a whole opening `<a …>` tag,
    /// `asset(path)` an escaped URL.
    pub fn render(&self, link: &dyn Fn(&str) -> String, asset: &dyn Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.parts.iter().map(Part::len).sum::<usize>() + 64);
        for p in &self.parts {
            match p {
                Part::Html(h) => out.push_str(h),
                Part::Link(u) => out.push_str(&link(u)),
                Part::Asset(a) => out.push_str(&asset(a)),
            }
        }
        out
    }

    /// The body with every link external and assets as content paths.
    pub fn to_html(&self) -> String {
        self.render(&external_link, &|a| {
            html_escape::encode_double_quoted_attribute(a).into_owned()
        })
    }
}

impl Part {
    /// Whether this is markup (not a link or an image to resolve).
    pub fn is_html(&self) -> bool {
        matches!(self, Part::Html(_))
    }

    fn len(&self) -> usize {
        match self {
            Part::Html(h) => h.len(),
            Part::Link(u) | Part::Asset(u) => u.len() + 48,
        }
    }
}

/// The opening tag of a link that leaves the archive.
pub fn external_link(url: &str) -> String {
    let mut out = String::from("<a");
    push_attr(&mut out, "href", url);
    push_attr(&mut out, "class", "external");
    push_attr(&mut out, "rel", EXTERNAL_REL);
    out.push('>');
    out
}

/// Serializes nodes to a [`Body`].
pub fn to_body(nodes: &[Node]) -> Body {
    let mut w = Writer::default();
    w.nodes(nodes);
    w.flush();
    Body { parts: w.parts }
}

/// Serializes nodes to HTML with every link external (tests, snippets).
pub fn to_html(nodes: &[Node]) -> String {
    to_body(nodes).to_html()
}

#[derive(Default)]
struct Writer {
    parts: Vec<Part>,
    out: String,
}

impl Writer {
    fn flush(&mut self) {
        if !self.out.is_empty() {
            self.parts.push(Part::Html(std::mem::take(&mut self.out)));
        }
    }

    fn hole(&mut self, part: Part) {
        self.flush();
        self.parts.push(part);
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(t) => self.out.push_str(&html_escape::encode_text(t)),
                Node::Trusted(html) => self.out.push_str(html),
                Node::Element(e) if e.tag == CONTAINER || e.tag == INLINE => {
                    self.nodes(&e.children)
                }
                Node::Element(e) => self.element(e),
            }
        }
    }

    fn element(&mut self, e: &Element) {
        match (e.tag, e.attr("href")) {
            ("a", Some(href)) if href.starts_with("http") => self.hole(Part::Link(href.to_owned())),
            _ => self.open_tag(e),
        }
        if matches!(e.tag, "br" | "hr" | "img") {
            return;
        }
        self.nodes(&e.children);
        self.out.push_str("</");
        self.out.push_str(e.tag);
        self.out.push('>');
        if matches!(
            e.tag,
            "p" | "li" | "figure" | "blockquote" | "ul" | "ol" | "table" | "tr"
        ) || e.tag.starts_with('h')
        {
            self.out.push('\n');
        }
    }

    fn open_tag(&mut self, e: &Element) {
        self.out.push('<');
        self.out.push_str(e.tag);
        let local = e.tag == "img" && e.attr("data-local").is_some();
        for (name, value) in &e.attrs {
            if local && *name == "src" {
                self.out.push_str(" src=\"");
                self.hole(Part::Asset(value.clone()));
                self.out.push('"');
            } else if is_written(e.tag, name) {
                push_attr(&mut self.out, name, value);
            }
        }
        if e.tag == "img" {
            if e.attr("alt").is_none() {
                // Valid HTML needs one; empty says "no description".
                push_attr(&mut self.out, "alt", "");
            }
            push_attr(&mut self.out, "loading", "lazy");
            push_attr(&mut self.out, "decoding", "async");
            push_attr(&mut self.out, "referrerpolicy", "no-referrer");
        }
        self.out.push('>');
    }
}

fn is_written(tag: &str, attr: &str) -> bool {
    matches!(
        (tag, attr),
        ("a", "href")
            | ("span", "lang")
            | ("img", "src" | "alt" | "width" | "height")
            | ("ol", "start")
            | ("td" | "th", "colspan" | "rowspan")
            | ("abbr", "title")
    )
}

pub fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(&html_escape::encode_double_quoted_attribute(value));
    out.push('"');
}

/// Plain text of the nodes, one line per block, for summaries and search.
pub fn to_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    write_text(nodes, &mut out);
    out.trim().to_owned()
}

fn write_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Trusted(_) => {}
            Node::Element(e) => {
                write_text(&e.children, out);
                if matches!(
                    e.tag,
                    "p" | "li" | "figcaption" | "br" | "tr" | "pre" | "blockquote"
                ) || e.tag.starts_with('h')
                {
                    out.push('\n');
                }
            }
        }
    }
}
