//! Integration tests: one binary, a module per feature, fixture sites built
//! into temporary folders.

mod archive;
mod bad_input;
mod browser;
mod build_site;
mod captions;
mod cli;
mod common;
mod languages;
mod safe_write;
mod search;
mod seed;
mod serve;
