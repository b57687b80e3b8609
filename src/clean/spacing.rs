//! Clean stage: line breaks of pretty-printed HTML between Chinese characters.
//!
//! Scraped bodies are often pretty-printed, one tag per line, so a Chinese
//! sentence arrives as `金牌\n  <a>主持人</a>\n  、政治编辑`. Browsers render
//! those line breaks as spaces (`金牌 主持人 、政治编辑`), which Chinese text
//! never has. CSS Text 3 says a segment break between two East Asian wide
//! characters should vanish; browsers do not implement it, so duben does:
//! a whitespace run that contains a line break and sits between two wide
//! characters (across element boundaries too) is removed. Spaces typed on
//! one line, and anything inside `<pre>`, are kept.

use super::tree::Node;

/// East Asian wide characters, Hangul excepted (Korean uses spaces).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x3190..=0x31FF
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFF60    // fullwidth forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFF) // supplementary ideographs
}

/// Removes line-break whitespace between wide characters in every text node
/// outside `<pre>`, in document order.
pub fn drop_cjk_line_breaks(nodes: &mut [Node]) {
    let mut texts: Vec<&mut String> = Vec::new();
    collect(nodes, &mut texts);
    let n = texts.len();
    let mut prev_last = vec![None; n];
    let mut running = None;
    for i in 0..n {
        prev_last[i] = running;
        if let Some(c) = texts[i].chars().rev().find(|c| !c.is_whitespace()) {
            running = Some(c);
        }
    }
    let mut next_first = vec![None; n];
    running = None;
    for i in (0..n).rev() {
        next_first[i] = running;
        if let Some(c) = texts[i].chars().find(|c| !c.is_whitespace()) {
            running = Some(c);
        }
    }
    for (i, text) in texts.into_iter().enumerate() {
        if text.contains('\n') {
            *text = rewrite(text, prev_last[i], next_first[i]);
        }
    }
}

fn collect<'a>(nodes: &'a mut [Node], out: &mut Vec<&'a mut String>) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push(t),
            Node::Element(e) if e.tag != "pre" => collect(&mut e.children, out),
            _ => {}
        }
    }
}

fn rewrite(text: &str, before: Option<char>, after: Option<char>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut last_visible = before;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_whitespace() {
            out.push(chars[i]);
            last_visible = Some(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let run = &chars[start..i];
        let next = chars.get(i).copied().or(after);
        let between_wide = last_visible.is_some_and(is_wide) && next.is_some_and(is_wide);
        if !(run.contains(&'\n') && between_wide) {
            out.extend(run);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::tree::Element;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    fn el(tag: &'static str, children: Vec<Node>) -> Node {
        let mut e = Element::new(tag);
        e.children = children;
        Node::Element(e)
    }

    #[test]
    fn line_breaks_between_chinese_characters_vanish_across_elements() {
        let mut nodes = vec![el(
            "p",
            vec![
                text("金牌\n  "),
                el("a", vec![text("\n   主持人\n  ")]),
                text("\n  、政治编辑 Steve\n Scully"),
            ],
        )];
        drop_cjk_line_breaks(&mut nodes);
        let Node::Element(p) = &nodes[0] else {
            panic!()
        };
        assert_eq!(p.children[0], text("金牌"));
        let Node::Element(a) = &p.children[1] else {
            panic!()
        };
        assert_eq!(a.children[0], text("主持人"));
        assert_eq!(p.children[2], text("、政治编辑 Steve\n Scully"));
    }

    #[test]
    fn spaces_on_one_line_and_preformatted_text_are_kept() {
        let mut nodes = vec![
            text("北约 27 日\n表示"),
            el("pre", vec![text("代码\n代码")]),
        ];
        drop_cjk_line_breaks(&mut nodes);
        assert_eq!(nodes[0], text("北约 27 日表示"));
        let Node::Element(pre) = &nodes[1] else {
            panic!()
        };
        assert_eq!(pre.children[0], text("代码\n代码"));
    }
}
