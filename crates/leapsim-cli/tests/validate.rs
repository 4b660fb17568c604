//! End-to-end test of `leapsim validate`: a short coarse `no_leap` run, then validation of its
//! directory (the table, validation.json, the four charts, exit codes), and a missing directory.

use std::path::Path;
use std::process::{Command, Output};

fn leapsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leapsim")).args(args).output().expect("the leapsim binary runs")
}

/// The group keys printed in the table's headings (one per target group of DESIGN §6).
const GROUPS: [&str; 10] = [
    "[registered_cdr]",
    "[true_cdr]",
    "[registered_cbr]",
    "[grain_output]",
    "[procurement]",
    "[centre_belief]",
    "[excess_deaths]",
    "[population]",
    "[provinces]",
    "[no_leap]",
];

const CHARTS: [&str; 4] = ["grain.svg", "cdr.svg", "procurement.svg", "population.svg"];

/// The printed line of a target (indented by two spaces; group headings are not).
fn line<'a>(stdout: &'a str, name: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.strip_prefix("  ").is_some_and(|rest| rest.starts_with(name)))
        .unwrap_or_else(|| panic!("no line for {name:?} in:\n{stdout}"))
}

#[test]
fn validate_a_no_leap_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let dir_s = dir.to_str().unwrap();
    let run =
        leapsim(&["run", "--scenario", "no_leap", "--scale", "5000", "--to", "1966-12", "--quiet", "--out", dir_s]);
    assert!(run.status.success(), "run failed: {}", String::from_utf8_lossy(&run.stderr));

    let out = leapsim(&["validate", dir_s]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {stderr}");

    for group in GROUPS {
        assert!(stdout.contains(group), "no heading {group} in:\n{stdout}");
    }
    // no_leap makes no famine: the famine bands fail, the pre-Leap record is matched.
    assert!(line(&stdout, "True CDR 1960").contains("FAIL"));
    assert!(line(&stdout, "Excess deaths 1958–1962 ").contains("FAIL"));
    assert!(line(&stdout, "Grain output 1955").contains("PASS"));

    // The last line is the totals, and they agree with validation.json.
    let last = stdout.trim_end().lines().last().unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("validation.json")).unwrap()).unwrap();
    let (passed, failed) = (report["passed"].as_u64().unwrap(), report["failed"].as_u64().unwrap());
    assert_eq!(last, format!("validation: {passed} passed, {failed} failed"));
    assert!(failed > 0);
    assert_eq!(code, Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len() as u64, passed + failed);
    for t in targets {
        for key in ["name", "group", "year", "simulated", "low", "high", "pass", "note"] {
            assert!(t.get(key).is_some(), "target without {key}: {t}");
        }
    }
    let true_cdr = targets.iter().find(|t| t["name"] == "True CDR 1960").unwrap();
    assert_eq!(true_cdr["pass"], false);
    assert_eq!(true_cdr["low"], 35.0);

    for chart in CHARTS {
        let svg = std::fs::read_to_string(dir.join(chart)).unwrap_or_else(|e| panic!("{chart}: {e}"));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{chart}");
        assert!(svg.contains("<path"), "{chart}");
    }
    // No temporary files are left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn validate_a_missing_directory_exits_2_with_one_line() {
    let out = leapsim(&["validate", "/nonexistent"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("/nonexistent"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn validate_a_directory_without_the_run_files_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = leapsim(&["validate", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&Path::new(tmp.path()).join("national_yearly.csv").display().to_string()), "{stderr}");
}
