//! Link stage: the key under which a source URL is matched across the archive.
//!
//! Two URLs name the same article when they differ only in scheme, a leading
//! `www.`, letter case of the host or of percent-escapes, a default port, a
//! trailing slash, the fragment, or tracking query parameters.

use url::Url;

/// Query parameters that only track a reader and never select content.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "spm", "feedtype",
    "feedname", "t", "from", "ref", "ref_src", "src", "share", "amp",
];

/// Matching rules: the built-in tracking parameters plus a site's own
/// (`ignore_query_params` in site.toml).
#[derive(Debug, Clone, Default)]
pub struct UrlMatcher {
    pub extra_ignored: Vec<String>,
}

impl UrlMatcher {
    pub fn new(extra: &[String]) -> Self {
        UrlMatcher {
            extra_ignored: extra.iter().map(|p| p.to_ascii_lowercase()).collect(),
        }
    }

    /// The key of a URL given as text; `None` if it does not parse.
    pub fn key_of(&self, url: &str) -> Option<String> {
        Url::parse(url).ok().map(|u| self.key(&u))
    }

    pub fn key(&self, url: &Url) -> String {
        key_with(url, &self.extra_ignored)
    }
}

/// The matching key of a URL with the built-in rules: `rfa.org/mandarin/a.html?id=3`.
pub fn url_key(url: &Url) -> String {
    key_with(url, &[])
}

fn key_with(url: &Url, extra: &[String]) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut key = String::with_capacity(url.as_str().len());
    key.push_str(host);
    if let Some(port) = url.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    let path = upper_escapes(url.path());
    key.push_str(path.trim_end_matches('/'));
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING_PARAMS.contains(&k.as_str()) && !extra.contains(&k)
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !params.is_empty() {
        params.sort();
        key.push('?');
        let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        key.push_str(&q.join("&"));
    }
    key
}

/// `%e4%b8` and `%E4%B8` are the same bytes.
fn upper_escapes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).unwrap_or(&rest[i..]);
        out.push_str(&esc.to_ascii_uppercase());
        rest = &rest[i + esc.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        url_key(&Url::parse(s).unwrap())
    }

    #[test]
    fn cosmetic_differences_do_not_matter() {
        let k = "rfa.org/mandarin/a.html";
        assert_eq!(key("https://www.rfa.org/mandarin/a.html"), k);
        assert_eq!(key("http://RFA.org:80/mandarin/a.html#top"), k);
        assert_eq!(
            key("https://www.rfa.org/mandarin/a.html/?utm_source=x&t=123"),
            k
        );
    }

    #[test]
    fn a_site_can_ignore_more_parameters() {
        let m = UrlMatcher::new(&["Session".into()]);
        assert_eq!(
            m.key_of("https://a.net/x?session=9&id=1").unwrap(),
            "a.net/x?id=1"
        );
        assert_eq!(
            key("https://a.net/x?session=9&id=1"),
            "a.net/x?id=1&session=9"
        );
    }

    #[test]
    fn percent_escape_case_does_not_matter_but_content_queries_do() {
        assert_eq!(
            key("https://a.net/%e4%b8%ad/"),
            key("https://a.net/%E4%B8%AD")
        );
        assert_ne!(key("https://a.net/x?id=1"), key("https://a.net/x?id=2"));
        assert_eq!(
            key("https://a.net/x?b=2&a=1"),
            key("https://a.net/x?a=1&b=2")
        );
    }
}
