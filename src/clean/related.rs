//! Clean stage: the related-articles box.
//!
//! News pages carry lists of links to other reports: RFA's
//! `<li><span class="result-title"><a><strong>title</strong></a></span>…</li>`,
//! `<li><b><a class="external-link">`, `role="listitem"` blocks, or runs of
//! single-link paragraphs after a heading such as 相关报道 / 延伸阅读 /
//! Related. They are taken out of the body and become the article's
//! "related" links, which the link stage points at local pages when it can.

use std::sync::LazyLock;

use regex::Regex;

use super::structure::text_of;
use super::tree::{CONTAINER, Element, INLINE, Node};

/// One entry of the related box: where it points and what it said.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelatedLink {
    /// Absolute http(s) URL.
    pub href: String,
    pub text: String,
}

/// Headings that announce a list of related reports.
static RELATED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[\s【\[（(]*(相关报道|相關報導|相关新闻|相關新聞|相关阅读|相關閱讀|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|相关文章|相關文章|相关链接|相關鏈接|更多报道|related( (stories|articles|coverage|reports|links))?|read more|see also|more on this)[\s】\]）):：]*$",
    )
    .unwrap_or_else(|e| panic!("related heading pattern: {e}"))
});

/// Removes related-article lists from the top level of a body and returns
/// their links, in order, without duplicates.
pub fn take_related(nodes: &mut Vec<Node>) -> Vec<RelatedLink> {
    let mut found: Vec<RelatedLink> = Vec::new();
    // First decide which top-level nodes go, then move the others out.
    let mut remove = vec![false; nodes.len()];
    let mut i = 0;
    while i < nodes.len() {
        if let Some(links) = link_list(&nodes[i]) {
            found.extend(links);
            remove[i] = true;
        } else if is_related_heading(&nodes[i]) {
            let mut j = i + 1;
            let mut run = Vec::new();
            while let Some(links) = nodes
                .get(j)
                .and_then(|n| link_list(n).or_else(|| single_link_block(n)))
            {
                run.extend(links);
                j += 1;
            }
            if !run.is_empty() {
                found.extend(run);
                remove[i..j].iter_mut().for_each(|r| *r = true);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if remove.iter().any(|&r| r) {
        let all = std::mem::take(nodes);
        *nodes = all
            .into_iter()
            .zip(remove)
            .filter(|(_, r)| !r)
            .map(|(n, _)| n)
            .collect();
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|l| seen.insert(l.href.clone()));
    found
}

fn is_related_heading(node: &Node) -> bool {
    match node {
        Node::Element(e) if e.tag == "p" || e.tag.starts_with('h') => {
            super::structure::short_text(&e.children, 24)
                .is_some_and(|t| RELATED_HEADING.is_match(&t))
        }
        _ => false,
    }
}

/// A `ul`/`ol` (or a block of `role="listitem"` items) whose every item is
/// essentially one link.
fn link_list(node: &Node) -> Option<Vec<RelatedLink>> {
    let Node::Element(list) = node else {
        return None;
    };
    let items: Vec<&Element> = match list.tag {
        "ul" | "ol" => list
            .children
            .iter()
            .filter_map(|n| match n {
                Node::Element(li) if li.tag == "li" => Some(li),
                _ => None,
            })
            .collect(),
        _ => return None,
    };
    if items.is_empty()
        || items.len()
            != list
                .children
                .iter()
                .filter(|n| matches!(n, Node::Element(_)))
                .count()
    {
        return None;
    }
    items.iter().map(|li| one_link(&li.children)).collect()
}

/// A paragraph that is essentially one link.
fn single_link_block(node: &Node) -> Option<Vec<RelatedLink>> {
    match node {
        Node::Element(p) if p.tag == "p" => one_link(&p.children).map(|l| vec![l]),
        _ => None,
    }
}

/// The link of content that is one http(s) link plus at most a little text
/// (a date, a bullet): the link's text is at least three quarters of it.
fn one_link(children: &[Node]) -> Option<RelatedLink> {
    let mut links = Vec::new();
    collect_links(children, &mut links);
    let [link] = links.as_slice() else {
        return None;
    };
    let href = link.attr("href")?;
    if !href.starts_with("http") {
        return None;
    }
    let text = text_of(&link.children);
    let all = text_of(children);
    let (link_len, all_len) = (text.chars().count(), all.chars().count());
    if link_len == 0 || all_len > link_len + 12 && link_len * 4 < all_len * 3 {
        return None;
    }
    if has_blocks(children) {
        return None;
    }
    Some(RelatedLink {
        href: href.to_owned(),
        text,
    })
}

fn collect_links<'a>(nodes: &'a [Node], out: &mut Vec<&'a Element>) {
    for n in nodes {
        if let Node::Element(e) = n {
            if e.tag == "a" {
                out.push(e);
            } else {
                collect_links(&e.children, out);
            }
        }
    }
}

fn has_blocks(nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Element(e) => {
            matches!(
                e.tag,
                "ul" | "ol" | "table" | "figure" | "blockquote" | "img"
            ) || (e.tag != CONTAINER && e.tag != INLINE && has_blocks(&e.children))
        }
        _ => false,
    })
}

#[cfg(test)]
#[path = "related_tests.rs"]
mod tests;
