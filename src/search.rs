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
    Utf32String::from(s)
}

fn field_matches(p: &PersonSummary, field: Field, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let contains = |hay: &str| hay.to_lowercase().contains(value);
    match field {
        Field::Tag => p.tags.split(' ').any(|t| t.to_lowercase().contains(value)),
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

/// Reusable matching state (nucleo's matcher holds scratch memory).
pub struct Searcher {
    matcher: Matcher,
}

impl Default for Searcher {
    fn default() -> Self {
        Searcher {
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
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
        let mut scored: Vec<(u32, usize)> = Vec::new();
        for i in candidates {
            let p = &people[i];
            if !query.fields.iter().all(|(f, v)| field_matches(p, *f, v)) {
                continue;
            }
            if use_fuzzy {
                if let Some(score) = pattern.score(haystacks[i].slice(..), &mut self.matcher) {
                    scored.push((score, i));
                }
            } else {
                scored.push((0, i));
            }
        }
        if use_fuzzy {
            // Stable: equal scores keep the list's sort order.
            scored.sort_by_key(|s| std::cmp::Reverse(s.0));
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
