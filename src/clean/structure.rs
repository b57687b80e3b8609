//! Clean stage: the structure pass over the sanitized tree.
//!
//! Unwraps spans and block containers without merging their text, groups
//! stray inline content into paragraphs, splits paragraphs on `<br><br>`,
//! removes empty paragraphs, turns images into captioned figures and demotes
//! headings below the page's `h1`.

use super::figures::{self, figure_of};
use super::highlight;
use super::tree::{CONTAINER, Element, INLINE, Node, collapse};

/// Where a list of nodes sits, which decides what happens to loose inline content.
#[derive(Clone, Copy, PartialEq)]
enum Flow {
    /// Root or an unwrapped container: inline runs become paragraphs.
    Block,
    /// Inside li, td, blockquote...: inline and block content may mix.
    Mixed,
    /// Inside p, headings, inline elements.
    Inline,
    /// Inside pre: whitespace is content.
    Pre,
}

/// Runs the whole structure pass on a body's top-level nodes.
pub fn restructure(nodes: Vec<Node>) -> Vec<Node> {
    let mut out = flow(nodes, Flow::Block);
    demote_headings(&mut out);
    merge_texts(&mut out);
    out
}

/// Joins neighbouring text nodes (left apart by unwrapped spans), so that a
/// sentence is one node again.
fn merge_texts(nodes: &mut Vec<Node>) {
    let old = std::mem::take(nodes);
    for node in old {
        match node {
            Node::Text(t) => match nodes.last_mut() {
                Some(Node::Text(prev)) => prev.push_str(&t),
                _ => nodes.push(Node::Text(t)),
            },
            Node::Element(mut e) => {
                merge_texts(&mut e.children);
                nodes.push(Node::Element(e));
            }
            other => nodes.push(other),
        }
    }
}

fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "ul"
            | "ol"
            | "dl"
            | "blockquote"
            | "pre"
            | "table"
            | "figure"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

fn is_block(node: &Node) -> bool {
    match node {
        Node::Element(e) => is_block_tag(e.tag),
        Node::Trusted(_) => true,
        Node::Text(_) => false,
    }
}

fn flow(nodes: Vec<Node>, ctx: Flow) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Text(t) => {
                let t = if ctx == Flow::Pre {
                    t
                } else {
                    collapse_keep_edges(&t)
                };
                if !t.is_empty() {
                    push_text(&mut out, t);
                }
            }
            Node::Trusted(_) => out.push(node),
            Node::Element(e) => element(e, ctx, &mut out),
        }
    }
    if ctx == Flow::Block {
        out = figures::adopt_captions(wrap_inline_runs(out));
    }
    out
}

fn element(mut e: Element, ctx: Flow, out: &mut Vec<Node>) {
    if figures::caption_for_previous(&e, out) {
        return;
    }
    match e.tag {
        INLINE => out.extend(flow(
            e.children,
            if ctx == Flow::Block {
                Flow::Inline
            } else {
                ctx
            },
        )),
        CONTAINER if figures::is_figure_container(&e) => {
            out.extend(figures::figure(e, &|children| flow(children, Flow::Block)))
        }
        CONTAINER => out.extend(flow(e.children, Flow::Block)),
        "figure" => out.extend(figures::figure(e, &|children| flow(children, Flow::Block))),
        "a" if e.attr("href").is_none() => out.extend(flow(e.children, inline_ctx(ctx))),
        "pre" => {
            if let Some(code) = highlight::highlight_pre(&e) {
                out.push(Node::Trusted(code));
            } else {
                e.children = flow(e.children, Flow::Pre);
                out.push(Node::Element(e));
            }
        }
        "p" => {
            let children = flow(e.children, Flow::Inline);
            out.extend(wrap_inline_runs(children));
        }
        "li" | "td" | "th" | "dd" | "dt" | "blockquote" | "figcaption" | "caption" => {
            e.children = trim_edges(flow(e.children, Flow::Mixed));
            out.push(Node::Element(e));
        }
        "img" | "br" | "hr" => out.push(Node::Element(e)),
        tag if tag.starts_with('h') && tag.len() == 2 => {
            e.children = trim_edges(flow(e.children, Flow::Inline));
            if has_content(&e.children) {
                out.push(Node::Element(e));
            }
        }
        "ul" | "ol" | "dl" | "table" | "thead" | "tbody" | "tfoot" | "tr" => {
            e.children = flow(e.children, Flow::Mixed)
                .into_iter()
                .filter(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()))
                .collect();
            if !e.children.is_empty() {
                out.push(Node::Element(e));
            }
        }
        _ => {
            e.children = flow(e.children, inline_ctx(ctx));
            if e.children.iter().any(is_block) {
                // A link or emphasis around blocks (a linked figure, a heading
                // in <a>) cannot stay inline: keep the blocks, drop the wrapper.
                out.extend(e.children);
            } else if has_content(&e.children) {
                out.push(Node::Element(e));
            }
        }
    }
}

fn inline_ctx(ctx: Flow) -> Flow {
    match ctx {
        Flow::Pre => Flow::Pre,
        Flow::Block => Flow::Inline,
        other => other,
    }
}

fn push_text(out: &mut Vec<Node>, t: String) {
    if let Some(Node::Text(prev)) = out.last_mut() {
        if prev.ends_with(' ') && t.starts_with(' ') {
            prev.push_str(&t[1..]);
        } else {
            prev.push_str(&t);
        }
    } else {
        out.push(Node::Text(t));
    }
}

/// Collapses whitespace runs to one space, keeping a single space at either
/// edge if there was whitespace there (it may separate words).
fn collapse_keep_edges(t: &str) -> String {
    let inner = collapse(t);
    if inner.is_empty() {
        return if t.is_empty() {
            String::new()
        } else {
            " ".into()
        };
    }
    let mut s = String::with_capacity(inner.len() + 2);
    if t.starts_with(char::is_whitespace) {
        s.push(' ');
    }
    s.push_str(&inner);
    if t.ends_with(char::is_whitespace) {
        s.push(' ');
    }
    s
}

/// Groups runs of inline nodes between blocks into paragraphs.
fn wrap_inline_runs(nodes: Vec<Node>) -> Vec<Node> {
    let mut out = Vec::with_capacity(nodes.len());
    let mut run: Vec<Node> = Vec::new();
    for node in nodes {
        if is_block(&node) {
            if !run.is_empty() {
                out.extend(paragraphs(std::mem::take(&mut run)));
            }
            out.push(node);
        } else {
            run.push(node);
        }
    }
    if !run.is_empty() {
        out.extend(paragraphs(run));
    }
    out
}

/// Makes paragraphs of inline content: split on two or more `<br>`, trimmed,
/// empty ones dropped, a paragraph of nothing but an image made a figure.
fn paragraphs(children: Vec<Node>) -> Vec<Node> {
    let mut out = Vec::new();
    for part in split_on_double_br(children) {
        let part = trim_edges(part);
        if !has_content(&part) {
            continue;
        }
        let images: Vec<&Element> = part
            .iter()
            .filter_map(|n| match n {
                Node::Element(e) if e.tag == "img" => Some(e),
                _ => None,
            })
            .collect();
        let only_images = !images.is_empty()
            && part.iter().all(|n| match n {
                Node::Element(e) => matches!(e.tag, "img" | "br"),
                Node::Text(t) => t.trim().is_empty(),
                Node::Trusted(_) => false,
            });
        if only_images {
            out.extend(images.into_iter().map(|img| figure_of(img.clone(), None)));
        } else if let Some(fig) = figures::image_with_caption_line(&part) {
            out.push(fig);
        } else {
            let mut p = Element::new("p");
            p.children = part;
            out.push(Node::Element(p));
        }
    }
    out
}

fn split_on_double_br(children: Vec<Node>) -> Vec<Vec<Node>> {
    let mut parts = vec![Vec::new()];
    let mut pending_brs: Vec<Node> = Vec::new();
    for node in children {
        let is_br = matches!(&node, Node::Element(e) if e.tag == "br");
        let is_space = matches!(&node, Node::Text(t) if t.trim().is_empty());
        if is_br {
            pending_brs.push(node);
        } else if is_space && !pending_brs.is_empty() {
            continue;
        } else {
            flush_brs(&mut parts, &mut pending_brs);
            if let Some(last) = parts.last_mut() {
                last.push(node);
            }
        }
    }
    flush_brs(&mut parts, &mut pending_brs);
    parts
}

fn flush_brs(parts: &mut Vec<Vec<Node>>, brs: &mut Vec<Node>) {
    if brs.len() >= 2 {
        parts.push(Vec::new());
    } else if let Some(br) = brs.pop()
        && let Some(last) = parts.last_mut()
    {
        last.push(br);
    }
    brs.clear();
}

/// Removes leading and trailing `<br>` and whitespace, and edge spaces of text.
fn trim_edges(mut nodes: Vec<Node>) -> Vec<Node> {
    let removable = |n: &Node| match n {
        Node::Element(e) => e.tag == "br",
        Node::Text(t) => t.trim().is_empty(),
        Node::Trusted(_) => false,
    };
    while nodes.last().is_some_and(removable) {
        nodes.pop();
    }
    let start = nodes
        .iter()
        .position(|n| !removable(n))
        .unwrap_or(nodes.len());
    nodes.drain(..start);
    match nodes.first_mut() {
        Some(Node::Text(t)) => *t = t.trim_start().to_owned(),
        // `<i><br>2020-06-30</i>`: trim inside a leading inline element too.
        Some(Node::Element(e)) if !is_block_tag(e.tag) && e.tag != "img" => {
            e.children = trim_edges(std::mem::take(&mut e.children));
        }
        _ => {}
    }
    if let Some(Node::Text(t)) = nodes.last_mut() {
        *t = t.trim_end().to_owned();
    }
    nodes
}

/// Whether inline content has anything a reader would see.
pub(super) fn has_content(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Text(t) => !t.trim().is_empty(),
        Node::Trusted(_) => true,
        Node::Element(e) => matches!(e.tag, "img" | "hr") || has_content(&e.children),
    })
}

/// The subtree's text when it has at most `max` characters (whitespace
/// collapsed); `None` as soon as it is longer, without building all of it.
pub fn short_text(nodes: &[Node], max: usize) -> Option<String> {
    fn walk(nodes: &[Node], out: &mut String, budget: &mut usize) -> bool {
        for n in nodes {
            match n {
                Node::Text(t) => {
                    let len = t.chars().count();
                    if len > *budget + 8 {
                        return false;
                    }
                    *budget = budget.saturating_sub(len);
                    out.push_str(t);
                }
                Node::Element(e) => {
                    if !walk(&e.children, out, budget) {
                        return false;
                    }
                }
                Node::Trusted(_) => {}
            }
        }
        true
    }
    let mut s = String::new();
    let mut budget = max * 2;
    if !walk(nodes, &mut s, &mut budget) {
        return None;
    }
    let t = collapse(&s);
    (t.chars().count() <= max).then_some(t)
}

/// Plain text of a subtree, whitespace collapsed.
pub fn text_of(nodes: &[Node]) -> String {
    fn walk(nodes: &[Node], out: &mut String) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => walk(&e.children, out),
                Node::Trusted(_) => {}
            }
        }
    }
    let mut s = String::new();
    walk(nodes, &mut s);
    collapse(&s)
}

/// Shifts headings so that the body's highest becomes `h2`: the page's title
/// is its only `h1`.
fn demote_headings(nodes: &mut [Node]) {
    let Some(top) = min_heading(nodes) else {
        return;
    };
    let shift = 2i32 - top as i32;
    shift_headings(nodes, shift);
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn min_heading(nodes: &[Node]) -> Option<u8> {
    nodes
        .iter()
        .filter_map(|n| match n {
            Node::Element(e) => heading_level(e.tag)
                .into_iter()
                .chain(min_heading(&e.children))
                .min(),
            _ => None,
        })
        .min()
}

fn shift_headings(nodes: &mut [Node], shift: i32) {
    const TAGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
    for n in nodes {
        if let Node::Element(e) = n {
            if let Some(level) = heading_level(e.tag) {
                let new = (level as i32 + shift).clamp(2, 6) as usize;
                e.tag = TAGS[new - 1];
            }
            shift_headings(&mut e.children, shift);
        }
    }
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
