//! Clean stage: figures and their captions.
//!
//! Every image that stands on its own becomes one clean
//! `<figure><img><figcaption>` whatever the source markup: `<figure>` with
//! `<figcaption>`, a caption-classed element inside or right after the image
//! (WordPress `wp-caption-text`, RFA `image-caption`, NTDTV `caption`), or a
//! short caption-like paragraph right after it (a photo credit in brackets,
//! "图为…"). A paragraph repeating the caption is dropped.

use std::sync::LazyLock;

use regex::Regex;

use super::structure::text_of;
use super::tree::{Element, Node};

/// A `<figure>` (or caption container) becomes one clean figure per image;
/// without an image its content is laid out by `flow`.
pub fn figure(e: Element, flow: &dyn Fn(Vec<Node>) -> Vec<Node>) -> Vec<Node> {
    let Some(img) = find(&e.children, &|el| el.tag == "img").cloned() else {
        return flow(e.children);
    };
    let credit = find(&e.children, &is_credit)
        .map(|c| text_of(&c.children))
        .filter(|c| !c.is_empty());
    // A real <figcaption> wins over other caption-like elements.
    let caption = find(&e.children, &|el| el.tag == "figcaption" && !is_credit(el))
        .or_else(|| find(&e.children, &|el| el.has_hint("caption") && !is_credit(el)))
        .map(|c| text_of(&c.children))
        .filter(|c| !c.is_empty());
    let mut fig = figure_of(img, caption.clone());
    if let (Some(credit), Node::Element(f)) = (credit, &mut fig)
        && !caption.is_some_and(|c| c.contains(&credit))
    {
        add_credit(f, credit);
    }
    vec![fig]
}

fn is_credit(el: &Element) -> bool {
    el.has_hint("copyright") || el.has_hint("credit")
}

/// A block container (div) laid out like a figure: one image, a caption or
/// credit, and next to no other text (BBC `media-landscape`, WordPress
/// `wp-caption`, RFA `headerimg`).
pub fn is_figure_container(e: &Element) -> bool {
    let mut images = 0;
    count_images(&e.children, &mut images);
    if images != 1 {
        return false;
    }
    let described: usize = [
        find(&e.children, &|el| {
            el.tag == "figcaption" || el.has_hint("caption")
        }),
        find(&e.children, &is_credit),
    ]
    .iter()
    .flatten()
    .map(|c| text_of(&c.children).chars().count())
    .sum();
    described > 0 && text_of(&e.children).chars().count() <= described + 40
}

fn count_images(nodes: &[Node], n: &mut usize) {
    for node in nodes {
        if let Node::Element(e) = node {
            if e.tag == "img" {
                *n += 1;
            }
            count_images(&e.children, n);
        }
    }
}

/// Appends a photo credit to the figure's caption (creating one if needed).
fn add_credit(fig: &mut Element, credit: String) {
    let mut small = Element::new("small");
    small.children.push(Node::Text(credit));
    match fig.children.iter_mut().find_map(|n| match n {
        Node::Element(c) if c.tag == "figcaption" => Some(c),
        _ => None,
    }) {
        Some(cap) => {
            cap.children.push(Node::Text(" ".into()));
            cap.children.push(Node::Element(small));
        }
        None => {
            let mut cap = Element::new("figcaption");
            cap.children.push(Node::Element(small));
            fig.children.push(Node::Element(cap));
        }
    }
}

fn find<'a>(nodes: &'a [Node], pred: &dyn Fn(&Element) -> bool) -> Option<&'a Element> {
    nodes.iter().find_map(|n| match n {
        Node::Element(e) if pred(e) => Some(e),
        Node::Element(e) => find(&e.children, pred),
        _ => None,
    })
}

/// Builds `<figure><img><figcaption>` from an image and its caption; without a
/// caption, a descriptive image title serves (never a file name).
pub fn figure_of(mut img: Element, caption: Option<String>) -> Node {
    let title = img.attr("title").map(str::to_owned);
    img.attrs.retain(|(k, _)| *k != "title");
    let caption = caption.or_else(|| title.filter(|t| !looks_like_file_name(t) && !t.is_empty()));
    if img.attr("alt").is_none_or(|a| a.trim().is_empty())
        && let Some(c) = &caption
    {
        img.set_attr("alt", c.clone());
    }
    let mut fig = Element::new("figure");
    fig.children.push(Node::Element(img));
    if let Some(c) = caption {
        set_caption(&mut fig, c);
    }
    Node::Element(fig)
}

fn set_caption(fig: &mut Element, caption: String) {
    let mut cap = Element::new("figcaption");
    cap.children.push(Node::Text(caption.clone()));
    fig.children.push(Node::Element(cap));
    if let Some(Node::Element(img)) = fig.children.first_mut()
        && img.attr("alt").is_none_or(|a| a.trim().is_empty())
    {
        img.set_attr("alt", caption);
    }
}

fn looks_like_file_name(t: &str) -> bool {
    let lower = t.trim().to_ascii_lowercase();
    !lower.contains(' ')
        && [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

fn caption_text(fig: &Element) -> Option<String> {
    fig.children.iter().find_map(|n| match n {
        Node::Element(c) if c.tag == "figcaption" => Some(text_of(&c.children)),
        _ => None,
    })
}

/// The index of the last node that is not whitespace or `<br>`.
fn last_visible(out: &[Node]) -> Option<usize> {
    out.iter().rposition(|n| match n {
        Node::Text(t) => !t.trim().is_empty(),
        Node::Element(e) => e.tag != "br",
        Node::Trusted(_) => true,
    })
}

/// When `e` is a caption-classed element right after a figure that has no
/// caption yet, makes it that figure's caption and returns `true`.
pub fn caption_for_previous(e: &Element, out: &mut [Node]) -> bool {
    if !e.has_hint("caption") {
        return false;
    }
    let Some(i) = last_visible(out) else {
        return false;
    };
    let Node::Element(fig) = &mut out[i] else {
        return false;
    };
    let text = text_of(&e.children);
    if fig.tag != "figure" || caption_text(fig).is_some() || text.is_empty() {
        return false;
    }
    set_caption(fig, text);
    true
}

/// A paragraph that is an image, a line break and a short text (the image's
/// caption, as many sites write it) becomes a captioned figure.
pub fn image_with_caption_line(part: &[Node]) -> Option<Node> {
    let Some(Node::Element(img)) = part.first() else {
        return None;
    };
    if img.tag != "img" {
        return None;
    }
    let rest = &part[1..];
    let breaks = rest
        .iter()
        .take_while(|n| {
            matches!(n, Node::Element(e) if e.tag == "br")
                || matches!(n, Node::Text(t) if t.trim().is_empty())
        })
        .count();
    let has_br = rest[..breaks]
        .iter()
        .any(|n| matches!(n, Node::Element(e) if e.tag == "br"));
    let text = text_of(&rest[breaks..]);
    let inline_only = rest[breaks..]
        .iter()
        .all(|n| !matches!(n, Node::Element(e) if matches!(e.tag, "img" | "br")));
    if !(has_br || CAPTION_LIKE.is_match(&text))
        || !inline_only
        || text.is_empty()
        || text.chars().count() > 200
    {
        return None;
    }
    Some(figure_of(img.clone(), Some(text)))
}

/// A paragraph that is nothing but one `small`, `em` or `i` element: how
/// many sites set the line under a picture.
fn is_small_print(p: &Element) -> bool {
    let visible: Vec<&Node> = p
        .children
        .iter()
        .filter(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()))
        .collect();
    matches!(visible.as_slice(), [Node::Element(e)] if matches!(e.tag, "small" | "em" | "i"))
}

/// A short paragraph that reads like a photo caption or credit.
static CAPTION_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(图为|圖為|图：|圖：|图片：|圖片：|图片来源|圖片來源|图像来源|圖像來源|Photo:|Image:)",
        r"|[（(][^（）()]{0,80}(图片|圖片|来源|來源|Getty|AFP|Reuters|路透|美联社|美聯社|法新社|AP|Photo|照片|摄|攝|截图|截圖|供图|供圖|Images?|EPA|视频|視頻)[^（）()]{0,60}[）)]\s*$",
    ))
    .unwrap_or_else(|e| panic!("caption pattern: {e}"))
});

/// At block level: a figure without a caption takes the caption-like short
/// paragraph right after it; a paragraph repeating a figure's caption goes.
pub fn adopt_captions(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let (para_text, small_print) = match &node {
            Node::Element(p) if p.tag == "p" => (Some(text_of(&p.children)), is_small_print(p)),
            _ => (None, false),
        };
        if let (Some(text), Some(Node::Element(fig))) = (&para_text, out.last_mut())
            && fig.tag == "figure"
        {
            match caption_text(fig) {
                Some(cap) if &cap == text => continue,
                None if text.chars().count() <= 200
                    && (small_print || CAPTION_LIKE.is_match(text)) =>
                {
                    set_caption(fig, text.clone());
                    continue;
                }
                _ => {}
            }
        }
        out.push(node);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_and_picture_notes_read_as_captions() {
        for c in [
            "中共国家主席习近平。(Noel Celis - Pool/ Getty Images)",
            "周恩来（左）等顺从毛泽东（中）的意志。（图片来源：Getty image）",
            "图为美国联邦参议员乔什·霍利资料照。",
            "毛洪涛他死前发“绝笔信”。（微信图片）",
            "示威者在香港街头。（路透社）",
        ] {
            assert!(CAPTION_LIKE.is_match(c), "{c}");
        }
        for c in [
            "他说：“我们需要和中国接触。”",
            "北约（NATO）秘书长表示欢迎。",
            "（完）",
        ] {
            assert!(!CAPTION_LIKE.is_match(c), "{c}");
        }
    }
}
