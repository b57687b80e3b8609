//! Content language detection against the real corpus's manifest.

use std::path::PathBuf;

use duben::load::Source;
use duben::parse::{ParseOptions, parse_source};

#[test]
fn detection_agrees_with_the_manifest_of_the_real_corpus() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/real");
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let (mut agree, mut total, mut wrong) = (0, 0, Vec::new());
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[5]);
        // The manifest marks the one garbled file "mojibake"; duben repairs it to Chinese.
        let expected = if expected == "mojibake" {
            "zh-Hans"
        } else {
            expected
        };
        let source = Source::new(
            PathBuf::from(file),
            PathBuf::from(file),
            std::fs::read(root.join(file)).unwrap(),
        );
        let article = parse_source(
            &source,
            ParseOptions {
                tz: chrono_tz::UTC,
                drafts: false,
            },
        )
        .article
        .unwrap();
        let body = duben::clean::clean(&article, &Default::default());
        total += 1;
        if body.lang == expected {
            agree += 1;
        } else {
            wrong.push(format!(
                "{file}: manifest {expected}, detected {}",
                body.lang
            ));
        }
    }
    eprintln!("language detection: {agree}/{total} agree with MANIFEST.tsv");
    assert!(total >= 420);
    assert!(
        agree * 100 >= total * 98,
        "{agree}/{total} agree:\n{}",
        wrong.join("\n")
    );
}
