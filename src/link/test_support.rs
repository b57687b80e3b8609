//! Helpers for the link stage's unit tests: clean bodies from a few facts,
//! and linking with the built-in topics in UTC.

use std::collections::BTreeMap;

use crate::clean::CleanBody;
use crate::clean::glosses::Gloss;
use crate::diagnostics::Diagnostic;
use crate::link::topics::TopicMap;
use crate::link::url_key::UrlMatcher;
use crate::link::{Archive, LinkOptions, link};
use crate::parse::Article;

/// A clean body in `lang` with `text` and its `(中文, English)` glosses.
pub fn body(lang: &str, text: &str, glosses: &[(&str, &str)]) -> CleanBody {
    CleanBody {
        text: text.to_owned(),
        lang: lang.into(),
        glosses: glosses.iter().map(|(z, e)| Gloss::new(z, e)).collect(),
        ..CleanBody::default()
    }
}

/// Links `items` with the built-in topic map, in UTC, with `file` as the
/// pairs of `translations.toml`.
pub fn link_all(
    items: Vec<(Article, CleanBody)>,
    file: &[(String, String)],
) -> (Archive, Vec<Diagnostic>) {
    let map = TopicMap::new(true, &BTreeMap::new()).unwrap();
    let opts = LinkOptions {
        tz: chrono_tz::UTC,
        topics: &map,
        matcher: UrlMatcher::default(),
        translation_pairs: file,
        uses: None,
    };
    link(items, &opts).expect("link")
}
