//! Clean stage: content language detection by script statistics.
//!
//! Chinese, Japanese and Korean are told apart by script; Latin-script text
//! by the most frequent function words of a few languages (English when none
//! stands out). Simplified and Traditional Chinese are told apart with the
//! zhconv crate's conversion tables (MediaWiki and OpenCC): the variant whose
//! table would change fewer characters is the one the text is written in.

/// Detects the language of `text`, as a BCP 47 tag.
pub fn detect(text: &str) -> &'static str {
    let (mut han, mut kana, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        match c as u32 {
            0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF => han += 1,
            0x3040..=0x30FF => kana += 1,
            0xAC00..=0xD7AF => hangul += 1,
            _ if c.is_alphabetic() && (c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(&c)) => {
                latin += 1
            }
            _ => {}
        }
    }
    if kana >= 3 && kana * 10 > han {
        return "ja";
    }
    if hangul >= 3 && hangul > han {
        return "ko";
    }
    // A Han character carries about as much as a short Latin word.
    if han > 0 && han * 4 >= latin {
        // The script shows in the first few hundred characters; zhconv
        // reads every character it is given, so give it no more.
        let head = text
            .char_indices()
            .nth(600)
            .map_or(text, |(at, _)| &text[..at]);
        return if zhconv::is_hans_confidence(head) >= 0.5 {
            "zh-Hans"
        } else {
            "zh-Hant"
        };
    }
    if latin == 0 {
        return "und";
    }
    latin_language(text)
}

fn latin_language(text: &str) -> &'static str {
    const WORDS: &[(&str, &[&str])] = &[
        (
            "en",
            &[
                "the", "and", "of", "to", "is", "that", "with", "for", "was", "are",
            ],
        ),
        (
            "de",
            &[
                "der", "die", "und", "das", "ist", "nicht", "mit", "sich", "auf", "für",
            ],
        ),
        (
            "fr",
            &[
                "le", "les", "et", "des", "est", "une", "pour", "dans", "qui", "pas",
            ],
        ),
        (
            "es",
            &[
                "el", "los", "y", "las", "del", "por", "una", "con", "para", "que",
            ],
        ),
        (
            "pt",
            &[
                "os", "uma", "não", "com", "para", "dos", "mais", "como", "ao", "são",
            ],
        ),
        (
            "cs",
            &[
                "a", "je", "se", "na", "že", "v", "to", "jsou", "pro", "jako",
            ],
        ),
        (
            "it",
            &[
                "il", "che", "della", "per", "sono", "gli", "non", "una", "nel", "anche",
            ],
        ),
    ];
    let mut scores = [0usize; 7];
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(5000)
    {
        let w = word.to_lowercase();
        for (i, (_, list)) in WORDS.iter().enumerate() {
            if list.contains(&w.as_str()) {
                scores[i] += 1;
            }
        }
    }
    let (best, score) = scores
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (**s, usize::MAX - i))
        .unwrap_or((0, &0));
    if *score == 0 { "en" } else { WORDS[best].0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_with_english_glosses_is_chinese() {
        assert_eq!(
            detect(
                "北约秘书长斯托尔滕贝格（Jens Stoltenberg）27日与中国外交部长王毅举行了在线会晤"
            ),
            "zh-Hans"
        );
    }

    #[test]
    fn traditional_chinese_is_told_from_simplified() {
        assert_eq!(
            detect(
                "北約秘書長斯托爾滕貝格與中國外交部長王毅舉行了線上會晤，對中國核武庫擴張表示擔憂。"
            ),
            "zh-Hant"
        );
        assert_eq!(
            detect(
                "北约秘书长斯托尔滕贝格与中国外交部长王毅举行了在线会晤，对中国核武库扩张表示担忧。"
            ),
            "zh-Hans"
        );
    }

    #[test]
    fn latin_languages_are_told_apart_by_function_words() {
        assert_eq!(
            detect("The secretary general said that the alliance is ready to talk with China."),
            "en"
        );
        assert_eq!(
            detect(
                "Die Regierung hat sich nicht auf das Gesetz geeinigt und der Streit geht weiter."
            ),
            "de"
        );
        assert_eq!(
            detect(
                "Le gouvernement est pour une réforme des retraites et les syndicats sont contre."
            ),
            "fr"
        );
        assert_eq!(
            detect(
                "El gobierno y los sindicatos firmaron una reforma para las pensiones del país."
            ),
            "es"
        );
    }

    #[test]
    fn japanese_and_korean_are_recognized_by_script() {
        assert_eq!(detect("日本政府は、新たな経済対策をまとめました。"), "ja");
        assert_eq!(detect("한국 정부는 새로운 경제 대책을 발표했습니다"), "ko");
        assert_eq!(detect("12345 !!"), "und");
    }
}
