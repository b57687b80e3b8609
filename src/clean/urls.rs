//! Clean stage: URLs in article bodies.
//!
//! Relative and protocol-relative URLs are resolved against the article's
//! source URL; only http, https and (for links) mailto survive, checked after
//! resolution so that nothing a resolver produces can slip through.

use url::Url;

/// Resolves a link target; `None` when it is unusable or unsafe.
pub fn resolve(raw: &str, base: Option<&Url>) -> Option<String> {
    let url = absolute(raw, base)?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Some(strict(url.as_str())),
        "mailto" => Some(strict(url.as_str())),
        _ => None,
    }
}

/// Resolves an image source: http(s) only.
pub fn resolve_image(raw: &str, base: Option<&Url>) -> Option<String> {
    let url = absolute(raw, base)?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Some(strict(url.as_str())),
        _ => None,
    }
}

/// Percent-encodes the few characters that WHATWG URLs allow but RFC 3986
/// (and HTML validators) do not, such as `|` in queries.
fn strict(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '|' => out.push_str("%7C"),
            '^' => out.push_str("%5E"),
            '`' => out.push_str("%60"),
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c => out.push(c),
        }
    }
    out
}

fn absolute(raw: &str, base: Option<&Url>) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with('#') {
        return None;
    }
    match Url::parse(raw) {
        Ok(u) => Some(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(raw).ok(),
        Err(_) => None,
    }
}

/// Site furniture that is not part of the article: zoom icons, spacers.
pub fn is_icon(src: &str) -> bool {
    let name = src
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    name.contains("zoom")
        || name.starts_with("icon")
        || name.contains("spacer")
        || name == "blank.gif"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://www.rfa.org/mandarin/a/b.html").unwrap()
    }

    #[test]
    fn relative_and_protocol_relative_urls_resolve_against_the_source() {
        let b = base();
        assert_eq!(
            resolve("c.html", Some(&b)).unwrap(),
            "https://www.rfa.org/mandarin/a/c.html"
        );
        assert_eq!(resolve("/x", Some(&b)).unwrap(), "https://www.rfa.org/x");
        assert_eq!(
            resolve("//cdn.example.org/i.jpg", Some(&b)).unwrap(),
            "https://cdn.example.org/i.jpg"
        );
        assert_eq!(resolve("c.html", None), None);
    }

    #[test]
    fn only_http_https_and_mailto_links_survive() {
        let b = base();
        for bad in [
            "javascript:alert(1)",
            " JAVASCRIPT:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "#top",
            "",
        ] {
            assert_eq!(resolve(bad, Some(&b)), None, "{bad}");
        }
        assert_eq!(
            resolve("mailto:a@b.org", Some(&b)).unwrap(),
            "mailto:a@b.org"
        );
        assert_eq!(resolve_image("mailto:a@b.org", Some(&b)), None);
    }

    #[test]
    fn zoom_icons_are_recognized() {
        assert!(is_icon(
            "https://www.rfa.org/++plone++rfa-resources/img/icon-zoom.png"
        ));
        assert!(!is_icon(
            "https://www.rfa.org/a/7976e24c.jpg/@@images/8af0.jpeg"
        ));
    }
}
