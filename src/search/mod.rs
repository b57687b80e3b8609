//! Search: the offline full-text index, built at render time and written as
//! JavaScript files that `static/search.js` loads with `<script>` tags.

pub mod index;
pub mod normalize;
mod page;
mod patch;
mod postings;

pub use page::write_search;
