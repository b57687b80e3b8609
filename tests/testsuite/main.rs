//! Integration tests: one binary, a module per feature, fixture sites built
//! into temporary folders.

mod archive;
mod bad_input;
mod browser;
mod build_site;
mod captions;
mod check;
mod cli;
mod common;
mod feeds;
mod incremental;
mod init;
mod languages;
mod metadata;
mod pages;
mod safe_write;
mod search;
mod seed;
mod serve;
