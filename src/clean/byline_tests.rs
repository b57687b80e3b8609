use super::*;

fn credits(text: &str) -> Vec<(Role, String)> {
    parse(text, &[])
        .credits
        .into_iter()
        .map(|c| (c.role, c.name))
        .collect()
}

fn c(role: Role, name: &str) -> (Role, String) {
    (role, name.to_owned())
}

#[test]
fn rfa_reporter_place_and_editors() {
    let b = parse("自由亚洲电台记者蔡凌巴黎报道 责编：嘉远 网编：洪伟", &[]);
    assert_eq!(b.place.as_deref(), Some("巴黎"));
    assert_eq!(
        b.credits
            .into_iter()
            .map(|c| (c.role, c.name))
            .collect::<Vec<_>>(),
        vec![
            c(Role::Reporter, "蔡凌"),
            c(Role::Editor, "嘉远"),
            c(Role::WebEditor, "洪伟")
        ]
    );
    let b = parse(
        "自由亚洲电台记者黄春梅 台北报道 责编 胡力汉 申铧 网编 瑞哲",
        &[],
    );
    assert_eq!(b.place.as_deref(), Some("台北"));
    assert_eq!(
        b.credits
            .into_iter()
            .map(|c| (c.role, c.name))
            .collect::<Vec<_>>(),
        vec![
            c(Role::Reporter, "黄春梅"),
            c(Role::Editor, "胡力汉"),
            c(Role::Editor, "申铧"),
            c(Role::WebEditor, "瑞哲")
        ]
    );
}

#[test]
fn rfa_colon_form_with_several_editors() {
    assert_eq!(
        credits("记者：高锋 责编：胡力汉、何平 网编：瑞哲"),
        vec![
            c(Role::Reporter, "高锋"),
            c(Role::Editor, "胡力汉"),
            c(Role::Editor, "何平"),
            c(Role::WebEditor, "瑞哲")
        ]
    );
    assert_eq!(
        credits("自由亚洲电台记者柳飞 责编：嘉远 网编：洪伟"),
        vec![
            c(Role::Reporter, "柳飞"),
            c(Role::Editor, "嘉远"),
            c(Role::WebEditor, "洪伟")
        ]
    );
}

#[test]
fn epoch_times_editor_and_bracketed_reporter() {
    assert_eq!(credits("责任编辑：高义"), vec![c(Role::Editor, "高义")]);
    assert_eq!(credits("责任编辑：林妍#"), vec![c(Role::Editor, "林妍")]);
    assert_eq!(
        credits("（记者李芸综合报导/责任编辑：李泉）"),
        vec![c(Role::Reporter, "李芸"), c(Role::Editor, "李泉")]
    );
    assert_eq!(
        credits("（转自大纪元/责任编辑：张莉）"),
        vec![c(Role::Editor, "张莉")]
    );
}

#[test]
fn reuters_filing_and_review() {
    assert_eq!(
        credits("（完） (发稿 李婧; 审校 张涛)"),
        vec![c(Role::Editor, "李婧"), c(Role::Reviewer, "张涛")]
    );
}

#[test]
fn ntdtv_interview_and_editor() {
    assert_eq!(
        credits("（采访／陈汉 编辑／李明）"),
        vec![c(Role::Reporter, "陈汉"), c(Role::Editor, "李明")]
    );
}

#[test]
fn english_rfa_credits() {
    assert_eq!(
        credits(
            "Reported by Qiao Long for RFA Mandarin. Translated by Luisetta Mudie. Written in English by Luisetta Mudie."
        ),
        vec![
            c(Role::Reporter, "Qiao Long"),
            c(Role::Translator, "Luisetta Mudie"),
            c(Role::Writer, "Luisetta Mudie")
        ]
    );
    assert_eq!(
        credits(
            "Reported by Gao Feng and Lu Xi for RFA Mandarin. Translated and written in English by Luisetta Mudie."
        ),
        vec![
            c(Role::Reporter, "Gao Feng"),
            c(Role::Reporter, "Lu Xi"),
            c(Role::Translator, "Luisetta Mudie"),
            c(Role::Writer, "Luisetta Mudie")
        ]
    );
}

#[test]
fn notes_without_names_give_no_credits() {
    assert!(credits("（注：本文仅代表作者个人观点。责编邮箱bo.liu@ftchinese.com）").is_empty());
}

#[test]
fn site_patterns_add_roles() {
    let extra = [Pattern {
        regex: Regex::new(r"主笔：(?P<name>\S+)").unwrap(),
        role: Role::Writer,
    }];
    let b = parse("主笔：王五", &extra);
    assert_eq!(
        b.credits,
        vec![Credit {
            role: Role::Writer,
            name: "王五".into()
        }]
    );
}
