//! Parse stage, first step: bytes to clean text.
//!
//! Byte-order marks, invalid UTF-8, NUL and other control characters and
//! CR/CRLF line endings are all handled here, so the format parsers only ever
//! see `\n`-separated valid text.

/// Text decoded from a file, with what had to be repaired.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// Human-readable repairs, each with the 1-based line where it first applied.
    pub repairs: Vec<(usize, String)>,
}

/// Decodes an article file's bytes. Never fails: bad bytes become U+FFFD.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut repairs = Vec::new();
    let text = if let Some(utf16) = decode_utf16_with_bom(bytes) {
        utf16
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(e) => {
                let line = line_of_byte(bytes, e.valid_up_to());
                repairs.push((
                    line,
                    "is not valid UTF-8; invalid bytes were replaced with \u{FFFD} \
                     (re-save the file as UTF-8 to fix)"
                        .to_owned(),
                ));
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    };
    let (text, repaired) = repair_mojibake(&text);
    if let Some(line) = repaired {
        repairs.push((
            line,
            "looked like UTF-8 that had been read as Latin-1 or Windows-1252 (mojibake); \
             repaired"
                .to_owned(),
        ));
    }
    let (text, removed) = strip_controls(&text);
    if let Some((line, count)) = removed {
        repairs.push((
            line,
            format!("contains {count} NUL or control character(s); they were removed"),
        ));
    }
    Decoded { text, repairs }
}

fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (le, rest) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = rest.chunks(2).map(|c| {
        let pair = [c[0], *c.get(1).unwrap_or(&0)];
        if le {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// Windows-1252's characters for bytes 0x80–0x9F (where Latin-1 has C1 controls).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The byte a character stands for when UTF-8 was misread as Latin-1 or
/// Windows-1252.
fn misread_byte(c: char) -> Option<u8> {
    match c as u32 {
        0..=0xFF => Some(c as u32 as u8),
        _ => CP1252_HIGH
            .iter()
            .position(|&h| h == c)
            .map(|i| 0x80 + i as u8),
    }
}

/// Repairs lines made of UTF-8 bytes that were decoded as Latin-1 or
/// Windows-1252 and saved again. A line is only changed when all of it maps
/// back to bytes that form valid UTF-8 with at least one non-Latin character,
/// so real Latin-1 text (café) is left alone. Returns the first repaired line.
fn repair_mojibake(text: &str) -> (String, Option<usize>) {
    if !text.chars().any(|c| ('\u{C2}'..='\u{EF}').contains(&c)) {
        return (text.to_owned(), None);
    }
    let mut first = None;
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match unmisread(line) {
            Some(fixed) => {
                first.get_or_insert(i + 1);
                out.push_str(&fixed);
            }
            None => out.push_str(line),
        }
    }
    (out, first)
}

fn unmisread(line: &str) -> Option<String> {
    if line.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = line.chars().map(misread_byte).collect();
    let fixed = String::from_utf8(bytes?).ok()?;
    fixed.chars().any(|c| c as u32 > 0x2FF).then_some(fixed)
}

fn line_of_byte(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// Normalizes line endings to `\n` and drops C0/C1 controls other than tab and
/// newline. Returns the line and count of the removed characters, if any.
fn strip_controls(text: &str) -> (String, Option<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut first_line = None;
    let mut removed = 0;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                    line += 1;
                }
            }
            '\n' => {
                out.push('\n');
                line += 1;
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {
                removed += 1;
                first_line.get_or_insert(line);
            }
            c => out.push(c),
        }
    }
    (out, first_line.map(|l| (l, removed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_disappear_silently() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\rc\n");
        assert_eq!(d.text, "a\nb\nc\n");
        assert!(d.repairs.is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_its_line_named() {
        let d = decode(b"ok\nstill ok\nbad \xFF\xFE here\n");
        assert_eq!(d.text, "ok\nstill ok\nbad \u{FFFD}\u{FFFD} here\n");
        assert_eq!(d.repairs.len(), 1);
        assert_eq!(d.repairs[0].0, 3);
        assert!(d.repairs[0].1.contains("UTF-8"));
    }

    #[test]
    fn nul_and_control_characters_are_removed_with_a_count() {
        let d = decode("a\nb\u{0}c\u{7}d\u{9b}\n".as_bytes());
        assert_eq!(d.text, "a\nbcd\n");
        assert_eq!(
            d.repairs,
            vec![(
                2,
                "contains 3 NUL or control character(s); they were removed".to_owned()
            )]
        );
    }

    #[test]
    fn mojibake_lines_are_repaired_and_latin1_text_is_not() {
        let mojibake: String = "<p>中国官方</p>".bytes().map(|b| b as char).collect();
        let d = decode(format!("<!--1-->\n[赖昌星](https://x.org)\n{mojibake}\ncafé\n").as_bytes());
        assert_eq!(
            d.text,
            "<!--1-->\n[赖昌星](https://x.org)\n<p>中国官方</p>\ncafé\n"
        );
        assert_eq!(d.repairs.len(), 1);
        assert_eq!(d.repairs[0].0, 3);
        assert!(d.repairs[0].1.contains("mojibake"));
    }

    #[test]
    fn windows_1252_mojibake_is_repaired_too() {
        // 国 is E5 9B BD; Windows-1252 shows 0x9B as ›.
        let d = decode("ä¸\u{AD}å›½".as_bytes());
        assert_eq!(d.text, "中国");
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "标题\r\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).text, "标题\n");
    }
}
