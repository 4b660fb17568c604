//! `leapsim calibrate`: where the search starts, and the errors of a bad start file.

use std::path::Path;
use std::process::{Command, Output};

fn leapsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leapsim")).args(args).output().expect("cannot start the leapsim binary")
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// A quick calibration (scale 20000, one sweep, fitting only `only`) into `out` with `extra` arguments; its
/// `report.json` and `report.md`.
fn quick_calibration(out: &Path, only: &str, extra: &[&str]) -> (serde_json::Value, String) {
    let mut args = vec!["calibrate", "--scale", "20000", "--sweeps", "1", "--only", only, "--quiet"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = leapsim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    (report, std::fs::read_to_string(out.join("report.md")).unwrap())
}

/// A bad start file is a usage error (exit code 2, one line naming the file and what is wrong) and writes
/// nothing.
#[test]
fn a_bad_start_file_is_rejected_naming_file_and_parameter() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    let start = tmp.path().join("start.json");
    let cases: &[(&str, &[&str])] = &[
        // A fixed parameter would not reach the shipped params.json.
        (r#"{"registration.death_completeness_1955": 0.6}"#, &["death_completeness_1955", "not a free parameter"]),
        (r#"{"demography.catch_up_months": 99}"#, &["demography.catch_up_months", "99", "prior range", "36"]),
        (r#"{"demography.catch_up_months": "twelve"}"#, &["demography.catch_up_months", "expected a number"]),
        (r#"[1, 2]"#, &["expected an object"]),
        ("{", &["not JSON"]),
    ];
    for (text, expected) in cases {
        write(&start, text);
        let o = leapsim(&[
            "calibrate",
            "--scale",
            "20000",
            "--start",
            start.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "start {text}: status {:?}, stderr:\n{stderr}", o.status);
        assert!(!stderr.contains("panicked"), "start {text}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "start {text}: expected one line, got:\n{stderr}");
        assert!(lines[0].contains("start.json"), "start {text}: the error does not name the file: {}", lines[0]);
        for e in *expected {
            assert!(lines[0].contains(e), "start {text}: the error does not mention {e:?}: {}", lines[0]);
        }
        assert!(!out.exists(), "start {text}: a rejected calibration wrote {}", out.display());
    }
    let missing = tmp.path().join("missing.json");
    let o = leapsim(&["calibrate", "--start", missing.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
}

/// The search starts at the values of the start file (the report's `start` column), and the report names the
/// file in the command that reproduces it.
#[test]
fn the_search_starts_from_the_start_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    let start = tmp.path().join("start.json");
    write(&start, r#"{"demography.catch_up_months": 7.0}"#);
    let (report, md) = quick_calibration(&out, "demography.catch_up_months", &["--start", start.to_str().unwrap()]);
    let fitted = &report["fitted"][0];
    assert_eq!(fitted[0], "demography.catch_up_months");
    assert_eq!(fitted[4], 7.0, "the search did not start at the start file's value: {fitted}");
    assert!(md.contains(&format!("--start {}", start.display())), "report.md does not name the start:\n{md}");
}

/// With several seeds each evaluation runs every seed: the report names the seeds in the command that reproduces
/// it, and its loss is the mean of the seeds' losses (it differs from a one-seed search's).
#[test]
fn several_seeds_are_named_in_the_report_and_average_the_loss() {
    let tmp = tempfile::tempdir().unwrap();
    let report = |seeds: &str| {
        quick_calibration(&tmp.path().join(format!("cal{seeds}")), "mess_halls.cadre_premium", &["--seeds", seeds])
    };
    let (one, _) = report("1");
    let (two, md) = report("2");
    assert_eq!(two["seeds"], 2);
    assert!(md.contains("--seed 1 --seeds 2 "), "report.md does not name the seeds:\n{md}");
    assert!(md.contains("seeds 1–2"), "{md}");
    let loss = |r: &serde_json::Value| r["initial"]["loss"].as_f64().unwrap();
    assert_ne!(loss(&one), loss(&two), "two seeds gave the one-seed loss");
    let o = leapsim(&["calibrate", "--seeds", "0", "--out", tmp.path().join("bad").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "--seeds 0 must be a usage error");
}
