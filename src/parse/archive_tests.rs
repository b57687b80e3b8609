use super::*;

fn header(text: &str) -> ArchiveHeader {
    let lines: Vec<&str> = text.lines().collect();
    parse_header(&lines)
}

#[test]
fn the_seed_header_is_read() {
    let h = header(
        "<!--1632857761000-->\n[北约担忧中国核武扩张   呼吁展开对话](https://www.rfa.org/a.html)\n------\n\n<p>x</p>",
    );
    assert_eq!(
        h.title.as_deref(),
        Some("北约担忧中国核武扩张 呼吁展开对话")
    );
    assert_eq!(h.url.as_deref(), Some("https://www.rfa.org/a.html"));
    assert_eq!(h.date.unwrap().timestamp_millis(), 1632857761000);
    assert_eq!(h.body_start, 4);
    assert!(h.notes.is_empty(), "{:?}", h.notes);
}

#[test]
fn whitespace_around_the_timestamp_and_long_underlines_are_accepted() {
    let h = header(
        "  <!--   1632857761000   -->  \n[t](https://a.org/x)\n==========================\nbody",
    );
    assert_eq!(h.date.unwrap().timestamp_millis(), 1632857761000);
    assert_eq!(h.body_start, 3);
    assert!(h.notes.is_empty());
}

#[test]
fn titles_with_brackets_and_entities_are_kept_whole() {
    let (t, u) =
        split_title_link("[[视频] 标题 &amp; \\[注\\] &quot;引&quot;](https://a.org/x)").unwrap();
    assert_eq!(t, "[视频] 标题 & [注] \"引\"");
    assert_eq!(u, "https://a.org/x");
}

#[test]
fn urls_with_parentheses_and_queries_are_kept_whole() {
    let (t, u) =
        split_title_link("[Title](https://en.wikipedia.org/wiki/NATO_(disambiguation)?a=1&b=(2))")
            .unwrap();
    assert_eq!(t, "Title");
    assert_eq!(
        u,
        "https://en.wikipedia.org/wiki/NATO_(disambiguation)?a=1&b=(2)"
    );
}

#[test]
fn angle_bracketed_urls_lose_their_brackets() {
    let (_, u) = split_title_link("[t](<https://a.org/x y>)").unwrap();
    assert_eq!(u, "https://a.org/x y");
}

#[test]
fn a_missing_timestamp_is_noted_on_line_1() {
    let h = header("[t](https://a.org/x)\n---\n\nbody");
    assert!(h.date.is_none());
    assert_eq!(h.notes.len(), 1);
    assert_eq!(h.notes[0].0, 1);
    assert!(h.notes[0].1.contains("no timestamp"));
    assert_eq!(h.title.as_deref(), Some("t"));
}

#[test]
fn broken_timestamps_say_what_is_wrong() {
    for (ts, expect) in [
        ("abc", "not a number"),
        ("-1632857761000", "negative"),
        ("32503680000000", "year 3000"),
        ("99999999999999999999999", "too large"),
        ("", "empty"),
        ("12.5", "not a number"),
    ] {
        let h = header(&format!("<!--{ts}-->\n[t](https://a.org/x)\n---\n\nbody"));
        assert!(h.date.is_none(), "{ts}");
        assert!(h.notes[0].1.contains(expect), "{ts}: {:?}", h.notes);
        assert!(h.notes[0].1.contains("undated"), "{ts}");
        assert_eq!(h.title.as_deref(), Some("t"));
    }
}

#[test]
fn a_timestamp_in_seconds_is_read_as_seconds_with_a_note() {
    let h = header("<!--1632857761-->\n[t](https://a.org/x)\n---\n");
    assert_eq!(h.date.unwrap().timestamp(), 1632857761);
    assert!(h.notes[0].1.contains("seconds"));
}

#[test]
fn an_unclosed_timestamp_comment_is_noted() {
    let h = header("<!--1632857761000\n[t](https://a.org/x)\n---\n");
    assert!(h.date.is_none());
    assert!(h.notes[0].1.contains("not closed"));
}

#[test]
fn a_title_that_is_not_a_link_is_used_as_text() {
    let h = header("<!--1632857761000-->\nJust a title\n------\n\nbody");
    assert_eq!(h.title.as_deref(), Some("Just a title"));
    assert!(h.url.is_none());
    assert_eq!(h.notes[0].0, 2);
    assert!(h.notes[0].1.contains("not a Markdown link"));
    assert_eq!(h.body_start, 4);
}

#[test]
fn a_missing_title_line_leaves_the_body_intact() {
    let h = header("<!--1632857761000-->\n<p>body only</p>");
    assert!(h.title.is_none());
    assert_eq!(h.body_start, 1);
    assert!(h.notes[0].1.contains("no title line"));
}

#[test]
fn an_empty_title_is_reported_by_the_caller_as_empty() {
    let h = header("<!--1632857761000-->\n[](https://a.org/x)\n---\n");
    assert_eq!(h.title.as_deref(), Some(""));
}

#[test]
fn an_empty_file_has_no_header() {
    let h = header("");
    assert!(h.title.is_none() && h.date.is_none());
    assert_eq!(h.body_start, 0);
}
