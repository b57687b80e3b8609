//! Parse stage: Markdown and plain-text bodies to (still untrusted) HTML.
//!
//! Code blocks keep pulldown-cmark's `class="language-x"`; the clean stage
//! highlights them after sanitizing.

use pulldown_cmark::{Options, Parser, html};

/// CommonMark with tables, footnotes and strikethrough; raw HTML passes
/// through here and is sanitized later like any other body.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let parser = Parser::new_ext(markdown, options);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// Plain text: blank-line separated blocks become paragraphs; text without
/// blank lines is read as one paragraph per line (the usual shape of Chinese
/// plain-text articles).
pub fn plain_text_to_html(text: &str) -> String {
    let has_blank_lines = text.lines().any(|l| l.trim().is_empty());
    let blocks: Vec<String> = if has_blank_lines {
        text.split("\n\n")
            .map(|b| b.lines().map(str::trim).collect::<Vec<_>>().join("\n"))
            .collect()
    } else {
        text.lines().map(|l| l.trim().to_owned()).collect()
    };
    let mut out = String::with_capacity(text.len() + blocks.len() * 7);
    for block in blocks.iter().filter(|b| !b.trim().is_empty()) {
        out.push_str("<p>");
        out.push_str(&html_escape::encode_text(block.trim()));
        out.push_str("</p>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_code_keeps_its_language_class() {
        let html = to_html("```rust\nfn main() {}\n```\n");
        assert_eq!(
            html,
            "<pre><code class=\"language-rust\">fn main() {}\n</code></pre>\n"
        );
    }

    #[test]
    fn plain_text_lines_become_escaped_paragraphs() {
        assert_eq!(
            plain_text_to_html("第一段\n第二段 <b>\n"),
            "<p>第一段</p>\n<p>第二段 &lt;b&gt;</p>\n"
        );
        assert_eq!(
            plain_text_to_html("one\nline\n\ntwo\n"),
            "<p>one\nline</p>\n<p>two</p>\n"
        );
    }
}
