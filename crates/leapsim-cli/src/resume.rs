//! Checkpointed runs (`leapsim run --checkpoint-every N`) and `leapsim resume DIR`.
//!
//! A checkpointed run is a *job*: the scenario's simulation and, unless the scenario is `no_leap` or the run
//! has `--no-counterfactual`, its counterfactual with the same seed, run one after the other. Every N simulated months (counted over both) the
//! whole job is written to `DIR/checkpoint/state.ckpt`: the finished simulation's records, the running one's
//! full state and records, what is still to run, and the run's settings. The file is replaced atomically (a
//! temporary file in the same folder, fsynced, renamed over the old one, the folder fsynced), so at any moment
//! the folder holds the previous checkpoint or the new one, never a half-written one. When the last month is
//! done a final checkpoint holding only the records is written (small), then the outputs are written as by a
//! straight run. Format: `leapsim_model::checkpoint` and docs/outputs.md.
//!
//! `resume DIR` reads the checkpoint, finishes the job with any thread count (results do not depend on it) and
//! writes the same files a straight run writes. A DIR whose finished outputs are those of the checkpoint's run
//! (same scenario, seed, scale, period and version: the outputs are determined by them) is left untouched.

use crate::out::outln;
use crate::run::{check_memory, counterfactual_of, default_threads, Finish, Progress};
use crate::UsageError;
use anyhow::{Context, Result};
use clap::Args;
use leapsim_core::Month;
use leapsim_io::{IoError, OutputDir};
use leapsim_model::checkpoint::{self, CheckpointError, Decoder, Encoder, RunState};
use leapsim_model::{Observer, RunOptions, RunResults, Scenario, Simulation};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The folder of `OUT` that holds the checkpoint.
pub const CHECKPOINT_DIR: &str = "checkpoint";
/// The checkpoint file in it (only the latest is kept).
pub const CHECKPOINT_FILE: &str = "state.ckpt";
/// What the payload of a `run` checkpoint starts with.
const KIND: &str = "leapsim run";

/// Test hook: exit (status 99, no cleanup, as if killed) right after writing this many checkpoints.
const EXIT_AFTER_ENV: &str = "LEAPSIM_TEST_EXIT_AFTER_CHECKPOINTS";

#[derive(Args, Debug, Clone)]
pub struct ResumeArgs {
    /// The output directory of a run started with --checkpoint-every.
    pub dir: PathBuf,
    /// Worker threads (results do not depend on it); default: the machine's cores.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// `DIR/checkpoint/state.ckpt`.
pub fn checkpoint_path(dir: &Path) -> PathBuf {
    dir.join(CHECKPOINT_DIR).join(CHECKPOINT_FILE)
}

/// What a checkpointed run is: enough to finish it and write its outputs. `options.period.last` is `--to`.
struct Plan {
    scenario: Scenario,
    options: RunOptions,
    from: Month,
    every: u32,
}

enum Slot {
    /// Not started: its scenario.
    Pending(Box<Scenario>),
    Running(Box<RunState>),
    Done(Box<RunResults>),
    /// Transiently, while a slot changes state.
    Empty,
}

struct Job {
    plan: Plan,
    /// The scenario's simulation, then its counterfactual (if any).
    slots: Vec<Slot>,
}

const PENDING: u8 = 0;
const RUNNING: u8 = 1;
const DONE: u8 = 2;

impl Job {
    /// `counterfactual`: also run the scenario's `no_leap` counterfactual (false with `--no-counterfactual`).
    fn new(plan: Plan, counterfactual: bool) -> Job {
        let mut slots = vec![Slot::Pending(Box::new(plan.scenario.clone()))];
        if counterfactual && plan.scenario.name != "no_leap" {
            slots.push(Slot::Pending(Box::new(counterfactual_of(&plan.scenario))));
        }
        Job { plan, slots }
    }

    /// Months simulated so far, over every simulation of the job.
    fn months_done(&self) -> usize {
        self.slots
            .iter()
            .map(|s| match s {
                Slot::Running(r) => r.months_done(),
                Slot::Done(r) => r.records.len(),
                Slot::Pending(_) | Slot::Empty => 0,
            })
            .sum()
    }

    /// The counterfactual of a scenario other than `no_leap` was skipped (`--no-counterfactual`).
    fn counterfactual_skipped(&self) -> bool {
        self.plan.scenario.name != "no_leap" && self.slots.len() == 1
    }

    fn months_total(&self) -> usize {
        self.slots.len() * self.plan.options.period.len()
    }

    /// Where the job stands, for messages: the month the running simulation is at.
    fn position(&self) -> String {
        let names = ["scenario", "counterfactual"];
        for (i, s) in self.slots.iter().enumerate() {
            match s {
                Slot::Running(r) => return format!("the {} at {}", names[i.min(1)], r.sim.month),
                Slot::Pending(_) => return format!("the start of the {}", names[i.min(1)]),
                _ => {}
            }
        }
        "the end (every month simulated)".into()
    }

    fn encode<W: Write>(&self, e: &mut Encoder<W>) -> std::io::Result<()> {
        let Plan { scenario, options, from, every } = &self.plan;
        e.str(KIND)?;
        checkpoint::encode_scenario(scenario, e)?;
        checkpoint::encode_options(options, e)?;
        e.u16(from.0)?;
        e.u32(*every)?;
        e.len(self.slots.len())?;
        for slot in &self.slots {
            match slot {
                Slot::Pending(sc) => {
                    e.u8(PENDING)?;
                    checkpoint::encode_scenario(sc, e)?;
                }
                Slot::Running(r) => {
                    e.u8(RUNNING)?;
                    r.encode(e)?;
                }
                Slot::Done(r) => {
                    e.u8(DONE)?;
                    checkpoint::encode_results(r, e)?;
                }
                Slot::Empty => return Err(std::io::Error::other("internal error: a job slot is empty")),
            }
        }
        Ok(())
    }

    fn decode<R: Read>(d: &mut Decoder<R>, threads: usize) -> Result<Job, CheckpointError> {
        let kind = d.str()?;
        if kind != KIND {
            return Err(CheckpointError::Corrupt(format!("a checkpoint of {kind:?}, not of a leapsim run")));
        }
        let scenario = checkpoint::decode_scenario(d)?;
        let options = checkpoint::decode_options(d, threads)?;
        let from = Month(d.u16()?);
        let every = d.u32()?;
        let n = d.len(1)?;
        if !(1..=2).contains(&n) || every == 0 || from < options.period.first || from > options.period.last {
            return Err(CheckpointError::Corrupt(format!("run settings: {n} simulations, every {every}, from {from}")));
        }
        let mut slots = Vec::with_capacity(n);
        for _ in 0..n {
            slots.push(match d.u8()? {
                PENDING => Slot::Pending(Box::new(checkpoint::decode_scenario(d)?)),
                RUNNING => Slot::Running(Box::new(RunState::decode(d, threads)?)),
                DONE => Slot::Done(Box::new(checkpoint::decode_results(d, threads)?)),
                t => return Err(CheckpointError::Corrupt(format!("unknown simulation state {t}"))),
            });
        }
        Ok(Job { plan: Plan { scenario, options, from, every }, slots })
    }

    /// The results of the scenario and of its counterfactual, once every slot is done.
    fn into_results(self) -> Result<(RunResults, Option<RunResults>)> {
        let mut done = self.slots.into_iter().map(|s| match s {
            Slot::Done(r) => Ok(*r),
            _ => Err(anyhow::anyhow!("internal error: the run is not finished")),
        });
        let main = done.next().context("internal error: a job without simulations")??;
        let cf = done.next().transpose()?;
        Ok((main, cf))
    }
}

/// Runs every simulation of the job to its end, writing a checkpoint every `plan.every` months and a final one
/// (records only) when the last month is done.
fn drive(job: &mut Job, dir: &Path, threads: usize) -> Result<()> {
    let every = job.plan.every as usize;
    let mut done = job.months_done();
    let mut progress = Progress::new(job.months_total() - done);
    let mut stepped = false;
    let mut written = 0usize;
    let exit_after: Option<usize> = std::env::var(EXIT_AFTER_ENV).ok().and_then(|v| v.parse().ok());
    let options = RunOptions { threads, ..job.plan.options.clone() };
    for i in 0..job.slots.len() {
        loop {
            match &mut job.slots[i] {
                Slot::Done(_) => break,
                Slot::Empty => anyhow::bail!("internal error: a job slot is empty"),
                Slot::Pending(sc) => {
                    let sim = Simulation::new((**sc).clone(), options.clone())?;
                    job.slots[i] = Slot::Running(Box::new(RunState::new(sim)));
                }
                Slot::Running(state) => {
                    if !state.is_done() {
                        let month = state.step()?;
                        done += 1;
                        stepped = true;
                        progress.on_month(done, 0, month);
                    }
                    if state.is_done() {
                        if let Slot::Running(state) = std::mem::replace(&mut job.slots[i], Slot::Empty) {
                            job.slots[i] = Slot::Done(Box::new(state.finish()));
                        }
                    }
                    if stepped && done.is_multiple_of(every) {
                        write_checkpoint(dir, job)?;
                        written += 1;
                        if exit_after == Some(written) {
                            eprintln!("{EXIT_AFTER_ENV}={written}: exiting after checkpoint {written}");
                            std::process::exit(99);
                        }
                    }
                }
            }
        }
    }
    if stepped && !done.is_multiple_of(every) {
        write_checkpoint(dir, job)?;
    }
    progress.finish();
    Ok(())
}

fn write_checkpoint(dir: &Path, job: &Job) -> Result<()> {
    let folder = dir.join(CHECKPOINT_DIR);
    std::fs::create_dir_all(&folder).map_err(|e| IoError::Os { action: "create", path: folder.clone(), source: e })?;
    let path = folder.join(CHECKPOINT_FILE);
    leapsim_io::write_atomic(&path, |w| {
        checkpoint::write(w, |e| job.encode(e)).map(drop).map_err(|e| IoError::Os {
            action: "write checkpoint",
            path: path.clone(),
            source: e,
        })
    })?;
    Ok(())
}

/// Reads the job of a checkpoint file. A damaged or foreign file is a usage error naming the file.
fn read_job(path: &Path, threads: usize) -> Result<Job> {
    let file = std::fs::File::open(path).map_err(|e| IoError::Os {
        action: "open checkpoint",
        path: path.into(),
        source: e,
    })?;
    let len =
        file.metadata().map_err(|e| IoError::Os { action: "read checkpoint", path: path.into(), source: e })?.len();
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    checkpoint::read(reader, len, |d| Job::decode(d, threads)).map_err(|e| match e {
        CheckpointError::Io(source) => {
            anyhow::Error::from(IoError::Os { action: "read checkpoint", path: path.into(), source })
        }
        CheckpointError::Sim(e) => anyhow::Error::from(e),
        e => UsageError(format!("{}: {e}; the run cannot be resumed from it", path.display())).into(),
    })
}

/// Removes `dir`'s checkpoint (and temporary files of checkpoints), if any: a new run in `dir` replaces the run
/// it belonged to.
pub fn discard_checkpoint(dir: &Path) -> Result<()> {
    let folder = dir.join(CHECKPOINT_DIR);
    let entries = match std::fs::read_dir(&folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(IoError::Os { action: "read", path: folder, source: e }.into()),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == CHECKPOINT_FILE || name.starts_with(&format!("{CHECKPOINT_FILE}.tmp-")) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| IoError::Os {
                action: "remove old checkpoint",
                path,
                source: e,
            })?;
        }
    }
    // Only if nothing else is in it.
    let _ = std::fs::remove_dir(&folder);
    Ok(())
}

/// Runs a scenario and its counterfactual with checkpoints in `dir` (see the module documentation).
pub fn simulate_checkpointed(
    scenario: &Scenario,
    options: &RunOptions,
    from: Month,
    every: u32,
    counterfactual: bool,
    dir: &Path,
) -> Result<(RunResults, Option<RunResults>)> {
    check_memory(options)?;
    // The checkpoint of an earlier run in this directory is not this run's.
    discard_checkpoint(dir)?;
    let plan = Plan { scenario: scenario.clone(), options: options.clone(), from, every };
    let mut job = Job::new(plan, counterfactual);
    drive(&mut job, dir, options.threads)?;
    job.into_results()
}

/// The manifest of `dir` if it describes a complete output: it parses and every file it lists is there.
fn finished_manifest(dir: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let m: serde_json::Value = serde_json::from_str(&text).ok()?;
    let files = m.get("files")?.as_array()?;
    files.iter().all(|f| f.as_str().is_some_and(|f| dir.join(f).is_file())).then_some(m)
}

/// Whether a finished output is the one the job would write (the outputs are determined by these).
fn manifest_is_of(m: &serde_json::Value, plan: &Plan) -> bool {
    let o = &plan.options;
    m["scenario"] == plan.scenario.name.as_str()
        && m["scenario_hash"] == plan.scenario.content_hash().as_str()
        && m["seed"] == o.seed
        && m["scale"] == o.scale
        && m["seeds"] == serde_json::json!([o.seed])
        && m["period"]["from"] == plan.from.to_string().as_str()
        && m["period"]["to"] == o.period.last.to_string().as_str()
        && m["period"]["simulated_from"] == o.period.first.to_string().as_str()
        && m["version"] == env!("CARGO_PKG_VERSION")
}

fn describe(m: &serde_json::Value) -> String {
    format!("{}, 1:{}, seed {}", m["scenario"].as_str().unwrap_or("?"), m["scale"], m["seed"])
}

/// Removes what a killed process left: staging folders of processes that no longer exist and temporary
/// checkpoint files. (Only where /proc tells which processes exist.)
fn remove_leftovers(dir: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let alive = |pid: &str| pid.parse::<u32>().is_ok_and(|p| p == std::process::id() || proc.join(pid).exists());
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(".leapsim-staging-") {
                let pid = rest.split('-').next().unwrap_or("");
                if !alive(pid) && entry.path().is_dir() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir.join(CHECKPOINT_DIR)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(&format!("{CHECKPOINT_FILE}.tmp-")) {
                if !alive(pid) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// `leapsim resume DIR`.
pub fn resume(args: ResumeArgs) -> Result<()> {
    let started = Instant::now();
    let dir = &args.dir;
    if !dir.exists() {
        return Err(UsageError(format!("{} does not exist: there is no run to resume", dir.display())).into());
    }
    if !dir.is_dir() {
        let what = format!("{} is not a directory (resume takes the --out of a run)", dir.display());
        return Err(UsageError(what).into());
    }
    let threads = args.threads.map_or_else(default_threads, |t| t as usize);
    let path = checkpoint_path(dir);
    let manifest = finished_manifest(dir);
    if !path.exists() {
        if let Some(m) = manifest {
            if !args.quiet {
                outln!("{}: the run is finished ({}); nothing to resume, nothing changed", dir.display(), describe(&m));
            }
            return Ok(());
        }
        return Err(UsageError(format!(
            "{}: incomplete run with no checkpoint ({} is missing and there is no complete manifest.json): the run \
             stopped before its first checkpoint or did not use --checkpoint-every; start it again with leapsim run",
            dir.display(),
            path.display()
        ))
        .into());
    }
    let mut job = read_job(&path, threads)?;
    if let Some(m) = &manifest {
        if manifest_is_of(m, &job.plan) {
            if !args.quiet {
                outln!("{}: the run is finished ({}); nothing to resume, nothing changed", dir.display(), describe(m));
            }
            return Ok(());
        }
    }
    check_memory(&job.plan.options)?;
    remove_leftovers(dir);
    let out = OutputDir::prepare(dir).map_err(|e| UsageError(e.to_string()))?;
    if !args.quiet {
        let o = &job.plan.options;
        eprintln!(
            "resuming {} at 1:{} seed {} from {} ({} of {} months simulated)",
            job.plan.scenario.name,
            o.scale,
            o.seed,
            job.position(),
            job.months_done(),
            job.months_total()
        );
    }
    drive(&mut job, dir, threads)?;
    let (from, to) = (job.plan.from, job.plan.options.period.last);
    let counterfactual_skipped = job.counterfactual_skipped();
    let (results, counterfactual) = job.into_results()?;
    let finish = Finish { from, to, threads, started, quiet: args.quiet, counterfactual_skipped };
    finish.write(out, results, counterfactual.as_ref(), None)
}
