use super::*;
use crate::clean::serialize::to_html;
use crate::clean::structure::restructure;
use crate::clean::tree::{UrlContext, build};

fn nodes(html: &str) -> Vec<Node> {
    let base = url::Url::parse("https://www.rfa.org/mandarin/a/b.html").unwrap();
    restructure(build(
        &crate::clean::sanitize(html),
        &UrlContext::remote(Some(&base)),
    ))
}

fn related(html: &str) -> (Vec<(String, String)>, String) {
    let mut n = nodes(html);
    let links = take_related(&mut n)
        .into_iter()
        .map(|l| (l.href, l.text))
        .collect();
    (links, to_html(&n))
}

#[test]
fn rfa_result_title_lists_are_taken_out() {
    let (links, rest) = related(
        r#"<p>一</p><ul><li><span class="result-title"> <a class="state-published" href="https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html"><strong>“北约”敦促北京</strong></a> </span> <span class="discreet"> <span> <span class="searchresultdate"> </span></span></span></li><li><a href="https://www.rfa.org/x.html"><strong>核武扩张</strong></a></li></ul><p>二</p>"#,
    );
    assert_eq!(
        links,
        vec![
            (
                "https://www.rfa.org/mandarin/Xinwen/10-09272021144747.html".into(),
                "“北约”敦促北京".into()
            ),
            ("https://www.rfa.org/x.html".into(), "核武扩张".into()),
        ]
    );
    assert_eq!(rest, "<p>一</p>\n<p>二</p>\n");
}

#[test]
fn bold_external_link_items_and_role_listitems_count() {
    let (links, _) = related(
        r#"<ul><li><b><a class="external-link" href="https://a.org/1">甲</a></b></li></ul>"#,
    );
    assert_eq!(links.len(), 1);
    let (links, rest) = related(
        r#"<div role="list"><div role="listitem"><a href="https://a.org/1">甲</a></div><div role="listitem"><a href="https://a.org/2">乙</a> 2020-01-02</div></div><p>正文</p>"#,
    );
    assert_eq!(links.len(), 2, "{rest}");
    assert_eq!(rest, "<p>正文</p>\n");
}

#[test]
fn single_link_paragraphs_after_a_related_heading_are_taken_out() {
    let (links, rest) = related(
        r#"<p>正文</p><p><strong>相关报道：</strong></p><p><a href="https://a.org/1">甲文</a></p><p><a href="https://a.org/2">乙文</a></p><p>后记</p>"#,
    );
    assert_eq!(links.len(), 2);
    assert_eq!(rest, "<p>正文</p>\n<p>后记</p>\n");
    let (links, _) =
        related(r#"<h3>Related</h3><ul><li><a href="https://a.org/1">One</a></li></ul>"#);
    assert_eq!(links.len(), 1);
}

#[test]
fn lists_of_ordinary_items_stay_in_the_body() {
    let html = r#"<ul><li>第一点，参见<a href="https://a.org/1">报告</a>的详细分析和说明</li><li>第二点</li></ul>"#;
    let (links, rest) = related(html);
    assert!(links.is_empty());
    assert!(rest.starts_with("<ul>"));
    let (links, _) = related(r#"<p>相关报道</p><p>不是链接的段落</p>"#);
    assert!(links.is_empty());
}
