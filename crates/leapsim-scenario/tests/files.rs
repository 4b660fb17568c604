//! Scenario files: each kind of bad input gets a one-line error naming the file and the line and column
//! (or the field), of the right kind; a user's file overriding two parameters and a date is applied.

use leapsim_model::Scenario;
use leapsim_scenario::{load_path, parse_str, resolve, ErrorKind, ScenarioError};

fn err(text: &str) -> ScenarioError {
    parse_str("my.toml", text).expect_err("must be rejected")
}

/// Asserts the kind, the position and that the one-line message contains every fragment.
fn assert_err(text: &str, kind: ErrorKind, at: (usize, usize), fragments: &[&str]) {
    let e = err(text);
    let line = e.to_string();
    assert_eq!(e.kind, kind, "{line}");
    assert_eq!(e.position, Some(at), "{line}");
    assert!(line.starts_with(&format!("my.toml:{}:{}: ", at.0, at.1)), "{line}");
    assert!(!line.contains('\n'), "{line}");
    for f in fragments {
        assert!(line.contains(f), "{line:?} lacks {f:?}");
    }
}

#[test]
fn malformed_toml_is_rejected_with_its_position() {
    assert_err("name = \"x\"\n[params.communes\neffort_loss = 0.1\n", ErrorKind::Syntax, (2, 17), &["invalid TOML"]);
    assert_err("name = \n", ErrorKind::Syntax, (1, 8), &["invalid TOML"]);
}

#[test]
fn unknown_fields_are_rejected_with_the_closest_name() {
    assert_err(
        "[params.communes]\nefort_loss = 0.1\n",
        ErrorKind::UnknownField,
        (2, 1),
        &["params.communes.efort_loss", "did you mean \"effort_loss\""],
    );
    assert_err(
        "[params.comunes]\neffort_loss = 0.1\n",
        ErrorKind::UnknownField,
        (1, 9),
        &["did you mean \"communes\""],
    );
    assert_err("nme = \"x\"\n", ErrorKind::UnknownField, (1, 1), &["did you mean \"name\""]);
    assert_err(
        "[timeline]\nlushan_date = \"1959-08\"\n",
        ErrorKind::UnknownField,
        (2, 1),
        &["did you mean \"lushan\""],
    );
    // A parameter in the wrong group points to the right one.
    assert_err(
        "[params.food]\neffort_loss = 0.1\n",
        ErrorKind::UnknownField,
        (2, 1),
        &["[params.communes] effort_loss"],
    );
    assert_err("[params.timeline]\nlushan = \"1959-08\"\n", ErrorKind::UnknownField, (1, 9), &["[timeline]"]);
}

#[test]
fn values_out_of_range_are_rejected() {
    assert_err(
        "[params.communes]\neffort_loss = 0.9\n",
        ErrorKind::OutOfRange,
        (2, 15),
        &["params.communes.effort_loss = 0.9", "0 … 0.3"],
    );
    assert_err("[params.reporting]\nlevels = 9\n", ErrorKind::OutOfRange, (2, 10), &["1 … 5"]);
    assert_err("[params.food]\nkcal_per_kg = nan\n", ErrorKind::WrongType, (2, 15), &["finite"]);
}

#[test]
fn wrong_types_are_rejected() {
    assert_err("[params.communes]\neffort_loss = \"high\"\n", ErrorKind::WrongType, (2, 15), &["must be a number"]);
    assert_err("[params.reporting]\nlevels = 2.5\n", ErrorKind::WrongType, (2, 10), &["must be an integer"]);
    assert_err("[mechanisms]\ntrade = 0\n", ErrorKind::WrongType, (2, 9), &["true or false"]);
    assert_err("[timeline]\nlushan = 1959\n", ErrorKind::WrongType, (2, 10), &["YYYY-MM"]);
    assert_err("[timeline]\nlushan = \"1959-8\"\n", ErrorKind::WrongType, (2, 10), &["YYYY-MM"]);
    assert_err("mechanisms = 3\n", ErrorKind::WrongType, (1, 14), &["a table"]);
}

#[test]
fn unknown_mechanisms_are_rejected() {
    assert_err(
        "[mechanisms]\nmess_hall = false\n",
        ErrorKind::UnknownMechanism,
        (2, 1),
        &["did you mean \"mess_halls\""],
    );
    assert_err(
        "[mechanisms]\nclimate = false\n",
        ErrorKind::UnknownMechanism,
        (2, 1),
        &["unknown mechanism \"climate\""],
    );
}

#[test]
fn unknown_base_scenarios_are_rejected() {
    assert_err("base = \"histrical\"\n", ErrorKind::UnknownBase, (1, 8), &["did you mean \"historical\""]);
    assert_err("base = \"utopia\"\n", ErrorKind::UnknownBase, (1, 8), &["built-in scenarios: historical, no_leap"]);
}

#[test]
fn policy_dates_outside_the_period_are_rejected() {
    assert_err(
        "[timeline]\nmess_halls_end = \"1970-01\"\n",
        ErrorKind::DateOutsidePeriod,
        (2, 18),
        &["1955-01 … 1966-12"],
    );
    assert_err("[timeline]\nprocurement_follows_harvest = \"1954-12\"\n", ErrorKind::DateOutsidePeriod, (2, 31), &[]);
    // Dates in an impossible order.
    assert_err(
        "[timeline]\nretreat_start = \"1962-05\"\n",
        ErrorKind::Invalid,
        (2, 17),
        &["after timeline.sixty_articles"],
    );
}

#[test]
fn missing_files_and_unknown_names_are_rejected() {
    let e = load_path(std::path::Path::new("no/such/file.toml")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert_eq!(e.to_string(), "no/such/file.toml: cannot read the scenario file: No such file or directory");
    let e = resolve("flexible").unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownScenario);
    assert!(e.to_string().contains("did you mean \"flexible_procurement\""), "{e}");
    let e = resolve("missing.toml").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
}

#[test]
fn a_user_file_overriding_two_parameters_and_a_date_is_applied() {
    let dir = std::env::temp_dir().join(format!("leapsim-scenario-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("milder.toml");
    std::fs::write(
        &path,
        "description = \"Milder procurement after Lushan.\"\nbase = \"historical\"\n\n[params.procurement]\nrate = 0.18\nfloor_squeeze = 0.3\n\n[timeline]\nprocurement_follows_harvest = \"1959-08\"\n",
    )
    .unwrap();
    let sc = resolve(path.to_str().unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(sc.name, "milder");
    assert_eq!(sc.params.procurement.rate, 0.18);
    assert_eq!(sc.params.procurement.floor_squeeze, 0.3);
    assert_eq!(sc.params.timeline.procurement_follows_harvest.map(|m| m.to_string()), Some("1959-08".into()));
    let mut expected = Scenario::historical();
    expected.params.procurement.rate = 0.18;
    expected.params.procurement.floor_squeeze = 0.3;
    expected.params.timeline.procurement_follows_harvest = sc.params.timeline.procurement_follows_harvest;
    assert_eq!((sc.mechanisms, sc.params), (expected.mechanisms, expected.params));
}

#[test]
fn integers_are_accepted_for_real_parameters_and_bases_chain() {
    let sc =
        parse_str("x.toml", "name = \"t\"\nbase = \"no_leap\"\n[params.demography]\nfamine_kcal_threshold = 1800\n")
            .unwrap();
    assert_eq!(sc.params.demography.famine_kcal_threshold, 1800.0);
    assert_eq!(sc.mechanisms, Scenario::no_leap().mechanisms);
    let e = parse_str("x.toml", "name = \"historical\"\n").unwrap_err();
    assert!(e.to_string().contains("built-in"), "{e}");
}
