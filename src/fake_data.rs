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

use crate::model::{Address, Note, Person, PersonWithNotes, Phone};
use fastrand::Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The fixed "now" all timestamps are relative to, so the output does not
/// depend on the day it is generated: 2026-11-01T00:00:00Z.
const NOW: i64 = days_from_civil(2026, 11, 1) * DAY;
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

    let created = NOW - rng.i64(30 * DAY..SPAN_DAYS * DAY);
    let created = at_office_hours(&mut rng, created);
    let updated = created + rng.i64(0..NOW - created);
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

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
/// algorithm); avoids pulling a date library into the hot loop.
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn rfc3339(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    // Written digit by digit: `format!` here was a visible share of the
    // time to generate 100,000 people.
    let mut out = String::with_capacity(20);
    push_padded(&mut out, y as u64, 4);
    out.push('-');
    push_padded(&mut out, m as u64, 2);
    out.push('-');
    push_padded(&mut out, d as u64, 2);
    out.push('T');
    push_padded(&mut out, (s / 3600) as u64, 2);
    out.push(':');
    push_padded(&mut out, (s / 60 % 60) as u64, 2);
    out.push(':');
    push_padded(&mut out, (s % 60) as u64, 2);
    out.push('Z');
    out
}

/// Append `n` in decimal, zero-padded to at least `width` digits.
fn push_padded(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(char::from(b));
    }
}

/// `prefix` + zero-padded number, for ids like `p-000123`.
fn padded_id(prefix: &str, n: usize, suffix: Option<usize>) -> String {
    let mut out = String::with_capacity(prefix.len() + 10);
    out.push_str(prefix);
    push_padded(&mut out, n as u64, 6);
    if let Some(k) = suffix {
        out.push('-');
        push_padded(&mut out, k as u64, 1);
    }
    out
}

/// Move a timestamp to a random time between 07:00 and 19:00 UTC on its day,
/// so notes are not written at 3 a.m.; never past `NOW`.
fn at_office_hours(rng: &mut Rng, t: i64) -> i64 {
    let day = t.div_euclid(DAY) * DAY;
    (day + rng.i64(7 * 3600..19 * 3600)).min(NOW)
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
        let offset = rng.i64(0..=(NOW - person_created).max(1));
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
            Some(rfc3339((created + rng.i64(600..3 * DAY)).min(NOW)))
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

// ---------------------------------------------------------------------------
// Tables

struct Culture {
    lang: &'static str,
    weight: u32,
    /// Names are written in Latin script (possibly with accents).
    latin: bool,
    /// Share of people whose names are shown in the native script.
    native_share: f32,
    female: &'static [&'static str],
    male: &'static [&'static str],
    family: &'static [&'static str],
    /// Middle names / patronymics, used for `middle_share` of people.
    middle: &'static [&'static str],
    middle_share: f32,
    /// Home countries, the first being where local job titles are used.
    countries: &'static [&'static str],
    honorifics: &'static [&'static str],
    titles: &'static [&'static str],
}

struct Country {
    code: &'static str,
    /// (city, postal code template, region)
    cities: &'static [(&'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    /// `$` street name, `#` house number, `%` small number.
    street_fmt: &'static str,
    /// Phone templates as people type them locally, some already E.164.
    mobile: &'static [&'static str],
    fixed: &'static [&'static str],
    freemail: &'static [&'static str],
    tlds: &'static [&'static str],
    legal: &'static [&'static str],
    /// `Name|domain` of local-sounding firms.
    companies: &'static [&'static str],
    /// (prefix, suffix with unit) around a deal amount, e.g. ("$", "k").
    currency: (&'static str, &'static str),
}

fn country_by_code(code: &str) -> (usize, &'static Country) {
    COUNTRIES
        .iter()
        .enumerate()
        .find(|(_, c)| c.code == code)
        .unwrap_or((0, &COUNTRIES[0]))
}

/// Where people from elsewhere often live and work.
const HUBS: &[&str] = &["US", "GB", "DE", "NL", "AE"];

const CULTURES: &[Culture] = &[
    Culture {
        lang: "en",
        weight: 20,
        latin: true,
        native_share: 1.0,
        female: &[
            "Emma",
            "Olivia",
            "Sarah",
            "Jessica",
            "Emily",
            "Hannah",
            "Megan",
            "Rachel",
            "Laura",
            "Zoë",
            "Abigail",
            "Grace",
            "Charlotte",
            "Amelia",
            "Siobhan",
            "Niamh",
            "Kate",
            "Jennifer",
            "Ashley",
            "Madison",
            "Renée",
        ],
        male: &[
            "James",
            "Michael",
            "Robert",
            "David",
            "William",
            "Daniel",
            "Matthew",
            "Christopher",
            "Andrew",
            "Ryan",
            "Liam",
            "Noah",
            "Ethan",
            "Oliver",
            "Harry",
            "Jack",
            "George",
            "Seán",
            "Tyler",
            "Brandon",
            "Kevin",
        ],
        family: &[
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Wilson",
            "Taylor",
            "Anderson",
            "Thomas",
            "Moore",
            "Jackson",
            "Martin",
            "Thompson",
            "White",
            "Harris",
            "Clark",
            "Lewis",
            "Walker",
            "Robinson",
            "O'Brien",
            "O'Connor",
            "McAllister",
            "Fitzgerald",
            "Evans",
            "Hughes",
            "Baker",
            "Carter",
            "Mitchell",
            "Turner",
            "Parker",
            "Collins",
            "Edwards",
            "Stewart",
            "Murphy",
            "Cooper",
            "Reed",
            "Bailey",
            "Okafor",
        ],
        middle: &["J.", "A.", "Lee", "Marie", "R.", "Elizabeth", "Michael"],
        middle_share: 0.15,
        countries: &["US", "US", "GB"],
        honorifics: &[],
        titles: &[],
    },
    Culture {
        lang: "de",
        weight: 10,
        latin: true,
        native_share: 1.0,
        female: &[
            "Anna",
            "Lena",
            "Leonie",
            "Hannah",
            "Jana",
            "Katharina",
            "Sophie",
            "Lea",
            "Julia",
            "Käthe",
            "Birgit",
            "Ute",
            "Sabine",
            "Anke",
            "Franziska",
            "Jutta",
            "Heike",
            "Dörte",
        ],
        male: &[
            "Jürgen",
            "Lukas",
            "Jonas",
            "Maximilian",
            "Felix",
            "Tobias",
            "Stefan",
            "Andreas",
            "Matthias",
            "Jörg",
            "Uwe",
            "Björn",
            "Günther",
            "Klaus",
            "Henrik",
            "Sören",
            "Malte",
        ],
        family: &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Bauer",
            "Richter",
            "Klein",
            "Wolf",
            "Schröder",
            "Neumann",
            "Schwarz",
            "Zimmermann",
            "Braun",
            "Krüger",
            "Hartmann",
            "Lange",
            "Köhler",
            "Weiß",
            "Jäger",
            "Groß",
            "Möller",
            "Böhm",
            "Scholz",
            "Fuchs",
            "Baumgärtner",
            "Meißner",
            "von Bülow",
        ],
        middle: &["Maria", "Friedrich", "Johanna", "Karl"],
        middle_share: 0.05,
        countries: &["DE", "DE", "DE", "DE"],
        honorifics: &["Dr.", "Prof. Dr.", "Dipl.-Ing."],
        titles: &[
            "Geschäftsführer/Geschäftsführerin",
            "Leiter Einkauf/Leiterin Einkauf",
            "Vertriebsleiter/Vertriebsleiterin",
            "Prokurist/Prokuristin",
        ],
    },
    Culture {
        lang: "nl",
        weight: 9,
        latin: true,
        native_share: 1.0,
        female: &[
            "Sanne", "Femke", "Lotte", "Anouk", "Fleur", "Eva", "Sophie", "Iris", "Lieke",
            "Marloes", "Noor", "Saskia", "Mieke", "Anneke", "Ilse", "Loïs",
        ],
        male: &[
            "Daan", "Bram", "Sem", "Lucas", "Jeroen", "Pieter", "Thijs", "Joris", "Ruben",
            "Maarten", "Wouter", "Sjoerd", "Niels", "Gijs", "Koen", "Bas",
        ],
        family: &[
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Janssen",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "de Groot",
            "Bos",
            "Vos",
            "Peters",
            "Hendriks",
            "van Leeuwen",
            "Dekker",
            "Brouwer",
            "de Wit",
            "Dijkstra",
            "de Graaf",
            "van der Meer",
            "van der Linden",
            "Kok",
            "de Haan",
            "Vermeulen",
            "van den Heuvel",
            "van 't Hof",
            "IJzerman",
            "Huisman",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["NL", "NL", "NL", "NL"],
        honorifics: &["Ir.", "Drs."],
        titles: &["Directeur", "Inkoper", "Accountmanager", "Teamleider"],
    },
    Culture {
        lang: "fr",
        weight: 7,
        latin: true,
        native_share: 1.0,
        female: &[
            "Chloé",
            "Léa",
            "Manon",
            "Camille",
            "Inès",
            "Émilie",
            "Céline",
            "Hélène",
            "Margaux",
            "Anaïs",
            "Élodie",
            "Noémie",
            "Aurélie",
            "Clémence",
            "Maëlle",
            "Océane",
            "Zoé",
        ],
        male: &[
            "Lucas",
            "Hugo",
            "Théo",
            "Louis",
            "Jérôme",
            "François",
            "Sébastien",
            "Benoît",
            "Grégoire",
            "Étienne",
            "Raphaël",
            "Gaël",
            "Noël",
            "Julien",
            "Antoine",
            "Aurélien",
        ],
        family: &[
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Bertrand",
            "Roux",
            "Fournier",
            "Morel",
            "Girard",
            "André",
            "Mercier",
            "Dupont",
            "Lambert",
            "Bonnet",
            "Rousseau",
            "Gauthier",
            "Chevalier",
            "Bélanger",
            "Lemaître",
            "Béranger",
            "Delacroix",
        ],
        middle: &["Marie", "Pierre"],
        middle_share: 0.05,
        countries: &["FR"],
        honorifics: &["M./Mme"],
        titles: &[
            "Directeur commercial/Directrice commerciale",
            "Responsable achats",
            "Chargé d'affaires/Chargée d'affaires",
        ],
    },
    Culture {
        lang: "es",
        weight: 6,
        latin: true,
        native_share: 1.0,
        female: &[
            "María",
            "Lucía",
            "Sofía",
            "Martina",
            "Carmen",
            "Paula",
            "Elena",
            "Ainhoa",
            "Begoña",
            "Nuria",
            "Montserrat",
            "Pilar",
            "Inés",
            "Ángela",
            "Rocío",
            "Almudena",
        ],
        male: &[
            "José",
            "Antonio",
            "Manuel",
            "Francisco",
            "Javier",
            "Alejandro",
            "Jesús",
            "Álvaro",
            "Adrián",
            "Sergio",
            "Iñaki",
            "Íñigo",
            "Andrés",
            "Raúl",
            "Joaquín",
            "Rubén",
            "Óscar",
        ],
        family: &[
            "García",
            "Fernández",
            "González",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Jiménez",
            "Ruiz",
            "Hernández",
            "Díaz",
            "Moreno",
            "Muñoz",
            "Álvarez",
            "Romero",
            "Gutiérrez",
            "Navarro",
            "Domínguez",
            "Vázquez",
            "Ramírez",
            "Suárez",
            "Ibáñez",
            "Núñez",
            "Ñúñez",
            "Peña",
            "Castro",
            "Ortiz",
            "Marín",
        ],
        middle: &["del Carmen", "José", "Luis"],
        middle_share: 0.08,
        countries: &["ES"],
        honorifics: &["D./Dña."],
        titles: &[
            "Director comercial/Directora comercial",
            "Jefe de compras/Jefa de compras",
            "Gerente",
        ],
    },
    Culture {
        lang: "it",
        weight: 4,
        latin: true,
        native_share: 1.0,
        female: &[
            "Giulia",
            "Francesca",
            "Chiara",
            "Alessia",
            "Martina",
            "Sara",
            "Federica",
            "Valentina",
            "Elisa",
            "Giorgia",
            "Beatrice",
            "Ilaria",
        ],
        male: &[
            "Marco",
            "Alessandro",
            "Lorenzo",
            "Matteo",
            "Andrea",
            "Luca",
            "Giuseppe",
            "Niccolò",
            "Francesco",
            "Davide",
            "Federico",
            "Tommaso",
            "Gianluca",
        ],
        family: &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
            "Giordano", "Lombardi", "Moretti", "D'Angelo", "Santoro", "Cantù",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["IT"],
        honorifics: &["Dott./Dott.ssa", "Ing."],
        titles: &[
            "Amministratore delegato/Amministratrice delegata",
            "Responsabile acquisti",
        ],
    },
    Culture {
        lang: "pl",
        weight: 4,
        latin: true,
        native_share: 1.0,
        female: &[
            "Zofia",
            "Maja",
            "Julia",
            "Aleksandra",
            "Agnieszka",
            "Małgorzata",
            "Katarzyna",
            "Joanna",
            "Magdalena",
            "Bożena",
            "Jadwiga",
            "Grażyna",
            "Ewa",
        ],
        male: &[
            "Łukasz",
            "Piotr",
            "Krzysztof",
            "Tomasz",
            "Paweł",
            "Michał",
            "Marcin",
            "Jakub",
            "Wojciech",
            "Grzegorz",
            "Mateusz",
            "Bartłomiej",
            "Zbigniew",
            "Jędrzej",
        ],
        family: &[
            "Nowak",
            "Kowalski/Kowalska",
            "Wiśniewski/Wiśniewska",
            "Wójcik",
            "Kowalczyk",
            "Kamiński/Kamińska",
            "Lewandowski/Lewandowska",
            "Zieliński/Zielińska",
            "Szymański/Szymańska",
            "Woźniak",
            "Dąbrowski/Dąbrowska",
            "Kozłowski/Kozłowska",
            "Mazur",
            "Krawczyk",
            "Pawłowski/Pawłowska",
            "Król",
            "Wieczorek",
            "Jabłoński/Jabłońska",
            "Wróbel",
            "Łuczak",
            "Żak",
            "Ślusarczyk",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["PL"],
        honorifics: &["Mgr inż."],
        titles: &[
            "Dyrektor handlowy/Dyrektorka handlowa",
            "Kierownik zakupów/Kierowniczka zakupów",
        ],
    },
    Culture {
        lang: "da",
        weight: 2,
        latin: true,
        native_share: 1.0,
        female: &[
            "Mette", "Freja", "Ida", "Astrid", "Sofie", "Signe", "Birgitte", "Maja", "Søs",
        ],
        male: &[
            "Søren", "Mads", "Rasmus", "Anders", "Jens", "Mikkel", "Frederik", "Jørgen", "Bjørn",
        ],
        family: &[
            "Jensen",
            "Nielsen",
            "Hansen",
            "Pedersen",
            "Andersen",
            "Christensen",
            "Larsen",
            "Sørensen",
            "Rasmussen",
            "Jørgensen",
            "Madsen",
            "Kristensen",
            "Møller",
            "Østergaard",
            "Kjærgaard",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["DK"],
        honorifics: &[],
        titles: &[],
    },
    Culture {
        lang: "sv",
        weight: 2,
        latin: true,
        native_share: 1.0,
        female: &[
            "Åsa", "Linnéa", "Ingrid", "Karin", "Märta", "Sigrid", "Elin", "Ebba", "Agnes",
        ],
        male: &[
            "Nils", "Lars", "Magnus", "Björn", "Oskar", "Henrik", "Göran", "Olle", "Axel",
        ],
        family: &[
            "Johansson",
            "Andersson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Olsson",
            "Persson",
            "Svensson",
            "Lindström",
            "Lindqvist",
            "Åberg",
            "Öberg",
            "Sjöberg",
            "Bergström",
            "Ekström",
            "Ångström",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["SE"],
        honorifics: &[],
        titles: &[],
    },
    Culture {
        lang: "el",
        weight: 3,
        latin: false,
        native_share: 0.6,
        female: &[
            "Μαρία|Maria",
            "Ελένη|Eleni",
            "Αικατερίνη|Aikaterini",
            "Βασιλική|Vasiliki",
            "Σοφία|Sofia",
            "Γεωργία|Georgia",
            "Δήμητρα|Dimitra",
            "Αναστασία|Anastasia",
            "Ιωάννα|Ioanna",
            "Χριστίνα|Christina",
        ],
        male: &[
            "Γιώργος|Giorgos",
            "Δημήτρης|Dimitris",
            "Κωνσταντίνος|Konstantinos",
            "Γιάννης|Giannis",
            "Νίκος|Nikos",
            "Παναγιώτης|Panagiotis",
            "Βασίλης|Vasilis",
            "Χρήστος|Christos",
            "Μιχάλης|Michalis",
            "Σπύρος|Spyros",
        ],
        family: &[
            "Παπαδόπουλος/Παπαδοπούλου|Papadopoulos/Papadopoulou",
            "Παπαδάκης/Παπαδάκη|Papadakis/Papadaki",
            "Γεωργίου|Georgiou",
            "Οικονόμου|Oikonomou",
            "Νικολάου|Nikolaou",
            "Βασιλείου|Vasileiou",
            "Ιωάννου|Ioannou",
            "Καραγιάννης/Καραγιάννη|Karagiannis/Karagianni",
            "Παππάς/Παππά|Pappas/Pappa",
            "Αντωνίου|Antoniou",
            "Δημητρίου|Dimitriou",
            "Μακρής/Μακρή|Makris/Makri",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["GR"],
        honorifics: &[],
        titles: &[
            "Διευθύνων Σύμβουλος",
            "Υπεύθυνος Προμηθειών/Υπεύθυνη Προμηθειών",
        ],
    },
    Culture {
        lang: "ru",
        weight: 4,
        latin: false,
        native_share: 0.6,
        female: &[
            "Анна|Anna",
            "Мария|Maria",
            "Елена|Elena",
            "Ольга|Olga",
            "Наталья|Natalya",
            "Екатерина|Ekaterina",
            "Татьяна|Tatyana",
            "Ирина|Irina",
            "Светлана|Svetlana",
            "Юлия|Yulia",
            "Ксения|Ksenia",
            "Дарья|Darya",
        ],
        male: &[
            "Алексей|Alexey",
            "Дмитрий|Dmitry",
            "Сергей|Sergey",
            "Андрей|Andrey",
            "Иван|Ivan",
            "Михаил|Mikhail",
            "Николай|Nikolai",
            "Владимир|Vladimir",
            "Павел|Pavel",
            "Артём|Artyom",
            "Юрий|Yuri",
            "Евгений|Evgeny",
        ],
        family: &[
            "Иванов/Иванова|Ivanov/Ivanova",
            "Смирнов/Смирнова|Smirnov/Smirnova",
            "Кузнецов/Кузнецова|Kuznetsov/Kuznetsova",
            "Попов/Попова|Popov/Popova",
            "Соколов/Соколова|Sokolov/Sokolova",
            "Лебедев/Лебедева|Lebedev/Lebedeva",
            "Козлов/Козлова|Kozlov/Kozlova",
            "Новиков/Новикова|Novikov/Novikova",
            "Морозов/Морозова|Morozov/Morozova",
            "Волков/Волкова|Volkov/Volkova",
            "Соловьёв/Соловьёва|Solovyov/Solovyova",
            "Васильев/Васильева|Vasiliev/Vasilieva",
            "Шевченко|Shevchenko",
            "Ковальчук|Kovalchuk",
        ],
        middle: &[
            "Александрович/Александровна|Aleksandrovich/Aleksandrovna",
            "Сергеевич/Сергеевна|Sergeevich/Sergeevna",
            "Иванович/Ивановна|Ivanovich/Ivanovna",
            "Дмитриевич/Дмитриевна|Dmitrievich/Dmitrievna",
            "Михайлович/Михайловна|Mikhailovich/Mikhailovna",
        ],
        middle_share: 0.4,
        countries: &["RU"],
        honorifics: &[],
        titles: &[
            "Генеральный директор",
            "Коммерческий директор",
            "Менеджер по закупкам",
        ],
    },
    Culture {
        lang: "zh",
        weight: 6,
        latin: false,
        native_share: 0.7,
        female: &[
            "秀英|Xiuying",
            "丽|Li",
            "静|Jing",
            "敏|Min",
            "婷|Ting",
            "雪|Xue",
            "芳|Fang",
            "慧敏|Huimin",
            "晓燕|Xiaoyan",
            "梓涵|Zihan",
        ],
        male: &[
            "伟|Wei",
            "强|Qiang",
            "磊|Lei",
            "军|Jun",
            "洋|Yang",
            "勇|Yong",
            "杰|Jie",
            "浩然|Haoran",
            "子轩|Zixuan",
            "建国|Jianguo",
            "志明|Zhiming",
        ],
        family: &[
            "王|Wang",
            "李|Li",
            "张|Zhang",
            "刘|Liu",
            "陈|Chen",
            "杨|Yang",
            "黄|Huang",
            "赵|Zhao",
            "吴|Wu",
            "周|Zhou",
            "徐|Xu",
            "孙|Sun",
            "马|Ma",
            "朱|Zhu",
            "胡|Hu",
            "郭|Guo",
            "林|Lin",
            "高|Gao",
            "欧阳|Ouyang",
            "司马|Sima",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["CN"],
        honorifics: &[],
        titles: &["总经理", "销售总监", "采购经理", "技术总监"],
    },
    Culture {
        lang: "ja",
        weight: 5,
        latin: false,
        native_share: 0.7,
        female: &[
            "陽菜|Hina",
            "結衣|Yui",
            "さくら|Sakura",
            "美咲|Misaki",
            "葵|Aoi",
            "優子|Yuko",
            "恵美|Emi",
            "直美|Naomi",
            "由美子|Yumiko",
            "花子|Hanako",
        ],
        male: &[
            "翔太|Shota",
            "大輔|Daisuke",
            "健太|Kenta",
            "拓也|Takuya",
            "浩|Hiroshi",
            "誠|Makoto",
            "蓮|Ren",
            "悠真|Yuma",
            "健一|Kenichi",
            "隆|Takashi",
            "翼|Tsubasa",
        ],
        family: &[
            "佐藤|Sato",
            "鈴木|Suzuki",
            "高橋|Takahashi",
            "田中|Tanaka",
            "伊藤|Ito",
            "渡辺|Watanabe",
            "山本|Yamamoto",
            "中村|Nakamura",
            "小林|Kobayashi",
            "加藤|Kato",
            "吉田|Yoshida",
            "山田|Yamada",
            "佐々木|Sasaki",
            "松本|Matsumoto",
            "井上|Inoue",
            "木村|Kimura",
            "斎藤|Saito",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["JP"],
        honorifics: &[],
        titles: &["営業部長", "代表取締役社長", "課長", "購買担当"],
    },
    Culture {
        lang: "ko",
        weight: 3,
        latin: false,
        native_share: 0.7,
        female: &[
            "서연|Seo-yeon",
            "민지|Min-ji",
            "지우|Ji-woo",
            "수빈|Su-bin",
            "하은|Ha-eun",
            "지현|Ji-hyun",
            "은지|Eun-ji",
            "예린|Ye-rin",
        ],
        male: &[
            "민준|Min-jun",
            "서준|Seo-jun",
            "도윤|Do-yoon",
            "지훈|Ji-hoon",
            "현우|Hyun-woo",
            "성민|Sung-min",
            "준호|Jun-ho",
            "동현|Dong-hyun",
        ],
        family: &[
            "김|Kim",
            "이|Lee",
            "박|Park",
            "최|Choi",
            "정|Jung",
            "강|Kang",
            "조|Cho",
            "윤|Yoon",
            "장|Jang",
            "임|Lim",
            "한|Han",
            "오|Oh",
            "서|Seo",
            "신|Shin",
            "황보|Hwangbo",
            "남궁|Namgung",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["KR"],
        honorifics: &[],
        titles: &["대표이사", "영업팀장", "과장"],
    },
    Culture {
        lang: "ar",
        weight: 4,
        latin: false,
        native_share: 0.5,
        female: &[
            "فاطمة|Fatima",
            "مريم|Maryam",
            "نور|Nour",
            "ليلى|Layla",
            "سارة|Sara",
            "عائشة|Aisha",
            "هدى|Huda",
            "ياسمين|Yasmin",
            "رنا|Rana",
            "دينا|Dina",
        ],
        male: &[
            "محمد|Mohammed",
            "أحمد|Ahmed",
            "علي|Ali",
            "عمر|Omar",
            "خالد|Khaled",
            "يوسف|Youssef",
            "حسن|Hassan",
            "إبراهيم|Ibrahim",
            "طارق|Tariq",
            "كريم|Karim",
        ],
        family: &[
            "الهاشمي|Al-Hashimi",
            "المنصوري|Al-Mansouri",
            "الشامسي|Al-Shamsi",
            "العتيبي|Al-Otaibi",
            "القحطاني|Al-Qahtani",
            "حداد|Haddad",
            "خوري|Khoury",
            "منصور|Mansour",
            "سليمان|Suleiman",
            "عبد الله|Abdullah",
            "الفارسي|Al-Farsi",
            "عثمان|Othman",
            "فرج|Farag",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["AE", "SA", "EG"],
        honorifics: &["Eng.", "Sheikh/Sheikha"],
        titles: &[],
    },
    Culture {
        lang: "hi",
        weight: 5,
        latin: false,
        native_share: 0.4,
        female: &[
            "प्रिया|Priya",
            "अनन्या|Ananya",
            "दीपिका|Deepika",
            "पूजा|Pooja",
            "नेहा|Neha",
            "कविता|Kavita",
            "सुनीता|Sunita",
            "अदिति|Aditi",
            "श्रेया|Shreya",
            "लक्ष्मी|Lakshmi",
        ],
        male: &[
            "राहुल|Rahul",
            "अमित|Amit",
            "विकास|Vikas",
            "अर्जुन|Arjun",
            "रोहन|Rohan",
            "संजय|Sanjay",
            "आदित्य|Aditya",
            "विजय|Vijay",
            "सुरेश|Suresh",
            "करण|Karan",
        ],
        family: &[
            "शर्मा|Sharma",
            "वर्मा|Verma",
            "गुप्ता|Gupta",
            "सिंह|Singh",
            "कुमार|Kumar",
            "पटेल|Patel",
            "मेहता|Mehta",
            "जोशी|Joshi",
            "अग्रवाल|Agarwal",
            "मल्होत्रा|Malhotra",
            "रेड्डी|Reddy",
            "अय्यर|Iyer",
            "नायर|Nair",
            "बनर्जी|Banerjee",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["IN"],
        honorifics: &["Shri/Smt."],
        titles: &[],
    },
    Culture {
        lang: "tr",
        weight: 3,
        latin: true,
        native_share: 1.0,
        female: &[
            "Ayşe", "Fatma", "Zeynep", "Elif", "Gülşen", "Şule", "Özlem", "Çiğdem", "Büşra",
            "Merve", "İrem", "Ebru",
        ],
        male: &[
            "Mehmet", "Mustafa", "Ahmet", "Hüseyin", "Murat", "Emre", "Burak", "Çağlar", "Oğuz",
            "Gökhan", "Barış", "Ömer", "İsmail",
        ],
        family: &[
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Yıldırım",
            "Öztürk",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
            "Kılıç",
            "Çetin",
            "Koç",
            "Kurt",
            "Şimşek",
            "Güneş",
            "Aksoy",
            "Uçar",
        ],
        middle: &[],
        middle_share: 0.0,
        countries: &["TR"],
        honorifics: &[],
        titles: &["Genel Müdür", "Satış Müdürü", "Satın Alma Uzmanı"],
    },
    Culture {
        lang: "vi",
        weight: 3,
        // Written in Latin with stacked diacritics; explicit ASCII forms
        // because the folding table does not know every precomposed letter.
        latin: false,
        native_share: 0.85,
        female: &[
            "Lan|Lan",
            "Hương|Huong",
            "Mai|Mai",
            "Linh|Linh",
            "Thảo|Thao",
            "Ngọc|Ngoc",
            "Trang|Trang",
            "Phương|Phuong",
            "Hà|Ha",
            "Thu|Thu",
        ],
        male: &[
            "Minh|Minh",
            "Tuấn|Tuan",
            "Hùng|Hung",
            "Dũng|Dung",
            "Quang|Quang",
            "Đức|Duc",
            "Huy|Huy",
            "Khoa|Khoa",
            "Phúc|Phuc",
            "Bảo|Bao",
        ],
        family: &[
            "Nguyễn|Nguyen",
            "Trần|Tran",
            "Lê|Le",
            "Phạm|Pham",
            "Hoàng|Hoang",
            "Huỳnh|Huynh",
            "Phan|Phan",
            "Vũ|Vu",
            "Võ|Vo",
            "Đặng|Dang",
            "Bùi|Bui",
            "Đỗ|Do",
            "Hồ|Ho",
            "Ngô|Ngo",
            "Dương|Duong",
        ],
        middle: &[
            "Văn/Thị|Van/Thi",
            "Minh|Minh",
            "Ngọc|Ngoc",
            "Quốc/Thu|Quoc/Thu",
        ],
        middle_share: 0.6,
        countries: &["VN"],
        honorifics: &[],
        titles: &["Giám đốc", "Trưởng phòng kinh doanh"],
    },
];

const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        cities: &[
            ("San Francisco", "941##", "CA"),
            ("New York", "100##", "NY"),
            ("Chicago", "606##", "IL"),
            ("Boston", "021##", "MA"),
            ("Seattle", "981##", "WA"),
            ("Austin", "787##", "TX"),
            ("Denver", "802##", "CO"),
        ],
        streets: &[
            "Market St",
            "Mission Street",
            "Broadway",
            "5th Ave",
            "Elm Street",
            "Oak Avenue",
            "Main St",
            "Lake Shore Dr",
            "Congress Ave",
            "Pine St",
        ],
        street_fmt: "# $",
        mobile: &[
            "+1 (415) N##-####",
            "(415) 555-01##",
            "+1 (212) N##-####",
            "312-N##-####",
            "+1617N######",
            "(206) N##-####",
            "512 N## ####",
        ],
        fixed: &[
            "+1 (415) 555-01##",
            "(212) N##-####",
            "+1 312 N## ####",
            "617-N##-####",
            "+1303N######",
            "(512) N##-#### x##",
        ],
        freemail: &[
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "icloud.com",
            "aol.com",
        ],
        tlds: &["com", "io", "co"],
        legal: &["Inc.", "LLC", "Corp."],
        companies: &[
            "O'Reilly & Partners|oreilly-partners.com",
            "Blue Ridge Outfitters|blueridge-outfitters.com",
            "Golden Gate Robotics|gg-robotics.com",
        ],
        currency: ("$", "k"),
    },
    Country {
        code: "GB",
        cities: &[
            ("London", "EC1A #@@", ""),
            ("London", "SW1A #@@", ""),
            ("Manchester", "M1 #@@", ""),
            ("Edinburgh", "EH1 #@@", ""),
            ("Bristol", "BS1 #@@", ""),
        ],
        streets: &[
            "Baker Street",
            "High Street",
            "Deansgate",
            "King's Road",
            "Princes Street",
            "Whitechapel Road",
            "Park Lane",
        ],
        street_fmt: "# $",
        mobile: &[
            "071## ######",
            "+44 7300 ######",
            "07 2## ######",
            "+447123######",
        ],
        fixed: &[
            "020 7N## ####",
            "+44 20 3N## ####",
            "0161 N## ####",
            "+44 131 N## ####",
            "0117 9## ####",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["co.uk", "com"],
        legal: &["Ltd", "plc", "LLP"],
        companies: &[
            "Thistle & Rose Ltd|thistlerose.co.uk",
            "Pemberton Hargreaves LLP|pemberton-hargreaves.co.uk",
        ],
        currency: ("£", "k"),
    },
    Country {
        code: "NL",
        cities: &[
            ("Amsterdam", "10## @@", ""),
            ("Rotterdam", "30## @@", ""),
            ("Utrecht", "35## @@", ""),
            ("Den Haag", "25## @@", ""),
            ("Eindhoven", "56## @@", ""),
        ],
        streets: &[
            "Keizersgracht",
            "Prinsengracht",
            "Herengracht",
            "Coolsingel",
            "Oudegracht",
            "Lange Voorhout",
            "Stationsplein",
            "Stratumseind",
        ],
        street_fmt: "$ #",
        mobile: &[
            "06 1#######",
            "06-2#######",
            "+31 6 3#######",
            "+3165#######",
            "0648######",
        ],
        fixed: &[
            "020 N######",
            "010-N######",
            "+31 30 N######",
            "070 N## ####",
            "+3140N######",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com", "live.com"],
        tlds: &["nl", "nl", "com", "eu"],
        legal: &["B.V.", "N.V."],
        companies: &[
            "Van der Linden Installatietechniek B.V.|vanderlinden.nl",
            "De Gouden Koets|degoudenkoets.nl",
            "Bakker & Zonen|bakkerzonen.nl",
            "Fietsfabriek Oranje B.V.|fietsfabriek-oranje.nl",
        ],
        currency: ("€", "k"),
    },
    Country {
        code: "DE",
        cities: &[
            ("Berlin", "10###", ""),
            ("München", "80###", ""),
            ("Hamburg", "20###", ""),
            ("Köln", "50###", ""),
            ("Frankfurt am Main", "60###", ""),
            ("Düsseldorf", "40###", ""),
        ],
        streets: &[
            "Hauptstraße",
            "Friedrichstraße",
            "Königsallee",
            "Schloßstraße",
            "Müllerstraße",
            "Am Fischmarkt",
            "Gartenweg",
            "Bahnhofstraße",
            "Weißenburger Straße",
        ],
        street_fmt: "$ #",
        mobile: &[
            "0151 2#######",
            "0171 #######",
            "+49 160 N######",
            "+49176########",
            "0172-N######",
        ],
        fixed: &[
            "030 N######",
            "089 N#######",
            "040 N######",
            "+49 221 N######",
            "069 / N######",
            "+4930N#######",
        ],
        freemail: &["gmx.de", "web.de", "gmail.com", "gmx.net"],
        tlds: &["de", "de", "com", "eu"],
        legal: &["GmbH", "AG", "SE", "GmbH & Co. KG"],
        companies: &[
            "Bäckerei Schäfer GmbH|baeckerei-schaefer.de",
            "Müller & Söhne Maschinenbau GmbH|mueller-soehne.de",
            "Grünwald Energie AG|gruenwald-energie.de",
            "Stadtwerke Nordheim|stadtwerke-nordheim.de",
        ],
        currency: ("€", "k"),
    },
    Country {
        code: "FR",
        cities: &[
            ("Paris", "750##", ""),
            ("Lyon", "6900#", ""),
            ("Marseille", "130##", ""),
            ("Toulouse", "310##", ""),
            ("Bordeaux", "330##", ""),
            ("Nantes", "440##", ""),
        ],
        streets: &[
            "rue de Rivoli",
            "avenue des Champs-Élysées",
            "boulevard Haussmann",
            "rue de la République",
            "quai Saint-Michel",
            "place Bellecour",
            "rue Sainte-Catherine",
        ],
        street_fmt: "# $",
        mobile: &[
            "06 1# ## ## ##",
            "06 2# ## ## ##",
            "07 8# ## ## ##",
            "+33 6 1# ## ## ##",
        ],
        fixed: &[
            "01 4# ## ## ##",
            "04 7# ## ## ##",
            "+33 1 4# ## ## ##",
            "05 5# ## ## ##",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["fr", "fr", "com"],
        legal: &["SAS", "SA", "SARL"],
        companies: &[
            "Société Générale d'Électronique|sge-electronique.fr",
            "Boulangerie Lefèvre|lefevre-boulangerie.fr",
            "Crédit Coopératif du Rhône|ccrhone.fr",
        ],
        currency: ("", " k€"),
    },
    Country {
        code: "ES",
        cities: &[
            ("Madrid", "280##", ""),
            ("Barcelona", "080##", ""),
            ("Sevilla", "410##", ""),
            ("Valencia", "460##", ""),
            ("Málaga", "290##", ""),
        ],
        streets: &[
            "Calle de Alcalá",
            "Gran Vía",
            "Passeig de Gràcia",
            "Calle Mayor",
            "Avenida de la Constitución",
            "Calle de Serrano",
        ],
        street_fmt: "$, #",
        mobile: &[
            "6## ## ## ##",
            "+34 612 ## ## ##",
            "+3467#######",
            "699 ### ###",
        ],
        fixed: &[
            "91 N## ## ##",
            "93 N## ## ##",
            "+34 95 N## ## ##",
            "96 N## ## ##",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["es", "com"],
        legal: &["S.L.", "S.A."],
        companies: &[
            "Construcciones Núñez S.A.|construccionesnunez.es",
            "Café Olé S.L.|cafeole.es",
        ],
        currency: ("", " k€"),
    },
    Country {
        code: "IT",
        cities: &[
            ("Roma", "001##", ""),
            ("Milano", "201##", ""),
            ("Torino", "101##", ""),
            ("Napoli", "801##", ""),
            ("Firenze", "501##", ""),
        ],
        streets: &[
            "Via del Corso",
            "Via Roma",
            "Corso Buenos Aires",
            "Via Garibaldi",
            "Piazza Navona",
        ],
        street_fmt: "$, #",
        mobile: &[
            "33# ### ####",
            "+39 347 ### ####",
            "+39320#######",
            "340 #######",
        ],
        fixed: &[
            "06 N### ####",
            "02 N### ####",
            "+39 011 N######",
            "+39 055 N######",
        ],
        freemail: &["gmail.com", "libero.it", "hotmail.com"],
        tlds: &["it", "com"],
        legal: &["S.p.A.", "S.r.l."],
        companies: &["Tecnologie Città S.r.l.|tecnocitta.it"],
        currency: ("€", "k"),
    },
    Country {
        code: "PL",
        cities: &[
            ("Warszawa", "00-###", ""),
            ("Kraków", "31-###", ""),
            ("Łódź", "90-###", ""),
            ("Gdańsk", "80-###", ""),
            ("Wrocław", "50-###", ""),
        ],
        streets: &[
            "ul. Marszałkowska",
            "ul. Floriańska",
            "ul. Piotrkowska",
            "al. Jerozolimskie",
            "ul. Długa",
            "ul. Świdnicka",
        ],
        street_fmt: "$ #",
        mobile: &[
            "501 ### ###",
            "600 ### ###",
            "+48 512 ### ###",
            "+48790######",
        ],
        fixed: &[
            "22 N## ## ##",
            "12 N## ## ##",
            "+48 58 N## ## ##",
            "+48 71 N######",
        ],
        freemail: &["gmail.com", "outlook.com"],
        tlds: &["pl", "com"],
        legal: &["Sp. z o.o.", "S.A."],
        companies: &[
            "Przedsiębiorstwo Łączność Sp. z o.o.|lacznosc.pl",
            "Wisła Software|wisla-software.pl",
        ],
        currency: ("", "k zł"),
    },
    Country {
        code: "DK",
        cities: &[
            ("København K", "1###", ""),
            ("Aarhus C", "8000", ""),
            ("Odense C", "5000", ""),
        ],
        streets: &[
            "Strøget",
            "Nørregade",
            "Vesterbrogade",
            "Østergade",
            "Åboulevarden",
        ],
        street_fmt: "$ #",
        mobile: &[
            "20 N# ## ##",
            "+45 40 N# ## ##",
            "+4531N#####",
            "50 N# ## ##",
        ],
        fixed: &["33 N# ## ##", "+45 86 N# ## ##", "66 N# ## ##"],
        freemail: &["gmail.com", "hotmail.com"],
        tlds: &["dk", "com"],
        legal: &["A/S", "ApS"],
        companies: &["Østergaard Møbler A/S|ostergaard-mobler.dk"],
        currency: ("", "k kr."),
    },
    Country {
        code: "SE",
        cities: &[
            ("Stockholm", "111 ##", ""),
            ("Göteborg", "411 ##", ""),
            ("Malmö", "211 ##", ""),
            ("Uppsala", "753 ##", ""),
        ],
        streets: &[
            "Drottninggatan",
            "Kungsgatan",
            "Götgatan",
            "Sveavägen",
            "Storgatan",
        ],
        street_fmt: "$ #",
        mobile: &[
            "070-### ## ##",
            "+46 73 ### ## ##",
            "+4676#######",
            "072 ### ## ##",
        ],
        fixed: &[
            "08-N## ### ##",
            "031-N## ## ##",
            "+46 40 N## ## ##",
            "+46 8 N## ### ##",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["se", "com"],
        legal: &["AB"],
        companies: &["Ångström Mätteknik AB|angstrom-matteknik.se"],
        currency: ("", "k kr"),
    },
    Country {
        code: "GR",
        cities: &[
            ("Αθήνα", "105 ##", ""),
            ("Θεσσαλονίκη", "546 ##", ""),
            ("Πάτρα", "262 ##", ""),
            ("Athens", "106 ##", ""),
        ],
        streets: &["Ερμού", "Πανεπιστημίου", "Σταδίου", "Τσιμισκή", "Ακαδημίας"],
        street_fmt: "$ #",
        mobile: &[
            "694 ### ####",
            "+30 697 ### ####",
            "+30690#######",
            "6944 ######",
        ],
        fixed: &[
            "210 N## ####",
            "2310 N#####",
            "+30 210 N######",
            "2610 N#####",
        ],
        freemail: &["gmail.com", "yahoo.com", "hotmail.com"],
        tlds: &["gr", "com"],
        legal: &["S.A.", "Α.Ε."],
        companies: &[
            "Αιγαίο Λογισμικό Α.Ε.|aigaio-soft.gr",
            "Ολυμπία Τρόφιμα|olympia-foods.gr",
        ],
        currency: ("€", "k"),
    },
    Country {
        code: "RU",
        cities: &[
            ("Москва", "125###", ""),
            ("Санкт-Петербург", "19####", ""),
            ("Казань", "420###", ""),
            ("Новосибирск", "630###", ""),
        ],
        streets: &[
            "ул. Тверская",
            "Невский проспект",
            "ул. Арбат",
            "Ленинский проспект",
            "ул. Баумана",
        ],
        street_fmt: "$, д. #",
        mobile: &[
            "8 (916) ###-##-##",
            "+7 903 ###-##-##",
            "+7926#######",
            "8 985 ### ## ##",
        ],
        fixed: &[
            "+7 495 N##-##-##",
            "8 (499) N##-##-##",
            "+7 (495) N##-##-##",
        ],
        freemail: &["yandex.ru", "mail.ru", "gmail.com"],
        tlds: &["ru"],
        legal: &["LLC"],
        companies: &[
            "ООО «Северный ветер»|severveter.ru",
            "АО «Вектор Технологии»|vector-tech.ru",
            "ООО «Байкал Логистик»|baikal-logistic.ru",
        ],
        currency: ("", "k ₽"),
    },
    Country {
        code: "CN",
        cities: &[
            ("北京市", "100###", ""),
            ("上海市", "200###", ""),
            ("深圳市", "518###", "广东省"),
            ("杭州市", "310###", "浙江省"),
            ("Shanghai", "200###", ""),
        ],
        streets: &["建国路", "南京东路", "长安街", "中关村大街", "淮海中路"],
        street_fmt: "$#号",
        mobile: &[
            "138 #### ####",
            "+86 139 #### ####",
            "+86135########",
            "186########",
        ],
        fixed: &[
            "010 6### ####",
            "021 N### ####",
            "+86 755 N### ####",
            "+86 571 N#######",
        ],
        freemail: &["qq.com", "163.com", "gmail.com"],
        tlds: &["cn", "com.cn", "com"],
        legal: &["Co., Ltd."],
        companies: &[
            "华信科技有限公司|huaxin-tech.cn",
            "上海云帆网络科技有限公司|yunfan.com.cn",
            "深圳市星河电子有限公司|xinghe-elec.cn",
        ],
        currency: ("¥", "k"),
    },
    Country {
        code: "JP",
        cities: &[
            ("東京都千代田区", "100-####", ""),
            ("大阪市北区", "530-####", ""),
            ("横浜市西区", "220-####", ""),
            ("京都市中京区", "604-####", ""),
            ("Tokyo", "150-####", ""),
        ],
        streets: &["本町", "中央", "栄町", "緑町", "駅前"],
        street_fmt: "$%-%-%",
        mobile: &[
            "090-N###-####",
            "080-####-####",
            "+81 90-N###-####",
            "+8180N#######",
        ],
        fixed: &[
            "03-N###-####",
            "06-N###-####",
            "+81 45-N##-####",
            "075-N##-####",
        ],
        freemail: &["gmail.com", "icloud.com", "outlook.com"],
        tlds: &["co.jp", "jp", "com"],
        legal: &["K.K.", "Co., Ltd."],
        companies: &[
            "株式会社さくらテック|sakuratech.co.jp",
            "山田製作所|yamada-ss.co.jp",
            "東和物流株式会社|towa-butsuryu.co.jp",
        ],
        currency: ("¥", "m"),
    },
    Country {
        code: "KR",
        cities: &[
            ("서울특별시", "06###", ""),
            ("부산광역시", "48###", ""),
            ("인천광역시", "21###", ""),
            ("Seoul", "04###", ""),
        ],
        streets: &["테헤란로", "세종대로", "강남대로", "해운대로", "올림픽로"],
        street_fmt: "$ #",
        mobile: &[
            "010-2###-####",
            "+82 10-3###-####",
            "+82107#######",
            "010 8### ####",
        ],
        fixed: &[
            "02-N##-####",
            "051-N##-####",
            "+82 2-N###-####",
            "032-N##-####",
        ],
        freemail: &["naver.com", "gmail.com"],
        tlds: &["co.kr", "kr", "com"],
        legal: &["Co., Ltd.", "Inc."],
        companies: &[
            "한빛소프트웨어|hanbit-sw.co.kr",
            "(주)새벽물산|saebyeok.co.kr",
            "미래에너지|mirae-energy.co.kr",
        ],
        currency: ("₩", "m"),
    },
    Country {
        code: "AE",
        cities: &[
            ("Dubai", "", ""),
            ("Abu Dhabi", "", ""),
            ("Sharjah", "", ""),
        ],
        streets: &[
            "Sheikh Zayed Road",
            "Al Wasl Road",
            "Jumeirah Beach Road",
            "Corniche Road",
        ],
        street_fmt: "# $",
        mobile: &[
            "050 N## ####",
            "+971 55 N## ####",
            "+97152N######",
            "056-N######",
        ],
        fixed: &[
            "04 N## ####",
            "02 N## ####",
            "+971 4 N## ####",
            "06 N## ####",
        ],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["ae", "com"],
        legal: &["LLC", "FZ-LLC", "FZE"],
        companies: &[
            "Al Noor Trading LLC|alnoor-trading.ae",
            "شركة الخليج للتقنية|gulftech.ae",
        ],
        currency: ("", "k AED"),
    },
    Country {
        code: "SA",
        cities: &[
            ("Riyadh", "1####", ""),
            ("Jeddah", "2####", ""),
            ("الرياض", "1####", ""),
        ],
        streets: &[
            "King Fahd Road",
            "Olaya Street",
            "Tahlia Street",
            "Prince Sultan Road",
        ],
        street_fmt: "# $",
        mobile: &["050 N## ####", "+966 55 N## ####", "+96654N######"],
        fixed: &["011 N## ####", "+966 12 6## ####"],
        freemail: &["gmail.com", "hotmail.com"],
        tlds: &["com.sa", "sa", "com"],
        legal: &["LLC"],
        companies: &["Najd Systems|najd-systems.com.sa"],
        currency: ("", "k SAR"),
    },
    Country {
        code: "EG",
        cities: &[
            ("Cairo", "11###", ""),
            ("Alexandria", "21###", ""),
            ("Giza", "12###", ""),
        ],
        streets: &[
            "Tahrir Street",
            "26th of July Street",
            "Corniche El Nil",
            "Talaat Harb Street",
        ],
        street_fmt: "# $",
        mobile: &[
            "010 #### ####",
            "+20 12 #### ####",
            "+20111#######",
            "0155 ### ####",
        ],
        fixed: &["02 N### ####", "+20 2 N### ####", "03 N## ####"],
        freemail: &["gmail.com", "yahoo.com", "hotmail.com"],
        tlds: &["com.eg", "com"],
        legal: &["S.A.E."],
        companies: &["Nile Valley Textiles|nilevalley-textiles.com.eg"],
        currency: ("", "k EGP"),
    },
    Country {
        code: "IN",
        cities: &[
            ("Mumbai", "400###", "Maharashtra"),
            ("New Delhi", "110###", "Delhi"),
            ("Bengaluru", "560###", "Karnataka"),
            ("Chennai", "600###", "Tamil Nadu"),
            ("Pune", "411###", "Maharashtra"),
            ("Hyderabad", "500###", "Telangana"),
        ],
        streets: &[
            "MG Road",
            "Linking Road",
            "Connaught Place",
            "Brigade Road",
            "Park Street",
            "Anna Salai",
        ],
        street_fmt: "# $",
        mobile: &[
            "98### #####",
            "+91 98765 #####",
            "+9199########",
            "99### #####",
        ],
        fixed: &[
            "011 2### ####",
            "022 2### ####",
            "+91 80 N### ####",
            "044-2#######",
        ],
        freemail: &["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"],
        tlds: &["in", "co.in", "com"],
        legal: &["Pvt. Ltd.", "Ltd."],
        companies: &[
            "Sharma Infotech Pvt. Ltd.|sharmainfotech.in",
            "Ganga Agro Industries|ganga-agro.co.in",
            "श्री गणेश ट्रेडर्स|shriganesh-traders.in",
        ],
        currency: ("₹", " lakh"),
    },
    Country {
        code: "TR",
        cities: &[
            ("İstanbul", "34###", ""),
            ("Ankara", "06###", ""),
            ("İzmir", "35###", ""),
            ("Bursa", "16###", ""),
        ],
        streets: &[
            "İstiklal Caddesi",
            "Bağdat Caddesi",
            "Atatürk Bulvarı",
            "Cumhuriyet Caddesi",
            "Kıbrıs Şehitleri Caddesi",
        ],
        street_fmt: "$ No:#",
        mobile: &[
            "0532 ### ## ##",
            "+90 505 ### ## ##",
            "+90542#######",
            "0555 ### ####",
        ],
        fixed: &["0212 N## ## ##", "0312 N## ## ##", "+90 232 N## ## ##"],
        freemail: &["gmail.com", "hotmail.com", "outlook.com"],
        tlds: &["com.tr", "com"],
        legal: &["A.Ş.", "Ltd. Şti."],
        companies: &[
            "Boğaziçi Yazılım A.Ş.|bogazici-yazilim.com.tr",
            "Öztürk Tekstil|ozturk-tekstil.com.tr",
        ],
        currency: ("₺", "k"),
    },
    Country {
        code: "VN",
        cities: &[
            ("Hà Nội", "100000", ""),
            ("Thành phố Hồ Chí Minh", "700000", ""),
            ("Đà Nẵng", "550000", ""),
        ],
        streets: &[
            "Đường Lê Lợi",
            "Phố Hàng Bài",
            "Đường Nguyễn Huệ",
            "Phố Tràng Tiền",
            "Đường Điện Biên Phủ",
        ],
        street_fmt: "# $",
        mobile: &[
            "091 ### ## ##",
            "+84 90 ### ## ##",
            "+8498#######",
            "0983 ### ###",
        ],
        fixed: &["024 N### ####", "028 N### ####", "+84 236 N## ####"],
        freemail: &["gmail.com", "yahoo.com"],
        tlds: &["vn", "com.vn", "com"],
        legal: &["JSC", "Co., Ltd."],
        companies: &[
            "Công ty TNHH Sao Việt|saoviet.vn",
            "Tập đoàn Hòa Bình Xanh|hoabinhxanh.com.vn",
        ],
        currency: ("", "bn ₫"),
    },
];

const FREEMAIL_GLOBAL: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "yahoo.com",
    "proton.me",
];

const COMPANY_PREFIXES: &[&str] = &[
    "Northwind",
    "Bluefin",
    "Brightline",
    "Evergreen",
    "Silverpeak",
    "Blue Harbor",
    "Ironbridge",
    "Lumen",
    "Nimbus",
    "Polar",
    "Quantum",
    "Redwood",
    "Summit",
    "Tidewater",
    "Vertex",
    "Zenith",
    "Copperleaf",
    "Greenfield",
    "Helix",
    "Keystone",
    "Meridian",
    "Orbit",
    "Pinnacle",
    "Riverstone",
    "Sapphire",
    "Starling",
    "Stonebridge",
    "Terra",
    "Waypoint",
    "Falcon",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Ember",
    "Fjord",
    "Granite",
    "Juniper",
    "Kestrel",
    "Maple",
    "Nova",
    "Oakridge",
    "Pioneer",
    "Aurora",
    "Solace",
    "Cedar & Pine",
    "Lighthouse",
];

const COMPANY_SECTORS: &[&str] = &[
    "Analytics",
    "Logistics",
    "Software",
    "Systems",
    "Labs",
    "Consulting",
    "Energy",
    "Health",
    "Capital",
    "Foods",
    "Robotics",
    "Media",
    "Partners",
    "Solutions",
    "Networks",
    "Bio",
    "Payments",
    "Cloud",
    "Studios",
    "Manufacturing",
    "Retail",
    "Security",
    "Mobility",
    "Insurance",
    "Architects",
    "Pharma",
];

const JOB_TITLES: &[&str] = &[
    "CEO",
    "CTO",
    "CFO",
    "COO",
    "Founder",
    "Co-founder & CEO",
    "VP Sales",
    "VP Engineering",
    "Head of Marketing",
    "Head of Procurement",
    "Head of Operations",
    "Marketing Manager",
    "Sales Director",
    "Account Executive",
    "Key Account Manager",
    "Purchasing Manager",
    "Office Manager",
    "IT Manager",
    "Software Engineer",
    "Senior Software Engineer",
    "Product Manager",
    "Data Scientist",
    "Business Development Manager",
    "Customer Success Manager",
    "HR Business Partner",
    "Legal Counsel",
    "Finance Director",
    "Controller",
    "Partner",
    "Managing Director",
    "Project Manager",
    "Chief Revenue Officer",
    "Growth Lead",
    "Supply Chain Manager",
    "Executive Assistant",
    "Research Scientist",
    "Senior Consultant",
    "Principal Architect",
    "Head of Partnerships",
    "General Counsel",
    "Solutions Engineer",
];

/// (tag, weight)
const TAGS: &[(&str, u32)] = &[
    ("customer", 20),
    ("lead", 18),
    ("newsletter", 15),
    ("prospect", 12),
    ("partner", 8),
    ("conference-2026", 7),
    ("vip", 6),
    ("decision-maker", 6),
    ("churned", 5),
    ("referral", 5),
    ("webinar-2025", 5),
    ("supplier", 4),
    ("investor", 3),
    ("press", 2),
];

const SOURCES: &[&str] = &[
    "website",
    "referral",
    "conference",
    "cold-outreach",
    "linkedin",
    "webinar",
    "partner",
    "import",
];

const REPS: &[&str] = &[
    "Sam Carter",
    "Priya Raman",
    "Jonas Albers",
    "Marta Kowalczyk",
    "Lucía Ortega",
    "Kenji Mori",
];

const PRODUCTS: &[&str] = &[
    "Pro plan",
    "Enterprise tier",
    "analytics add-on",
    "API access",
    "onboarding package",
    "annual licence",
    "premium support",
    "data migration service",
];

const COMPETITORS: &[&str] = &[
    "Salesforge",
    "Clientele",
    "DealFlow",
    "Pipewise",
    "a spreadsheet",
];

const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "September",
    "October",
    "November",
    "December",
];

const WHENS: &[&str] = &[
    "next week",
    "next Tuesday",
    "end of the month",
    "after the summer",
    "early Q3",
    "before Christmas",
    "in two weeks",
    "Friday",
    "after their board meeting",
];

const OTHER_ATTENDEES: &[&str] = &[
    "",
    ", their CFO",
    ", two people from IT",
    ", head of procurement",
    " (remote)",
];

const BIG_CITIES: &[&str] = &[
    "Berlin",
    "London",
    "Singapore",
    "São Paulo",
    "Toronto",
    "Dubai",
    "Tokyo",
    "Warsaw",
];

// Note lines are `title|text`: a note's title comes from its first line
// (or, sometimes, from the generic titles), so title and text agree.

const CALL_TITLES: &[&str] = &["Call with {g}", "Quick check-in", "Intro call – {co}"];

const CALL_LINES: &[&str] = &[
    "Call with {g}|Spoke with {g} for about {mins} minutes.",
    "Budget confirmed|{g} confirmed a budget of roughly {amt} for this year.",
    "Discovery call|Currently using {comp}; contract ends in {month}.",
    "Discovery call|Main pain point: monthly reporting takes their team two days.",
    "Pricing call|Interested in the {prod}, wants pricing for {n} seats.",
    "Security questions|Asked about SSO and data residency in the EU.",
    "Call with {g}|Not the decision maker – introduced me to their head of operations.",
    "Voicemail|Left a voicemail, will try again {date}.",
    "Follow-up call re {prod}|Very positive; said they'd loop in procurement {date}.",
    "Renewal call|Timing is bad: hiring freeze until {month}. Revisit then.",
    "Quick check-in|Mentioned they're opening an office in {city2}.",
    "Escalation|Complained about last month's outage. Apologised, offered a credit.",
];

const MEETING_TITLES: &[&str] = &["Meeting at {co}", "Lunch in {city}", "On-site workshop"];

const MEETING_LINES: &[&str] = &[
    "Demo at {co}|Demoed the {prod}; questions were mostly about import and API limits.",
    "Kick-off meeting|Agreed on a pilot with {n} users starting {date}.",
    "Contract negotiation|They need sign-off from legal; sent the DPA afterwards.",
    "Quarterly business review|Walked through the roadmap. Offline mode got the biggest reaction.",
    "Contract negotiation|Discussed {pct}% discount for a 3-year commitment – said I'd check.",
    "Chat at our conference booth|Good chemistry. {g} is clearly the internal champion.",
    "Budget meeting|Budget approved for {amt}, pending CFO signature.",
    "Technical deep-dive|Concern: migration from {comp} without downtime.",
    "Quarterly business review|They want a shared Slack channel with our support team.",
];

const EMAIL_TITLES: &[&str] = &["Re: your question", "Intro via {col}"];

const EMAIL_LINES: &[&str] = &[
    "Sent proposal|Sent the proposal for the {prod} ({amt}, {n} seats).",
    "Re: references|{g} replied asking for two customer references in their industry.",
    "Fwd: security questionnaire|Forwarded the security questionnaire to our team; due {date}.",
    "Case studies sent|Shared the case study deck and the ROI calculator.",
    "Out of office|Auto-reply: out of office until {date}.",
    "Re: rescheduling|They asked to move the call to {day} afternoon.",
    "Re: demo|Thanks for the demo 🙏 – will discuss internally and get back {date}.",
];

const TASK_TITLES: &[&str] = &["Follow up {date}", "To do"];

const TASK_LINES: &[&str] = &[
    "Send revised quote|Send revised quote with {pct}% discount by {day}.",
    "Check invoice status|Check with finance whether invoice {inv} was paid.",
    "Prepare demo environment|Prepare a sandbox account for {co}.",
    "Renewal reminder|Remind {g} about the renewal.",
    "Update contract draft|Draft the order form and ask {col} to review it.",
    "Book deep-dive|Book a technical deep-dive with their IT team.",
];

const OTHER_TITLES: &[&str] = &["Personal", "Misc"];

const OTHER_LINES: &[&str] = &[
    "Met at conference|Met {g} at the conference in {city2}. Talked mostly about sailing ⛵.",
    "Birthday coming up 🎂|Birthday coming up – send a card.",
    "Changed jobs?|May have moved to a new role; update the record when confirmed.",
    "Contact preference|Prefers WhatsApp over email.",
    "Referral|Referred by a contact at {comp}.",
    "Personal|Two kids, both at university. Big cyclist.",
    "Contact preference|Do not call before 10:00 their time.",
    "Gift sent|Sent a gift box after the deal closed ✅",
];

const NEXT_STEPS: &[&str] = &[
    "send revised quote",
    "schedule technical deep-dive",
    "intro to customer success",
    "follow up {date}",
    "share security docs",
    "get their CFO on a call",
    "prepare contract for {co}",
];

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
        let json = include_str!("../assets/demo/people.json");
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
        assert_eq!(rfc3339(NOW), "2026-11-01T00:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(padded_id("n-", 123, Some(2)), "n-000123-2");
        assert_eq!(padded_id("p-", 1_234_567, None), "p-1234567");
        assert_eq!(rfc3339(951_782_400 + 3_661), "2000-02-29T01:01:01Z");
    }
}
