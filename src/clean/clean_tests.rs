use super::*;

fn base() -> Url {
    Url::parse("https://www.rfa.org/mandarin/a/b.html").unwrap()
}

fn body(html: &str) -> String {
    clean_html(html, Some(&base()), None, "").body.to_html()
}

/// What must never appear in output built from hostile input.
fn assert_harmless(out: &str, input: &str) {
    let lower = out.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        " on",
        "style=",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<math",
        "<form",
        "<style",
        "<base",
        "<meta",
        "<link",
        "srcdoc",
        "class=",
        "id=",
    ] {
        if bad == " on" {
            // no attribute that starts with "on" inside a tag
            for tag in lower.split('<').skip(1) {
                let tag = tag.split('>').next().unwrap_or("");
                assert!(
                    !tag.split_whitespace().skip(1).any(|a| a.starts_with("on")),
                    "event handler in {out:?} from {input:?}"
                );
            }
            continue;
        }
        if bad == "class=" {
            let without_ours = lower.replace(" class=\"external\"", "");
            assert!(
                !without_ours.contains("class="),
                "class from content in {out:?}"
            );
            continue;
        }
        assert!(!lower.contains(bad), "{bad:?} in {out:?} from {input:?}");
    }
}

#[test]
fn hostile_markup_is_neutralized() {
    let cases = [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<form action=\"https://evil.example\"><input name=q><button>go</button></form>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math href=\"javascript:alert(1)\">x</math>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<div style=\"position:fixed;top:0\">overlay</div>",
        "<style>body{display:none}</style>",
        "<base href=\"https://evil.example/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>x</details>",
        "<p id=\"__proto__\" class=\"hidden\">x</p>",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\" target=\"_top\">ok</a>",
        "<img src=\"https://ok.example/a.jpg\" srcset=\"javascript:alert(1) 1x\">",
        "<!--<script>alert(1)</script>-->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<xmp><script>alert(1)</script></xmp>",
        "<textarea><script>alert(1)</script></textarea>",
        "<title><script>alert(1)</script></title>",
        "<template><script>alert(1)</script></template>",
        "<listing><img src=x onerror=alert(1)></listing>",
        "<video><source onerror=alert(1)></video><audio src=x onerror=alert(1)>",
        "<table><td background=\"javascript:alert(1)\">x</td></table>",
        "<ok href=\"javascript:alert(1)\" onmouseover=\"x\">text</ok>",
        "\"><script>alert(1)</script>",
        "<img src=`x`onerror=alert(1)>",
        "<<script>script>alert(1)<</script>/script>",
    ];
    for input in cases {
        let out = body(input);
        assert_harmless(&out, input);
    }
}

#[test]
fn text_that_looks_like_markup_stays_text() {
    let out = body("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 1 &lt; 2</p>");
    assert_eq!(
        out,
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; 1 &lt; 2</p>\n"
    );
}

#[test]
fn unclosed_and_stray_tags_do_not_leak() {
    let out = body("<p>one<b>bold<i>both</p></b></i></div></span><p>two");
    assert_eq!(out, "<p>one<b>bold<i>both</i></b></p>\n<p>two</p>\n");
}

#[test]
fn ten_thousand_deep_nesting_builds_without_overflow() {
    for tag in ["div", "span", "b", "blockquote", "li", "table"] {
        let html = format!(
            "{}深{}",
            format!("<{tag}>").repeat(10_000),
            format!("</{tag}>").repeat(10_000)
        );
        let out = clean_html(&html, None, None, "");
        assert!(out.text.contains('深'), "{tag}");
    }
}

#[test]
fn the_byline_is_taken_out_of_the_body() {
    let out = clean_html(
        "<p>正文。</p><p><br/><span>自由亚洲电台记者蔡凌巴黎报道   责编：嘉远   网编：洪伟</span></p>",
        None,
        None,
        "",
    );
    assert_eq!(out.body.to_html(), "<p>正文。</p>\n");
    assert_eq!(
        out.byline.as_ref().map(|b| b.text.as_str()),
        Some("自由亚洲电台记者蔡凌巴黎报道 责编：嘉远 网编：洪伟")
    );
}

#[test]
fn english_bylines_are_recognized() {
    let out = clean_html(
        "<p>Text.</p><p>Reported by Qiao Long for RFA Mandarin. Translated by Luisetta Mudie.</p>",
        None,
        None,
        "",
    );
    assert!(
        out.byline
            .unwrap()
            .text
            .starts_with("Reported by Qiao Long")
    );
}

#[test]
fn a_long_paragraph_mentioning_a_reporter_is_not_a_byline() {
    let long = format!("<p>{}记者说{}</p>", "字".repeat(150), "字".repeat(100));
    let out = clean_html(&long, None, None, "");
    assert!(out.byline.is_none());
}

#[test]
fn language_is_declared_or_detected() {
    assert_eq!(
        clean_html("<p>北约秘书长</p>", None, None, "").lang,
        "zh-Hans"
    );
    assert_eq!(
        clean_html(
            "<p>The secretary general of the alliance</p>",
            None,
            None,
            ""
        )
        .lang,
        "en"
    );
    assert_eq!(
        clean_html("<p>北约</p>", None, Some("zh-Hant"), "").lang,
        "zh-Hant"
    );
}

#[test]
fn truncated_bodies_never_panic() {
    let seed = include_str!("../../tests/fixtures/seed/cl-09282021124357.md");
    let body = &seed[seed.find("<p>").unwrap()..];
    let mut cut = 0;
    while cut < body.len() {
        if body.is_char_boundary(cut) {
            let out = clean_html(&body[..cut], Some(&base()), None, "");
            let html = out.body.to_html();
            assert_eq!(
                html.matches("<span").count(),
                html.matches("<span lang=\"en\">").count()
            );
        }
        cut += 61;
    }
}

#[test]
fn pathological_nesting_of_formatting_elements_stays_fast() {
    for html in [
        "<a href='https://x.org'>".repeat(5_000),
        "<b><i><u>".repeat(3_000),
        "<table><tr><td>".repeat(2_000),
        "<p><font><center>".repeat(3_000),
        "<ul><li>".repeat(5_000),
    ] {
        let started = std::time::Instant::now();
        let out = clean_html(&format!("{html}文字"), None, None, "");
        assert!(out.text.contains("文字"));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }
}
