use super::*;
use crate::clean::serialize::to_html;
use crate::clean::tree;

fn run(html: &str) -> String {
    let base = url::Url::parse("https://www.rfa.org/mandarin/a/b.html").unwrap();
    to_html(&restructure(tree::build(
        &crate::clean::sanitize(html),
        &tree::UrlContext::remote(Some(&base)),
    )))
}

#[test]
fn empty_paragraphs_disappear() {
    assert_eq!(
        run("<p></p><p><br/></p><p> &nbsp; </p><p>　</p><p>字</p>"),
        "<p>字</p>\n"
    );
}

#[test]
fn spans_unwrap_without_losing_text() {
    assert_eq!(
        run("<p>北约（NATO<span>）秘书长</span>27<span>日</span></p>"),
        "<p>北约（NATO）秘书长27日</p>\n"
    );
}

#[test]
fn double_line_breaks_split_paragraphs() {
    assert_eq!(
        run("<p><span>一</span><br/><br/><span>二</span><br/>三<br/><br/><br/></p>"),
        "<p>一</p>\n<p>二<br>三</p>\n"
    );
}

#[test]
fn sibling_divs_stay_separate_paragraphs() {
    assert_eq!(
        run("<div>甲</div><div>乙<div>丙</div></div>"),
        "<p>甲</p>\n<p>乙</p>\n<p>丙</p>\n"
    );
}

#[test]
fn headings_are_demoted_below_h1() {
    assert_eq!(run("<h1>A</h1><h3>B</h3>"), "<h2>A</h2>\n<h4>B</h4>\n");
    assert_eq!(run("<h4>A</h4><h5>B</h5>"), "<h2>A</h2>\n<h3>B</h3>\n");
}

#[test]
fn a_figure_keeps_image_and_caption_and_drops_zoom_junk() {
    let html = r#"<p><figure class="image-richtext" style="width:1500px;"><img alt="卫星图" height="990" src="a.jpg" title="7976e.jpg" width="1500"/><figcaption class="image-caption">甘肃玉门（Planet）</figcaption><small></small><div id="zoomattribute"><a data-fancybox="" href="a.jpg"><img src="/++plone++rfa-resources/img/icon-zoom.png"/></a></div></figure></p>"#;
    assert_eq!(
        run(html),
        "<figure><img src=\"https://www.rfa.org/mandarin/a/a.jpg\" alt=\"卫星图\" width=\"1500\" height=\"990\" loading=\"lazy\" decoding=\"async\" referrerpolicy=\"no-referrer\"><figcaption>甘肃玉门（Planet）</figcaption></figure>\n"
    );
}

#[test]
fn a_missing_alt_comes_from_the_caption() {
    let out =
        run(r#"<figure><img src="https://x.org/a.jpg"><figcaption>说明</figcaption></figure>"#);
    assert!(out.contains(r#"alt="说明""#), "{out}");
}

#[test]
fn an_image_alone_in_a_paragraph_becomes_a_figure_with_its_title() {
    assert_eq!(
        run(r#"<p><img src="https://x.org/a.jpg" title="会场外景"></p>"#),
        "<figure><img src=\"https://x.org/a.jpg\" alt=\"会场外景\" loading=\"lazy\" decoding=\"async\" referrerpolicy=\"no-referrer\"><figcaption>会场外景</figcaption></figure>\n"
    );
}

#[test]
fn links_are_resolved_and_marked_external() {
    assert_eq!(
        run(r#"<p><a href="c.html">相关</a> <a href="javascript:alert(1)">坏</a> <a>空</a></p>"#),
        "<p><a href=\"https://www.rfa.org/mandarin/a/c.html\" class=\"external\" rel=\"noopener noreferrer nofollow\">相关</a> 坏 空</p>\n"
    );
}

#[test]
fn lists_and_tables_keep_their_structure() {
    assert_eq!(
        run(
            "<ul>\n<li><span>一</span></li>\n<li>二</li></ul><table><tr><td colspan=2 style='x'>格</td></tr></table>"
        ),
        "<ul><li>一</li>\n<li>二</li>\n</ul>\n<table><tbody><tr><td colspan=\"2\">格</td></tr>\n</tbody></table>\n"
    );
}

#[test]
fn preformatted_text_keeps_its_whitespace() {
    assert_eq!(run("<pre>a\n    b</pre>"), "<pre>a\n    b</pre>");
}

fn figcaption_of(html: &str) -> Option<String> {
    let start = html.find("<figcaption>")? + "<figcaption>".len();
    let end = html.find("</figcaption>")?;
    Some(html[start..end].to_owned())
}

#[test]
fn a_caption_classed_element_after_a_figure_becomes_its_caption() {
    let out = run(
        r#"<div class="featured_image"><figure><img alt="x" src="https://i.ntdtv.com/a.jpg"/></figure><br/><span class="caption">习近平。（Getty Images)</span></div><p>正文</p>"#,
    );
    assert_eq!(
        figcaption_of(&out).as_deref(),
        Some("习近平。（Getty Images)")
    );
    assert!(out.ends_with("</figure>\n<p>正文</p>\n"), "{out}");
}

#[test]
fn an_image_line_break_and_short_text_make_a_captioned_figure() {
    let out = run(
        r#"<p style="text-align:center"><img alt="毛泽东" src="https://img3.secretchina.com/p.jpg"/><br>周恩来（左）等人。（图片来源：Getty image）</p><p>正文</p>"#,
    );
    assert_eq!(
        figcaption_of(&out).as_deref(),
        Some("周恩来（左）等人。（图片来源：Getty image）")
    );
    assert!(out.contains("alt=\"毛泽东\""));
}

#[test]
fn a_credit_paragraph_after_a_figure_becomes_its_caption_and_repeats_go() {
    let out = run(
        r#"<figure><img src="https://x.org/a.jpg"></figure><p>中共国家主席习近平。(Noel Celis - Pool/ Getty Images)</p><p>正文</p>"#,
    );
    assert_eq!(
        figcaption_of(&out).as_deref(),
        Some("中共国家主席习近平。(Noel Celis - Pool/ Getty Images)")
    );
    let out = run(
        r#"<figure><img src="https://x.org/a.jpg"><figcaption>会场</figcaption></figure><p>会场</p><p>正文</p>"#,
    );
    assert_eq!(
        out.matches("会场").count(),
        2,
        "caption and alt only: {out}"
    );
    assert!(!out.contains("<p>会场</p>"));
}

#[test]
fn an_ordinary_paragraph_after_a_figure_stays_a_paragraph() {
    let out = run(
        r#"<figure><img src="https://x.org/a.jpg"></figure><p>北约秘书长表示，军备控制方面的对等透明度和对话将对北约和中国都有益。</p>"#,
    );
    assert!(figcaption_of(&out).is_none(), "{out}");
}

#[test]
fn bbc_media_blocks_become_figures_with_caption_and_credit() {
    let out = run(
        r#"<div class="media-landscape has-caption full-width"><span class="image-and-copyright-container"><img src="https://images.weserv.nl/?url=x.png"><br><span class="off-screen">图片版权</span><span class="story-image-copyright">Xinhua</span></span><figcaption class="media-caption"><span class="off-screen">Image caption</span><span class="media-caption__text">贵州茅台长期被中国官方作为国宴用酒</span></figcaption></div><h2>茅台</h2>"#,
    );
    assert_eq!(
        figcaption_of(&out).as_deref(),
        Some("贵州茅台长期被中国官方作为国宴用酒 <small>Xinhua</small>")
    );
    assert!(
        !out.contains("Image caption") && !out.contains("图片版权"),
        "{out}"
    );
    assert!(out.ends_with("</figure>\n<h2>茅台</h2>\n"), "{out}");
}

#[test]
fn a_wrapper_with_one_image_and_much_text_is_not_a_figure() {
    let body = "正文很长。".repeat(30);
    let out = run(&format!(
        r#"<div class="post"><p>{body}</p><figure><img src="https://x.org/a.jpg"><figcaption>图</figcaption></figure><p>{body}</p></div>"#
    ));
    assert_eq!(out.matches("<p>").count(), 2, "{out}");
}

#[test]
fn a_small_print_line_under_an_image_is_its_caption() {
    let out = run(
        r#"<div><i><br>2020-06-30T10:23:17.422Z</i></div><img src="https://x.org/a.jpg" width="100%"><div><small style="color: #999;">法兰克福机场上的入境检查</small></div><p>正文</p>"#,
    );
    assert!(
        out.starts_with("<p><i>2020-06-30T10:23:17.422Z</i></p>\n<figure>"),
        "{out}"
    );
    assert_eq!(
        figcaption_of(&out).as_deref(),
        Some("法兰克福机场上的入境检查")
    );
    assert!(out.contains(r#"alt="法兰克福机场上的入境检查""#), "{out}");
}

#[test]
fn links_around_blocks_give_way_to_the_blocks() {
    assert_eq!(
        run(
            r#"<p><a href="https://x.org/big.jpg"><figure><img src="https://x.org/a.jpg"></figure></a>文字</p>"#
        ),
        "<figure><img src=\"https://x.org/a.jpg\" alt=\"\" loading=\"lazy\" decoding=\"async\" referrerpolicy=\"no-referrer\"></figure>\n<p>文字</p>\n"
    );
    assert_eq!(
        run(r#"<a href="https://x.org/"><h2>标题</h2></a>"#),
        "<h2>标题</h2>\n"
    );
}
