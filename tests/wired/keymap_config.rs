//! Mistakes in the `[keys.<mode>]` tables, through the real binary: each
//! stops rolo before anything is created, with exit code 78 (configuration,
//! as the README's table says) and the file, line and key at fault, and a
//! message that names what to do.

use super::sandbox;

/// Run `rolo list` under `config`; return the exit code and stderr.
fn refused(config: &str) -> (Option<i32>, String, String) {
    let home = sandbox();
    let path = home.config_file();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, config).unwrap();
    let out = home
        .cmd(&["list"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run rolo");
    assert!(
        !home.demo_db().exists(),
        "nothing is created before the config is valid"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        path.display().to_string(),
    )
}

#[test]
fn a_key_that_shadows_a_sequence_exits_78_naming_both() {
    let (code, stderr, file) = refused("[keys.normal]\n\"j\" = \"move_down\"\n\"g\" = \"quit\"\n");
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{file}:3: [normal] \"g\": \"g\" (quit) shadows \"g g\" (go_top)"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_action_where_it_does_nothing_exits_78_saying_where_it_works() {
    let (code, stderr, file) = refused("[keys.detail]\n\n\"S\" = \"search_accept\"\n");
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{file}:3: [detail] \"S\": 'search_accept' does nothing in [detail]; it works in [search]"
        )),
        "{stderr}"
    );
}

#[test]
fn an_unknown_action_exits_78_listing_the_valid_ones() {
    let (code, stderr, file) = refused("[keys.review]\n\"x\" = \"rejekt\"\n");
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{file}:2: [review] \"x\": unknown action 'rejekt'; did you mean reject?"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("The actions of [review]: move_down, move_up, command_line, quit, cancel, accept, reject, apply"),
        "{stderr}"
    );
}

#[test]
fn an_unbound_key_is_no_mistake_and_the_rest_still_works() {
    let home = sandbox();
    home.write_config("[keys.normal]\n\"q\" = \"none\"\n\"g\" = \"quit\"\n\"g g\" = \"none\"\n");
    let out = home
        .cmd(&["list"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run rolo");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
