//! Clean stage: writes the restructured tree out as HTML.
//!
//! Only the tags of the tree and the attributes listed here are written; every
//! text and attribute value is escaped. This is what templates receive as the
//! article body.

use super::tree::{CONTAINER, INLINE, Node};

/// `rel` of every link that leaves the archive.
pub const EXTERNAL_REL: &str = "noopener noreferrer nofollow";

/// Serializes nodes to HTML.
pub fn to_html(nodes: &[Node]) -> String {
    let mut out = String::new();
    write_nodes(nodes, &mut out);
    out
}

fn write_nodes(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&html_escape::encode_text(t)),
            Node::Trusted(html) => out.push_str(html),
            Node::Element(e) if e.tag == CONTAINER || e.tag == INLINE => {
                write_nodes(&e.children, out)
            }
            Node::Element(e) => {
                out.push('<');
                out.push_str(e.tag);
                for (name, value) in &e.attrs {
                    if is_written(e.tag, name) {
                        push_attr(out, name, value);
                    }
                }
                match e.tag {
                    "a" if e.attr("href").is_some_and(|h| h.starts_with("http")) => {
                        push_attr(out, "rel", EXTERNAL_REL);
                    }
                    "img" => {
                        if e.attr("alt").is_none() {
                            // Valid HTML needs one; empty says "no description".
                            push_attr(out, "alt", "");
                        }
                        push_attr(out, "loading", "lazy");
                        push_attr(out, "decoding", "async");
                        push_attr(out, "referrerpolicy", "no-referrer");
                    }
                    _ => {}
                }
                out.push('>');
                if matches!(e.tag, "br" | "hr" | "img") {
                    continue;
                }
                write_nodes(&e.children, out);
                out.push_str("</");
                out.push_str(e.tag);
                out.push('>');
                if matches!(
                    e.tag,
                    "p" | "li" | "figure" | "blockquote" | "ul" | "ol" | "table" | "tr"
                ) || e.tag.starts_with('h')
                {
                    out.push('\n');
                }
            }
        }
    }
}

fn is_written(tag: &str, attr: &str) -> bool {
    matches!(
        (tag, attr),
        ("a", "href" | "class")
            | ("img", "src" | "alt" | "width" | "height")
            | ("ol", "start")
            | ("td" | "th", "colspan" | "rowspan")
            | ("abbr", "title")
    )
}

fn push_attr(out: &mut String, name: &str, value: &str) {
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
