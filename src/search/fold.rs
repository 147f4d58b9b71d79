//! Search means one thing everywhere: field filters fold case and accents
//! the way the fuzzy matcher does (nucleo's own tables), and a phone
//! filter matches from the start of a number, national or international.

use nucleo_matcher::chars::{normalize, to_lower_case};

/// Lowercase without accents: `Zoë` and `zoé` both fold to `zoe`.
pub fn fold(text: &str) -> String {
    text.chars().map(|c| normalize(to_lower_case(c))).collect()
}

/// Without accents but with case kept, so smart case still sees capitals.
pub fn strip_accents(text: &str) -> String {
    text.chars().map(normalize).collect()
}

/// Whether `hay`, folded, contains `needle` (already folded); ASCII text
/// is compared without allocating.
pub fn contains_folded(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        fold(hay).contains(needle)
    }
}

/// Whether one of `phones` (numbers joined by spaces, as summaries hold
/// them) starts with what `filter` asks for: its digits match from the
/// start of the international number (`+49 30…`: `4930`, `+4930`) or of
/// the national one (`030…`), never from the middle.
pub fn phone_matches(phones: &str, filter: &str) -> bool {
    let want: String = filter.chars().filter(char::is_ascii_digit).collect();
    if want.is_empty() {
        return contains_folded(phones, filter);
    }
    let international_only = filter.trim_start().starts_with('+');
    numbers(phones).any(|number| {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if !number.starts_with('+') {
            return !international_only && digits.starts_with(&want);
        }
        if digits.starts_with(&want) {
            return true;
        }
        let national = format!("0{}", &digits[country_code_len(&digits)..]);
        !international_only && national.starts_with(&want)
    })
}

/// The numbers in a space-joined list. A token starting with `+` starts a
/// number; so does one starting with `0` or `(` once the number so far
/// has the seven digits of a whole one (inner groups like `010` do not).
fn numbers(phones: &str) -> impl Iterator<Item = &str> {
    let mut starts: Vec<usize> = Vec::new();
    let mut digits = 0;
    let mut offset = 0;
    for token in phones.split(' ') {
        let at = offset;
        offset += token.len() + 1;
        if token.is_empty() {
            continue;
        }
        let new = starts.is_empty()
            || token.starts_with('+')
            || (digits >= 7 && token.starts_with(['0', '(']));
        if new {
            starts.push(at);
            digits = 0;
        }
        digits += token.chars().filter(char::is_ascii_digit).count();
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .copied()
        .chain([phones.len()])
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |(a, b)| phones[a..b].trim())
}

/// How many leading digits of an international number are its country
/// calling code (ITU E.164: `1` and `7` are one digit, a fixed set two,
/// the rest three).
fn country_code_len(digits: &str) -> usize {
    const TWO: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    let len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO.iter().any(|cc| digits.starts_with(cc)) {
        2
    } else {
        3
    };
    len.min(digits.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Zoë Ñúñez"), "zoe nunez");
        assert_eq!(fold("zoé"), fold("ZOË"));
        assert!(contains_folded("Zoë Ñúñez", "nunez"));
        assert_eq!(strip_accents("Zoë"), "Zoe");
    }

    #[test]
    fn phones_match_from_the_start_of_a_number() {
        let phones = "+49 30 301234 0171 5550123";
        assert!(phone_matches(phones, "030"), "national form of +49 30");
        assert!(phone_matches(phones, "+4930"));
        assert!(phone_matches(phones, "4930"));
        assert!(phone_matches(phones, "0171"), "the second number");
        assert!(!phone_matches(phones, "301234"), "not from the middle");
        assert!(
            !phone_matches(phones, "+0171"),
            "a national number has no +"
        );
        assert!(phone_matches("+1 (555) 010-7788", "0555"));
        assert!(phone_matches("+1 (555) 010-7788", "1555"));
        assert!(!phone_matches("+1 (555) 010-7788", "7788"));
    }
}
