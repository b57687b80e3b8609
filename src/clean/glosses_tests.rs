use super::*;

fn pairs(text: &str) -> Vec<(String, String)> {
    glosses_in(text)
        .into_iter()
        .map(|g| (g.zh().to_owned(), g.en().to_owned()))
        .collect()
}

fn p(zh: &str, en: &str) -> (String, String) {
    (zh.to_owned(), en.to_owned())
}

#[test]
fn the_seed_glosses_are_found() {
    let text = "北大西洋公约组织（NATO）秘书长斯托尔滕贝格（Jens Stoltenberg）9月27日与中国外交部长王毅举行了在线会晤。";
    assert_eq!(
        pairs(text),
        vec![
            p("北大西洋公约组织", "NATO"),
            p("斯托尔滕贝格", "Jens Stoltenberg")
        ]
    );
}

#[test]
fn titles_verbs_and_particles_are_not_part_of_the_term() {
    assert_eq!(
        pairs("美国国务卿布林肯（Antony Blinken）表示"),
        vec![p("布林肯", "Antony Blinken")]
    );
    assert_eq!(
        pairs("据路透社（Reuters）报道"),
        vec![p("路透社", "Reuters")]
    );
    assert_eq!(
        pairs("分析人士认为，古特雷斯(António Guterres)批评"),
        vec![p("古特雷斯", "António Guterres")]
    );
    assert_eq!(
        pairs("参议员乔什·霍利（Josh Hawley）资料照"),
        vec![p("乔什·霍利", "Josh Hawley")]
    );
}

#[test]
fn prefixes_of_real_glosses_are_cut() {
    for (text, zh) in [
        ("美国白宫幕僚长梅多斯（Mark Meadows）说", "梅多斯"),
        (
            "参议院多数党领袖麦康奈尔（Mitch McConnell）表示",
            "麦康奈尔",
        ),
        ("美国大型软体公司甲骨文（Oracle）", "甲骨文"),
        ("通用汽车公司（General Motors）宣布", "通用汽车公司"),
        ("英国外交大臣拉布（Dominic Raab）", "拉布"),
        ("首席顾问余茂春（Miles Yu）", "余茂春"),
        ("性学研究者贺西菲尔德（Magnus Hirschfeld）", "贺西菲尔德"),
        ("美国电动车大厂特斯拉（Tesla）", "特斯拉"),
        ("白宫前首席战略师班农（Steve Bannon）", "班农"),
        ("州政府下令弗瑞斯诺（Fresno）", "弗瑞斯诺"),
        ("律师朱可亮（Clay Zhu）", "朱可亮"),
        ("中国外交部长王毅（Wang Yi）", "王毅"),
        ("维权人士王明华（Minghua Wang）", "王明华"),
        ("香港民主派黄之锋（Joshua Wong）", "黄之锋"),
        ("北美自由贸易协定（NAFTA）", "北美自由贸易协定"),
        ("驻华外国记者协会（FCCC）", "外国记者协会"),
        ("白宫21日召开国家安全委员会（NSC）会议", "国家安全委员会"),
        (
            "他们聘请水星公关公司（Mercury Public Affairs）",
            "水星公关公司",
        ),
        ("他在哈佛大学和麻省理工学院（MIT）", "麻省理工学院"),
        (
            "德国总理塞巴斯蒂安•库尔茨（Sebastian Kurz）",
            "塞巴斯蒂安•库尔茨",
        ),
        ("世卫总干事谭德塞（Tedros Adhanom Ghebreyesus）", "谭德塞"),
        ("埃及（Egypt）和以色列（Israel）", "埃及"),
        (
            "前白宫发言人安东尼‧斯卡拉穆奇（Anthony Scaramucci）",
            "安东尼‧斯卡拉穆奇",
        ),
    ] {
        assert_eq!(
            pairs(text).first().map(|p| p.0.as_str()),
            Some(zh),
            "{text}"
        );
    }
    assert!(pairs("间谍通道（Huawei is really a spy way）").is_empty());
    assert_eq!(pairs("无国界医生组织（Doctors Without Borders）").len(), 1);
    assert_eq!(
        pairs("喀布尔美国大学（American University in Kabul）").len(),
        1
    );
}

#[test]
fn english_then_chinese_glosses_are_found() {
    assert_eq!(pairs("他说 NATO（北约）不会扩张"), vec![p("北约", "NATO")]);
}

#[test]
fn noise_is_rejected() {
    for text in [
        "发生在2021年（2021）的事",
        "一公里（km）以外",
        "照片（图）说明",
        "报道（完）",
        "他们（a）和（b）",
        "资料照。（Getty Images）",
        "声明说（He said the alliance would respond to the threat today.）",
        "会议（Sept. 28, 2021）举行",
        "价格（USD）上涨",
        "（Photo by Bill Clark / POOL / AFP）",
        "在线（online）会晤",
    ] {
        assert!(pairs(text).is_empty(), "{text}: {:?}", pairs(text));
    }
}

#[test]
fn english_inside_chinese_text_is_marked_as_english() {
    let mut nodes = vec![Node::Text(
        "秘书长斯托尔滕贝格（Jens Stoltenberg）说".into(),
    )];
    mark_english(&mut nodes);
    let html = crate::clean::serialize::to_html(&nodes);
    assert_eq!(
        html,
        "秘书长斯托尔滕贝格（<span lang=\"en\">Jens Stoltenberg</span>）说"
    );
}

#[test]
fn jieba_trims_are_remembered_and_remembered_ones_are_used() {
    // A cut the cache remembered is used as it is, without jieba.
    let term = "记忆测试用的术语甲";
    remember_trims([(term.to_owned(), 6)].into_iter().collect());
    assert_eq!(after_last_function_word(term), "测试用的术语甲");
    // A cut jieba made is kept for the next build.
    let fresh = "他们聘请水星公关公司";
    let rest = after_last_function_word(fresh);
    assert_eq!(rest, "水星公关公司");
    let cut = TRIMS.read().unwrap().cuts.get(fresh).copied();
    assert_eq!(cut, Some((fresh.len() - rest.len()) as u32));
    // A remembered cut inside a character is not trusted.
    let odd = "记忆测试用的术语乙";
    remember_trims([(odd.to_owned(), 1)].into_iter().collect());
    assert_eq!(after_last_function_word(odd), jieba_trim(odd));
}
