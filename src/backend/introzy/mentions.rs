//! Mentions in Introzy note content: `[@John Doe](person:<uuid>)`
//! (../shared/DESIGN.md §4). rolo shows them as `@John Doe`; the stored content is never
//! rewritten (Introzy notes cannot be edited once saved).

/// One `[@Name](person:<uuid>)` found in note content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    pub person_id: String,
    /// Byte range of the whole link in the content.
    pub span: std::ops::Range<usize>,
}

/// Every well-formed mention in `content`, in order. Anything that only
/// looks similar is left alone.
pub fn mentions(content: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = content[from..].find("[@") {
        let start = from + rel;
        match parse_mention(content, start) {
            Some(m) => {
                from = m.span.end;
                out.push(m);
            }
            None => from = start + 2,
        }
    }
    out
}

fn parse_mention(content: &str, start: usize) -> Option<Mention> {
    let rest = &content[start + 2..];
    let close = rest.find("](person:")?;
    let name = &rest[..close];
    if name.is_empty() || name.contains(['[', ']', '\n']) {
        return None;
    }
    let after = &rest[close + "](person:".len()..];
    let end = after.find(')')?;
    let id = &after[..end];
    if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '(') {
        return None;
    }
    let total = 2 + close + "](person:".len() + end + 1;
    Some(Mention {
        name: name.to_string(),
        person_id: id.to_string(),
        span: start..start + total,
    })
}

/// What users see: each mention becomes `@Name`.
pub fn render_mentions(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for m in mentions(content) {
        out.push_str(&content[last..m.span.start]);
        out.push('@');
        out.push_str(&m.name);
        last = m.span.end;
    }
    out.push_str(&content[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_render_as_names() {
        let raw = "Met [@John Doe](person:u-1) and [@Ann](person:u-2) today";
        assert_eq!(render_mentions(raw), "Met @John Doe and @Ann today");
        let found = mentions(raw);
        assert_eq!(found[1].person_id, "u-2");
        assert_eq!(&raw[found[0].span.clone()], "[@John Doe](person:u-1)");
    }

    #[test]
    fn malformed_mentions_are_left_alone() {
        for s in ["[@](person:x)", "[@a](person:)", "[@a](person:x", "[@a]"] {
            assert_eq!(render_mentions(s), s);
        }
    }
}
