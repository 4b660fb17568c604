//! End-to-end tests of the "what if" commands: `scenarios`, `schema`, `run --scenario FILE`, `run --seeds`,
//! `compare` and `attribute`, and the one-line errors of bad scenario files (exit 2, no output left).
//! Coarse scales and short periods keep the file to seconds in release mode.

use std::path::Path;
use std::process::{Command, Output};

fn leapsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leapsim")).args(args).output().expect("cannot start the leapsim binary")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(args: &[&str]) -> String {
    let o = leapsim(args);
    assert!(o.status.success(), "leapsim {} failed: {}", args.join(" "), text(&o.stderr));
    text(&o.stdout)
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let s = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = s.lines().map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
    let header = lines.next().unwrap();
    (header, lines.collect())
}

const BUILTINS: [&str; 11] = [
    "historical",
    "no_leap",
    "honest_reporting",
    "flexible_procurement",
    "no_exports",
    "exit_right_kept",
    "no_mess_halls",
    "no_steel_campaign",
    "lushan_reversal",
    "early_retrenchment",
    "no_weather_shock",
];

#[test]
fn scenarios_lists_every_builtin_name_first_and_show_prints_its_toml() {
    let out = ok(&["scenarios"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), BUILTINS.len(), "{out}");
    for (line, name) in lines.iter().zip(BUILTINS) {
        assert_eq!(line.split_whitespace().next(), Some(name), "{line}");
        assert!(line.len() > name.len() + 10, "no description: {line}");
    }
    let toml = ok(&["scenarios", "show", "lushan_reversal"]);
    assert!(toml.starts_with('#') && toml.contains("anti_right_deviation = false"), "{toml}");
    let o = leapsim(&["scenarios", "show", "utopia"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_committed_schema_is_current() {
    let printed = ok(&["schema"]);
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/scenario.schema.json"))
        .expect("schema/scenario.schema.json exists");
    assert!(
        printed == committed,
        "schema/scenario.schema.json is stale: run `leapsim schema > schema/scenario.schema.json`"
    );
    let v: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn every_builtin_resolves_and_a_user_file_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("milder.toml");
    std::fs::write(
        &file,
        "name = \"milder\"\nbase = \"historical\"\n[params.procurement]\nrate = 0.18\nfloor_squeeze = 0.3\n[timeline]\nprocurement_follows_harvest = \"1959-08\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    ok(&[
        "run",
        "--scenario",
        file.to_str().unwrap(),
        "--scale",
        "5000",
        "--to",
        "1959-12",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"], "milder");
    // Each built-in starts (a year is enough to show it resolves and builds).
    for name in BUILTINS {
        let o = dir.path().join(name);
        ok(&[
            "run",
            "--scenario",
            name,
            "--scale",
            "20000",
            "--to",
            "1955-02",
            "--out",
            o.to_str().unwrap(),
            "--quiet",
        ]);
    }
}

/// A bad scenario file: exit 2, one line naming the file and position, nothing written.
fn assert_rejected(content: Option<&str>, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    if let Some(c) = content {
        std::fs::write(&file, c).unwrap();
    }
    let out = dir.path().join("out");
    let o = leapsim(&["run", "--scenario", file.to_str().unwrap(), "--scale", "5000", "--out", out.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with("error: ") && err.contains("bad.toml"), "{err}");
    for e in expected {
        assert!(err.contains(e), "{err:?} lacks {e:?}");
    }
    assert!(!out.exists(), "output written for a bad scenario");
}

#[test]
fn bad_scenario_files_exit_2_with_one_line_and_no_output() {
    assert_rejected(Some("[params.communes\n"), &["bad.toml:1:", "invalid TOML"]);
    assert_rejected(Some("[params.communes]\nefort_loss = 0.1\n"), &["bad.toml:2:1:", "did you mean \"effort_loss\""]);
    assert_rejected(Some("[params.communes]\neffort_loss = 0.9\n"), &["bad.toml:2:15:", "plausible range"]);
    assert_rejected(Some("[mechanisms]\nsteel = false\n"), &["bad.toml:2:1:", "unknown mechanism"]);
    assert_rejected(Some("base = \"histrical\"\n"), &["bad.toml:1:8:", "unknown base scenario"]);
    assert_rejected(Some("[timeline]\nlushan = \"1967-08\"\n"), &["bad.toml:2:10:", "outside the simulated period"]);
    assert_rejected(None, &["cannot read the scenario file"]);
}

#[test]
fn an_ensemble_writes_means_with_bands() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stdout = ok(&[
        "run",
        "--scenario",
        "historical",
        "--seeds",
        "2",
        "--scale",
        "5000",
        "--to",
        "1960-12",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.contains("ensemble of 2 seeds"), "{stdout}");
    let (header, rows) = read_csv(&out.join("ensemble_yearly.csv"));
    for c in ["year", "deaths_mean", "deaths_p05", "deaths_p95", "excess_deaths_vs_no_leap_mean", "grain_output_mt_p95"]
    {
        assert!(header.iter().any(|h| h == c), "{c} missing from {header:?}");
    }
    assert_eq!(rows.len(), 6);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for r in &rows {
        let (lo, m, hi): (f64, f64, f64) = (
            r[col("deaths_p05")].parse().unwrap(),
            r[col("deaths_mean")].parse().unwrap(),
            r[col("deaths_p95")].parse().unwrap(),
        );
        assert!(lo <= m && m <= hi, "{r:?}");
    }
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("ensemble_summary.json")).unwrap()).unwrap();
    assert_eq!(s["seeds"], serde_json::json!([1, 2]));
    assert_eq!(s["excess_deaths"]["vs_no_leap"]["by_seed"].as_array().unwrap().len(), 2);
}

#[test]
fn compare_writes_differences_that_vanish_before_the_policy_differs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let stdout = ok(&[
        "compare",
        "historical",
        "flexible_procurement",
        "--seeds",
        "2",
        "--scale",
        "5000",
        "--to",
        "1959-12",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.contains("flexible_procurement − historical"), "{stdout}");
    let (header, rows) = read_csv(&out.join("compare_national.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    // Common random numbers: identical before the Leap (May 1958), so the differences are exactly zero.
    for r in rows.iter().filter(|r| r[0].parse::<i32>().unwrap() < 1958) {
        for c in ["deaths_diff_mean", "deaths_diff_p05", "births_diff_p95", "procurement_mt_diff_mean"] {
            assert_eq!(r[col(c)], "0", "{c} in {}", r[0]);
        }
    }
    let (pheader, prow) = read_csv(&out.join("compare_provincial.csv"));
    assert_eq!(pheader[0], "province");
    assert_eq!(prow.len(), 29 * 5);
}

#[test]
fn attribution_shares_add_up_to_the_excess_deaths() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("attr");
    let stdout = ok(&[
        "attribute",
        "--mechanisms",
        "procurement,politics=politics+reporting",
        "--seeds",
        "2",
        "--scale",
        "5000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stdout.contains("efficiency"), "{stdout}");
    let (header, rows) = read_csv(&out.join("attribution.csv"));
    assert_eq!(header, ["mechanism", "deaths_mean", "deaths_lo", "deaths_hi", "share"]);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["procurement", "politics", "other"]);
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("attribution.json")).unwrap()).unwrap();
    let total = j["total_excess_deaths"]["mean"].as_f64().unwrap();
    let sum: f64 = j["groups"].as_array().unwrap().iter().map(|g| g["by_seed"][0].as_f64().unwrap()).sum();
    let seed1 = j["total_excess_deaths"]["by_seed"][0].as_f64().unwrap();
    assert!((sum - seed1).abs() < 1e-6 * seed1.abs().max(1.0), "{sum} vs {seed1}");
    let shares: f64 = rows.iter().map(|r| r[4].parse::<f64>().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-5, "{shares}");
    assert_eq!(j["coalitions"].as_array().unwrap().len(), 8);
    // The total is historical − no_leap, as `run` reports it for the same seed and scale.
    let run_out = dir.path().join("run");
    ok(&[
        "run",
        "--scenario",
        "historical",
        "--scale",
        "5000",
        "--seed",
        "1",
        "--to",
        "1962-12",
        "--out",
        run_out.to_str().unwrap(),
        "--quiet",
    ]);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["excess_deaths"]["vs_no_leap"]["total"].as_f64().unwrap(), seed1);
    assert!(total.is_finite());
    // A bad group list is a usage error.
    let o = leapsim(&["attribute", "--mechanisms", "procurment"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean \"procurement\""), "{}", text(&o.stderr));
}
