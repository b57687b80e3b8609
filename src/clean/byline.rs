//! Clean stage: who wrote and edited an article, read from its byline.
//!
//! Built-in patterns cover RFA (`自由亚洲电台记者X巴黎报道 责编：Y 网编：Z`,
//! `记者：X 责编：Y`), Epoch Times (`责任编辑：X`, `（记者X报导/责任编辑：Y）`),
//! Reuters (`发稿 X; 审校 Y`), NTDTV (`采访／X 编辑／Y`) and English
//! (`Reported by X for RFA Mandarin. Translated by Y. Written in English by Z.`).
//! A site adds its own with `[[bylines]]` in site.toml.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What a person did for an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Author,
    Reporter,
    Writer,
    Translator,
    Editor,
    WebEditor,
    Reviewer,
}

impl Role {
    /// The interface label key of the role (`role_reporter`, ...).
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Author => "role_author",
            Role::Reporter => "role_reporter",
            Role::Writer => "role_writer",
            Role::Translator => "role_translator",
            Role::Editor => "role_editor",
            Role::WebEditor => "role_web_editor",
            Role::Reviewer => "role_reviewer",
        }
    }

    pub const ALL: [Role; 7] = [
        Role::Author,
        Role::Reporter,
        Role::Writer,
        Role::Translator,
        Role::Editor,
        Role::WebEditor,
        Role::Reviewer,
    ];
}

/// One person credited in a byline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Credit {
    pub role: Role,
    pub name: String,
}

/// A parsed byline.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Byline {
    /// The byline as written.
    pub text: String,
    /// Where the report was filed from, when the byline says.
    pub place: Option<String>,
    pub credits: Vec<Credit>,
}

/// A byline pattern: a regex with a `name` (or `names`) group, and a role.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub regex: Regex,
    pub role: Role,
}

/// Stops a name list: the next role keyword, a bracket or the end.
const STOP: &str = r"(?:\s*(?:责编|責編|网编|網編|责任编辑|責任編輯|编辑|編輯|审校|審校|发稿|發稿|报道|報道|报导|報導|综合|綜合|采访|採訪|后制|後製|[）)/／#;；。]|$))";

static BUILT_IN: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |re: &str, role| Pattern {
        regex: Regex::new(&re.replace("{STOP}", STOP))
            .unwrap_or_else(|e| panic!("byline pattern {re}: {e}")),
        role,
    };
    vec![
        p(
            r"(?:特约|特約)?(?:记者|記者)[：:]?\s*(?P<names>[^\s：:（(/／、，,]+?(?:[、，,]\s*[^\s、，,（(/／]+?)*?)(?:\s+(?P<place>[^\s（(/／]{2,6}?))?{STOP}",
            Role::Reporter,
        ),
        p(
            r"采访[／/：:]\s*(?P<names>[^\s／/]+?){STOP}",
            Role::Reporter,
        ),
        p(
            r"(?:责任编辑|責任編輯)[：:]\s*(?P<names>[^\s#）)]+)",
            Role::Editor,
        ),
        p(
            r"(?:^|[\s/／])(?:采访)?编辑[／/：:]\s*(?P<names>[^\s／/#）)]+)",
            Role::Editor,
        ),
        p(
            r"(?:责编|責編)[：:]?\s*(?P<names>[^\s：:]+(?:[、\s]+[^\s、：:网網]+)*?){STOP}",
            Role::Editor,
        ),
        p(
            r"(?:网编|網編)[：:]?\s*(?P<names>[^\s：:]+(?:[、\s]+[^\s、：:]+)*?){STOP}",
            Role::WebEditor,
        ),
        p(
            r"(?:发稿|發稿)[：:]?\s*(?P<names>[^;；\s）)]+)",
            Role::Editor,
        ),
        p(
            r"(?:审校|審校)[：:]?\s*(?P<names>[^;；\s）)]+)",
            Role::Reviewer,
        ),
        p(
            r"Reported by (?P<names>[A-Z][\w.' -]+?(?:(?:,| and) [A-Z][\w.' -]+?)*)(?: for [^.]+)?\.",
            Role::Reporter,
        ),
        p(
            r"[Tt]ranslated (?:and written in English )?by (?P<names>[A-Z][\w.' -]+?(?:(?:,| and) [A-Z][\w.' -]+?)*)\.",
            Role::Translator,
        ),
        p(
            r"[Ww]ritten (?:in English )?by (?P<names>[A-Z][\w.' -]+?(?:(?:,| and) [A-Z][\w.' -]+?)*)\.",
            Role::Writer,
        ),
        p(
            r"Edited by (?P<names>[A-Z][\w.' -]+?(?:(?:,| and) [A-Z][\w.' -]+?)*)\.",
            Role::Editor,
        ),
    ]
});

/// Places RFA and others file from, to split `蔡凌巴黎` into name and place.
const PLACES: &[&str] = &[
    "华盛顿",
    "華盛頓",
    "巴黎",
    "香港",
    "台北",
    "臺北",
    "北京",
    "上海",
    "伦敦",
    "倫敦",
    "东京",
    "東京",
    "纽约",
    "紐約",
    "首尔",
    "首爾",
    "曼谷",
    "多伦多",
    "多倫多",
    "悉尼",
    "柏林",
    "莫斯科",
    "旧金山",
    "舊金山",
    "洛杉矶",
    "洛杉磯",
    "温哥华",
    "溫哥華",
    "日内瓦",
    "日內瓦",
    "布鲁塞尔",
    "新德里",
    "达兰萨拉",
    "河内",
    "金边",
    "仰光",
    "乌鲁木齐",
    "拉萨",
    "广州",
    "深圳",
    "武汉",
    "成都",
    "南京",
    "杭州",
    "澳门",
    "澳門",
    "新加坡",
    "吉隆坡",
    "马尼拉",
    "雅加达",
    "墨尔本",
    "芝加哥",
    "休斯顿",
    "西雅图",
    "波士顿",
    "费城",
    "渥太华",
    "堪培拉",
    "奥克兰",
    "维也纳",
    "罗马",
    "马德里",
    "布拉格",
    "斯德哥尔摩",
    "哥本哈根",
    "奥斯陆",
    "赫尔辛基",
    "华沙",
    "基辅",
    "伊斯坦布尔",
    "迪拜",
    "开罗",
];

/// Reads the credits of a byline with the built-in and the site's patterns.
pub fn parse(text: &str, extra: &[Pattern]) -> Byline {
    let mut credits: Vec<Credit> = Vec::new();
    let mut place = None;
    for pattern in BUILT_IN.iter().chain(extra) {
        for caps in pattern.regex.captures_iter(text) {
            let Some(m) = caps.name("names").or_else(|| caps.name("name")) else {
                continue;
            };
            if let Some(p) = caps.name("place") {
                place.get_or_insert(p.as_str().to_owned());
            }
            for raw in split_names(m.as_str()) {
                if pattern.role == Role::Reporter && PLACES.contains(&raw.as_str()) {
                    place.get_or_insert(raw);
                    continue;
                }
                let (name, where_) = if pattern.role == Role::Reporter {
                    split_place(&raw)
                } else {
                    (raw, None)
                };
                if place.is_none() {
                    place = where_;
                }
                push_credit(&mut credits, pattern.role, name);
            }
        }
    }
    Byline {
        text: text.to_owned(),
        place,
        credits,
    }
}

fn push_credit(credits: &mut Vec<Credit>, role: Role, name: String) {
    let name = name
        .trim_matches(|c: char| c.is_whitespace() || "#：:，,、。.()（）".contains(c))
        .to_owned();
    let count = name.chars().count();
    let han_only = name.chars().all(|c| !c.is_ascii());
    let implausible = count == 0
        || count > 40
        || (han_only && count > 6)
        || name.chars().any(|c| c.is_ascii_digit() || c == '@')
        || ["邮箱", "信箱", "邮件", "電郵"]
            .iter()
            .any(|w| name.contains(w));
    if implausible {
        return;
    }
    if !credits.iter().any(|c| c.role == role && c.name == name) {
        credits.push(Credit { role, name });
    }
}

/// Splits `胡力汉、何平`, `胡力汉 嘉远`, `A, B and C` into names.
fn split_names(s: &str) -> Vec<String> {
    let s = s.trim();
    let latin = s.chars().any(|c| c.is_ascii_alphabetic());
    let parts: Vec<&str> = if latin {
        s.split([',', '、'])
            .flat_map(|p| p.split(" and "))
            .collect()
    } else {
        s.split(|c: char| c == '、' || c == '，' || c == ',' || c.is_whitespace())
            .collect()
    };
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `蔡凌巴黎` → (`蔡凌`, `巴黎`); `李芸综合` is already cut by the pattern.
fn split_place(raw: &str) -> (String, Option<String>) {
    for place in PLACES {
        if let Some(name) = raw.strip_suffix(place)
            && name.chars().count() >= 2
        {
            return (name.to_owned(), Some((*place).to_owned()));
        }
    }
    (raw.to_owned(), None)
}

#[cfg(test)]
#[path = "byline_tests.rs"]
mod tests;
