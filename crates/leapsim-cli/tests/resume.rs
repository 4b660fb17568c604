//! Checkpoints and `leapsim resume` end to end: a resumed run writes the same files as a straight run (for any
//! thread count, from any checkpoint, after the outputs were deleted); resuming a finished run changes nothing;
//! a run killed with SIGKILL at any moment resumes to the same files or is reported as incomplete; a damaged
//! checkpoint is a one-line error with exit status 2.
//!
//! Files are compared byte for byte, except `manifest.json`, whose wall times (`wall_seconds`) and `threads`
//! legitimately differ between runs: it is compared with those two fields removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Small and short enough for seconds per run, long enough to cross Januaries and harvests.
const RUN: [&str; 8] = ["--scale", "5000", "--seed", "3", "--from", "1956-07", "--to", "1960-12"];

fn leapsim(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leapsim"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("cannot start the leapsim binary")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(args: &[&str]) -> Output {
    let o = leapsim(args, &[]);
    assert!(o.status.success(), "leapsim {args:?} failed: {}", text(&o.stderr));
    o
}

fn run_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["run", "--quiet", "--out", out];
    a.extend(RUN);
    a.extend(extra);
    a
}

/// The output files of `dir` (top level, regular files), `manifest.json` without its timing fields.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(entry.path()).unwrap();
        if name == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let o = m.as_object_mut().unwrap();
            assert!(o.remove("wall_seconds").is_some() && o.remove("threads").is_some());
            bytes = serde_json::to_vec_pretty(&m).unwrap();
        }
        files.insert(name, bytes);
    }
    files
}

fn assert_same_outputs(expected: &BTreeMap<String, Vec<u8>>, dir: &Path, what: &str) {
    let actual = outputs(dir);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&actual), names(expected), "{what}: other files than a straight run's");
    for (name, bytes) in expected {
        assert!(actual[name] == *bytes, "{what}: {name} differs from the straight run's");
    }
}

/// No staging folder and no temporary checkpoint file left behind.
fn assert_no_leftovers(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".leapsim-staging-"), "{name} left in {}", dir.display());
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("checkpoint")) {
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert_eq!(name, "state.ckpt", "left in {}/checkpoint", dir.display());
        }
    }
}

fn checkpoint(dir: &Path) -> PathBuf {
    dir.join("checkpoint").join("state.ckpt")
}

fn straight(tmp: &Path) -> BTreeMap<String, Vec<u8>> {
    let dir = tmp.join("straight");
    ok(&run_args(dir.to_str().unwrap(), &["--threads", "2"]));
    outputs(&dir)
}

/// A run that stops (exit 99, no cleanup, like a kill) right after its `k`-th checkpoint.
fn stopped_after(dir: &Path, k: usize, every: &str) {
    let k = k.to_string();
    let o = leapsim(
        &run_args(dir.to_str().unwrap(), &["--threads", "2", "--checkpoint-every", every]),
        &[("LEAPSIM_TEST_EXIT_AFTER_CHECKPOINTS", &k)],
    );
    assert_eq!(o.status.code(), Some(99), "{}", text(&o.stderr));
    assert!(!dir.join("manifest.json").exists());
    assert!(checkpoint(dir).is_file());
}

#[test]
fn a_checkpointed_run_and_every_resumed_run_write_the_files_of_a_straight_run() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = straight(tmp.path());

    // With checkpoints, uninterrupted.
    let a = tmp.path().join("a");
    ok(&run_args(a.to_str().unwrap(), &["--threads", "2", "--checkpoint-every", "12"]));
    assert_same_outputs(&expected, &a, "run --checkpoint-every 12");
    assert!(checkpoint(&a).is_file());
    assert_no_leftovers(&a);

    // The outputs deleted: resume writes them again from the final checkpoint.
    for name in expected.keys() {
        std::fs::remove_file(a.join(name)).unwrap();
    }
    let o = ok(&["resume", a.to_str().unwrap(), "--threads", "1"]);
    assert!(text(&o.stdout).contains("historical at 1:5000 seed 3"), "{}", text(&o.stdout));
    assert_same_outputs(&expected, &a, "resume after deleting the outputs");

    // Stopped runs, 2 × 72 months: every 12 months, checkpoint 3 is the scenario at 1958-01, 6 its end (the
    // counterfactual not started yet), 8 the counterfactual at 1956-01; every 5 months, checkpoint 17 is the
    // counterfactual at 1956-02 (the cadence runs on over both simulations and on after a resume); every month,
    // checkpoint 1 is the scenario at 1955-02.
    for (k, every, threads) in [(3, "12", "1"), (6, "12", "3"), (8, "12", "2"), (17, "5", "1"), (1, "1", "2")] {
        let dir = tmp.path().join(format!("stopped-{k}-{every}"));
        stopped_after(&dir, k, every);
        let o = ok(&["resume", dir.to_str().unwrap(), "--threads", threads]);
        assert!(text(&o.stderr).contains("resuming historical at 1:5000 seed 3 from the "), "{}", text(&o.stderr));
        assert_same_outputs(&expected, &dir, &format!("resume after checkpoint {k} of every {every} months"));
        assert_no_leftovers(&dir);
    }

    // A resumed run that is itself stopped, then resumed again.
    let dir = tmp.path().join("twice");
    stopped_after(&dir, 2, "12");
    let o = leapsim(&["resume", dir.to_str().unwrap(), "--quiet"], &[("LEAPSIM_TEST_EXIT_AFTER_CHECKPOINTS", "5")]);
    assert_eq!(o.status.code(), Some(99), "{}", text(&o.stderr));
    assert!(!dir.join("manifest.json").exists());
    let o = ok(&["resume", dir.to_str().unwrap(), "--threads", "2"]);
    assert!(text(&o.stderr).contains("from the counterfactual at 1956-01 (84 of 144"), "{}", text(&o.stderr));
    assert_same_outputs(&expected, &dir, "resume of a resumed run");
    assert_no_leftovers(&dir);
}

#[test]
fn a_run_without_its_counterfactual_checkpoints_and_resumes_too() {
    let tmp = tempfile::tempdir().unwrap();
    let straight = tmp.path().join("straight");
    ok(&run_args(straight.to_str().unwrap(), &["--threads", "2", "--no-counterfactual"]));
    let expected = outputs(&straight);
    let summary: serde_json::Value = serde_json::from_slice(&expected["summary.json"]).unwrap();
    assert_eq!(summary["no_leap"]["skipped"], true, "{summary}");
    // One simulation of 72 months: checkpoint 4 of every 12 months is the scenario at 1959-01.
    let dir = tmp.path().join("stopped");
    let k = "4";
    let o = leapsim(
        &run_args(dir.to_str().unwrap(), &["--threads", "2", "--checkpoint-every", "12", "--no-counterfactual"]),
        &[("LEAPSIM_TEST_EXIT_AFTER_CHECKPOINTS", k)],
    );
    assert_eq!(o.status.code(), Some(99), "{}", text(&o.stderr));
    let o = ok(&["resume", dir.to_str().unwrap(), "--threads", "1"]);
    assert!(text(&o.stderr).contains("(48 of 72 months simulated)"), "{}", text(&o.stderr));
    assert_same_outputs(&expected, &dir, "resume of a run without its counterfactual");
    assert_no_leftovers(&dir);
}

/// Every path under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut all = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                todo.push(entry.path());
            }
            let bytes = if meta.is_file() { std::fs::read(entry.path()).unwrap() } else { Vec::new() };
            all.insert(entry.path(), (bytes, meta.modified().unwrap()));
        }
    }
    all
}

#[test]
fn resuming_a_finished_run_says_so_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [("with-checkpoints", vec!["--checkpoint-every", "7"]), ("without", vec![])] {
        let dir = tmp.path().join(name);
        ok(&run_args(dir.to_str().unwrap(), &extra));
        let before = snapshot(&dir);
        std::thread::sleep(Duration::from_millis(20));
        let o = ok(&["resume", dir.to_str().unwrap()]);
        assert!(text(&o.stdout).contains("the run is finished (historical, 1:5000, seed 3)"), "{}", text(&o.stdout));
        assert!(snapshot(&dir) == before, "{name}: resume changed the directory");
    }
}

#[test]
fn a_run_without_checkpoints_replaces_an_old_checkpoint_with_its_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    stopped_after(&dir, 2, "12");
    // Another run in the same directory: the checkpoint was not its own.
    let mut args = run_args(dir.to_str().unwrap(), &[]);
    args[7] = "4"; // --seed 4
    ok(&args);
    assert!(!dir.join("checkpoint").exists());
    let o = ok(&["resume", dir.to_str().unwrap()]);
    assert!(text(&o.stdout).contains("seed 4); nothing to resume"), "{}", text(&o.stdout));
}

fn assert_one_line_error(o: &Output, code: i32, expected: &[&str]) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for e in expected {
        assert!(err.contains(e), "{err:?} does not say {e:?}");
    }
    err
}

#[test]
fn nothing_to_resume_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = leapsim(&["resume", empty.to_str().unwrap()], &[]);
    assert_one_line_error(&o, 2, &["incomplete run with no checkpoint", empty.to_str().unwrap()]);
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "resume wrote into the directory");
    let missing = tmp.path().join("missing");
    let o = leapsim(&["resume", missing.to_str().unwrap()], &[]);
    assert_one_line_error(&o, 2, &["does not exist: there is no run to resume", missing.to_str().unwrap()]);
    assert!(!missing.exists());
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let o = leapsim(&["resume", file.to_str().unwrap()], &[]);
    assert_one_line_error(&o, 2, &["is not a directory", file.to_str().unwrap()]);
    let o = leapsim(&run_args(empty.to_str().unwrap(), &["--seeds", "2", "--checkpoint-every", "3"]), &[]);
    assert_one_line_error(&o, 2, &["--checkpoint-every cannot be combined with --seeds"]);
}

#[test]
fn a_damaged_checkpoint_is_a_one_line_error_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    stopped_after(&dir, 2, "12");
    let path = checkpoint(&dir);
    let good = std::fs::read(&path).unwrap();
    let half = good[..good.len() / 2].to_vec();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    let mut header = good.clone();
    header[9] = 7;
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("truncated to half", half, "truncated checkpoint"),
        ("truncated to 10 bytes", good[..10].to_vec(), "truncated checkpoint"),
        ("empty", Vec::new(), "truncated checkpoint"),
        ("a flipped byte", flipped, "checksum mismatch"),
        ("another format version", header, "format version"),
        ("not a checkpoint", b"year,deaths\n1960,1\n".to_vec(), "not a leapsim checkpoint"),
    ];
    for (what, bytes, expected) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let before = snapshot(&dir);
        let o = leapsim(&["resume", dir.to_str().unwrap()], &[]);
        let err = assert_one_line_error(&o, 2, &[path.to_str().unwrap(), expected, "cannot be resumed"]);
        assert!(snapshot(&dir) == before, "{what}: resume changed the directory ({err})");
    }
}

/// SIGKILL at many moments of a run with a checkpoint every month: `resume` then either finishes with the
/// files of a straight run or (killed before the first checkpoint) says the run is incomplete; never a panic,
/// never other files.
#[test]
fn a_run_killed_at_any_moment_resumes_to_the_same_files_or_is_reported_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = straight(tmp.path());
    // How long a checkpointed run takes here, to spread the kills over it.
    let t0 = Instant::now();
    let full = tmp.path().join("full");
    ok(&run_args(full.to_str().unwrap(), &["--checkpoint-every", "1"]));
    let duration = t0.elapsed();
    assert_same_outputs(&expected, &full, "run --checkpoint-every 1");

    let mut outcomes = BTreeMap::new();
    let moments: Vec<Option<f64>> = [0.0, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8, 1.05]
        .into_iter()
        .map(Some)
        .chain([None, None]) // as soon as a checkpoint file appears
        .collect();
    for (i, at) in moments.into_iter().enumerate() {
        let dir = tmp.path().join(format!("killed-{i}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_leapsim"))
            .args(run_args(dir.to_str().unwrap(), &["--checkpoint-every", "1", "--threads", "2"]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        match at {
            Some(f) => std::thread::sleep(duration.mul_f64(f)),
            None => {
                let t = Instant::now();
                while !checkpoint(&dir).exists() && t.elapsed() < Duration::from_secs(60) {
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let o = leapsim(&["resume", dir.to_str().unwrap(), "--threads", "1"], &[]);
        let err = text(&o.stderr);
        assert!(!err.contains("panicked"), "kill {i}: {err}");
        let outcome = if o.status.success() {
            assert_same_outputs(&expected, &dir, &format!("killed at {at:?} of the run, then resumed"));
            assert_no_leftovers(&dir);
            if status.success() {
                "finished before the kill"
            } else {
                "resumed"
            }
        } else if !dir.exists() {
            // Killed before it created its output directory.
            assert_one_line_error(&o, 2, &["does not exist: there is no run to resume"]);
            "never started"
        } else {
            assert_one_line_error(&o, 2, &["incomplete run with no checkpoint"]);
            assert!(!dir.join("manifest.json").exists());
            "incomplete"
        };
        eprintln!("kill {i} at {at:?} × {duration:?}: {outcome}");
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    // The kills right after the first checkpoint appears land mid-run whatever the machine's speed.
    assert!(outcomes.get("resumed").copied().unwrap_or(0) >= 3, "too few kills landed mid-run: {outcomes:?}");
}
