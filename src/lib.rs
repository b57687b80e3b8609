//! duben (读本): a static site generator for bilingual (Chinese / English)
//! archives of news articles.
//!
//! The pipeline, one module per stage: [`load`] → [`parse`] → [`clean`] →
//! [`link`] → [`render`] → [`write`], run by [`build`].

pub mod build;
pub mod cache;
pub mod check;
pub mod clean;
pub mod config;
pub mod diagnostics;
pub mod init;
pub mod link;
pub mod load;
pub mod memory;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod write;
