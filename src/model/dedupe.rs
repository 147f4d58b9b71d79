//! Whether two people are the same person: the keys that find candidates
//! (a normalised email, a phone in E.164, folded name keys), the check a
//! pair of candidates must pass, its score and reasons, and the grouping of
//! pairs into groups. Pure: the store blocks people by these keys
//! (`store::duplicates`) and never compares all pairs.
//!
//! Email providers that deliver differently spelled addresses to one inbox,
//! as they document it:
//! * Gmail (`gmail.com`, `googlemail.com`): dots in the local part are
//!   ignored and `+tag` is dropped; `googlemail.com` is `gmail.com`.
//! * Outlook.com (`outlook.*`, `hotmail.*`, `live.*`, `msn.com`), Fastmail
//!   (`fastmail.com`, `fastmail.fm`), iCloud (`icloud.com`, `me.com`,
//!   `mac.com`) and Proton (`proton.me`, `protonmail.com`, `protonmail.ch`,
//!   `pm.me`): `+tag` is dropped, dots count.
//! * Everyone else: the address as written, case folded (the local part is
//!   case-sensitive by the RFC, but no mail system in use treats it so);
//!   `+tag` is kept, since other servers may deliver `a+b` to someone else.

use nucleo_matcher::chars::{normalize, to_lower_case};
use phonenumber::country;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Why two records look like one person, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    SameEmail,
    SamePhone,
    SameNameSameCompany,
    SimilarNameSameCompany,
    SameNameSameDomain,
    SimilarNameSameDomain,
}

impl Reason {
    /// How users read it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::SameEmail => "same email",
            Reason::SamePhone => "same phone",
            Reason::SameNameSameCompany => "same name, same company",
            Reason::SimilarNameSameCompany => "similar name, same company",
            Reason::SameNameSameDomain => "same name, same email domain",
            Reason::SimilarNameSameDomain => "similar name, same email domain",
        }
    }

    /// How likely the reason alone makes a duplicate, 0..1. An email is
    /// one person's; a phone may be a shared office line; a name at one
    /// company may be a namesake.
    fn weight(self) -> f64 {
        match self {
            Reason::SameEmail => 0.90,
            Reason::SamePhone => 0.80,
            Reason::SameNameSameCompany => 0.75,
            Reason::SimilarNameSameCompany => 0.60,
            Reason::SameNameSameDomain => 0.65,
            Reason::SimilarNameSameDomain => 0.50,
        }
    }
}

/// A pair's score, 0..=100: the reasons combined as independent evidence
/// (each one shrinks the chance they are two people), so two reasons
/// always beat either alone.
pub fn score(reasons: &[Reason]) -> u8 {
    let apart: f64 = reasons.iter().map(|r| 1.0 - r.weight()).product();
    ((1.0 - apart) * 100.0).round().clamp(0.0, 100.0) as u8
}

/// Case and accents folded: `Zoë` and `ZOE` both give `zoe`.
pub fn fold(text: &str) -> String {
    text.chars().map(|c| normalize(to_lower_case(c))).collect()
}

/// The address the mailbox behind `email` is known by, or `None` when it
/// is not an address (no `@`, nothing on one side).
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let domain = domain.trim_end_matches('.');
    let (domain, ignores_dots, drops_tag) = match provider(domain) {
        Provider::Gmail => ("gmail.com", true, true),
        Provider::PlusTags => (domain, false, true),
        Provider::Other => (domain, false, false),
    };
    let local = if drops_tag {
        local.split('+').next().unwrap_or(local)
    } else {
        local
    };
    let local: String = if ignores_dots {
        local.chars().filter(|&c| c != '.').collect()
    } else {
        local.to_string()
    };
    (!local.is_empty()).then(|| format!("{local}@{domain}"))
}

enum Provider {
    Gmail,
    PlusTags,
    Other,
}

fn provider(domain: &str) -> Provider {
    const PLUS_TAGS: &[&str] = &[
        "msn.com",
        "fastmail.com",
        "fastmail.fm",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
    ];
    let microsoft = ["outlook.", "hotmail.", "live."].iter().any(|p| {
        domain
            .strip_prefix(p)
            .is_some_and(|tld| !tld.contains('.') || tld.starts_with("co."))
    });
    if domain == "gmail.com" || domain == "googlemail.com" {
        Provider::Gmail
    } else if microsoft || PLUS_TAGS.contains(&domain) {
        Provider::PlusTags
    } else {
        Provider::Other
    }
}

/// The domain of an address when it says something about where the person
/// works: free mail providers' domains are shared by millions.
pub fn work_domain(normalised_email: &str) -> Option<&str> {
    const FREE: &[&str] = &[
        "gmail.com",
        "yahoo.com",
        "ymail.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "msn.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "t-online.de",
        "libero.it",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "fastmail.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "wanadoo.fr",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "hey.com",
        "zoho.com",
    ];
    let (_, domain) = normalised_email.rsplit_once('@')?;
    let free = FREE.contains(&domain)
        || domain.starts_with("yahoo.")
        || matches!(provider(domain), Provider::PlusTags if !domain.contains("fastmail"));
    (!free).then_some(domain)
}

/// A phone number in E.164 (`+31612345678`), read in `region` when it has
/// no country code; `None` when it has too few or too many digits.
///
/// From `phonenumber`'s metadata (the region's calling code and national
/// prefix) rather than `phonenumber::parse`: parsing runs the metadata's
/// regular expressions through one shared, locked cache that thrashes across
/// countries (about 0.2 ms a number, 20 s at a million people). Two
/// spellings of one line give the same digits either way, which is all a
/// duplicate check needs; validity (is the range assigned) is not checked.
pub fn phone_e164(number: &str, region: country::Id) -> Option<String> {
    let number = number.trim();
    // "+31 (0)6 …": the trunk zero written for callers at home is not dialled
    // from abroad.
    let number = number.replacen("(0)", "", usize::from(number.starts_with('+')));
    let digits: String = number
        .chars()
        .take_while(|c| !c.is_alphabetic()) // "x12" / "ext. 12": an extension
        .filter(char::is_ascii_digit)
        .collect();
    let e164 = if number.starts_with('+') {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else {
        let meta = phonenumber::metadata::DATABASE.by_id(region.as_ref())?;
        let national = match meta.national_prefix() {
            Some(prefix) if digits.len() > 8 => digits.strip_prefix(prefix).unwrap_or(&digits),
            _ => &digits,
        };
        format!("{}{national}", meta.country_code())
    };
    (8..=15).contains(&e164.len()).then(|| format!("+{e164}"))
}

/// The region a two-letter country code names (`nl`, `NL`), if any.
pub fn region(code: &str) -> Option<country::Id> {
    let code = code.trim();
    (code.len() == 2)
        .then(|| code.to_ascii_uppercase().parse().ok())
        .flatten()
}

/// Where numbers without a country code are read when neither the
/// command line nor the person's address says: the territory of the
/// user's locale (`LC_ALL`, then `LC_TELEPHONE`, then `LANG`, as POSIX
/// orders them: `nl_NL.UTF-8` is NL), else the US (`phonenumber`'s and
/// libphonenumber's own fallback in their examples; a guess either way).
pub fn locale_region() -> country::Id {
    ["LC_ALL", "LC_TELEPHONE", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| region_of_locale(&v))
        .unwrap_or(country::Id::US)
}

/// The territory of a POSIX locale name (`de_AT.UTF-8@euro` is AT).
pub fn region_of_locale(locale: &str) -> Option<country::Id> {
    let (_, rest) = locale.split_once('_')?;
    let territory = rest.split(['.', '@']).next()?;
    region(territory)
}

/// A name as compared: folded words, in no order, initials kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name {
    /// Whole words (two letters or more, or one without case), sorted.
    pub words: Vec<String>,
    /// Single cased letters ("Z." in "Z. Evaluateur"), sorted.
    pub initials: Vec<char>,
}

impl Name {
    /// `parts` are the name fields (given, middle, family) in any order;
    /// "Evaluateur, Zoe" in one field reads the same as the two fields.
    pub fn new(parts: &[&str]) -> Name {
        let mut name = Name::default();
        for part in parts {
            for word in fold(part).split(|c: char| !c.is_alphanumeric()) {
                let mut chars = word.chars();
                match (chars.next(), chars.next()) {
                    (None, _) => {}
                    // A letter with case alone is an initial; one Han or
                    // Hangul character is a whole name ("朱 洋").
                    (Some(c), None) if c.is_lowercase() => name.initials.push(c),
                    _ => name.words.push(word.to_string()),
                }
            }
        }
        name.words.sort();
        name.initials.sort();
        name
    }

    /// Two tokens at least, one a word: a lone "Anna" says nothing.
    fn is_usable(&self) -> bool {
        !self.words.is_empty() && self.words.len() + self.initials.len() >= 2
    }

    /// The blocking keys: each word with the first letters of all the
    /// others. "Zoë Évaluateur", "Evaluateur, Zoe" and "Z. Evaluateur"
    /// share `evaluateur z`.
    pub fn keys(&self) -> Vec<String> {
        if !self.is_usable() {
            return Vec::new();
        }
        let mut keys = Vec::with_capacity(self.words.len());
        for (i, word) in self.words.iter().enumerate() {
            let mut letters: Vec<char> = self
                .words
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .filter_map(|(_, w)| w.chars().next())
                .chain(self.initials.iter().copied())
                .collect();
            letters.sort();
            let mut key = word.clone();
            key.push(' ');
            key.extend(letters);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    /// How the two names compare: `Some(true)` the same words, `Some(false)`
    /// the same person written differently (an initial for a word, a middle
    /// name left out), `None` different people.
    pub fn matches(&self, other: &Name) -> Option<bool> {
        if !self.is_usable() || !other.is_usable() {
            return None;
        }
        if self == other {
            return Some(true);
        }
        // Words both share are set aside; every initial left on either side
        // must stand for a distinct word (starting with it) or initial left
        // on the other; then at most one side may keep tokens (a middle name
        // left out), and at least one word must have been shared whole.
        let mut mine: Vec<&str> = self.words.iter().map(String::as_str).collect();
        let mut theirs: Vec<&str> = other.words.iter().map(String::as_str).collect();
        let before = mine.len();
        mine.retain(|w| match theirs.iter().position(|t| t == w) {
            Some(at) => {
                theirs.remove(at);
                false
            }
            None => true,
        });
        if mine.len() == before {
            return None;
        }
        let mut my_initials = self.initials.clone();
        let mut their_initials = other.initials.clone();
        my_initials.retain(|c| match their_initials.iter().position(|t| t == c) {
            Some(at) => {
                their_initials.remove(at);
                false
            }
            None => true,
        });
        for (initials, words) in [(&my_initials, &mut theirs), (&their_initials, &mut mine)] {
            for &initial in initials.iter() {
                let at = words.iter().position(|w| w.starts_with(initial))?;
                words.remove(at);
            }
        }
        let mine_left = !mine.is_empty();
        let theirs_left = !theirs.is_empty();
        (!(mine_left && theirs_left)).then_some(false)
    }
}

/// A company as compared: folded, legal forms and punctuation dropped
/// ("ACME B.V." and "Acme" are one company).
pub fn company_key(company: &str) -> Option<String> {
    const FORMS: &[&str] = &[
        "inc",
        "ltd",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "ab",
        "as",
        "oy",
        "kk",
        "co",
        "corp",
        "corporation",
        "company",
        "limited",
    ];
    let folded = fold(company).replace('.', "");
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FORMS.contains(w))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// One pair of candidates: `a < b` by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub score: u8,
    pub reasons: Vec<Reason>,
}

impl Pair {
    pub fn new(x: &str, y: &str, mut reasons: Vec<Reason>) -> Pair {
        reasons.sort();
        reasons.dedup();
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        Pair {
            a: a.to_string(),
            b: b.to_string(),
            score: score(&reasons),
            reasons,
        }
    }
}

/// People who look like one person: every member is linked to another by
/// a pair, best pair first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The group's best pair's score.
    pub score: u8,
    /// Member ids, the most linked (then the smallest id) first: the
    /// suggested survivor.
    pub members: Vec<String>,
    pub pairs: Vec<Pair>,
}

impl Group {
    /// Every reason any pair gives, strongest first.
    pub fn reasons(&self) -> Vec<Reason> {
        let mut all: Vec<Reason> = self.pairs.iter().flat_map(|p| p.reasons.clone()).collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Pairs joined into groups (a pair shares a member with another: one
/// group), best first; ties by their first member's id, so the order is
/// the same on every run.
pub fn group(pairs: Vec<Pair>) -> Vec<Group> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut id_of = |id: &str, parent: &mut Vec<usize>| -> usize {
        if let Some(&i) = index.get(id) {
            return i;
        }
        let i = parent.len();
        parent.push(i);
        index.insert(id.to_string(), i);
        i
    };
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut ends = Vec::with_capacity(pairs.len());
    for pair in &pairs {
        let a = id_of(&pair.a, &mut parent);
        let b = id_of(&pair.b, &mut parent);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
        ends.push(a);
    }
    let mut by_root: BTreeMap<usize, Vec<Pair>> = BTreeMap::new();
    for (pair, a) in pairs.into_iter().zip(ends) {
        let r = root(&mut parent, a);
        by_root.entry(r).or_default().push(pair);
    }
    let mut groups: Vec<Group> = by_root
        .into_values()
        .map(|mut pairs| {
            pairs.sort_by(|x, y| {
                y.score
                    .cmp(&x.score)
                    .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
            });
            let mut links: BTreeMap<&str, usize> = BTreeMap::new();
            for p in &pairs {
                *links.entry(&p.a).or_default() += 1;
                *links.entry(&p.b).or_default() += 1;
            }
            let mut members: Vec<(&str, usize)> = links.into_iter().collect();
            members.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
            let members = members.into_iter().map(|(id, _)| id.to_string()).collect();
            Group {
                score: pairs.first().map_or(0, |p| p.score),
                members,
                pairs,
            }
        })
        .collect();
    groups.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then_with(|| x.members.len().cmp(&y.members.len()).reverse())
            .then_with(|| x.members.cmp(&y.members))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_ignores_dots_and_tags_and_googlemail_is_gmail() {
        let n = |e| normalise_email(e).unwrap();
        assert_eq!(n("Zoe.Evaluateur+crm@GMail.com"), "zoeevaluateur@gmail.com");
        assert_eq!(n("zoeevaluateur@googlemail.com"), "zoeevaluateur@gmail.com");
    }

    #[test]
    fn plus_tag_providers_drop_the_tag_but_keep_dots() {
        let n = |e| normalise_email(e).unwrap();
        assert_eq!(n("a.b+news@outlook.com"), "a.b@outlook.com");
        assert_eq!(n("a.b+x@hotmail.co.uk"), "a.b@hotmail.co.uk");
        assert_eq!(n("a.b+x@fastmail.com"), "a.b@fastmail.com");
        assert_eq!(n("a+x@icloud.com"), "a@icloud.com");
        assert_eq!(n("a+x@proton.me"), "a@proton.me");
    }

    #[test]
    fn other_domains_keep_tags_and_dots_but_fold_case() {
        let n = |e| normalise_email(e).unwrap();
        assert_eq!(n(" A.B+x@Acme.COM "), "a.b+x@acme.com");
        assert_eq!(normalise_email("not an address"), None);
        assert_eq!(normalise_email("@acme.com"), None);
        assert_eq!(normalise_email("+tag@gmail.com"), None);
    }

    #[test]
    fn free_mail_domains_are_not_work_domains() {
        assert_eq!(work_domain("a@acme.com"), Some("acme.com"));
        assert_eq!(work_domain("a@gmail.com"), None);
        assert_eq!(work_domain("a@outlook.com"), None);
        assert_eq!(work_domain("a@yahoo.co.uk"), None);
        assert_eq!(work_domain("a@gmx.de"), None);
    }

    #[test]
    fn phones_become_e164_in_the_default_region() {
        let nl = region("nl").unwrap();
        let us = region("US").unwrap();
        assert_eq!(
            phone_e164("06 1234 5678", nl).as_deref(),
            Some("+31612345678")
        );
        assert_eq!(
            phone_e164("+31 (0)6-12345678", us).as_deref(),
            Some("+31612345678")
        );
        assert_eq!(
            phone_e164("(415) 555-0132", us).as_deref(),
            Some("+14155550132")
        );
        assert_eq!(phone_e164("call me", us), None);
        assert_eq!(
            phone_e164("0031 6 12345678", us).as_deref(),
            Some("+31612345678")
        );
        assert_eq!(
            phone_e164("1-415-555-0132", us).as_deref(),
            Some("+14155550132")
        );
        assert_eq!(
            phone_e164("030 1234567 ext. 12", region("de").unwrap()).as_deref(),
            Some("+49301234567")
        );
        assert_eq!(region("Netherlands"), None);
        assert_eq!(region_of_locale("nl_NL.UTF-8"), region("NL"));
        assert_eq!(region_of_locale("de_AT.UTF-8@euro"), region("AT"));
        assert_eq!(region_of_locale("C.UTF-8"), None);
        assert_eq!(region_of_locale("POSIX"), None);
    }

    #[test]
    fn names_match_after_folding_accents_order_and_initials() {
        let zoe = Name::new(&["Zoë", "Évaluateur"]);
        let reversed = Name::new(&["Evaluateur, Zoe"]);
        let initial = Name::new(&["Z.", "Evaluateur"]);
        assert_eq!(zoe.matches(&reversed), Some(true));
        assert_eq!(zoe.matches(&initial), Some(false));
        assert_eq!(initial.matches(&reversed), Some(false));
        let shared: Vec<_> = zoe
            .keys()
            .into_iter()
            .filter(|k| initial.keys().contains(k))
            .collect();
        assert_eq!(shared, vec!["evaluateur z".to_string()]);
        assert_eq!(zoe.keys(), reversed.keys());
    }

    #[test]
    fn a_middle_name_may_be_left_out_but_different_names_do_not_match() {
        let full = Name::new(&["Anna", "Maria", "Jansen"]);
        assert_eq!(full.matches(&Name::new(&["Anna", "Jansen"])), Some(false));
        assert_eq!(full.matches(&Name::new(&["A. M.", "Jansen"])), Some(false));
        assert_eq!(
            Name::new(&["John", "Smith"]).matches(&Name::new(&["Jane", "Smith"])),
            None
        );
        assert_eq!(
            Name::new(&["J.", "Smith"]).matches(&Name::new(&["K", "Smith"])),
            None
        );
        // A lone first name or only initials say nothing.
        assert_eq!(Name::new(&["Anna"]).matches(&Name::new(&["Anna"])), None);
        assert_eq!(Name::new(&["A. B."]).matches(&Name::new(&["A. B."])), None);
        assert!(Name::new(&["Anna"]).keys().is_empty());
        // One character of a script without case is a name, not an initial.
        let zhu = Name::new(&["洋", "朱"]);
        assert_eq!(zhu.matches(&Name::new(&["朱", "洋"])), Some(true));
        assert_eq!(zhu.keys().len(), 2);
    }

    #[test]
    fn companies_compare_without_legal_forms() {
        assert_eq!(company_key("ACME B.V."), company_key("Acme"));
        assert_eq!(
            company_key("Société Générale SA").as_deref(),
            Some("societe generale")
        );
        assert_eq!(company_key(" Inc. "), None);
    }

    #[test]
    fn scores_combine_and_two_reasons_beat_one() {
        let email = score(&[Reason::SameEmail]);
        let both = score(&[Reason::SameEmail, Reason::SamePhone]);
        assert_eq!(email, 90);
        assert_eq!(both, 98);
        assert!(score(&[Reason::SimilarNameSameDomain]) < score(&[Reason::SamePhone]));
        assert_eq!(
            Pair::new("b", "a", vec![Reason::SamePhone, Reason::SameEmail]).a,
            "a"
        );
    }

    #[test]
    fn pairs_sharing_a_member_form_one_group_best_first() {
        let groups = group(vec![
            Pair::new("x", "y", vec![Reason::SimilarNameSameDomain]),
            Pair::new("a", "b", vec![Reason::SameEmail]),
            Pair::new("c", "b", vec![Reason::SamePhone]),
        ]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].members, vec!["b", "a", "c"]);
        assert_eq!(groups[0].score, 90);
        assert_eq!(
            groups[0].reasons(),
            vec![Reason::SameEmail, Reason::SamePhone]
        );
        assert_eq!(groups[1].members, vec!["x", "y"]);
    }
}
