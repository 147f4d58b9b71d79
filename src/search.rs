//! Filter-as-you-type over people: fuzzy matching (nucleo) over name, emails,
//! phones, company and tags, plus field filters like `tag:vip`,
//! `company:acme`, `email:@acme.com`.

pub mod engine;
pub mod fold;
pub mod worker;

/// How search works, as the help overlay and the README say it (a test
/// keeps the README in step).
pub const SYNTAX_HELP: &[&str] = &[
    "Words match fuzzily, in any order, over name, company, emails, phones, tags.",
    "A match within the name ranks above one scattered over other fields.",
    "'word matches the letters as typed (a substring, not fuzzy);",
    "^word: the name starts with word; !word: no field holds word.",
    "Smart case: lowercase ignores case; a capital makes case count (Mar).",
    "Accents fold: zoe finds Zoë. Filters: tag:vip company:acme email:@acme.com",
];

use crate::store::PersonSummary;
use nucleo_matcher::chars::normalize;
use nucleo_matcher::pattern::{Atom, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// A field a `name:value` term restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Tag,
    Company,
    Email,
    Phone,
    Name,
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "tag" | "tags" => Field::Tag,
            "company" | "org" => Field::Company,
            "email" => Field::Email,
            "phone" => Field::Phone,
            "name" => Field::Name,
            _ => return None,
        })
    }
}

/// A search text split into fuzzy words and field filters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub text: String,
    pub fuzzy: String,
    pub fields: Vec<(Field, String)>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut fuzzy = Vec::new();
        let mut fields = Vec::new();
        for word in text.split_whitespace() {
            match word
                .split_once(':')
                .and_then(|(k, v)| Some((Field::parse(k)?, v)))
            {
                Some((field, value)) => fields.push((field, fold::fold(value))),
                None => fuzzy.push(word),
            }
        }
        Query {
            text: text.to_string(),
            // Without accents, so `zoë` finds Zoé as `zoe` does (nucleo
            // folds the people's side, but not a needle with accents).
            fuzzy: fold::strip_accents(&fuzzy.join(" ")),
            fields,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fuzzy.is_empty() && self.fields.iter().all(|(_, v)| v.is_empty())
    }

    /// Can results for `self` be found among the results for `previous`?
    /// True when the user only typed more characters of the same terms.
    pub fn narrows(&self, previous: &Query) -> bool {
        // Extending `!word` excludes less, and `word$` followed by more is
        // no longer a suffix match: neither is a subset of the previous.
        let widens = previous.text.ends_with(|c: char| !c.is_whitespace())
            && previous
                .text
                .split_whitespace()
                .next_back()
                .is_some_and(|w| w.starts_with('!') || w.ends_with('$'));
        !widens
            && self.text.starts_with(&previous.text)
            && self.fields.len() == previous.fields.len()
            && self
                .fields
                .iter()
                .zip(&previous.fields)
                .all(|(a, b)| a.0 == b.0)
    }

    fn pattern(&self) -> Pattern {
        Pattern::parse(&self.fuzzy, CaseMatching::Smart, Normalization::Smart)
    }
}

/// The text fuzzy matching looks at, for everyone, in one arena built
/// once per load: per person the name first, then company, emails, phones
/// and tags, so the name is a prefix that can be scored on its own (a name
/// match ranks above one scattered across other fields). One buffer for
/// all ASCII haystacks and one of chars for the others, instead of a
/// million small allocations: a million people's haystacks take ~100 MB,
/// not ~150, and are built in one pass.
#[derive(Debug, Default)]
pub struct Haystacks {
    ascii: Vec<u8>,
    chars: Vec<char>,
    spans: Vec<Span>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    /// Where the haystack starts in `ascii`, or in `chars` when `unicode`.
    start: usize,
    len: u32,
    /// How many chars of the haystack are the display name; the top bit
    /// says whether it lives in `chars`.
    name_chars: u32,
}

const UNICODE: u32 = 1 << 31;

impl Haystacks {
    /// Everyone's haystack, in the order of `people`.
    pub fn build(people: &[PersonSummary]) -> Haystacks {
        let mut h = Haystacks {
            ascii: Vec::with_capacity(people.iter().map(haystack_len).sum()),
            chars: Vec::new(),
            spans: Vec::with_capacity(people.len()),
        };
        let mut scratch = String::new();
        for p in people {
            h.push(p, &mut scratch);
        }
        h
    }

    fn push(&mut self, p: &PersonSummary, scratch: &mut String) {
        scratch.clear();
        for part in [&p.display_name, &p.company, &p.emails, &p.phones, &p.tags] {
            if !part.is_empty() {
                if !scratch.is_empty() {
                    scratch.push(' ');
                }
                scratch.push_str(part);
            }
        }
        let name_chars = u32::try_from(p.display_name.chars().count())
            .unwrap_or(u32::MAX)
            .min(UNICODE - 1);
        // Accents stripped here, once, with nucleo's own per-char mapping
        // (what `Normalization::Smart` does to every haystack char on every
        // keystroke; queries are stripped the same way): Zoë Núñez is
        // matched as ASCII `Zoe Nunez`, nucleo's fast path, and char counts
        // do not change. Case stays, for smart case.
        if !scratch.is_ascii() {
            let stripped: String = scratch.chars().map(normalize).collect();
            *scratch = stripped;
        }
        // One char per code point, without nucleo's grapheme segmentation:
        // that is what names and emails need, and ~10x cheaper.
        let span = if scratch.is_ascii() {
            let start = self.ascii.len();
            self.ascii.extend_from_slice(scratch.as_bytes());
            Span {
                start,
                len: u32::try_from(scratch.len()).unwrap_or(u32::MAX),
                name_chars,
            }
        } else {
            let start = self.chars.len();
            self.chars.extend(scratch.chars());
            Span {
                start,
                len: u32::try_from(self.chars.len() - start).unwrap_or(u32::MAX),
                name_chars: name_chars | UNICODE,
            }
        };
        self.spans.push(span);
    }

    /// Person `i`'s haystack and how many of its chars are the name.
    fn get(&self, i: usize) -> (Utf32Str<'_>, usize) {
        let s = self.spans[i];
        let end = s.start + s.len as usize;
        let name = (s.name_chars & !UNICODE) as usize;
        if s.name_chars & UNICODE != 0 {
            (Utf32Str::Unicode(&self.chars[s.start..end]), name)
        } else {
            (Utf32Str::Ascii(&self.ascii[s.start..end]), name)
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

fn haystack_len(p: &PersonSummary) -> usize {
    p.display_name.len() + p.company.len() + p.emails.len() + p.phones.len() + p.tags.len() + 4
}

/// Scores at or above this matched within the name alone.
const NAME_TIER: u32 = 1 << 30;

/// A person's rank for `pattern`: matches within the name come first (in
/// nucleo's score order), then matches anywhere. `negated` says the
/// pattern holds a `!word`, which the rest of the haystack must pass too.
fn rank(
    pattern: &Pattern,
    negated: bool,
    (full, name_chars): (Utf32Str<'_>, usize),
    matcher: &mut Matcher,
) -> Option<u32> {
    if name_chars > 0
        && let Some(score) = pattern.score(full.slice(..name_chars.min(full.len())), matcher)
        && (!negated || pattern.score(full, matcher).is_some())
    {
        return Some(NAME_TIER | score.min(NAME_TIER - 1));
    }
    pattern.score(full, matcher).map(|s| s.min(NAME_TIER - 1))
}

fn field_matches(p: &PersonSummary, field: Field, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let contains = |hay: &str| fold::contains_folded(hay, value);
    match field {
        Field::Tag => p.tags.split(' ').any(contains),
        Field::Company => contains(&p.company),
        Field::Email => contains(&p.emails),
        Field::Phone => fold::phone_matches(&p.phones, value),
        Field::Name => contains(&p.display_name),
    }
}

/// Reusable matching state (nucleo's matcher holds scratch memory), one
/// matcher per worker thread.
pub struct Searcher {
    matcher: Matcher,
    workers: Vec<Matcher>,
}

impl Default for Searcher {
    fn default() -> Self {
        Searcher {
            matcher: Matcher::new(Config::DEFAULT),
            workers: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Searcher")
    }
}

/// Below this many candidates one thread is faster than spawning more.
const PARALLEL_FROM: usize = 20_000;

/// A query compiled once per match run.
pub struct Compiled<'q> {
    query: &'q Query,
    pattern: Pattern,
    negated: bool,
}

impl<'q> Compiled<'q> {
    pub fn new(query: &'q Query) -> Compiled<'q> {
        let pattern = query.pattern();
        let negated = pattern.atoms.iter().any(|a| a.negative);
        Compiled {
            query,
            pattern,
            negated,
        }
    }

    /// Whether results are ranked by score (else they keep list order).
    pub fn ranked(&self) -> bool {
        !self.pattern.atoms.is_empty()
    }
}

/// A sort key per match: ascending order is best rank first, then list
/// order (the index in the low 32 bits).
fn sort_key(rank: u32, index: u32) -> u64 {
    (u64::from(u32::MAX - rank) << 32) | u64::from(index)
}

/// The person index a [`sort_key`] was made for.
pub fn key_index(key: u64) -> u32 {
    key as u32
}

fn score_chunk(
    people: &[PersonSummary],
    haystacks: &Haystacks,
    chunk: &[u32],
    q: &Compiled,
    matcher: &mut Matcher,
) -> Vec<u64> {
    let mut out = Vec::new();
    for &i in chunk {
        let p = &people[i as usize];
        if !q.query.fields.iter().all(|(f, v)| field_matches(p, *f, v)) {
            continue;
        }
        if q.ranked() {
            if let Some(r) = rank(&q.pattern, q.negated, haystacks.get(i as usize), matcher) {
                out.push(sort_key(r, i));
            }
        } else {
            out.push(sort_key(0, i));
        }
    }
    out
}

impl Searcher {
    /// Sort keys ([`key_index`] gives the person) of the `candidates` that
    /// match, unsorted; split across cores when there are many.
    pub fn score(
        &mut self,
        people: &[PersonSummary],
        haystacks: &Haystacks,
        candidates: &[u32],
        q: &Compiled,
    ) -> Vec<u64> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        if threads < 2 || candidates.len() < PARALLEL_FROM {
            return score_chunk(people, haystacks, candidates, q, &mut self.matcher);
        }
        while self.workers.len() < threads {
            self.workers.push(Matcher::new(Config::DEFAULT));
        }
        let size = candidates.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = candidates
                .chunks(size)
                .zip(self.workers.iter_mut())
                .map(|(chunk, matcher)| {
                    scope.spawn(move || score_chunk(people, haystacks, chunk, q, matcher))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }

    /// Indices of `candidates` (into `people`/`haystacks`) that match
    /// `query`, best first: a match in the name above one elsewhere, then
    /// nucleo's score; ties and field-only queries keep candidate order.
    pub fn filter(
        &mut self,
        people: &[PersonSummary],
        haystacks: &Haystacks,
        candidates: impl Iterator<Item = usize>,
        query: &Query,
    ) -> Vec<usize> {
        let candidates: Vec<u32> = candidates.filter_map(|i| u32::try_from(i).ok()).collect();
        let mut keys = self.score(people, haystacks, &candidates, &Compiled::new(query));
        keys.sort_unstable();
        keys.into_iter().map(|k| key_index(k) as usize).collect()
    }

    /// Char positions in `text` that the query's fuzzy words match, for
    /// highlighting. Each word is matched on its own so a name can light up
    /// even when another word matched the company.
    pub fn highlight(&mut self, text: &str, query: &Query) -> Vec<usize> {
        if query.fuzzy.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let mut buf = Vec::new();
        let hay = Utf32Str::new(text, &mut buf);
        let mut all = Vec::new();
        for word in query.fuzzy.split_whitespace() {
            let atom = Atom::parse(word, CaseMatching::Smart, Normalization::Smart);
            let mut idx = Vec::new();
            if atom.indices(hay, &mut self.matcher, &mut idx).is_some() {
                all.extend(idx.into_iter().map(|i| i as usize));
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<PersonSummary> {
        let p = |name: &str, company: &str, email: &str, tags: &str| PersonSummary {
            id: name.into(),
            display_name: name.into(),
            company: company.into(),
            emails: email.into(),
            tags: tags.into(),
            ..Default::default()
        };
        vec![
            p("Ann Smith", "Acme", "ann@acme.com", "vip lead"),
            p("Bob Jones", "Globex", "bob@globex.com", "customer"),
            p("Zoë Ñúñez", "Initech", "zoe@initech.io", "vip"),
        ]
    }

    fn run_over(people: &[PersonSummary], q: &str) -> Vec<String> {
        let hay = Haystacks::build(people);
        let mut s = Searcher::default();
        s.filter(people, &hay, 0..people.len(), &Query::parse(q))
            .into_iter()
            .map(|i| people[i].id.to_string())
            .collect()
    }

    fn run(q: &str) -> Vec<String> {
        run_over(&people(), q)
    }

    #[test]
    fn fuzzy_matches_over_name_company_and_email() {
        assert_eq!(run("smth"), ["Ann Smith"]);
        assert_eq!(run("globex"), ["Bob Jones"]);
        assert_eq!(run("zoe nunez"), ["Zoë Ñúñez"]);
        assert_eq!(run("").len(), 3);
    }

    #[test]
    fn field_filters_restrict() {
        assert_eq!(run("tag:vip"), ["Ann Smith", "Zoë Ñúñez"]);
        assert_eq!(run("tag:vip company:acme"), ["Ann Smith"]);
        assert_eq!(run("email:@globex.com"), ["Bob Jones"]);
        assert_eq!(run("tag:vip zoe"), ["Zoë Ñúñez"]);
        // an unknown field name is plain fuzzy text
        assert!(run("foo:bar").is_empty());
        // filters fold accents and case like the fuzzy search
        assert_eq!(run("name:zoe"), ["Zoë Ñúñez"]);
        assert_eq!(run("name:ZOÉ nunez"), ["Zoë Ñúñez"]);
        assert_eq!(run("zoé"), ["Zoë Ñúñez"]);
        assert_eq!(run("zoë"), run("zoe"));
    }

    #[test]
    fn haystacks_keep_every_script_and_case_after_folding_accents() {
        let p = |name: &str| PersonSummary {
            id: name.into(),
            display_name: name.into(),
            ..Default::default()
        };
        let people = [
            p("Мария Иванова"),
            p("Zoë Ñúñez"),
            p("Ζωή Παππά"),
            p("ann lee"),
        ];
        let hay = Haystacks::build(&people);
        assert_eq!(hay.len(), 4);
        // Latin with accents is held as ASCII; other scripts as chars.
        assert!(matches!(hay.get(1).0, Utf32Str::Ascii(_)));
        assert!(matches!(hay.get(0).0, Utf32Str::Unicode(_)));
        assert_eq!(run_over(&people, "мар"), ["Мария Иванова"]);
        assert_eq!(run_over(&people, "ζωή"), ["Ζωή Παππά"]);
        assert_eq!(run_over(&people, "Ñu"), ["Zoë Ñúñez"]);
        // Smart case still sees the haystack's capitals.
        assert!(run_over(&people, "Ann").is_empty());
        assert_eq!(run_over(&people, "ann"), ["ann lee"]);
    }

    #[test]
    fn a_name_match_ranks_above_one_scattered_over_email_and_tags() {
        let p = |id: &str, name: &str, email: &str, tags: &str| PersonSummary {
            id: id.into(),
            display_name: name.into(),
            emails: email.into(),
            tags: tags.into(),
            ..Default::default()
        };
        let people = [
            p("scattered", "Tom Baker", "mar@x.io", "ia"),
            p("name", "Marco Riaz", "", ""),
        ];
        assert_eq!(run_over(&people, "maria"), ["name", "scattered"]);
    }

    #[test]
    fn quote_forces_a_substring_and_uppercase_makes_case_matter() {
        assert_eq!(run("smth"), ["Ann Smith"]);
        assert!(run("'smth").is_empty());
        assert_eq!(run("'smit"), ["Ann Smith"]);
        assert_eq!(run("^ann"), ["Ann Smith"]);
        assert!(run("^smith").is_empty());
        assert_eq!(run("!acme !globex"), ["Zoë Ñúñez"]);
        // smart case: all lowercase ignores case, any capital respects it
        assert_eq!(run("smith"), ["Ann Smith"]);
        assert_eq!(run("Smith"), ["Ann Smith"]);
        assert!(run("SMITH").is_empty());
    }

    #[test]
    fn the_readme_says_what_the_help_says() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        for line in SYNTAX_HELP {
            assert!(readme.contains(line), "README.md lacks {line:?}");
        }
    }

    #[test]
    fn narrowing_only_when_terms_extend() {
        let a = Query::parse("ac");
        assert!(Query::parse("acm").narrows(&a));
        assert!(!Query::parse("a").narrows(&a));
        assert!(!Query::parse("tag:").narrows(&Query::parse("tag")));
        assert!(Query::parse("tag:vi").narrows(&Query::parse("tag:v")));
        // a longer `!word` excludes less; `word$` then more is no suffix
        assert!(!Query::parse("!ab").narrows(&Query::parse("!a")));
        assert!(!Query::parse("ab$c").narrows(&Query::parse("ab$")));
        assert!(Query::parse("!a b").narrows(&Query::parse("!a ")));
    }

    #[test]
    fn highlight_marks_matched_chars() {
        let mut s = Searcher::default();
        assert_eq!(s.highlight("Ann Smith", &Query::parse("smi")), [4, 5, 6]);
        assert!(
            s.highlight("Ann Smith", &Query::parse("tag:vip"))
                .is_empty()
        );
    }
}
