//! The duplicate review, driven through `update` and drawn on TestBackend:
//! the groups come from a real store's `find_duplicates` and the records
//! from the store, as the event loop would answer. Snapshots at 80x24 and
//! 120x35; picking a value per field, "not a duplicate", moving between
//! groups, and the merge asked for with the user's picks.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::app::effect::{Effect, Msg};
use rolo::app::state::{Overlay, Record, State};
use rolo::app::update::{Input, handle};
use rolo::model::merge::FieldPick;
use rolo::model::{Note, Person, PersonField, PersonWithNotes, Phone};
use rolo::store::Store;
use serde_json::json;
use support::app::{person, press, state_with};

fn render(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, state)).unwrap();
    t
}

fn note(id: &str, text: &str) -> Note {
    Note {
        id: id.into(),
        text: text.into(),
        ..Default::default()
    }
}

/// Zoë twice (same email in other case, same name; notes on both; a custom
/// field and an unknown server field on the second), Ann three times by
/// phone and initial.
fn people() -> Vec<PersonWithNotes> {
    let mut zoe = person("z1", "Zoë", "Évaluateur", "Acme B.V.", "zoe@acme.com");
    zoe.job_title = "CTO".into();
    zoe.tags = vec!["vip".into()];
    let mut zoe2 = person("z2", "Zoe", "Evaluateur", "", "ZOE@acme.com");
    zoe2.emails.push("zoe@home.fr".into());
    zoe2.job_title = "Chief Technology Officer".into();
    zoe2.tags = vec!["lead".into()];
    zoe2.custom_fields.insert("tier".into(), json!("gold"));
    zoe2.extra.insert("legacy_id".into(), json!("L-7"));
    let phone = |n: &str| Phone {
        number: n.into(),
        kind: "mobile".into(),
    };
    let mut ann = person("a1", "Ann", "Lee", "Globex", "ann@globex.com");
    ann.phones = vec![phone("+1 415 555 0132")];
    let mut ann2 = person("a2", "A.", "Lee", "GLOBEX", "");
    ann2.emails.clear();
    let mut ann3 = person("a3", "Ann", "Lee", "", "");
    ann3.emails.clear();
    ann3.phones = vec![phone("(415) 555-0132")];
    let bob = person("b1", "Bob", "Jones", "Initech", "bob@initech.com");
    vec![
        PersonWithNotes {
            person: zoe,
            notes: vec![note("n1", "Met at the fair")],
        },
        PersonWithNotes {
            person: zoe2,
            notes: vec![note("n2", "Prefers email"), note("n3", "Call in May")],
        },
        PersonWithNotes {
            person: ann,
            notes: vec![],
        },
        PersonWithNotes {
            person: ann2,
            notes: vec![],
        },
        PersonWithNotes {
            person: ann3,
            notes: vec![],
        },
        PersonWithNotes {
            person: bob,
            notes: vec![],
        },
    ]
}

/// Run the review's effects against `store` as the event loop does.
fn answer(state: &mut State, store: &Store, effects: Vec<Effect>) -> Vec<Effect> {
    let mut rest = Vec::new();
    for e in effects {
        let msg = match &e {
            Effect::FindDuplicates => Msg::DuplicatesFound(
                store
                    .find_duplicates(rolo::model::dedupe::region("US").unwrap())
                    .map_err(|e| e.to_string()),
            ),
            Effect::LoadDuplicateGroup { ids } => Msg::DuplicateGroupLoaded {
                ids: ids.clone(),
                result: Ok(ids
                    .iter()
                    .map(|id| Record {
                        person: store.get_person(id).unwrap().unwrap(),
                        notes: store.notes_for(id).unwrap(),
                    })
                    .collect()),
            },
            Effect::MarkNotDuplicates { ids } => {
                store.mark_not_duplicates(ids).unwrap();
                rest.push(e);
                continue;
            }
            _ => {
                rest.push(e);
                continue;
            }
        };
        let more = handle(state, Input::Msg(msg));
        rest.extend(answer(state, store, more));
    }
    rest
}

fn open(size: (u16, u16)) -> (State, Store) {
    let people = people();
    let mut store = Store::open_in_memory().unwrap();
    store.import(&people).unwrap();
    let listed: Vec<Person> = people.into_iter().map(|p| p.person).collect();
    let mut s = state_with(&listed, size);
    let effects = press(&mut s, "=");
    assert!(effects.contains(&Effect::FindDuplicates), "{effects:?}");
    let left = answer(&mut s, &store, effects);
    assert!(
        left.iter()
            .all(|e| !matches!(e, Effect::LoadDuplicateGroup { .. })),
        "{left:?}"
    );
    (s, store)
}

fn review(s: &State) -> &rolo::app::state::DuplicateReview {
    match s.overlays.last() {
        Some(Overlay::Duplicates(r)) => r,
        other => panic!("no review on top: {other:?}"),
    }
}

#[test]
fn the_review_shows_records_side_by_side_with_differences_and_the_merged_survivor() {
    let (s, _store) = open((80, 24));
    let r = review(&s);
    assert_eq!(r.group_count(), 2);
    // Best first: the same email and name (97) before a phone (80).
    assert_eq!(r.member_ids(), ["z1", "z2"]);
    assert_eq!(r.current().unwrap().score, 97);
    insta::assert_snapshot!("duplicates_zoe_80x24", render(&s).backend());
    let (mut wide, store) = open((120, 35));
    insta::assert_snapshot!("duplicates_zoe_120x35", render(&wide).backend());
    let effects = press(&mut wide, "tab");
    answer(&mut wide, &store, effects);
    // The most linked record first: the suggested survivor.
    assert_eq!(review(&wide).member_ids(), ["a1", "a2", "a3"]);
    insta::assert_snapshot!("duplicates_ann_120x35", render(&wide).backend());
}

#[test]
fn picking_per_field_changes_the_preview_and_the_merge_plan() {
    let (mut s, _store) = open((120, 35));
    let r = review(&s);
    let rows = r.rows(&s.caps);
    let at = |f: PersonField| rows.iter().position(|&x| x == f).unwrap();
    // By default: the survivor's job title, both records' emails and tags.
    let preview = r.preview().unwrap();
    assert_eq!(preview.job_title, "CTO");
    assert_eq!(preview.emails, ["zoe@acme.com", "zoe@home.fr"]);
    assert_eq!(preview.custom_fields["tier"], json!("gold"));
    assert_eq!(preview.extra["legacy_id"], json!("L-7"));
    // Job title: take the other record's.
    press(&mut s, &"j ".repeat(at(PersonField::JobTitle)));
    press(&mut s, "l");
    // Emails: from union to the survivor's own, then the other's (l l),
    // then back one (h): the survivor's.
    press(&mut s, "g g");
    let r = review(&s);
    assert_eq!(r.row, at(PersonField::JobTitle), "g g is not bound here");
    let up = at(PersonField::JobTitle) - at(PersonField::Emails);
    press(&mut s, &"k ".repeat(up));
    press(&mut s, "l");
    let r = review(&s);
    assert_eq!(r.pick(PersonField::Emails), FieldPick::Record(0));
    assert_eq!(r.preview().unwrap().emails, ["zoe@acme.com"]);
    press(&mut s, "h");
    assert_eq!(review(&s).pick(PersonField::Emails), FieldPick::Union);
    press(&mut s, "l");
    let effects = press(&mut s, "m");
    let plan = effects
        .iter()
        .find_map(|e| match e {
            Effect::MergePeople(plan) => Some(plan.clone()),
            _ => None,
        })
        .expect("the merge is asked for");
    assert_eq!(plan.survivor, "z1");
    assert_eq!(plan.others, ["z2"]);
    assert_eq!(plan.picks[&PersonField::JobTitle], FieldPick::Record(1));
    assert_eq!(plan.picks[&PersonField::Emails], FieldPick::Record(0));
    assert!(!plan.delete_others);
    insta::assert_snapshot!("duplicates_zoe_picked_120x35", render(&s).backend());
}

#[test]
fn not_a_duplicate_is_remembered_and_the_next_group_shows() {
    let (mut s, store) = open((80, 24));
    let effects = press(&mut s, "n");
    assert!(
        effects.contains(&Effect::MarkNotDuplicates {
            ids: vec!["z1".into(), "z2".into()]
        }),
        "{effects:?}"
    );
    answer(&mut s, &store, effects);
    let r = review(&s);
    assert_eq!(r.group_count(), 1);
    assert_eq!(r.member_ids(), ["a1", "a2", "a3"]);
    assert!(r.loaded());
    // Looking again: Zoë's group stays away.
    press(&mut s, "esc");
    assert!(s.overlays.is_empty());
    let effects = press(&mut s, "=");
    answer(&mut s, &store, effects);
    assert_eq!(review(&s).group_count(), 1);
    // The last group marked too: nothing left, said on screen.
    let effects = press(&mut s, "n");
    answer(&mut s, &store, effects);
    assert_eq!(review(&s).group_count(), 0);
    assert!(format!("{}", render(&s).backend()).contains("No duplicates found."));
}

#[test]
fn moving_between_groups_drops_a_late_reply_for_the_group_left() {
    let (mut s, store) = open((80, 24));
    let to_ann = press(&mut s, "tab");
    assert_eq!(
        to_ann,
        vec![Effect::LoadDuplicateGroup {
            ids: vec!["a1".into(), "a2".into(), "a3".into()]
        }]
    );
    assert!(!review(&s).loaded());
    // Back before the records came: Zoë's group loads; Ann's reply is late.
    let to_zoe = press(&mut s, "backtab");
    answer(&mut s, &store, to_zoe);
    answer(&mut s, &store, to_ann);
    assert_eq!(review(&s).member_ids(), ["z1", "z2"]);
    assert!(review(&s).loaded());
    assert_eq!(review(&s).records[0].person.id, "z1");
    // The first group has no previous; the last no next.
    assert!(press(&mut s, "backtab").is_empty());
    let effects = press(&mut s, "tab");
    answer(&mut s, &store, effects);
    assert!(press(&mut s, "tab").is_empty());
}

#[test]
fn a_merge_that_went_through_takes_its_group_out_of_the_review() {
    let (mut s, store) = open((80, 24));
    let effects = press(&mut s, "m");
    let Some(Effect::MergePeople(plan)) = effects.first().cloned() else {
        panic!("no merge asked: {effects:?}");
    };
    assert_eq!(plan.survivor, "z1");
    // The event loop answers with the survivor the client wrote.
    let survivor = store.get_person("z1").unwrap().unwrap();
    let effects = handle(
        &mut s,
        Input::Msg(Msg::Merged {
            merged: plan.others.len(),
            result: Ok(survivor),
        }),
    );
    assert!(effects.contains(&Effect::LoadPeople), "{effects:?}");
    answer(&mut s, &store, effects);
    let r = review(&s);
    assert_eq!(r.group_count(), 1, "Zoë's group is gone");
    assert_eq!(r.member_ids(), ["a1", "a2", "a3"]);
    assert!(r.loaded());
}
