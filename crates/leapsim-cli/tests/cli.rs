//! End-to-end tests of the `leapsim` binary: determinism across thread counts, argument errors,
//! the printed summary (snapshot) and the output contract of DESIGN.md §5.
//!
//! Runs use coarse scales (one simulated person per 2,000–5,000 real people) and short periods so
//! that the whole file takes seconds in release mode.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use leapsim_core::Column;

/// Every file `leapsim run` writes.
const OUTPUT_FILES: [&str; 7] = [
    "manifest.json",
    "national_monthly.parquet",
    "provincial_monthly.parquet",
    "national_yearly.csv",
    "provincial_yearly.csv",
    "age_structure.csv",
    "summary.json",
];

/// The 29 provincial units of 1958, as named in `data/provincial_cdr.csv` and `data/provinces_1958.csv`.
const PROVINCES: [&str; 29] = [
    "Beijing",
    "Tianjin",
    "Shanghai",
    "Hebei",
    "Shanxi",
    "Inner Mongolia",
    "Liaoning",
    "Jilin",
    "Heilongjiang",
    "Jiangsu",
    "Zhejiang",
    "Anhui",
    "Fujian",
    "Jiangxi",
    "Shandong",
    "Henan",
    "Hubei",
    "Hunan",
    "Guangdong",
    "Guangxi",
    "Sichuan",
    "Guizhou",
    "Yunnan",
    "Tibet",
    "Shaanxi",
    "Gansu",
    "Qinghai",
    "Ningxia",
    "Xinjiang",
];

fn leapsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leapsim")).args(args).output().expect("cannot start the leapsim binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `leapsim run <args> --out <out>` and asserts that it succeeded; returns stdout.
fn run_ok(args: &[&str], out: &Path) -> String {
    let out = out.to_str().expect("temporary paths are UTF-8");
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out]);
    let o = leapsim(&all);
    assert!(o.status.success(), "leapsim {} failed with {}:\n{}", all.join(" "), o.status, text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"), "{}", text(&o.stderr));
    text(&o.stdout)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn read_string(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read_string(path)).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A CSV file written by leapsim (no quoting needed: no field contains a comma) as header and rows.
fn read_simple_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let content = read_string(path);
    let mut lines = content.lines();
    let header: Vec<String> =
        lines.next().unwrap_or_else(|| panic!("{} is empty", path.display())).split(',').map(str::to_string).collect();
    let rows: Vec<Vec<String>> =
        lines.filter(|l| !l.is_empty()).map(|l| l.split(',').map(str::to_string).collect()).collect();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(
            r.len(),
            header.len(),
            "{} line {}: {} fields, header has {}",
            path.display(),
            i + 2,
            r.len(),
            header.len()
        );
    }
    (header, rows)
}

fn column_index(header: &[String], name: &str, file: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{file}: no column {name:?} in header {header:?}"))
}

/// Asserts that every name in `expected` is a column of `header`, exactly once.
fn assert_has_columns(header: &[String], expected: &[&str], file: &str) {
    let missing: Vec<&str> = expected.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    assert!(missing.is_empty(), "{file}: missing columns {missing:?}; header is {header:?}");
    let unique: BTreeSet<&String> = header.iter().collect();
    assert_eq!(unique.len(), header.len(), "{file}: duplicate column names in {header:?}");
}

fn i64_column<'a>(table: &'a leapsim_core::Table, name: &str, file: &str) -> &'a [i64] {
    match table.column(name) {
        Some(Column::I64(v)) => v,
        Some(_) => panic!("{file}: column {name:?} is not an integer column"),
        None => panic!("{file}: no column {name:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Determinism

#[test]
fn same_seed_gives_identical_files_for_any_thread_count_and_another_seed_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two, other) = (tmp.path().join("t1"), tmp.path().join("t2"), tmp.path().join("seed2"));
    let common = ["--scale", "5000", "--to", "1956-12", "--quiet"];
    run_ok(&[&common[..], &["--seed", "7", "--threads", "1"]].concat(), &one);
    run_ok(&[&common[..], &["--seed", "7", "--threads", "2"]].concat(), &two);
    run_ok(&[&common[..], &["--seed", "8", "--threads", "2"]].concat(), &other);

    for name in OUTPUT_FILES.iter().filter(|n| **n != "manifest.json") {
        let (a, b) = (read(&one.join(name)), read(&two.join(name)));
        assert!(a == b, "{name} differs between --threads 1 and --threads 2 ({} vs {} bytes)", a.len(), b.len());
    }

    // The manifest may differ only in timing and thread count.
    let strip = |path: &Path| {
        let mut m = read_json(path);
        let obj = m.as_object_mut().expect("manifest.json is a JSON object");
        assert!(obj.remove("wall_seconds").is_some(), "manifest has no wall_seconds");
        assert!(obj.remove("threads").is_some(), "manifest has no threads");
        m
    };
    let (m1, m2) = (read_json(&one.join("manifest.json")), read_json(&two.join("manifest.json")));
    assert_eq!(m1["threads"], 1);
    assert_eq!(m2["threads"], 2);
    assert_eq!(
        strip(&one.join("manifest.json")),
        strip(&two.join("manifest.json")),
        "manifests differ in more than wall_seconds and threads"
    );

    assert_ne!(
        read(&one.join("national_yearly.csv")),
        read(&other.join("national_yearly.csv")),
        "seeds 7 and 8 gave the same national_yearly.csv"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Bad arguments

/// Runs `leapsim run <args>` (with `--scale 5000` and `--out <out>` unless `args` has its own) and asserts: exit code
/// 2, exactly one line on stderr, containing each of `expected`, no panic, nothing on stdout and no
/// output under `out`. Returns the error line.
fn assert_usage_error(args: &[&str], out: &Path, expected: &[&str]) -> String {
    let out_str = out.to_str().unwrap();
    let mut all = vec!["run"];
    if !args.contains(&"--scale") {
        all.extend_from_slice(&["--scale", "5000"]);
    }
    all.extend_from_slice(args);
    if !args.contains(&"--out") {
        all.extend_from_slice(&["--out", out_str]);
    }
    let o = leapsim(&all);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    let cmd = all.join(" ");
    assert!(!stderr.contains("panicked"), "leapsim {cmd} panicked:\n{stderr}");
    assert_eq!(o.status.code(), Some(2), "leapsim {cmd}: expected exit code 2, got {}; stderr:\n{stderr}", o.status);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "leapsim {cmd}: expected one line on stderr, got:\n{stderr}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "leapsim {cmd}: {line}");
    for e in expected {
        assert!(line.contains(e), "leapsim {cmd}: error does not mention {e:?}: {line}");
    }
    assert!(stdout.is_empty(), "leapsim {cmd}: printed to stdout:\n{stdout}");
    assert_no_output(out);
    line.to_string()
}

/// `dir` does not exist, or holds no output file and no staging folder.
fn assert_no_output(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !OUTPUT_FILES.contains(&name.as_str()) && !name.starts_with(".leapsim-staging-"),
            "a failed run left {name} in {}",
            dir.display()
        );
    }
}

/// A reader that stops early (`leapsim schema | head`) closes the pipe: the command ends quietly with success,
/// without a panic message.
#[test]
fn closed_stdout_pipe_ends_the_command_quietly() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_leapsim"))
        .arg("schema")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("cannot start the leapsim binary");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "status {:?}, stderr: {stderr}", out.status);
    assert!(stderr.is_empty(), "expected no message, got: {stderr}");
}

#[test]
fn unknown_scenario_is_rejected_listing_the_builtins() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--scenario", "great_leap_backward"], &out, &["great_leap_backward", "no_leap"]);
}

#[test]
fn zero_scale_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--scale", "0", "--to", "1955-06"], &out, &["--scale", "'0'"]);
}

#[test]
fn from_after_to_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--from", "1957-01", "--to", "1956-12"], &out, &["--from", "1957-01", "--to", "1956-12"]);
}

#[test]
fn malformed_month_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--to", "1959-13"], &out, &["--to", "1959-13", "YYYY-MM"]);
    assert_usage_error(&["--from", "Jan 1956"], &out, &["--from", "Jan 1956"]);
}

#[test]
fn month_outside_the_period_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--from", "1954-12", "--to", "1955-06"], &out, &["--from", "1954-12", "1955-01"]);
    assert_usage_error(&["--to", "2001-01"], &out, &["--to", "2001-01"]);
}

#[test]
fn out_under_a_regular_file_is_rejected_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file.txt");
    std::fs::write(&file, "not a directory").unwrap();
    let out = file.join("out");
    let line = assert_usage_error(
        &["--to", "1955-06", "--out", out.to_str().unwrap()],
        &out,
        &[file.to_str().unwrap(), "not a directory"],
    );
    assert!(line.contains(out.to_str().unwrap()), "{line}");
    // The file is untouched.
    assert_eq!(read_string(&file), "not a directory");
}

#[test]
fn unwritable_out_is_rejected_even_for_root() {
    // sysfs refuses new entries to everyone, root included; skip where there is no such directory.
    let sys = Path::new("/sys");
    if !sys.is_dir() || std::fs::create_dir(sys.join("leapsim-probe")).is_ok() {
        let _ = std::fs::remove_dir(sys.join("leapsim-probe"));
        eprintln!("skipped: /sys is missing or writable here");
        return;
    }
    let out = sys.join("leapsim-out");
    let line = assert_usage_error(&["--to", "1955-06", "--out", "/sys/leapsim-out"], &out, &["/sys/leapsim-out"]);
    // One reason, said once ("... : operation not permitted"), not followed by std's "(os error N)".
    assert!(!line.contains("os error"), "{line}");
    assert!(!out.exists());
}

#[test]
fn unknown_flag_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--sale", "100"], &out, &["--sale"]);
}

// ---------------------------------------------------------------------------------------------
// 3. Snapshot of the printed summary

const SNAPSHOT: &str = "tests/snapshots/run_scale5000_1955_1957.txt";

/// A line diff (longest common subsequence): "  " same, "- " only in the snapshot, "+ " only in the
/// actual output.
fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out += &format!("  {}\n", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out += &format!("- {}\n", a[i]);
            i += 1;
        } else {
            out += &format!("+ {}\n", b[j]);
            j += 1;
        }
    }
    out
}

#[test]
fn run_summary_matches_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let stdout = run_ok(&["--scale", "5000", "--seed", "1", "--to", "1957-12", "--threads", "1"], &out);

    // The last line reports wall time and the output path; check its shape, snapshot the rest.
    let mut lines: Vec<&str> = stdout.lines().collect();
    let last = lines.pop().expect("leapsim run printed nothing");
    assert!(
        last.starts_with("historical at 1:5000 seed 1 — 36 months in ")
            && last.contains(" on 1 thread(s); 7 files in "),
        "unexpected final line: {last}"
    );
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let actual = lines.iter().map(|l| format!("{l}\n")).collect::<String>();

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        eprintln!("updated {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read snapshot {}: {e}\nrun with UPDATE_SNAPSHOTS=1 to create it; output was:\n{actual}",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "stdout of `leapsim run --scale 5000 --seed 1 --to 1957-12 --threads 1` differs from {SNAPSHOT}\n\
             (- snapshot, + actual; rerun with UPDATE_SNAPSHOTS=1 to accept):\n{}",
            diff(&expected, &actual)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Output contract (DESIGN.md §5)

const NATIONAL_YEARLY_COLUMNS: [&str; 19] = [
    "year",
    "population_end",
    "population_mid",
    "births",
    "deaths",
    "cbr",
    "cdr",
    "cbr_registered",
    "cdr_registered",
    "grain_output_mt",
    "grain_output_reported_mt",
    "procurement_mt",
    "procurement_ratio",
    "net_exports_mt",
    "urban_population",
    "steel_reported_mt",
    "steel_usable_mt",
    "kcal_rural_per_day",
    "kcal_urban_per_day",
];

const PROVINCIAL_YEARLY_COLUMNS: [&str; 12] = [
    "province",
    "year",
    "population_end",
    "births",
    "deaths",
    "cbr",
    "cdr",
    "cdr_registered",
    "grain_output_mt",
    "grain_output_reported_mt",
    "procurement_mt",
    "kcal_rural_per_day",
];

#[test]
fn outputs_follow_the_design_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Through 1962, so that the summary's 1958–62 figures are all present.
    run_ok(&["--scenario", "no_leap", "--scale", "5000", "--seed", "3", "--to", "1962-12", "--quiet"], &out);
    let years: Vec<i64> = (1955..=1962).collect();
    let months = years.len() * 12;

    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut expected: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected, "files in the output directory (no staging folder left behind)");

    // national_yearly.csv: the §5 columns, one row per year.
    let (header, rows) = read_simple_csv(&out.join("national_yearly.csv"));
    assert_has_columns(&header, &NATIONAL_YEARLY_COLUMNS, "national_yearly.csv");
    let y = column_index(&header, "year", "national_yearly.csv");
    let got: Vec<i64> = rows.iter().map(|r| r[y].parse().unwrap()).collect();
    assert_eq!(got, years, "national_yearly.csv years");
    for name in NATIONAL_YEARLY_COLUMNS {
        let c = column_index(&header, name, "national_yearly.csv");
        for r in &rows {
            let v: f64 =
                r[c].parse().unwrap_or_else(|_| panic!("national_yearly.csv {name} = {:?} is not a number", r[c]));
            assert!(v.is_finite(), "national_yearly.csv {name} = {v} in {}", r[y]);
        }
    }

    // provincial_yearly.csv: the §5 columns, 29 provinces × years.
    let (header, rows) = read_simple_csv(&out.join("provincial_yearly.csv"));
    assert_has_columns(&header, &PROVINCIAL_YEARLY_COLUMNS, "provincial_yearly.csv");
    let (p, y) = (
        column_index(&header, "province", "provincial_yearly.csv"),
        column_index(&header, "year", "provincial_yearly.csv"),
    );
    assert_eq!(rows.len(), PROVINCES.len() * years.len(), "provincial_yearly.csv rows");
    let provinces: BTreeSet<&str> = rows.iter().map(|r| r[p].as_str()).collect();
    assert_eq!(provinces, PROVINCES.iter().copied().collect::<BTreeSet<_>>(), "provincial_yearly.csv provinces");
    for name in PROVINCES {
        let got: Vec<i64> = rows.iter().filter(|r| r[p] == name).map(|r| r[y].parse().unwrap()).collect();
        assert_eq!(got, years, "provincial_yearly.csv years of {name}");
    }

    // age_structure.csv: year, age, male, female; ages 0..=100 for every year.
    let (header, rows) = read_simple_csv(&out.join("age_structure.csv"));
    assert_eq!(header, ["year", "age", "male", "female"], "age_structure.csv header");
    let expected: Vec<(i64, i64)> = years.iter().flat_map(|&y| (0..=100).map(move |a| (y, a))).collect();
    let got: Vec<(i64, i64)> = rows.iter().map(|r| (r[0].parse().unwrap(), r[1].parse().unwrap())).collect();
    assert_eq!(got, expected, "age_structure.csv (year, age) pairs");
    for r in &rows {
        for v in &r[2..] {
            assert!(v.parse::<i64>().is_ok_and(|n| n >= 0), "age_structure.csv count {v:?} in {r:?}");
        }
    }

    // summary.json: the §5 keys; a no_leap run has no excess deaths or lost births against itself.
    let s = read_json(&out.join("summary.json"));
    for path in [
        "/excess_deaths/vs_no_leap/total",
        "/excess_deaths/vs_no_leap/by_year",
        "/excess_deaths/vs_trend/total",
        "/excess_deaths/vs_trend/by_year",
        "/lost_births/vs_no_leap/total",
        "/lost_births/vs_trend/total",
        "/peak_cdr/year",
        "/peak_cdr/cdr",
        "/peak_cdr/cdr_registered",
        "/grain_output_reported_vs_true_1958",
    ] {
        let v = s.pointer(path).unwrap_or_else(|| panic!("summary.json has no {path}: {s:#}"));
        assert!(!v.is_null(), "summary.json {path} is null: {s:#}");
    }
    for path in ["/excess_deaths/vs_no_leap/total", "/lost_births/vs_no_leap/total"] {
        assert_eq!(s.pointer(path).unwrap().as_f64(), Some(0.0), "summary.json {path} in a no_leap run: {s:#}");
    }
    let by_year = s.pointer("/excess_deaths/vs_no_leap/by_year").unwrap().as_object().expect("by_year is an object");
    for (year, v) in by_year {
        assert_eq!(v.as_f64(), Some(0.0), "summary.json excess_deaths.vs_no_leap.by_year[{year}]");
    }
    let peak = s["peak_cdr"]["year"].as_i64().expect("peak_cdr.year is an integer");
    assert!((1955..=1962).contains(&peak), "peak_cdr.year {peak}");

    // manifest.json
    let m = read_json(&out.join("manifest.json"));
    assert_eq!(m["scenario"], "no_leap");
    assert_eq!(m["seed"], 3);
    assert_eq!(m["scale"], 5000);
    assert_eq!(m["period"]["from"], "1955-01");
    assert_eq!(m["period"]["to"], "1962-12");

    // Parquet: readable, one row per month (national) and per month and province (provincial).
    let national = leapsim_io::read_parquet(&out.join("national_monthly.parquet")).unwrap();
    assert_eq!(national.num_rows(), months, "national_monthly.parquet rows");
    assert_eq!(i64_column(&national, "year", "national_monthly.parquet")[0], 1955);
    assert_eq!(*i64_column(&national, "year", "national_monthly.parquet").last().unwrap(), 1962);
    let provincial = leapsim_io::read_parquet(&out.join("provincial_monthly.parquet")).unwrap();
    assert_eq!(provincial.num_rows(), months * PROVINCES.len(), "provincial_monthly.parquet rows");
    match provincial.column("province") {
        Some(Column::Str(v)) => {
            let set: BTreeSet<&str> = v.iter().map(String::as_str).collect();
            assert_eq!(set, PROVINCES.iter().copied().collect::<BTreeSet<_>>(), "provincial_monthly.parquet provinces");
        }
        _ => panic!("provincial_monthly.parquet has no string column \"province\""),
    }
}

// ---------------------------------------------------------------------------------------------
// 5. --from trims what is written

#[test]
fn from_trims_the_written_months() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&["--scale", "5000", "--from", "1956-01", "--to", "1956-12", "--quiet"], &out);

    let national = leapsim_io::read_parquet(&out.join("national_monthly.parquet")).unwrap();
    assert_eq!(national.num_rows(), 12, "national_monthly.parquet rows for --from 1956-01 --to 1956-12");
    assert!(i64_column(&national, "year", "national_monthly.parquet").iter().all(|&y| y == 1956));
    assert_eq!(i64_column(&national, "month", "national_monthly.parquet"), (1..=12).collect::<Vec<i64>>());
    let provincial = leapsim_io::read_parquet(&out.join("provincial_monthly.parquet")).unwrap();
    assert_eq!(provincial.num_rows(), 12 * PROVINCES.len(), "provincial_monthly.parquet rows");

    let (header, rows) = read_simple_csv(&out.join("national_yearly.csv"));
    let y = column_index(&header, "year", "national_yearly.csv");
    assert_eq!(rows.iter().map(|r| r[y].as_str()).collect::<Vec<_>>(), ["1956"], "national_yearly.csv years");

    let m = read_json(&out.join("manifest.json"));
    assert_eq!(m["period"]["from"], "1956-01");
    assert_eq!(m["period"]["to"], "1956-12");
}

#[test]
fn trimming_does_not_change_the_months_written() {
    // The world always starts in 1955-01: 1956 written alone equals 1956 within a longer run.
    let tmp = tempfile::tempdir().unwrap();
    let (all, trimmed) = (tmp.path().join("all"), tmp.path().join("trimmed"));
    run_ok(&["--scale", "5000", "--to", "1956-12", "--quiet"], &all);
    run_ok(&["--scale", "5000", "--from", "1956-01", "--to", "1956-12", "--quiet"], &trimmed);
    let a = leapsim_io::read_parquet(&all.join("national_monthly.parquet")).unwrap();
    let t = leapsim_io::read_parquet(&trimmed.join("national_monthly.parquet")).unwrap();
    for (name, column) in &t.columns {
        let full = a.column(name).unwrap_or_else(|| panic!("no column {name}"));
        let tail = match (full, column) {
            (Column::I64(f), Column::I64(c)) => f[12..] == c[..],
            (Column::F64(f), Column::F64(c)) => f[12..].iter().zip(c).all(|(x, y)| x.to_bits() == y.to_bits()),
            (Column::Str(f), Column::Str(c)) => f[12..] == c[..],
            _ => false,
        };
        assert!(tail, "national_monthly.parquet column {name}: 1956 differs between --from 1955-01 and --from 1956-01");
    }
}

#[test]
fn a_scale_that_does_not_fit_in_memory_is_refused_before_allocating() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_leapsim"))
        .args(["run", "--scale", "10", "--out"])
        .arg(&out)
        .env("LEAPSIM_AVAILABLE_MEMORY", "1000000000")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--scale 10 needs about") && stderr.contains("GiB"), "{stderr}");
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "nothing may be written");
}

#[test]
fn no_counterfactual_skips_no_leap_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (full, single) = (tmp.path().join("full"), tmp.path().join("single"));
    run_ok(&["--scale", "2000", "--to", "1959-12", "--quiet"], &full);
    run_ok(&["--scale", "2000", "--to", "1959-12", "--quiet", "--no-counterfactual"], &single);
    let (a, b) = (read_json(&full.join("summary.json")), read_json(&single.join("summary.json")));
    assert!(b["excess_deaths"]["vs_no_leap"].is_null(), "{b}");
    assert!(b["lost_births"]["vs_no_leap"].is_null(), "{b}");
    assert_eq!(b["no_leap"]["skipped"], true, "{b}");
    // The scenario itself is the same run: the trend comparison and every other file are identical.
    assert_eq!(a["excess_deaths"]["vs_trend"], b["excess_deaths"]["vs_trend"]);
    for f in ["national_monthly.parquet", "provincial_monthly.parquet", "national_yearly.csv", "age_structure.csv"] {
        assert_eq!(read(&full.join(f)), read(&single.join(f)), "{f}");
    }
}

#[test]
fn no_counterfactual_with_an_ensemble_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_usage_error(&["--no-counterfactual", "--seeds", "2"], &out, &["--no-counterfactual", "--seeds"]);
}
