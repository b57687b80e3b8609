//! Clean stage: the ammonia policy, built once.
//!
//! This is the security boundary: everything of an article body that a reader
//! sees has passed through [`sanitize`]. The policy is an explicit allow-list.
//! It keeps `class` and `id` so that the structure pass ([`super::tree`]) can
//! recognize captions and lightbox junk; that pass never writes them out.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

/// Elements kept by the sanitizer (structure for the next pass; everything
/// else is unwrapped, its text kept).
const TAGS: &[&str] = &[
    // text structure
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "code",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    // inline
    "a",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "del",
    "ins",
    "mark",
    "small",
    "q",
    "cite",
    "abbr",
    "kbd",
    "span",
    // figures
    "figure",
    "figcaption",
    "img",
    // block containers, unwrapped by the structure pass but kept apart
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "address",
    "details",
    "summary",
];

/// Elements removed together with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "applet", "form", "button", "select",
    "textarea", "input", "noscript", "template", "svg", "math", "video", "audio", "canvas", "map",
    "frameset", "frame", "noembed", "noframes", "head", "title", "meta", "link", "base",
];

static POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::from(["class", "id", "title", "role"]))
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href"])),
            (
                "img",
                HashSet::from(["src", "alt", "width", "height", "data-src", "data-original"]),
            ),
            ("ol", HashSet::from(["start"])),
            ("td", HashSet::from(["colspan", "rowspan"])),
            ("th", HashSet::from(["colspan", "rowspan"])),
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // Relative URLs are resolved against the article's source URL by the
        // structure pass, which checks the scheme again afterwards.
        .url_relative(UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true);
    b
});

/// Sanitizes an untrusted HTML fragment with the site-wide policy.
pub fn sanitize(html: &str) -> String {
    POLICY.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_do_not_survive() {
        let out = sanitize(r#"<p onclick="x()">a<script>alert(1)</script><style>p{}</style></p>"#);
        assert_eq!(out, "<p>a</p>");
    }

    #[test]
    fn unknown_tags_are_unwrapped_keeping_text() {
        assert_eq!(
            sanitize(
                r#"<ok href="https://x">链接</ok><font color=red>字</font><center>c</center><o:p>o</o:p>"#
            ),
            "链接字co"
        );
    }

    #[test]
    fn class_and_id_are_kept_for_the_structure_pass() {
        assert_eq!(
            sanitize(
                r#"<div id="zoomattribute" class="a" style="x"><img src="/i.png" onerror="x"></div>"#
            ),
            r#"<div id="zoomattribute" class="a"><img src="/i.png"></div>"#
        );
    }
}
