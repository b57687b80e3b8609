//! Clean stage: in-text glosses such as `斯托尔滕贝格（Jens Stoltenberg）`,
//! `北大西洋公约组织（NATO）` or `NATO（北约）`.
//!
//! Two uses: the English inside a Chinese text gets `lang="en"` (so screen
//! readers and fonts treat it as English), and every gloss becomes a term
//! pair for the archive's bilingual glossary.

use std::sync::{LazyLock, RwLock};

use regex::Regex;
use rustc_hash::FxHashMap;

use super::tree::{Element, Node};

/// One gloss: a Chinese form and its English form, in one allocation (the
/// Chinese, then the English): every article's glosses stay in memory for
/// the whole build, and as two `String`s they took 1.4 KB an article.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Gloss {
    text: Box<str>,
    /// Where the English starts in `text`.
    split: u32,
}

impl Gloss {
    pub fn new(zh: &str, en: &str) -> Gloss {
        Gloss {
            text: [zh, en].concat().into_boxed_str(),
            split: zh.len() as u32,
        }
    }

    /// The Chinese form (empty if a damaged cache entry split it wrongly).
    pub fn zh(&self) -> &str {
        self.text.get(..self.split as usize).unwrap_or("")
    }

    /// The English form.
    pub fn en(&self) -> &str {
        self.text.get(self.split as usize..).unwrap_or("")
    }
}

impl Ord for Gloss {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.zh(), self.en()).cmp(&(other.zh(), other.en()))
    }
}

impl PartialOrd for Gloss {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `（English）` or `(English)` right after Chinese text.
static LATIN_IN_PARENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*([A-Za-zÀ-ɏ][A-Za-zÀ-ɏ0-9 .'’&\-·]{0,78}[A-Za-zÀ-ɏ0-9.])\s*[）)]")
        .unwrap_or_else(|e| panic!("gloss pattern: {e}"))
});

/// `English（中文）`: Latin words, then Chinese in brackets.
static CHINESE_IN_PARENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:[A-Z][A-Za-z0-9.'’&\-]*\s?){1,5})\s?[（(]\s*([\p{Han}·‧•・]{2,12})\s*[）)]")
        .unwrap_or_else(|e| panic!("gloss pattern: {e}"))
});

/// Words (titles, verbs, particles) that end the text before a name: the
/// term starts after the last of them (`北约秘书长` + `斯托尔滕贝格`).
const BOUNDARIES: &[&str] = &[
    "首席执行官",
    "外交部长",
    "副总统",
    "副主席",
    "秘书长",
    "国务卿",
    "发言人",
    "参议员",
    "众议员",
    "董事长",
    "主持人",
    "研究员",
    "分析师",
    "经济学家",
    "总干事",
    "领导人",
    "总书记",
    "委员长",
    "创始人",
    "创办人",
    "负责人",
    "执行长",
    "总统",
    "主席",
    "部长",
    "外长",
    "总理",
    "首相",
    "大使",
    "议员",
    "教授",
    "记者",
    "主任",
    "局长",
    "先生",
    "女士",
    "博士",
    "将军",
    "司令",
    "法官",
    "律师",
    "总裁",
    "学者",
    "作家",
    "专家",
    "特使",
    "代表",
    "院长",
    "校长",
    "市长",
    "州长",
    "省长",
    "主编",
    "导演",
    "演员",
    "歌手",
    "球员",
    "教练",
    "表示",
    "指出",
    "认为",
    "会见",
    "会晤",
    "访问",
    "批评",
    "呼吁",
    "宣布",
    "强调",
    "警告",
    "透露",
    "介绍",
    "解释",
    "回应",
    "称赞",
    "报道",
    "告诉",
    "质疑",
    "推动",
    "讨论",
    "关注",
    "支持",
    "反对",
    "加强",
    "签署",
    "幕僚长",
    "总领事",
    "研究者",
    "领袖",
    "顾问",
    "大臣",
    "领事",
    "首席",
    "专员",
    "主管",
    "官员",
    "团体",
    "基金",
    "平台",
    "公司",
    "集团",
    "先锋",
    "长子",
    "儿子",
    "女儿",
    "妻子",
    "丈夫",
    "父亲",
    "母亲",
    "夫人",
    "禁止",
    "侵犯",
    "剔除",
    "进入",
    "加入",
    "退出",
    "成立",
    "包括",
    "例如",
    "比如",
    "当地",
    "据悉",
    "位于",
    "前往",
    "来自",
    "人士",
    "活动家",
    "派",
    "名为",
    "称为",
    "署名",
    "担任",
    "目前",
    "取消",
    "指挥官",
    "警察",
    "警员",
    "制造商",
    "厂商",
    "为",
    "据",
    "的",
    "了",
    "在",
    "对",
    "是",
    "将",
    "向",
    "从",
    "被",
    "把",
    "说",
    "称",
    "让",
    "但",
    "而",
    "也",
    "都",
    "还",
    "就",
    "已",
    "曾",
    "于",
    "这",
    "该",
    "与",
    "跟",
    "给",
    "即",
    "或",
    "等",
];

static BOUNDARY_FINDER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::new(BOUNDARIES).unwrap_or_else(|e| panic!("boundary words: {e}"))
});

static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

/// Loads zhconv's tables now (on another thread, while the content is
/// read), so that the first article to need them does not hold up the
/// others; and the segmenter's dictionary too when `jieba` (no build kept
/// its cuts: every term that needs it will).
pub fn warm_up(jieba: bool) {
    zhconv::zhconv("汉", zhconv::Variant::ZhHant);
    zhconv::zhconv("漢", zhconv::Variant::ZhHans);
    if jieba {
        LazyLock::force(&JIEBA);
    }
}

/// Where jieba cut each term it was asked about ([`after_last_function_word`]),
/// by byte offset: a pure function of the term, remembered across builds in
/// the build cache, so that an edit to one article seldom loads jieba's
/// dictionary (0.09 s of CPU).
#[derive(Default)]
struct Trims {
    cuts: FxHashMap<String, u32>,
    /// Whether the cuts are as a build kept them (nothing added since).
    kept: bool,
}

static TRIMS: LazyLock<RwLock<Trims>> = LazyLock::new(Default::default);

/// Adds the cuts a build kept.
pub fn remember_trims(cuts: FxHashMap<String, u32>) {
    if let Ok(mut trims) = TRIMS.write() {
        for (term, cut) in cuts {
            trims.cuts.entry(term).or_insert(cut);
        }
        trims.kept = true;
    }
}

/// Every cut known, unless they are as a build kept them: even none are
/// worth keeping, for the next build then knows that no term needed jieba.
pub fn trims_to_keep() -> Option<FxHashMap<String, u32>> {
    let mut trims = TRIMS.write().ok()?;
    if trims.kept {
        return None;
    }
    trims.kept = true;
    Some(trims.cuts.clone())
}

/// The part of `term` after its last word that cannot begin a name.
fn after_last_function_word(term: &str) -> &str {
    let known = TRIMS.read().ok().and_then(|t| t.cuts.get(term).copied());
    if let Some(cut) = known
        && let Some(rest) = term.get(cut as usize..)
    {
        return rest;
    }
    let rest = jieba_trim(term);
    if let Ok(mut trims) = TRIMS.write() {
        trims
            .cuts
            .insert(term.to_owned(), (term.len() - rest.len()) as u32);
        trims.kept = false;
    }
    rest
}

/// The part of `term` after its last word that cannot begin a name, by
/// jieba's word classes.
fn jieba_trim(term: &str) -> &str {
    let tags = JIEBA.tag(term, true);
    let mut offset = 0;
    let mut cut = 0;
    for t in &tags {
        offset += t.word.len();
        let function = matches!(
            t.tag.chars().next(),
            Some('v' | 'd' | 'p' | 'c' | 'u' | 'r' | 'm' | 'q' | 't' | 'f' | 'y')
        ) && t.tag != "vn";
        if function {
            cut = offset;
        }
    }
    let rest = &term[cut..];
    if rest.chars().count() >= 2 {
        rest
    } else {
        term
    }
}

/// `Stoltenberg` has three groups of vowels (o, e, e).
fn vowel_groups(word: &str) -> usize {
    let mut groups = 0;
    let mut in_vowel = false;
    for c in word.to_lowercase().chars() {
        let vowel = "aeiouyàáâäèéêëìíîïòóôöùúûü".contains(c);
        if vowel && !in_vowel {
            groups += 1;
        }
        in_vowel = vowel;
    }
    groups
}

/// The tail of `run` (two to six characters) whose toneless pinyin spells
/// `english`, as Chinese names are glossed (`Wang Yi`, `Minghua Wang`).
fn pinyin_tail<'a>(run: &'a str, english: &str) -> Option<&'a str> {
    use pinyin::ToPinyin;
    let words: Vec<String> = english
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    if words.is_empty()
        || words
            .iter()
            .any(|w| !w.chars().all(|c| c.is_ascii_alphabetic() || c == '-'))
    {
        return None;
    }
    let target: String = words.concat().replace('-', "");
    // Western order (given name first) as well as Chinese order.
    let mut rotated = words.clone();
    rotated.rotate_right(1);
    let target_rot: String = rotated.concat().replace('-', "");
    let starts: Vec<usize> = run.char_indices().map(|(i, _)| i).collect();
    for &start in starts.iter().rev().skip(1).take(5) {
        let tail = &run[start..];
        let spelled: String = tail
            .to_pinyin()
            .map(|p| p.map(|p| p.plain()).unwrap_or("?"))
            .collect();
        if spelled == target || spelled == target_rot {
            return Some(tail);
        }
    }
    None
}

/// Words that name a kind of body, not a body: never a term on their own.
const GENERIC_NOUNS: &[&str] = &[
    "协会",
    "公司",
    "组织",
    "委员会",
    "大学",
    "学会",
    "集团",
    "基金会",
    "联合会",
    "中心",
    "学院",
    "政府",
    "部门",
    "机构",
    "银行",
    "法院",
    "议会",
    "学校",
    "医院",
    "电视台",
    "频道",
    "平台",
    "团体",
];

/// Characters Chinese uses to transliterate foreign names (after the Xinhua
/// name-translation conventions): the tail of a run made of these is the name.
const TRANSLITERATION: &str = "阿埃艾爱安昂敖奥澳巴芭拜班邦保堡鲍贝本比彼庇毕边别宾滨波玻伯勃博布步查察采策岑曾柴昌成楚茨慈次聪达代戴黛丹道德登邓狄迪笛蒂底帝丁东董都杜敦顿多朵俄厄鄂恩尔法凡范方菲斐费芬丰枫冯佛弗伏福富盖甘冈高戈哥格葛根耿贡古谷瓜圭贵桂果哈海汉翰杭豪好赫黑亨恒洪侯胡华怀环惠霍基吉济加佳嘉贾简杰捷金津晋久居菊卡开凯坎康考柯科可克肯库夸奎昆拉腊莱赖兰蓝朗劳勒雷蕾累黎里理力历立利丽莉连廉列林琳灵凌柳龙隆楼卢鲁陆路露伦罗洛珞吕律马玛迈麦曼芒毛茂梅美门蒙孟米密棉缅明莫墨默姆牟穆纳娜奈南瑙内尼妮涅宁纽努诺欧帕潘庞培佩彭蓬皮珀坡普浦齐奇琪契恰钱乔桥切钦琴青琼丘秋曲屈让热仁日荣茹儒瑞若萨塞赛桑瑟森沙莎山珊尚绍舍申圣施什诗石史士舒斯思松苏素索塔泰坦汤唐陶特滕提田通图托瓦娃万汪旺威韦维温文沃乌吾伍武西希锡席夏仙香肖萧谢辛欣休秀许薛雅亚延扬杨耶叶伊依因英尤于宇约泽扎詹哲朱卓兹佐贺丝芙菈娅薇茜仑厘霞洁农侬奴拿那娄兰佳嘉沁琦鸠谭飞赫";

/// The number of words when `en` looks like a personal or place name (one
/// to four capitalized words, letters only, not an acronym).
fn name_words(en: &str) -> Option<usize> {
    let words: Vec<&str> = en
        .split_whitespace()
        .filter(|w| !NAME_PARTICLES.contains(&w.to_lowercase().as_str()))
        .collect();
    let ok = (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                && w.chars().all(|c| c.is_alphabetic() || "-'’.".contains(c))
                && w.chars().any(|c| c.is_lowercase())
                && !ORG_WORDS.contains(&w.to_lowercase().trim_end_matches('.'))
        });
    ok.then_some(words.len())
}

/// Words of organisation and other common names, which are translated, not
/// transliterated.
const ORG_WORDS: &[&str] = &[
    "public",
    "affairs",
    "institute",
    "company",
    "corp",
    "corporation",
    "inc",
    "ltd",
    "limited",
    "university",
    "college",
    "school",
    "bureau",
    "commission",
    "committee",
    "association",
    "foundation",
    "center",
    "centre",
    "council",
    "news",
    "agency",
    "party",
    "group",
    "times",
    "post",
    "journal",
    "daily",
    "press",
    "bank",
    "fund",
    "society",
    "office",
    "department",
    "ministry",
    "court",
    "house",
    "union",
    "league",
    "network",
    "service",
    "services",
    "board",
    "studio",
    "studios",
    "theatre",
    "theater",
    "museum",
    "library",
    "hospital",
    "church",
    "army",
    "force",
    "police",
    "act",
    "law",
    "treaty",
    "program",
    "project",
    "initiative",
    "report",
    "movement",
    "alliance",
    "organization",
    "organisation",
    "international",
    "national",
    "federal",
    "state",
    "city",
    "county",
    "street",
    "square",
    "river",
    "island",
    "lake",
    "mountain",
    "hurricane",
    "typhoon",
    "operation",
    "flu",
    "award",
    "prize",
    "capital",
    "holdings",
    "media",
    "radio",
    "television",
    "tv",
    "magazine",
    "review",
    "square",
    "park",
    "station",
    "airport",
];

/// Small words that may stay lower case inside a name or title.
const NAME_PARTICLES: &[&str] = &[
    "of", "and", "the", "for", "in", "on", "at", "de", "del", "van", "von", "der", "den", "la",
    "le", "du", "da", "di", "bin", "al", "el", "y", "&",
];

/// Latin text that is not a name or term.
fn is_noise_english(en: &str) -> bool {
    let words: Vec<&str> = en.split_whitespace().collect();
    let letters = en.chars().filter(|c| c.is_alphabetic()).count();
    const UNITS: &[&str] = &[
        "km", "kg", "cm", "mm", "m", "g", "mg", "ml", "usd", "rmb", "hkd", "am", "pm", "gmt",
        "utc", "ibid", "etc", "sic",
    ];
    const MONTHS: &[&str] = &[
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    letters < 2
        || words.len() > 6
        || en.len() > 60
        || UNITS.contains(&en.to_ascii_lowercase().as_str())
        || words.iter().any(|w| MONTHS.contains(&w.trim_matches('.').to_ascii_lowercase().as_str()))
            && en.chars().any(|c| c.is_ascii_digit())
        || en.chars().filter(|c| c.is_ascii_digit()).count() * 2 > en.chars().count()
        || !en.chars().next().is_some_and(|c| c.is_uppercase())
        // a sentence, not a name: a lower-case word that is not a particle
        || words.iter().skip(1).any(|w| {
            w.chars().next().is_some_and(|c| c.is_lowercase()) && !NAME_PARTICLES.contains(&w.to_lowercase().as_str())
        })
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_name_dot(c: char) -> bool {
    matches!(c, '·' | '‧' | '•' | '・')
}

/// The Chinese term right before byte `end` of `text`: the run of Han
/// characters (and name dots) there, cut after the last boundary word.
fn term_before(text: &str, end: usize, english: &str) -> Option<String> {
    let before = &text[..end];
    let run: String = before
        .chars()
        .rev()
        .take_while(|&c| is_han(c) || is_name_dot(c))
        .take(24)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    // Cut after the last boundary word that leaves a term of two or more
    // characters (`通用汽车公司` keeps its `公司`, `软体公司甲骨文` loses it).
    let mut cuts: Vec<usize> = BOUNDARY_FINDER
        .find_overlapping_iter(run.as_str())
        .map(|m| m.end())
        .collect();
    cuts.sort_unstable();
    // A cut that leaves only a generic word (`外国记者` + `协会`) is not one.
    let term = cuts
        .iter()
        .rev()
        .map(|&i| &run[i..])
        .find(|rest| {
            let rest = rest.trim_start_matches(is_name_dot);
            rest.chars().count() >= 2 && !GENERIC_NOUNS.contains(&rest)
        })
        .unwrap_or(run.as_str());
    let mut term = term.trim_start_matches(is_name_dot);
    // An organisation or term (`NSC`, `Mercury Public Affairs`): drop
    // leading words jieba tags as verbs, adverbs, pronouns, conjunctions and
    // the like (`他们聘请` + `水星公关公司`). Names are left to the rules below:
    // jieba does not know transliterations.
    if name_words(english).is_none() {
        term = after_last_function_word(term);
    }
    // A Chinese name glossed in pinyin (`王毅（Wang Yi）`): exactly the tail
    // whose pinyin is the English.
    if let Some(name) = pinyin_tail(term, english) {
        return Some(name.to_owned());
    }
    // A transliterated name: keep the tail written in transliteration
    // characters (`战略师班农` → `班农`); failing that, about three characters
    // a word (plus name dots).
    if let Some(words) = name_words(english) {
        let tail: usize = term
            .chars()
            .rev()
            .take_while(|&c| is_name_dot(c) || TRANSLITERATION.contains(c))
            .map(char::len_utf8)
            .sum();
        if term[term.len() - tail..]
            .trim_start_matches(is_name_dot)
            .chars()
            .count()
            >= 2
        {
            term = term[term.len() - tail..].trim_start_matches(is_name_dot);
        }
        // Transliterations spend about two characters per vowel group.
        let cap: usize = english
            .split_whitespace()
            .filter(|w| !NAME_PARTICLES.contains(&w.to_lowercase().as_str()))
            .map(|w| 2 * vowel_groups(w).max(1))
            .sum::<usize>()
            + words;
        let n = term.chars().count();
        if n > cap {
            let cut = term
                .char_indices()
                .nth(n - cap)
                .map(|(i, _)| i)
                .unwrap_or(0);
            term = term[cut..].trim_start_matches(is_name_dot);
        }
    }
    let n = term.chars().count();
    ((2..=14).contains(&n) && term.chars().filter(|&c| is_han(c)).count() >= 2)
        .then(|| term.to_owned())
}

/// The glosses of one block of text.
pub fn glosses_in(text: &str) -> Vec<Gloss> {
    let mut out = Vec::new();
    // Most lines have no parenthesis; the patterns backtrack, so skip them.
    if !text.contains(['(', '（']) {
        return out;
    }
    for caps in LATIN_IN_PARENS.captures_iter(text) {
        let Some(en) = caps.get(1) else { continue };
        let whole = caps.get(0).map(|m| m.start()).unwrap_or(0);
        let en = en.as_str().trim().to_owned();
        if is_noise_english(&en) {
            continue;
        }
        if let Some(zh) = term_before(text, whole, &en) {
            out.push(Gloss::new(&zh, &en));
        }
    }
    for caps in CHINESE_IN_PARENS.captures_iter(text) {
        let (Some(en), Some(zh)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let en = en.as_str().trim().to_owned();
        if is_noise_english(&en) {
            continue;
        }
        out.push(Gloss::new(zh.as_str(), &en));
    }
    out
}

/// Wraps the English of `（English）` glosses in Chinese text nodes in
/// `<span lang="en">`, everywhere outside `pre`.
pub fn mark_english(nodes: &mut Vec<Node>) {
    let old = std::mem::take(nodes);
    for node in old {
        match node {
            Node::Text(t) if LATIN_IN_PARENS.is_match(&t) => nodes.extend(split_text(&t)),
            Node::Element(mut e) if e.tag != "pre" && e.tag != "code" => {
                mark_english(&mut e.children);
                nodes.push(Node::Element(e));
            }
            other => nodes.push(other),
        }
    }
}

fn split_text(t: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut last = 0;
    for caps in LATIN_IN_PARENS.captures_iter(t) {
        let Some(en) = caps.get(1) else { continue };
        if is_noise_english(en.as_str().trim()) {
            continue;
        }
        if en.start() > last {
            out.push(Node::Text(t[last..en.start()].to_owned()));
        }
        let mut span = Element::new("span");
        span.attrs.push(("lang", "en".to_owned()));
        span.children.push(Node::Text(en.as_str().to_owned()));
        out.push(Node::Element(span));
        last = en.end();
    }
    if last < t.len() {
        out.push(Node::Text(t[last..].to_owned()));
    }
    out
}

#[cfg(test)]
#[path = "glosses_tests.rs"]
mod tests;
