use super::*;
use crate::diagnostics::Severity;

const OPTS: ParseOptions = ParseOptions {
    tz: chrono_tz::Asia::Shanghai,
    drafts: false,
};

fn parse_named(name: &str, bytes: &[u8]) -> Parsed {
    let source = Source::new(
        Path::new("content").join(name),
        PathBuf::from(name),
        bytes.to_vec(),
    );
    parse_source(&source, OPTS)
}

fn parse(text: &str) -> Parsed {
    parse_named("a.md", text.as_bytes())
}

fn built(p: &Parsed) -> &Article {
    p.article
        .as_ref()
        .unwrap_or_else(|| panic!("not built: {:?}", p.diagnostics))
}

fn messages(p: &Parsed) -> Vec<String> {
    p.diagnostics.iter().map(|d| d.to_string()).collect()
}

const SEED: &str = include_str!("../../tests/fixtures/seed/cl-09282021124357.md");

#[test]
fn the_seed_article_parses_cleanly() {
    let p = parse(SEED);
    let a = built(&p);
    assert!(p.diagnostics.is_empty(), "{:?}", messages(&p));
    assert_eq!(a.title, "北约担忧中国核武扩张 呼吁展开对话");
    assert_eq!(
        a.source_url.as_ref().unwrap().as_str(),
        "https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/cl-09282021124357.html"
    );
    assert_eq!(a.date.unwrap().timestamp_millis(), 1632857761000);
    assert_eq!(a.format, Some(Format::Archive));
    assert!(a.body.starts_with("<p></p><p>北大西洋公约组织"));
    assert_eq!(a.body_line, 5);
}

#[test]
fn bom_and_crlf_read_like_plain_lf() {
    let crlf = format!("\u{FEFF}{}", SEED.replace('\n', "\r\n"));
    let p = parse(&crlf);
    assert!(p.diagnostics.is_empty(), "{:?}", messages(&p));
    let a = built(&p);
    assert_eq!(a.title, "北约担忧中国核武扩张 呼吁展开对话");
    assert!(!a.body.contains('\r'));
}

#[test]
fn a_100_kb_single_line_body_is_kept_whole() {
    let body = format!("<p>{}</p>", "长".repeat(35_000));
    let p = parse(&format!(
        "<!--1632857761000-->\n[t](https://a.org/x)\n===\n\n{body}"
    ));
    assert_eq!(built(&p).body, body);
}

#[test]
fn a_20_mb_body_parses_without_hanging() {
    let body = format!("<p>{}</p>", "x".repeat(20 * 1024 * 1024));
    let p = parse(&format!(
        "<!--1632857761000-->\n[t](https://a.org/x)\n---\n\n{body}"
    ));
    assert_eq!(built(&p).body.len(), body.len());
}

#[test]
fn an_empty_file_is_skipped() {
    for text in ["", "  \n\n\t\n", "\u{FEFF}"] {
        let p = parse(text);
        assert!(p.article.is_none());
        assert_eq!(messages(&p), vec!["skipped: content/a.md: is empty"]);
    }
}

#[test]
fn a_missing_timestamp_builds_undated_with_a_warning() {
    let p = parse("[标题](https://a.org/x)\n---\n\n<p>正文</p>");
    let a = built(&p);
    assert!(a.date.is_none());
    assert_eq!(a.title, "标题");
    assert_eq!(
        messages(&p),
        vec![
            "warning: content/a.md:1: no timestamp comment (expected `<!--1632857761000-->` on line 1); built as undated"
        ]
    );
}

#[test]
fn absurd_timestamps_build_undated_with_a_warning() {
    for ts in ["soon", "-5", "32503680000000", "9223372036854775808", "000"] {
        let p = parse(&format!("<!--{ts}-->\n[t](https://a.org/x)\n---\n\nbody"));
        let a = built(&p);
        assert!(a.date.is_none(), "{ts}");
        assert_eq!(p.diagnostics.len(), 1, "{ts}: {:?}", messages(&p));
        assert_eq!(p.diagnostics[0].line, Some(1));
        assert!(
            p.diagnostics[0].message.ends_with("built as undated"),
            "{ts}"
        );
    }
}

#[test]
fn a_missing_title_line_takes_the_file_name() {
    let p = parse_named("nato-talks_2021.md", b"<!--1632857761000-->\n<p>body</p>");
    let a = built(&p);
    assert_eq!(a.title, "nato talks 2021");
    assert_eq!(a.body, "<p>body</p>");
    assert_eq!(
        messages(&p),
        vec![
            "warning: content/nato-talks_2021.md:2: no title line (expected `[title](https://...)` after the timestamp); used the file name as the title: “nato talks 2021”"
        ]
    );
}

#[test]
fn an_empty_title_takes_the_file_name() {
    let p = parse_named(
        "x.md",
        b"<!--1632857761000-->\n[](https://a.org/x)\n---\n\nbody",
    );
    assert_eq!(built(&p).title, "x");
    assert_eq!(p.diagnostics.len(), 1);
}

#[test]
fn a_title_that_is_not_a_link_is_kept_without_a_source() {
    let p = parse("<!--1632857761000-->\n北约 担忧\n------\n\n<p>b</p>");
    let a = built(&p);
    assert_eq!(a.title, "北约 担忧");
    assert!(a.source_url.is_none());
    assert!(messages(&p)[0].contains(":2: the title line is not a Markdown link"));
}

#[test]
fn unsafe_or_empty_source_urls_are_dropped_with_a_warning() {
    for (url, expect) in [
        ("javascript:alert(1)", "uses `javascript:`"),
        ("data:text/html,<script>", "uses `data:`"),
        ("JaVaScRiPt:alert(1)", "uses `javascript:`"),
        ("", "is empty"),
        ("/relative/path.html", "not an absolute URL"),
        ("https://", "not an absolute URL"),
    ] {
        let p = parse(&format!("<!--1632857761000-->\n[t]({url})\n---\n\nbody"));
        let a = built(&p);
        assert!(a.source_url.is_none(), "{url}");
        let m = messages(&p);
        assert_eq!(m.len(), 1, "{url}: {m:?}");
        assert!(
            m[0].contains(expect) && m[0].contains(":2:"),
            "{url}: {m:?}"
        );
        assert!(m[0].ends_with("built without a source link"));
    }
}

#[test]
fn invalid_utf8_is_built_lossily_with_a_warning() {
    let mut bytes = b"<!--1632857761000-->\n[t](https://a.org/x)\n---\n\n<p>ok ".to_vec();
    bytes.extend([0xC3, 0x28, 0xFF]);
    bytes.extend(b"</p>");
    let p = parse_named("a.md", &bytes);
    assert!(built(&p).body.contains('\u{FFFD}'));
    let m = messages(&p);
    assert_eq!(m.len(), 1);
    assert!(
        m[0].starts_with("warning: content/a.md:5: is not valid UTF-8"),
        "{m:?}"
    );
}

#[test]
fn nul_and_control_characters_are_removed_with_a_warning() {
    let p = parse("<!--1632857761000-->\n[t\u{0}itle](https://a.org/x)\n---\n\n<p>a\u{1b}b</p>");
    let a = built(&p);
    assert_eq!(a.title, "title");
    assert_eq!(a.body, "<p>ab</p>");
    assert!(messages(&p)[0].contains(":2: contains 2 NUL or control"));
}

#[test]
fn toml_front_matter_markdown_is_rendered() {
    let p = parse(
        "+++\ntitle = \"Hello &amp; bye\"\ndate = \"2021-09-29 03:36\"\nlang = \"en\"\nsource_url = \"https://example.org/a\"\ntags = [\"x\"]\n+++\n\n# Head\n\nSome *text*.\n",
    );
    let a = built(&p);
    assert!(p.diagnostics.is_empty(), "{:?}", messages(&p));
    assert_eq!(a.format, Some(Format::Markdown));
    assert_eq!(a.title, "Hello & bye");
    assert_eq!(a.date.unwrap().to_rfc3339(), "2021-09-28T19:36:00+00:00");
    assert_eq!(a.lang.as_deref(), Some("en"));
    assert_eq!(a.body, "<h1>Head</h1>\n<p>Some <em>text</em>.</p>\n");
    assert_eq!(a.body_line, 8);
}

#[test]
fn yaml_front_matter_markdown_is_rendered() {
    let p = parse("---\ntitle: 你好\ndate: 2021-09-29\n---\n正文 **粗体**\n");
    let a = built(&p);
    assert_eq!(a.title, "你好");
    assert_eq!(a.body, "<p>正文 <strong>粗体</strong></p>\n");
}

#[test]
fn broken_front_matter_skips_the_file_naming_the_line() {
    let p = parse("+++\ntitle = \"x\"\ndate = \n+++\nbody");
    assert!(p.article.is_none());
    let d = &p.diagnostics[0];
    assert_eq!(d.severity, Severity::Skipped);
    assert_eq!(d.line, Some(3));
    assert!(
        d.message.starts_with("invalid TOML front matter"),
        "{}",
        d.message
    );
}

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let text = "+++\ntitle = \"x\"\ndraft = true\n+++\nbody";
    let p = parse(text);
    assert!(p.article.is_none());
    assert!(messages(&p)[0].contains("is a draft"));
    let source = Source::new(
        "content/a.md".into(),
        "a.md".into(),
        text.as_bytes().to_vec(),
    );
    let p = parse_source(
        &source,
        ParseOptions {
            drafts: true,
            ..OPTS
        },
    );
    assert!(p.article.is_some());
}

#[test]
fn a_bad_front_matter_date_builds_undated() {
    let p = parse("---\ntitle: x\ndate: someday\n---\nbody");
    assert!(built(&p).date.is_none());
    assert!(messages(&p)[0].contains("`someday` is not a date"));
}

#[test]
fn a_bad_language_tag_is_ignored_with_a_warning() {
    let p = parse("---\ntitle: x\nlang: \"en\\\" onload=x\"\n---\nbody");
    assert!(built(&p).lang.is_none());
    assert!(messages(&p)[0].contains("not a language tag"));
}

#[test]
fn plain_text_txt_bodies_become_paragraphs() {
    let p = parse_named(
        "a.txt",
        "<!--1632857761000-->\n[t](https://a.org/x)\n---\n\n第一段\n第二段 <x>".as_bytes(),
    );
    assert_eq!(built(&p).body, "<p>第一段</p>\n<p>第二段 &lt;x&gt;</p>\n");
}

#[test]
fn markdown_bodies_in_the_archive_format_are_rendered() {
    let p = parse("<!--1632857761000-->\n[t](https://a.org/x)\n---\n\nSome *text*");
    assert_eq!(built(&p).body, "<p>Some <em>text</em></p>\n");
}

#[test]
fn file_names_become_readable_titles() {
    assert_eq!(
        title_from_file_name(Path::new("a b/.hidden file.md")),
        "hidden file"
    );
    assert_eq!(title_from_file_name(Path::new("___.md")), "(untitled)");
    assert_eq!(
        title_from_file_name(Path::new("北约 会谈.txt")),
        "北约 会谈"
    );
}
