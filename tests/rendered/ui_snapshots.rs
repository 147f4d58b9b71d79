//! Tier 2: the main screens rendered to ratatui's TestBackend, as insta
//! snapshots at 100x30 and 80x24, plus checks on styles the text can't show.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use rolo::app::effect::Msg;
use rolo::app::state::State;
use rolo::app::update::{Input, handle};
use rolo::model::Violation;
use support::app::*;

fn render(state: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(state.size.0, state.size.1)).unwrap();
    t.draw(|f| rolo::ui::draw(f, state)).unwrap();
    t
}

/// Every cell's text, checked for anything that could drive the terminal.
fn assert_clean(t: &Terminal<TestBackend>) {
    for cell in t.backend().buffer().content() {
        let sym = cell.symbol();
        assert!(
            sym.chars().all(|c| !c.is_control()
                && !('\u{202a}'..='\u{202e}').contains(&c)
                && !('\u{2066}'..='\u{2069}').contains(&c)),
            "control character reached the buffer: {sym:?}"
        );
    }
}

/// The main screen with Ñúñez selected and her details loaded.
fn main_screen(size: (u16, u16)) -> State {
    let people = cast();
    let mut s = state_with(&people, size);
    let e = press(&mut s, "j j");
    load_detail(&mut s, &e, &people);
    s
}

#[test]
fn list_and_detail_100x30() {
    let s = main_screen((100, 30));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn list_only_below_100_columns_80x24() {
    let s = main_screen((80, 24));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn detail_alone_at_80x24() {
    let mut s = main_screen((80, 24));
    press(&mut s, "enter");
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn search_with_highlights() {
    for size in [(100, 30), (80, 24)] {
        let people = cast();
        let mut s = state_with(&people, size);
        press(&mut s, "/");
        let e = type_text(&mut s, "acm");
        load_detail(&mut s, &e, &people);
        let t = render(&s);
        insta::assert_snapshot!(format!("search_{}x{}", size.0, size.1), t.backend());
        // The matched letters of "Acme" are underlined, the rest are not.
        let buf = t.backend().buffer();
        let row = (0..size.1)
            .find(|&y| {
                (0..size.0)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .contains("ann@acme")
            })
            .expect("Ann Smith row");
        let line: Vec<_> = (0..size.0).map(|x| &buf[(x, row)]).collect();
        let text: String = line.iter().map(|c| c.symbol()).collect();
        let acme = text.find("Acme").unwrap();
        let col = text[..acme].chars().count();
        for (i, cell) in line[col..col + 4].iter().enumerate() {
            let underlined = cell.modifier.contains(Modifier::UNDERLINED);
            assert_eq!(underlined, i < 3, "cell {i} of 'Acme'");
        }
    }
}

#[test]
fn help_overlay_lists_live_bindings() {
    let mut s = main_screen((100, 30));
    press(&mut s, "?");
    let t = render(&s);
    insta::assert_snapshot!(t.backend());
    let text = format!("{}", t.backend());
    assert!(text.contains("Search people"));
    assert!(text.contains("y e"));
}

#[test]
fn help_follows_user_overrides() {
    let mut s = main_screen((100, 30));
    let mut keymap = rolo::app::keymap::Keymap::defaults();
    let src = "[normal]\n\"ctrl-f\" = \"search\"\n";
    keymap
        .apply(
            &rolo::app::keymap::parse_keymap_toml(src).unwrap(),
            "c.toml",
        )
        .unwrap();
    s.keymap = std::sync::Arc::new(keymap);
    press(&mut s, "?");
    let text = format!("{}", render(&s).backend());
    assert!(text.contains("ctrl-f"), "{text}");
}

#[test]
fn note_editor() {
    for size in [(100, 30), (80, 24)] {
        let mut s = main_screen(size);
        press(&mut s, "n");
        type_text(&mut s, "Called about the renewal.");
        press(&mut s, "enter");
        type_text(&mut s, "Wants a quote by Friday.");
        insta::assert_snapshot!(
            format!("note_editor_{}x{}", size.0, size.1),
            render(&s).backend()
        );
    }
}

#[test]
fn person_form_with_a_validation_error() {
    for size in [(100, 30), (80, 24)] {
        let mut s = main_screen(size);
        press(&mut s, "e");
        press(&mut s, "tab tab ctrl-u");
        press(&mut s, "ctrl-s");
        insta::assert_snapshot!(
            format!("form_local_error_{}x{}", size.0, size.1),
            render(&s).backend()
        );
    }
}

#[test]
fn person_form_with_a_server_validation_error() {
    let mut s = main_screen((100, 30));
    press(&mut s, "e");
    type_text(&mut s, "!");
    press(&mut s, "ctrl-s");
    handle(
        &mut s,
        Input::Msg(Msg::PersonSaved(Err(
            rolo::backend::BackendError::Validation(vec![
                Violation::new(
                    "emailAddresses[0].email",
                    "This value is not a valid email address.",
                ),
                Violation::new("owner", "This user does not exist."),
            ]),
        ))),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn hostile_record_never_reaches_the_terminal_raw() {
    for size in [(100, 30), (80, 24)] {
        let mut people = cast();
        people.push(hostile_person());
        let mut s = state_with(&people, size);
        press(&mut s, "/");
        let e = type_text(&mut s, "mallory");
        press(&mut s, "enter");
        let mut notes = notes_for("p-evil");
        notes[0].text = "\x1b[?1049l\x1b]52;c;aGk=\x07bye\u{2066}".into();
        // The detail load the search's selection asked for.
        let load = e.iter().rev().find_map(|e| match e {
            rolo::app::effect::Effect::LoadDetail { request, id } => Some((request, id)),
            _ => None,
        });
        if let Some((request, id)) = load {
            handle(
                &mut s,
                Input::Msg(Msg::DetailLoaded {
                    request: *request,
                    id: id.clone(),
                    result: Ok((hostile_person(), notes)),
                }),
            );
        }
        let t = render(&s);
        assert_clean(&t);
        insta::assert_snapshot!(format!("hostile_{}x{}", size.0, size.1), t.backend());
        // And in the note editor, where text is editable.
        press(&mut s, "enter tab enter");
        assert_clean(&render(&s));
    }
}

#[test]
fn no_color_still_marks_the_selection() {
    let mut s = main_screen((100, 30));
    s.color = false;
    let t = render(&s);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colours with NO_COLOR"
        );
    }
    let selected_row = (0..30)
        .find(|&y| {
            (0..45)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("Ñúñez")
        })
        .unwrap();
    assert!(buf[(3, selected_row)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn help_marks_what_the_backend_cannot_do() {
    let mut s = main_screen((100, 50));
    s.caps.enrich = None;
    s.workspace.backend = "rogerroger".into();
    press(&mut s, "?");
    let text = format!("{}", render(&s).backend());
    assert!(
        text.contains("↳ unavailable: RogerRoger offers no enrichment"),
        "{text}"
    );
}

#[test]
fn conflict_overlay() {
    use rolo::outbox::{Op, OpState, QueuedOp};
    let mut s = main_screen((100, 30));
    let base = full_person();
    let mut mine = base.clone();
    mine.job_title = "Chief Buyer".into();
    mine.tags.push("renewal".into());
    let mut theirs = base.clone();
    theirs.job_title = "VP Procurement".into();
    theirs.tags = vec!["vip".into()];
    handle(
        &mut s,
        Input::Msg(Msg::ConflictsLoaded(vec![QueuedOp {
            seq: 1,
            op: Op::UpdatePerson { base, edited: mine },
            state: OpState::Conflict,
            attempts: 1,
            last_error: None,
            theirs: Some(theirs),
        }])),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn tags_show_their_crm_colours_mapped_to_16_colours() {
    let wire = serde_json::json!({
        "@id": "/people/9", "id": "9", "familyName": "Tagged",
        "tags": [{"@id": "/tags/1", "title": "VIP", "backgroundColor": "#f00", "textColor": "#fff"}, "/tags/2"]
    });
    let person = rolo::backend::rogerroger::person_from_wire(wire).unwrap();
    assert_eq!(
        person.tag_colors.get("VIP").map(String::as_str),
        Some("#f00")
    );
    for (color, expected_bg) in [
        (true, ratatui::style::Color::LightRed),
        (false, ratatui::style::Color::Reset),
    ] {
        let people = vec![person.clone()];
        let mut s = state_with(&people, (100, 30));
        s.color = color;
        let e = vec![rolo::app::effect::Effect::LoadDetail {
            request: s.detail.request,
            id: "9".into(),
        }];
        load_detail(&mut s, &e, &people);
        let t = render(&s);
        let buf = t.backend().buffer();
        let hit = (0..30u16)
            .flat_map(|y| (45..99u16).map(move |x| (x, y)))
            .find(|&(x, y)| buf[(x, y)].symbol() == "V" && buf[(x + 1, y)].symbol() == "I")
            .unwrap_or_else(|| panic!("the VIP tag is drawn:\n{}", t.backend()));
        assert_eq!(buf[hit].bg, expected_bg, "colour={color}");
    }
}

#[test]
fn custom_field_definitions_give_labels_and_option_names() {
    use rolo::model::{CustomFieldDef, FieldOption};
    let mut s = main_screen((100, 30));
    if let Some(p) = s.detail.person.as_mut() {
        p.custom_fields
            .insert("cf_lead_source".into(), serde_json::json!("conf"));
    }
    let def = |key: &str, label: &str, order: i64, options: Vec<FieldOption>| CustomFieldDef {
        key: key.into(),
        label: label.into(),
        kind: "select".into(),
        filterable: false,
        sortable: false,
        required: false,
        options,
        display_order: order,
    };
    handle(
        &mut s,
        Input::Msg(Msg::FieldDefs(vec![def(
            "cf_lead_source",
            "Lead source",
            1,
            vec![FieldOption {
                value: "conf".into(),
                label: "Conference".into(),
                color: None,
            }],
        )])),
    );
    s.size = (100, 40);
    let text = format!("{}", render(&s).backend());
    assert!(text.contains("Lead source  Conference"), "{text}");
    assert!(
        text.contains("tier         gold"),
        "undefined keys still shown: {text}"
    );
}

/// Introzy's definitions as its fake serves them: a select and a text field.
fn introzy_defs() -> Vec<rolo::model::CustomFieldDef> {
    rolo::backend::introzy::custom_fields_from_wire(&serde_json::json!([
        {"key": "cf_lead_source", "label": "Lead source", "type": "select", "displayOrder": 2,
         "settings": {"options": [
             {"value": "conference", "label": "Conference", "color": "#ff0000"},
             {"value": "web", "label": "Website", "color": "#00ff00"}]}},
        {"key": "cf_department", "label": "Department", "type": "text", "displayOrder": 1,
         "isRequired": true, "settings": {}},
    ]))
}

#[test]
fn introzy_person_form_offers_what_introzy_stores() {
    let mut ana = person("p-9", "Ana", "", "Acme", "ana@example.es");
    ana.address.street = "Calle de Alcalá 269, 08006 Barcelona, ES".into();
    ana.custom_fields
        .insert("cf_lead_source".into(), serde_json::json!("web"));
    let people = vec![ana];
    let mut s = state_with(&people, (100, 30));
    s.caps = rolo::backend::introzy::capabilities();
    s.workspace.backend = "introzy".into();
    s.workspace.is_demo = false;
    handle(&mut s, Input::Msg(Msg::FieldDefs(introzy_defs())));
    let e = vec![rolo::app::effect::Effect::LoadDetail {
        request: s.detail.request,
        id: "p-9".into(),
    }];
    load_detail(&mut s, &e, &people);
    press(&mut s, "e");
    // Down to the lead source: a choice, moved with the arrows.
    press(&mut s, "tab tab tab tab tab tab tab right");
    let text = format!("{}", render(&s).backend());
    for absent in [
        "Prefix",
        "Middle name",
        "Job title",
        "LinkedIn",
        "Tags",
        "Postal code",
        "City",
    ] {
        assert!(
            !text.contains(absent),
            "{absent} is not an Introzy field:\n{text}"
        );
    }
    assert!(text.contains("Given name*"), "{text}");
    assert!(text.contains("Emails*"), "{text}");
    assert!(
        text.contains("Department*"),
        "required by its definition: {text}"
    );
    assert!(!text.contains("Family name*"), "{text}");
    assert!(text.contains("◂ Conference ▸"), "{text}");
    insta::assert_snapshot!(render(&s).backend());
}

/// The screen's text, row by row.
fn screen_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let width = buf.area.width as usize;
    buf.content()
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_search_bar_says_matching_until_the_matcher_answers() {
    let mut s = state_with(&cast(), (100, 30));
    press(&mut s, "/");
    // Typed, not yet answered: the earlier list, marked.
    let effects = handle(&mut s, ch('a'));
    let first = screen_text(&render(&s));
    assert!(first.contains("/a 5 match(es) · matching…"), "{first}");
    settle(&mut s, effects);
    let answered = screen_text(&render(&s));
    assert!(!answered.contains("matching…"), "{answered}");
    assert!(answered.contains("/a 4 match(es)"), "{answered}");
}

#[test]
fn the_help_of_the_list_explains_the_search() {
    // Tall enough for every key of the list and the syntax below them.
    let mut s = state_with(&cast(), (100, 50));
    press(&mut s, "?");
    let text = screen_text(&render(&s));
    for line in rolo::search::SYNTAX_HELP {
        assert!(text.contains(line), "the help lacks {line:?}:\n{text}");
    }
}
