//! People written as they are read: `rolo list` (and `rolo export
//! --format csv|json`) hand [`write_people`] an iterator straight off the
//! store, so 100,000 people print in one pass without being held in
//! memory. The shapes are [`output`](super::output)'s: the same JSON array,
//! CSV columns and table lines as a printed `Vec`.

use super::Format;
use super::exit::{CliError, io};
use super::output::{PersonOut, csv_err, csv_header, csv_row, json_line, table_line};
use crate::model::Person;
use serde::ser::{Serialize, SerializeSeq, Serializer};
use std::cell::RefCell;
use std::io::{BufWriter, Write};

/// Write every person `people` yields in `format`, stopping at the first
/// error it yields (returned as it is) or the first failed write.
pub fn write_people<E>(
    people: &mut dyn Iterator<Item = Result<Person, E>>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError>
where
    CliError: From<E>,
{
    // One write per 64 KiB, not one per line (stdout flushes each line).
    let mut out = BufWriter::with_capacity(1 << 16, out);
    match format {
        Format::Json => {
            let failed = RefCell::new(None);
            let array = Lazy(RefCell::new(Some(people.map_while(|p| match p {
                Ok(p) => Some(p),
                Err(e) => {
                    *failed.borrow_mut() = Some(e);
                    None
                }
            }))));
            json_line(&array, &mut out)?;
            if let Some(e) = failed.into_inner() {
                return Err(e.into());
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut header = false;
            for p in people {
                let p = p?;
                // Nothing at all for nobody, as before.
                if !header {
                    w.write_record(csv_header()).map_err(csv_err)?;
                    header = true;
                }
                w.write_record(csv_row(&p).iter().map(|c| c.as_bytes()))
                    .map_err(csv_err)?;
            }
            w.flush().map_err(io)?;
        }
        Format::Table => {
            for p in people {
                table_line(&p?, &mut out)?;
            }
        }
    }
    out.flush().map_err(io)
}

/// People serialised from an iterator, once, as it is walked: each one
/// written through a borrowed [`PersonOut`] and dropped before the next.
struct Lazy<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = Person>> Serialize for Lazy<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for p in self.0.borrow_mut().take().into_iter().flatten() {
            seq.serialize_element(&PersonOut::from(&p))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::super::output::print_people;
    use super::*;
    use crate::model::field::parse_phones;

    fn people() -> Vec<Person> {
        (0..3)
            .map(|i| Person {
                id: format!("p{i}"),
                given_name: "Zoë".into(),
                family_name: format!("Family{i}"),
                emails: vec![format!("z{i}@x.org"), "second@x.org".into()],
                phones: parse_phones("+31 6 1 (mobile)"),
                company: "Acme, \"Inc\"\n".into(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn streamed_output_is_byte_for_byte_the_printed_one() {
        for format in [Format::Json, Format::Csv, Format::Table] {
            for people in [people(), vec![]] {
                let mut printed = Vec::new();
                print_people(&people, format, &mut printed).unwrap();
                let mut streamed = Vec::new();
                let mut rows = people.iter().cloned().map(Ok::<_, CliError>);
                write_people(&mut rows, format, &mut streamed).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    String::from_utf8(printed).unwrap(),
                    "{format:?}"
                );
            }
        }
    }

    #[test]
    fn an_error_midway_stops_the_stream_and_is_returned() {
        for format in [Format::Json, Format::Csv, Format::Table] {
            let mut rows = people()
                .into_iter()
                .map(Ok)
                .chain([Err(super::super::exit::internal("row 4 unreadable"))]);
            let mut out = Vec::new();
            let err = write_people(&mut rows, format, &mut out).unwrap_err();
            assert_eq!(err.message, "row 4 unreadable", "{format:?}");
        }
    }
}
