//! Deterministic fake people for the bundled demo file, tests and benchmarks.
//!
//! The data is meant to look like a real, messy CRM: names in many scripts,
//! phone numbers typed the way people type them in their own country, some
//! fields missing, LinkedIn references in every shape people paste them. It
//! exercises search, rendering of wide characters, validation and offline
//! enrichment with something to do.
//!
//! Every person is generated from its own RNG seeded by `(seed, index)`, so
//! `generate_people(10, s)` is a prefix of `generate_people(1000, s)` and a
//! person's id always maps to the same record, whatever the count.
//!
//! Built only with the `fake-data` feature, which tests, benches and
//! examples turn on (`Cargo.toml`); the `rolo` binary never contains it.

mod duplicates;
mod tables;

pub use duplicates::{Planted, plant_duplicates};

use crate::model::{Address, Note, Person, PersonWithNotes, Phone};
use fastrand::Rng;
use jiff::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;
use tables::*;

/// The fixed "now" all timestamps are relative to, in seconds since the
/// epoch, so the output does not depend on the day it is generated.
static NOW: LazyLock<i64> = LazyLock::new(|| {
    "2026-11-01T00:00:00Z"
        .parse::<Timestamp>()
        .map(Timestamp::as_second)
        .expect("a valid RFC 3339 timestamp")
});
/// Seconds in a UTC day (Unix time has no leap seconds).
const DAY: i64 = 86_400;
/// Records are spread over the three years before `NOW`.
const SPAN_DAYS: i64 = 3 * 365;

/// Seed and size of the bundled `assets/demo/people.json` (written by
/// `cargo run --release --example gen_demo`).
pub const DEMO_SEED: u64 = 2026;
pub const DEMO_COUNT: usize = 240;

/// Generate `count` people with notes, deterministically from `seed`.
///
/// Sequential on purpose: the cost is mostly allocation and page faults
/// (~4 KB per person with notes), and splitting the work across threads was
/// slower on a shared 2-core machine once the parts had to be joined.
pub fn generate_people(count: usize, seed: u64) -> Vec<PersonWithNotes> {
    (0..count).map(|i| generate_person(i, seed)).collect()
}

/// The person at `index` for `seed`; `generate_people` is this over `0..count`.
pub fn generate_person(index: usize, seed: u64) -> PersonWithNotes {
    let mut rng = Rng::with_seed(mix(seed, index as u64));
    let number = index + 1;

    let culture = pick_weighted(&mut rng, CULTURES, |c| c.weight);
    let female = rng.bool();
    // Most people live where their name comes from; some moved to a hub.
    let country_code = if rng.f32() < 0.12 {
        pick(&mut rng, HUBS)
    } else {
        pick(&mut rng, culture.countries)
    };
    let (country_idx, country) = country_by_code(country_code);

    // Script: non-Latin cultures are written natively for a share of people;
    // Latin cultures lose their accents for a few (typed on a US keyboard).
    let native = rng.f32() < culture.native_share;
    let strip_accents = culture.latin && rng.f32() < 0.05;
    let name = |rng: &mut Rng, list: &'static [&'static str]| -> (String, &'static str) {
        let (nat, lat) = split_entry(pick(rng, list), female);
        let shown = if native { nat } else { lat };
        let shown = if strip_accents {
            let mut s = String::with_capacity(shown.len());
            fold_ascii(shown, &mut s, false);
            s
        } else {
            shown.to_string()
        };
        (shown, lat)
    };
    let (given_name, given_latin) =
        name(&mut rng, if female { culture.female } else { culture.male });
    let (family_name, family_latin) = name(&mut rng, culture.family);
    let additional_name = if !culture.middle.is_empty() && rng.f32() < culture.middle_share {
        name(&mut rng, culture.middle).0
    } else {
        String::new()
    };
    let honorific_prefix = if rng.f32() < 0.08 {
        let roll = rng.f32();
        let h = if roll < 0.4 && !culture.honorifics.is_empty() {
            pick(&mut rng, culture.honorifics)
        } else if roll < 0.7 {
            pick(&mut rng, &["Dr.", "Prof."])
        } else if female {
            pick(&mut rng, &["Ms.", "Mrs."])
        } else {
            "Mr."
        };
        gendered(h, female).to_string()
    } else {
        String::new()
    };

    // Colleagues share companies: half the people come from a small pool per
    // country so a list has several contacts at the same firm.
    let company_id = if rng.bool() {
        rng.u64(..40)
    } else {
        rng.u64(..5_000)
    };
    let (company_name, domain) = company(seed, country_idx, country, company_id);
    let roll = rng.f32();
    // ~14% freelancers/unknown; ~6% have no company but a work address,
    // which is exactly what offline enrichment proposes a company from.
    let (company, work_domain) = if roll < 0.14 {
        (String::new(), None)
    } else if roll < 0.20 {
        (String::new(), Some(domain.as_str()))
    } else {
        (company_name, Some(domain.as_str()))
    };

    let mut g = String::with_capacity(16);
    fold_ascii(given_latin, &mut g, true);
    let mut f = String::with_capacity(16);
    fold_ascii(family_latin, &mut f, true);
    if g.is_empty() {
        g.push('x');
    }
    if f.is_empty() {
        f.push('x');
    }

    let emails = emails(&mut rng, &g, &f, work_domain, country, seed, country_idx);
    let phones = phones(&mut rng, country);

    let job_title = if rng.f32() < 0.1 {
        String::new()
    } else if !culture.titles.is_empty() && country.code == culture.countries[0] && rng.f32() < 0.3
    {
        gendered(pick(&mut rng, culture.titles), female).to_string()
    } else {
        pick(&mut rng, JOB_TITLES).to_string()
    };

    let (city, postal_tmpl, region) = pick(&mut rng, country.cities);
    let address = address(&mut rng, country, city, postal_tmpl, region);

    let linkedin = if rng.f32() < 0.45 {
        linkedin(&mut rng, &g, &f)
    } else {
        String::new()
    };

    let archived = rng.f32() < 0.03;
    let tags = tags(&mut rng, archived);
    let custom_fields = custom_fields(&mut rng, culture.lang);
    let owner = if rng.f32() < 0.7 {
        pick(&mut rng, REPS).to_string()
    } else {
        String::new()
    };

    let created = *NOW - rng.i64(30 * DAY..SPAN_DAYS * DAY);
    let created = at_office_hours(&mut rng, created);
    let updated = created + rng.i64(0..*NOW - created);
    let updated = at_office_hours(&mut rng, updated);
    let updated = updated.max(created);

    let ctx = NoteContext {
        given: &given_name,
        family: &family_name,
        company: if company.is_empty() {
            "their team"
        } else {
            company.as_str()
        },
        city,
        currency: country.currency,
    };
    let notes = notes(&mut rng, number, created, &ctx);

    let person = Person {
        id: padded_id("p-", number, None),
        honorific_prefix,
        given_name,
        additional_name,
        family_name,
        emails,
        phones,
        company,
        job_title,
        address,
        linkedin,
        tags,
        owner,
        custom_fields,
        archived,
        created_at: Some(rfc3339(created)),
        updated_at: Some(rfc3339(updated)),
        version: Some(rfc3339(updated)),
        ..Default::default()
    }
    .normalize();
    PersonWithNotes { person, notes }
}

// ---------------------------------------------------------------------------
// Small helpers

/// SplitMix64 over seed and index, so neighbouring indices get unrelated streams.
fn mix(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn pick_weighted<'a, T>(rng: &mut Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut roll = rng.u32(..total);
    for item in items {
        let w = weight(item);
        if roll < w {
            return item;
        }
        roll -= w;
    }
    &items[items.len() - 1]
}

/// Table entries are `native|latin`, either side optionally `male/female`.
fn split_entry(entry: &'static str, female: bool) -> (&'static str, &'static str) {
    let (native, latin) = entry.split_once('|').unwrap_or((entry, entry));
    (gendered(native, female), gendered(latin, female))
}

fn gendered(s: &str, female: bool) -> &str {
    match s.split_once('/') {
        Some((m, f)) if !m.is_empty() && !f.is_empty() => {
            if female {
                f
            } else {
                m
            }
        }
        _ => s,
    }
}

/// Append an ASCII rendering of a Latin-script name. With `slug`, the output
/// is lowercase letters and digits only (for email local parts and slugs);
/// otherwise case, spaces and punctuation are kept.
fn fold_ascii(s: &str, out: &mut String, slug: bool) {
    for c in s.chars() {
        let rep: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ă' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ậ'
            | 'ắ' | 'ằ' | 'ặ' => "a",
            'À' | 'Á' | 'Â' | 'Ä' | 'Å' | 'Ą' | 'Ă' => "A",
            'æ' => "ae",
            'Æ' => "Ae",
            'ç' | 'ć' | 'č' => "c",
            'Ç' | 'Ć' | 'Č' => "C",
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ế' | 'ề' | 'ệ' | 'ể' | 'ễ' | 'ẹ' => "e",
            'È' | 'É' | 'Ê' | 'Ë' | 'Ę' => "E",
            'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ị' | 'ỉ' => "i",
            'Ì' | 'Í' | 'Î' | 'Ï' | 'İ' => "I",
            'ñ' | 'ń' => "n",
            'Ñ' | 'Ń' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ộ' | 'ớ'
            | 'ờ' | 'ở' | 'ợ' => "o",
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ơ' => "O",
            'ù' | 'ú' | 'û' | 'ü' | 'ư' | 'ụ' | 'ủ' | 'ứ' | 'ừ' | 'ữ' | 'ự' => "u",
            'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
            'ý' | 'ÿ' | 'ỳ' | 'ỹ' => "y",
            'ß' => "ss",
            'ł' => "l",
            'Ł' => "L",
            'ś' | 'š' | 'ş' => "s",
            'Ś' | 'Š' | 'Ş' => "S",
            'ź' | 'ż' | 'ž' => "z",
            'Ź' | 'Ż' | 'Ž' => "Z",
            'ğ' => "g",
            'Ğ' => "G",
            'đ' => "d",
            'Đ' => "D",
            _ if c.is_ascii() => {
                if slug {
                    if c.is_ascii_alphanumeric() {
                        out.push(c.to_ascii_lowercase());
                    }
                } else {
                    out.push(c);
                }
                continue;
            }
            _ => continue,
        };
        if slug {
            out.extend(rep.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(rep);
        }
    }
}

/// Expand `#` (digit), `N` (digit 2-8) and `@` (capital letter); other
/// characters are copied.
fn expand(rng: &mut Rng, template: &str, out: &mut String) {
    for c in template.chars() {
        match c {
            '#' => out.push(rng.digit(10)),
            'N' => out.push(char::from(b'0' + rng.u8(2..9))),
            '@' => out.push(char::from(b'A' + rng.u8(..26))),
            c => out.push(c),
        }
    }
}

/// `t` (seconds since the epoch) as RFC 3339 in UTC, whole seconds:
/// `2026-11-01T00:00:00Z`.
fn rfc3339(t: i64) -> String {
    Timestamp::from_second(t)
        .expect("generated times lie between 2023 and 2026")
        .to_string()
}

/// `prefix` + zero-padded number, for ids like `p-000123` (and `n-000123-2`).
fn padded_id(prefix: &str, n: usize, suffix: Option<usize>) -> String {
    match suffix {
        None => format!("{prefix}{n:06}"),
        Some(k) => format!("{prefix}{n:06}-{k}"),
    }
}

/// Move a timestamp to a random time between 07:00 and 19:00 UTC on its day,
/// so notes are not written at 3 a.m.; never past `NOW`.
fn at_office_hours(rng: &mut Rng, t: i64) -> i64 {
    let day = t.div_euclid(DAY) * DAY;
    (day + rng.i64(7 * 3600..19 * 3600)).min(*NOW)
}

// ---------------------------------------------------------------------------
// Contact details

fn emails(
    rng: &mut Rng,
    g: &str,
    f: &str,
    work_domain: Option<&str>,
    country: &Country,
    seed: u64,
    country_idx: usize,
) -> Vec<String> {
    let n = match rng.u8(..100) {
        0..55 => 1,
        55..90 => 2,
        _ => 3,
    };
    let mut out = Vec::with_capacity(n);
    let work = |rng: &mut Rng, domain: &str| {
        let mut s = String::with_capacity(g.len() + f.len() + domain.len() + 3);
        match rng.u8(..10) {
            0..5 => {
                let _ = write!(s, "{g}.{f}");
            }
            5 => {
                let _ = write!(s, "{}{f}", &g[..1]);
            }
            6 => s.push_str(g),
            7 => {
                let _ = write!(s, "{g}{}", &f[..1]);
            }
            8 => {
                let _ = write!(s, "{g}_{f}");
            }
            _ => {
                let _ = write!(s, "{}.{f}", &g[..1]);
            }
        }
        s.push('@');
        s.push_str(domain);
        s
    };
    let free = |rng: &mut Rng| {
        let domain = if rng.bool() {
            pick(rng, country.freemail)
        } else {
            pick(rng, FREEMAIL_GLOBAL)
        };
        let mut s = String::with_capacity(g.len() + f.len() + domain.len() + 5);
        match rng.u8(..6) {
            0 | 1 => {
                let _ = write!(s, "{g}.{f}");
            }
            2 => {
                let _ = write!(s, "{g}{f}{}", rng.u8(60..100));
            }
            3 => {
                let _ = write!(s, "{}{f}{}", &g[..1], rng.u16(1..999));
            }
            4 => {
                let _ = write!(s, "{f}.{g}");
            }
            _ => {
                let _ = write!(s, "{g}{}", rng.u16(1..9999));
            }
        }
        s.push('@');
        s.push_str(domain);
        s
    };
    match work_domain {
        // Most people with an employer are known by their work address.
        Some(d) if rng.f32() < 0.85 => out.push(work(rng, d)),
        _ => out.push(free(rng)),
    }
    while out.len() < n {
        let e = if out.len() == 2 || rng.f32() < 0.3 {
            // An address from a previous employer.
            let (_, old) = company(seed, country_idx, country, rng.u64(..5_000));
            work(rng, &old)
        } else {
            free(rng)
        };
        if !out.contains(&e) {
            out.push(e);
        } else {
            break;
        }
    }
    out
}

fn phones(rng: &mut Rng, country: &Country) -> Vec<Phone> {
    let n = match rng.u8(..100) {
        0..15 => 0,
        15..60 => 1,
        60..90 => 2,
        _ => 3,
    };
    let mut out: Vec<Phone> = Vec::with_capacity(n);
    for i in 0..n {
        let kind = match (i, rng.u8(..100)) {
            (0, 0..55) => "mobile",
            (0, 55..90) => "work",
            (0, _) => "home",
            (_, 0..35) => "mobile",
            (_, 35..70) => "work",
            (_, 70..88) => "home",
            _ => "fax",
        };
        let template = if kind == "mobile" {
            pick(rng, country.mobile)
        } else {
            pick(rng, country.fixed)
        };
        let mut number = String::with_capacity(template.len());
        expand(rng, template, &mut number);
        if !out.iter().any(|p| p.kind == kind || p.number == number) {
            out.push(Phone {
                number,
                kind: kind.to_string(),
            });
        }
    }
    out
}

fn address(
    rng: &mut Rng,
    country: &Country,
    city: &str,
    postal_tmpl: &str,
    region: &str,
) -> Address {
    match rng.u8(..100) {
        // No address at all.
        0..18 => Address::default(),
        // Only where they are, as people fill it in from a business card.
        18..30 => Address {
            city: city.to_string(),
            country: country.code.to_string(),
            ..Default::default()
        },
        _ => {
            let street_name = pick(rng, country.streets);
            let mut street = String::with_capacity(32);
            for c in country.street_fmt.chars() {
                match c {
                    '$' => street.push_str(street_name),
                    '#' => {
                        let _ = write!(street, "{}", rng.u16(1..200));
                    }
                    '%' => {
                        let _ = write!(street, "{}", rng.u8(1..30));
                    }
                    c => street.push(c),
                }
            }
            let mut postal_code = String::with_capacity(postal_tmpl.len());
            expand(rng, postal_tmpl, &mut postal_code);
            Address {
                street,
                postal_code,
                city: city.to_string(),
                region: region.to_string(),
                country: country.code.to_string(),
            }
        }
    }
}

/// A LinkedIn reference as people paste it: share links with tracking,
/// bare slugs, old http links.
fn linkedin(rng: &mut Rng, g: &str, f: &str) -> String {
    let mut slug = String::with_capacity(g.len() + f.len() + 10);
    let _ = write!(slug, "{g}-{f}");
    if rng.f32() < 0.6 {
        let _ = write!(slug, "-{:08x}", rng.u32(..));
    }
    match rng.u8(..5) {
        0 => format!(
            "https://www.linkedin.com/in/{slug}/?utm_source=share&utm_campaign=share_via&utm_content=profile&utm_medium=ios_app"
        ),
        1 => slug,
        2 => format!("http://linkedin.com/in/{slug}"),
        3 => format!("https://www.linkedin.com/in/{slug}/"),
        _ => format!("linkedin.com/in/{slug}"),
    }
}

fn tags(rng: &mut Rng, archived: bool) -> Vec<String> {
    let n = match rng.u8(..100) {
        0..20 => 0,
        20..55 => 1,
        55..80 => 2,
        80..93 => 3,
        _ => 4,
    };
    let mut out: Vec<String> = Vec::with_capacity(n + 1);
    if archived && rng.bool() {
        out.push("churned".to_string());
    }
    let mut tries = 0;
    while out.len() < n && tries < 16 {
        tries += 1;
        let (tag, _) = *pick_weighted(rng, TAGS, |t| t.1);
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_string());
        }
    }
    out
}

fn custom_fields(rng: &mut Rng, lang: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if rng.f32() < 0.7 {
        out.insert("source".to_string(), Value::from(pick(rng, SOURCES)));
    }
    if rng.f32() < 0.4 {
        out.insert(
            "tier".to_string(),
            Value::from(pick(rng, &["platinum", "gold", "silver", "bronze"])),
        );
    }
    if rng.f32() < 0.2 {
        let birthday = format!(
            "{}-{:02}-{:02}",
            rng.u16(1955..2002),
            rng.u8(1..13),
            rng.u8(1..29)
        );
        out.insert("birthday".to_string(), Value::from(birthday));
    }
    if rng.f32() < 0.25 {
        // A number, so custom fields are not all strings.
        out.insert("lead_score".to_string(), Value::from(rng.u8(..101)));
    }
    if rng.f32() < 0.1 {
        out.insert("preferred_language".to_string(), Value::from(lang));
    }
    out
}

/// The company with `id` in a country: the same inputs always give the same
/// name and domain, which is how colleagues end up sharing one.
fn company(seed: u64, country_idx: usize, country: &Country, id: u64) -> (String, String) {
    let mut rng = Rng::with_seed(mix(seed ^ 0xC0FF_EE00, ((country_idx as u64) << 32) | id));
    if !country.companies.is_empty() && rng.f32() < 0.2 {
        let (name, domain) = pick(&mut rng, country.companies)
            .split_once('|')
            .unwrap_or(("Acme", "acme.com"));
        return (name.to_string(), domain.to_string());
    }
    let prefix = pick(&mut rng, COMPANY_PREFIXES);
    let sector = if rng.f32() < 0.75 {
        Some(pick(&mut rng, COMPANY_SECTORS))
    } else {
        None
    };
    let legal = if rng.f32() < 0.6 {
        Some(pick(&mut rng, country.legal))
    } else {
        None
    };
    let mut name = String::with_capacity(40);
    name.push_str(prefix);
    if let Some(s) = sector {
        name.push(' ');
        name.push_str(s);
    }
    if let Some(l) = legal {
        name.push(' ');
        name.push_str(l);
    }
    let mut domain = String::with_capacity(32);
    fold_ascii(prefix, &mut domain, true);
    if let Some(s) = sector
        && rng.bool()
    {
        domain.push('-');
        fold_ascii(s, &mut domain, true);
    }
    domain.push('.');
    domain.push_str(if rng.f32() < 0.3 {
        "com"
    } else {
        pick(&mut rng, country.tlds)
    });
    (name, domain)
}

// ---------------------------------------------------------------------------
// Notes

struct NoteContext<'a> {
    given: &'a str,
    family: &'a str,
    company: &'a str,
    city: &'a str,
    currency: (&'static str, &'static str),
}

fn notes(rng: &mut Rng, number: usize, person_created: i64, ctx: &NoteContext) -> Vec<Note> {
    let n = match rng.u8(..100) {
        0..12 => 0,
        12..32 => 1,
        32..55 => 2,
        55..72 => 3,
        72..83 => 4,
        83..90 => 5,
        90..95 => 6,
        95..98 => 7,
        _ => 8,
    };
    // Creation times first, sorted, so note ids follow the order they were written.
    let mut times = [0i64; 8];
    for t in times.iter_mut().take(n) {
        let offset = rng.i64(0..=(*NOW - person_created).max(1));
        *t = at_office_hours(rng, person_created + offset).max(person_created);
    }
    times[..n].sort_unstable();

    let mut out = Vec::with_capacity(n);
    let mut scratch = String::new();
    for (i, &created) in times[..n].iter().enumerate() {
        let (category, titles, lines) = match rng.u8(..100) {
            0..30 => ("call", CALL_TITLES, CALL_LINES),
            30..55 => ("meeting", MEETING_TITLES, MEETING_LINES),
            55..75 => ("email", EMAIL_TITLES, EMAIL_LINES),
            75..90 => ("task", TASK_TITLES, TASK_LINES),
            _ => ("other", OTHER_TITLES, OTHER_LINES),
        };
        // Built in a reused buffer and copied out at their exact size: with
        // 100,000 people, growth slack on note texts adds up.
        scratch.clear();
        let first_title = note_text(rng, category, lines, ctx, &mut scratch);
        let text = scratch.as_str().to_owned();
        let title_template = if rng.f32() < 0.25 {
            pick(rng, titles)
        } else {
            first_title
        };
        scratch.clear();
        fill(rng, title_template, ctx, &mut scratch);
        let title = scratch.as_str().to_owned();
        let updated_at = if rng.f32() < 0.2 {
            Some(rfc3339((created + rng.i64(600..3 * DAY)).min(*NOW)))
        } else {
            None
        };
        out.push(Note {
            id: padded_id("n-", number, Some(i + 1)),
            person_id: String::new(),
            title,
            text,
            category: category.to_string(),
            flagged: rng.f32() < 0.15,
            author: if rng.f32() < 0.6 {
                pick(rng, REPS).to_string()
            } else {
                String::new()
            },
            created_at: Some(rfc3339(created)),
            updated_at,
        });
    }
    out
}

/// Write a note's text for `category` into `text`; returns the title
/// template that goes with its first line.
fn note_text(
    rng: &mut Rng,
    category: &str,
    lines: &'static [&'static str],
    ctx: &NoteContext,
    text: &mut String,
) -> &'static str {
    let count = rng.usize(1..=3.min(lines.len()));
    let mut used = [usize::MAX; 3];
    let mut first_title = None;
    let mut pick_line = |rng: &mut Rng| loop {
        let i = rng.usize(..lines.len());
        if !used.contains(&i) {
            if let Some(slot) = used.iter_mut().find(|s| **s == usize::MAX) {
                *slot = i;
            }
            let (title, line) = lines[i].split_once('|').unwrap_or(("Note", lines[i]));
            first_title.get_or_insert(title);
            return line;
        }
    };
    match category {
        "meeting" => {
            fill(rng, "Attendees: {g} {f}, {col}{others}", ctx, text);
            for _ in 0..count {
                text.push_str("\n- ");
                let line = pick_line(rng);
                fill(rng, line, ctx, text);
            }
            if rng.f32() < 0.7 {
                text.push_str("\n\nNext steps:");
                for _ in 0..rng.usize(1..=2) {
                    text.push_str("\n- ");
                    let step = pick(rng, NEXT_STEPS);
                    fill(rng, step, ctx, text);
                }
            }
        }
        "task" => {
            let line = pick_line(rng);
            fill(rng, line, ctx, text);
            if rng.bool() {
                fill(rng, "\nDue {date}.", ctx, text);
            }
        }
        _ => {
            for k in 0..count {
                if k > 0 {
                    text.push(' ');
                }
                let line = pick_line(rng);
                fill(rng, line, ctx, text);
            }
            if rng.f32() < 0.45 {
                text.push_str("\n\nNext: ");
                let step = pick(rng, NEXT_STEPS);
                fill(rng, step, ctx, text);
            }
        }
    }
    first_title.unwrap_or("Note")
}

/// Expand `{key}` placeholders of a note template into `out`.
fn fill(rng: &mut Rng, template: &str, ctx: &NoteContext, out: &mut String) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let key = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        match key {
            "g" => out.push_str(ctx.given),
            "f" => out.push_str(ctx.family),
            "co" => {
                out.push_str(ctx.company);
                // "Acme Inc." at the end of a sentence must not end in "..".
                if ctx.company.ends_with('.') && rest.starts_with('.') {
                    rest = &rest[1..];
                }
            }
            "city" => out.push_str(ctx.city),
            "city2" => out.push_str(pick(rng, BIG_CITIES)),
            "prod" => out.push_str(pick(rng, PRODUCTS)),
            "comp" => out.push_str(pick(rng, COMPETITORS)),
            "col" => out.push_str(pick(rng, REPS).split(' ').next().unwrap_or("Sam")),
            "day" => out.push_str(pick(rng, WEEKDAYS)),
            "month" => out.push_str(pick(rng, MONTHS)),
            "date" => out.push_str(pick(rng, WHENS)),
            "others" => out.push_str(pick(rng, OTHER_ATTENDEES)),
            "n" => {
                let _ = write!(
                    out,
                    "{}",
                    [5, 10, 12, 20, 25, 40, 50, 75, 120, 250][rng.usize(..10)]
                );
            }
            "pct" => {
                let _ = write!(out, "{}", [5, 8, 10, 12, 15, 20][rng.usize(..6)]);
            }
            "mins" => {
                let _ = write!(out, "{}", rng.u8(10..55));
            }
            "inv" => {
                let _ = write!(out, "2026-{:04}", rng.u16(1..2000));
            }
            "amt" => {
                let (pre, post) = ctx.currency;
                let _ = write!(out, "{pre}{}{post}", rng.u16(3..250));
            }
            _ => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PersonWithNotes, validate_person};

    fn sample() -> Vec<PersonWithNotes> {
        generate_people(2_000, 42)
    }

    #[test]
    fn same_seed_same_people_and_prefix_stable() {
        let a = generate_people(300, 7);
        let b = generate_people(300, 7);
        assert_eq!(a, b);
        assert_eq!(&generate_people(50, 7)[..], &a[..50]);
        assert_ne!(generate_people(50, 8), a[..50].to_vec());
    }

    #[test]
    fn every_person_validates() {
        for p in sample() {
            let v = validate_person(&p.person, &crate::model::Capabilities::all_local());
            assert!(v.is_empty(), "{}: {v:?}", p.person.id);
        }
    }

    #[test]
    fn ids_timestamps_and_notes_are_consistent() {
        let people = sample();
        assert_eq!(people[0].person.id, "p-000001");
        assert_eq!(people[122].person.id, "p-000123");
        for p in &people {
            let created = p.person.created_at.as_deref().unwrap();
            let updated = p.person.updated_at.as_deref().unwrap();
            assert!(created <= updated, "{}", p.person.id);
            assert!(created >= "2023-10-01" && updated <= "2026-11-01T00:00:00Z");
            assert_eq!(p.person.version.as_deref(), Some(updated));
            assert!(created.parse::<jiff::Timestamp>().is_ok(), "{created}");
            assert!(p.notes.len() <= 8);
            let num = &p.person.id[2..];
            for (i, n) in p.notes.iter().enumerate() {
                assert_eq!(n.id, format!("n-{num}-{}", i + 1));
                assert!(n.created_at.as_deref().unwrap() >= created);
                assert!(
                    ["call", "meeting", "email", "task", "other"].contains(&n.category.as_str())
                );
                assert!(!n.title.is_empty() && !n.text.is_empty());
                assert!(!n.text.contains('{'), "unexpanded template: {}", n.text);
            }
        }
    }

    #[test]
    fn distributions_are_in_range() {
        let people = sample();
        let n = people.len() as f64;
        let archived = people.iter().filter(|p| p.person.archived).count() as f64 / n;
        assert!((0.01..0.06).contains(&archived), "archived {archived}");

        let notes: Vec<_> = people.iter().flat_map(|p| &p.notes).collect();
        let flagged = notes.iter().filter(|n| n.flagged).count() as f64 / notes.len() as f64;
        assert!((0.1..0.2).contains(&flagged), "flagged {flagged}");
        assert!(notes.iter().any(|n| n.text.contains('\n')));

        let no_company_work_mail = people
            .iter()
            .filter(|p| {
                p.person.company.is_empty()
                    && p.person.emails.iter().any(|e| {
                        let domain = e.split_once('@').map_or("", |(_, d)| d);
                        crate::enrich::company_from_domain(domain).is_some()
                    })
            })
            .count();
        assert!(no_company_work_mail > 20);
        assert!(people.iter().any(|p| p.person.phones.is_empty()));
        assert!(people.iter().any(|p| p.person.phones.len() == 3));
        assert!(people.iter().any(|p| p.person.tags.len() == 4));
        assert!(
            people
                .iter()
                .any(|p| p.person.phones.iter().any(|ph| ph.kind == "fax"))
        );
        assert!(people.iter().any(|p| !p.person.honorific_prefix.is_empty()));
        assert!(people.iter().any(|p| p.person.linkedin.contains("utm_")));

        // Several scripts: Latin with accents, Greek, Cyrillic, Han, kana,
        // Hangul, Arabic, Devanagari.
        let names: String = people
            .iter()
            .map(|p| p.person.family_name.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let has = |range: std::ops::RangeInclusive<char>| names.chars().any(|c| range.contains(&c));
        assert!(has('\u{00C0}'..='\u{017F}'), "Latin accents");
        assert!(has('\u{0370}'..='\u{03FF}'), "Greek");
        assert!(has('\u{0400}'..='\u{04FF}'), "Cyrillic");
        assert!(has('\u{4E00}'..='\u{9FFF}'), "Han");
        assert!(has('\u{AC00}'..='\u{D7AF}'), "Hangul");
        assert!(has('\u{0600}'..='\u{06FF}'), "Arabic");
        assert!(has('\u{0900}'..='\u{097F}'), "Devanagari");
    }

    #[test]
    fn phones_are_valid_for_their_country() {
        let people = generate_people(600, 3);
        let mut total = 0;
        let mut bad = Vec::new();
        for p in &people {
            // Phones follow the person's country; without an address we
            // cannot tell which that is.
            let country = p.person.address.country.as_str();
            if country.is_empty() {
                continue;
            }
            for ph in &p.person.phones {
                total += 1;
                if crate::enrich::phone_to_e164(&ph.number, country.parse().ok()).is_none() {
                    bad.push(format!("{country} {}", ph.number));
                }
            }
        }
        assert!(total > 300);
        assert!(bad.is_empty(), "{} of {total} invalid: {bad:?}", bad.len());
    }

    #[test]
    fn every_phone_template_yields_valid_numbers() {
        let mut rng = Rng::with_seed(1);
        let mut bad = Vec::new();
        for c in COUNTRIES {
            for t in c.mobile.iter().chain(c.fixed) {
                for _ in 0..100 {
                    let mut s = String::new();
                    expand(&mut rng, t, &mut s);
                    if crate::enrich::phone_to_e164(&s, c.code.parse().ok()).is_none() {
                        bad.push(format!("{} {s} (from {t})", c.code));
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn bundled_demo_file_is_current() {
        let json = include_str!("../../assets/demo/people.json");
        assert!(json.len() < 1_000_000, "demo file is {} bytes", json.len());
        let parsed: Vec<PersonWithNotes> = serde_json::from_str(json).unwrap();
        let parsed: Vec<_> = parsed
            .into_iter()
            .map(|p| PersonWithNotes {
                person: p.person.normalize(),
                notes: p.notes,
            })
            .collect();
        assert!(
            parsed == generate_people(DEMO_COUNT, DEMO_SEED),
            "assets/demo/people.json is stale: cargo run --release --example gen_demo"
        );
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(*NOW), "2026-11-01T00:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(padded_id("n-", 123, Some(2)), "n-000123-2");
        assert_eq!(padded_id("p-", 1_234_567, None), "p-1234567");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
    }
}
