//! Filter-as-you-type over people: fuzzy matching (nucleo) over name, emails,
//! phones, company and tags, plus field filters like `tag:vip`,
//! `company:acme`, `email:@acme.com`.

use crate::store::PersonSummary;
use nucleo_matcher::pattern::{Atom, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

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
                Some((field, value)) => fields.push((field, value.to_lowercase())),
                None => fuzzy.push(word),
            }
        }
        Query {
            text: text.to_string(),
            fuzzy: fuzzy.join(" "),
            fields,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fuzzy.is_empty() && self.fields.iter().all(|(_, v)| v.is_empty())
    }

    /// Can results for `self` be found among the results for `previous`?
    /// True when the user only typed more characters of the same terms.
    pub fn narrows(&self, previous: &Query) -> bool {
        self.text.starts_with(&previous.text)
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

/// The text fuzzy matching looks at, built once per person when people load.
pub fn haystack(p: &PersonSummary) -> Utf32String {
    let mut s = String::with_capacity(
        p.display_name.len() + p.company.len() + p.emails.len() + p.phones.len() + p.tags.len() + 4,
    );
    for part in [&p.display_name, &p.company, &p.emails, &p.phones, &p.tags] {
        if !part.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(part);
        }
    }
    // Skip nucleo's grapheme segmentation: one char per code point is what
    // names and emails need, and it is ~10x cheaper for 100k people.
    if s.is_ascii() {
        Utf32String::Ascii(s.into_boxed_str())
    } else {
        Utf32String::Unicode(s.chars().collect())
    }
}

/// Case-insensitive `contains` for an already lowercased needle, without
/// allocating when the haystack is ASCII (the common case).
fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

fn field_matches(p: &PersonSummary, field: Field, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let contains = |hay: &str| contains_ci(hay, value);
    match field {
        Field::Tag => p.tags.split(' ').any(contains),
        Field::Company => contains(&p.company),
        Field::Email => contains(&p.emails),
        Field::Phone => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let phone_digits: String = p.phones.chars().filter(char::is_ascii_digit).collect();
            contains(&p.phones) || (!digits.is_empty() && phone_digits.contains(&digits))
        }
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

/// Below this many candidates one thread is faster than spawning more.
const PARALLEL_FROM: usize = 20_000;

fn score_chunk(
    people: &[PersonSummary],
    haystacks: &[Utf32String],
    chunk: &[usize],
    query: &Query,
    pattern: &Pattern,
    matcher: &mut Matcher,
) -> Vec<(u32, usize)> {
    let use_fuzzy = !pattern.atoms.is_empty();
    let mut out = Vec::new();
    for &i in chunk {
        let p = &people[i];
        if !query.fields.iter().all(|(f, v)| field_matches(p, *f, v)) {
            continue;
        }
        if use_fuzzy {
            if let Some(score) = pattern.score(haystacks[i].slice(..), matcher) {
                out.push((score, i));
            }
        } else {
            out.push((0, i));
        }
    }
    out
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Searcher")
    }
}

impl Searcher {
    /// Indices of `candidates` (into `people`/`haystacks`) that match `query`,
    /// best fuzzy score first; ties and field-only queries keep candidate order.
    pub fn filter(
        &mut self,
        people: &[PersonSummary],
        haystacks: &[Utf32String],
        candidates: impl Iterator<Item = usize>,
        query: &Query,
    ) -> Vec<usize> {
        let pattern = query.pattern();
        let use_fuzzy = !pattern.atoms.is_empty();
        let candidates: Vec<usize> = candidates.collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(4);
        let mut scored: Vec<(u32, usize)> = if threads > 1 && candidates.len() >= PARALLEL_FROM {
            // Split the people across cores; each chunk keeps list order.
            while self.workers.len() < threads {
                self.workers.push(Matcher::new(Config::DEFAULT));
            }
            let size = candidates.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = candidates
                    .chunks(size)
                    .zip(self.workers.iter_mut())
                    .map(|(chunk, matcher)| {
                        let pattern = &pattern;
                        scope.spawn(move || {
                            score_chunk(people, haystacks, chunk, query, pattern, matcher)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect()
            })
        } else {
            score_chunk(
                people,
                haystacks,
                &candidates,
                query,
                &pattern,
                &mut self.matcher,
            )
        };
        if use_fuzzy {
            // Best first; equal scores keep the list's sort order (by index).
            scored.sort_unstable_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
        }
        scored.into_iter().map(|(_, i)| i).collect()
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

    fn run(q: &str) -> Vec<String> {
        let people = people();
        let hay: Vec<_> = people.iter().map(haystack).collect();
        let mut s = Searcher::default();
        s.filter(&people, &hay, 0..people.len(), &Query::parse(q))
            .into_iter()
            .map(|i| people[i].id.clone())
            .collect()
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
    }

    #[test]
    fn narrowing_only_when_terms_extend() {
        let a = Query::parse("ac");
        assert!(Query::parse("acm").narrows(&a));
        assert!(!Query::parse("a").narrows(&a));
        assert!(!Query::parse("tag:").narrows(&Query::parse("tag")));
        assert!(Query::parse("tag:vi").narrows(&Query::parse("tag:v")));
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
