//! `rolo merge SURVIVOR OTHER... [--delete] [--pick FIELD=N ...]`: merge
//! duplicates into the survivor (its value wins where both have one, lists
//! are unioned, notes move, the others are archived or, with `--delete`,
//! deleted where the backend can); prints the survivor as merged.

use super::exit::{CliError, not_done, usage};
use super::output::{PersonOut, json_line};
use super::settle::{say_queued, settle};
use crate::client::Client;
use crate::model::PersonField;
use crate::model::merge::{FieldPick, MergePlan, is_list_field};
use std::io::Write;

/// What the command line asked for.
pub(super) struct Args<'a> {
    pub survivor: &'a str,
    pub others: &'a [String],
    pub delete: bool,
    pub picks: &'a [String],
}

pub(super) async fn run(
    client: &Client,
    args: Args<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let plan = plan(&args)?;
    // Each record as the server has it now (the cache when it is out of
    // reach), notes included, so the merge starts from what is there.
    for id in std::iter::once(&plan.survivor).chain(&plan.others) {
        client.load_detail(id).await.map_err(not_done)?;
    }
    let merged = client.merge_people(&plan).await.map_err(not_done)?;
    let settled = settle(client, &plan.survivor).await?;
    let shown = match client.is_remote() {
        true => client
            .read_store(|s| s.get_person(&plan.survivor))
            .ok()
            .and_then(Result::ok)
            .flatten()
            .unwrap_or(merged),
        false => merged,
    };
    json_line(&PersonOut::from(&shown), out)?;
    say_queued(&settled, err)
}

/// The plan the arguments describe, or why they describe none.
fn plan(args: &Args<'_>) -> Result<MergePlan, CliError> {
    let mut seen = vec![args.survivor];
    for other in args.others {
        if seen.contains(&other.as_str()) {
            return Err(usage(format!(
                "{other} is named twice: name each record once (the survivor first)"
            )));
        }
        seen.push(other);
    }
    let mut plan = MergePlan::new(args.survivor.to_string(), args.others.to_vec());
    plan.delete_others = args.delete;
    for pick in args.picks {
        let (field, pick) = parse_pick(pick, args.others.len())?;
        plan.picks.insert(field, pick);
    }
    Ok(plan)
}

/// `FIELD=N` (0 the survivor, 1.. the others in order) or, for a list,
/// `FIELD=all` to keep every record's entries.
fn parse_pick(text: &str, others: usize) -> Result<(PersonField, FieldPick), CliError> {
    let (name, which) = text
        .split_once('=')
        .ok_or_else(|| usage(format!("--pick needs FIELD=N, got '{text}'")))?;
    let field = PersonField::from_name(name.trim())
        .filter(|_| !name.contains(['.', '[']))
        .ok_or_else(|| usage(format!("--pick: unknown field '{}'", name.trim())))?;
    let which = which.trim();
    if which.eq_ignore_ascii_case("all") {
        return if is_list_field(field) {
            Ok((field, FieldPick::Union))
        } else {
            Err(usage(format!(
                "--pick {}=all: only lists (emails, phones, tags) keep every record's entries",
                field.key()
            )))
        };
    }
    match which.parse::<usize>() {
        Ok(n) if n <= others => Ok((field, FieldPick::Record(n))),
        _ => Err(usage(format!(
            "--pick {}={which}: N is 0 for the survivor or 1..{others} for the others in order",
            field.key()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_name_a_record_by_position_or_keep_a_whole_list() {
        assert_eq!(
            parse_pick("jobTitle=1", 1).unwrap(),
            (PersonField::JobTitle, FieldPick::Record(1))
        );
        assert_eq!(
            parse_pick("emails=all", 2).unwrap(),
            (PersonField::Emails, FieldPick::Union)
        );
        assert!(parse_pick("jobTitle=all", 1).is_err());
        assert!(parse_pick("jobTitle=2", 1).is_err());
        assert!(parse_pick("nosuch=0", 1).is_err());
        assert!(parse_pick("jobTitle", 1).is_err());
    }

    #[test]
    fn the_same_record_twice_is_a_usage_error() {
        let others = vec!["a".to_string()];
        let args = Args {
            survivor: "a",
            others: &others,
            delete: false,
            picks: &[],
        };
        assert_eq!(plan(&args).unwrap_err().exit, super::super::Exit::Usage);
    }
}
