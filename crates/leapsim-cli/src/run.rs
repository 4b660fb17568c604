//! `leapsim run`.

use crate::out::{out, outln};
use crate::summary;
use crate::UsageError;
use anyhow::{Context, Result};
use clap::Args;
use leapsim_core::{Month, Period};
use leapsim_io::OutputDir;
use leapsim_model::{RunOptions, RunResults, Scenario, Simulation};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

/// First and last month a run may cover: the synthetic population is that of January 1955, and the
/// record the model is checked against ends in 1966.
pub const EARLIEST: (i32, u32) = (1955, 1);
pub const LATEST: (i32, u32) = (1970, 12);

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Scenario: a built-in name (see `leapsim scenarios`) or the path of a scenario file (.toml).
    #[arg(long, default_value = "historical")]
    pub scenario: String,
    /// One simulated person stands for N real people (1 = the whole population at 1:1).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ensemble: run seeds SEED … SEED+N−1 (in parallel) and also write their means with 5–95% bands
    /// (ensemble_yearly.csv, ensemble_summary.json); the other files are those of the first seed.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub seeds: u32,
    /// Worker threads (results do not depend on it); default: the machine's cores.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// First month written to the outputs, YYYY-MM (the world always starts in 1955-01).
    #[arg(long, default_value = "1955-01")]
    pub from: String,
    /// Last month simulated, YYYY-MM.
    #[arg(long, default_value = "1966-12")]
    pub to: String,
    /// Output directory.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
    /// Write a checkpoint every N simulated months into OUT/checkpoint/ (the latest only); `leapsim resume OUT`
    /// continues the run from it after a crash or a kill.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub checkpoint_every: Option<u32>,
    /// Skip the `no_leap` counterfactual (half the time): summary.json then gives the excess deaths and lost
    /// births against the 1955–57 trend only and says that the counterfactual was skipped.
    #[arg(long)]
    pub no_counterfactual: bool,
}

pub fn parse_month(flag: &str, text: &str) -> Result<Month> {
    let m = Month::parse(text)
        .ok_or_else(|| UsageError(format!("--{flag} {text:?} is not a month: expected YYYY-MM, e.g. 1959-07")))?;
    let lo = Month::from_ym(EARLIEST.0, EARLIEST.1).expect("valid");
    let hi = Month::from_ym(LATEST.0, LATEST.1).expect("valid");
    if m < lo || m > hi {
        return Err(UsageError(format!("--{flag} {m} is outside the simulated period {lo} .. {hi}")).into());
    }
    Ok(m)
}

/// A built-in scenario or a scenario file; any problem is a usage error (exit 2) of one line.
pub fn scenario_by_name(name: &str) -> Result<Scenario> {
    leapsim_scenario::resolve(name).map_err(|e| UsageError(e.to_string()).into())
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The counterfactual of a scenario: the same parameters and weather, the 1957 institutions.
pub fn counterfactual_of(scenario: &Scenario) -> Scenario {
    let mut nl = Scenario::no_leap();
    nl.params = scenario.params.clone();
    nl
}

/// Runs a scenario in memory, with its `no_leap` counterpart when `counterfactual` is set and it is not
/// itself `no_leap`, showing progress on a terminal. The two simulations run one after the
/// other and the first one's state is freed before the second is built: only one is ever in memory.
pub fn simulate(
    scenario: &Scenario,
    options: &RunOptions,
    counterfactual: bool,
) -> Result<(RunResults, Option<RunResults>)> {
    check_memory(options)?;
    let runs = if counterfactual && scenario.name != "no_leap" { 2 } else { 1 };
    let mut progress = Progress::new(runs * options.period.len());
    let results = Simulation::new(scenario.clone(), options.clone())?.run(&mut progress)?;
    let counterfactual = if runs == 2 {
        Some(Simulation::new(counterfactual_of(scenario), options.clone())?.run(&mut progress)?)
    } else {
        None
    };
    progress.finish();
    Ok((results, counterfactual))
}

/// Bytes of memory per simulated person of January 1955 at the peak of a 1955–66 run (December 1966). From
/// the column sizes and the measured growth of the state (`leapsim bench` reports the peak per person):
/// person rows (13 B) for everyone alive in 1955 or born since (×1.51, as measured when the dead stayed as
/// tombstones for the whole run; the yearly compaction keeps ≈ ×1.27 plus a transient ≈ 9 B a row of the
/// provinces being compacted, so the estimate is an upper bound: the 1:1 runs of session 6 peaked at 13.3–13.4 GiB) =
/// 19.8 B; household rows (18 B) for the 1955 households and the migrants' new ones (0.33 per person) =
/// 6.0 B; teams 0.25 B; the famine scratch of the two provinces being worked on ≈ 0.6 B; margin 0.6 B.
pub const BYTES_PER_PERSON_ESTIMATE: f64 = 27.3;

/// The memory a run of one simulation needs at its peak; bytes. The two simulations of a run (scenario and
/// counterfactual) run one after the other and the first is freed before the second is built, so this is
/// also the need of a whole `leapsim run`.
pub fn memory_estimate_bytes(scale: u32, period: &Period) -> f64 {
    let persons: f64 = leapsim_data::provinces().iter().map(|p| p.population_1954_end).sum::<f64>() / scale as f64;
    // Each year past 1966 adds ≈ 3.5% (a year of births as new rows, and migrants' households).
    let years_past_1966 = (period.len() as f64 / 12.0 - 12.0).max(0.0);
    persons * BYTES_PER_PERSON_ESTIMATE * (1.0 + 0.035 * years_past_1966) + 64.0 * 1048576.0
}

/// Refuses, before allocating, a scale whose population would not fit the machine's available memory.
pub(crate) fn check_memory(options: &RunOptions) -> Result<()> {
    let persons: f64 =
        leapsim_data::provinces().iter().map(|p| p.population_1954_end).sum::<f64>() / options.scale as f64;
    let need = memory_estimate_bytes(options.scale, &options.period);
    if let Some(available) = available_memory_bytes() {
        if need > 0.9 * available {
            return Err(UsageError(format!(
                "--scale {} needs about {:.1} GiB of memory for {:.0} M simulated persons, but only {:.1} GiB is available; use a larger --scale",
                options.scale,
                need / 1073741824.0,
                persons / 1e6,
                available / 1073741824.0
            ))
            .into());
        }
    }
    Ok(())
}

/// `MemAvailable` from /proc/meminfo (Linux); `None` elsewhere. `LEAPSIM_AVAILABLE_MEMORY` (bytes) overrides it,
/// for tests and for machines whose limits /proc does not show (containers).
fn available_memory_bytes() -> Option<f64> {
    if let Some(v) = std::env::var_os("LEAPSIM_AVAILABLE_MEMORY") {
        return v.to_str().and_then(|t| t.parse::<f64>().ok());
    }
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    line.split_whitespace().nth(1)?.parse::<f64>().ok().map(|kb| kb * 1024.0)
}

/// A progress line with the current month and an ETA on stderr, only when stderr is a terminal, only after
/// the first second, never in CI.
pub(crate) struct Progress {
    total: usize,
    done: usize,
    started: std::time::Instant,
    enabled: bool,
    shown: bool,
}

impl Progress {
    pub(crate) fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        let enabled = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress { total, done: 0, started: std::time::Instant::now(), enabled, shown: false }
    }

    pub(crate) fn finish(&mut self) {
        if self.shown {
            eprint!("\r{:60}\r", "");
        }
    }
}

impl leapsim_model::Observer for Progress {
    fn on_month(&mut self, _done: usize, _total: usize, month: leapsim_core::Month) -> bool {
        self.done += 1;
        let elapsed = self.started.elapsed().as_secs_f64();
        if self.enabled && elapsed > 1.0 {
            let eta = elapsed / self.done as f64 * (self.total - self.done.min(self.total)) as f64;
            eprint!("\r{month}  {:>3.0}%  ETA {:>4.0} s ", 100.0 * self.done as f64 / self.total as f64, eta);
            self.shown = true;
        }
        true
    }
}

pub fn run(args: RunArgs) -> Result<()> {
    let started = Instant::now();
    let scenario = scenario_by_name(&args.scenario)?;
    let from = parse_month("from", &args.from)?;
    let to = parse_month("to", &args.to)?;
    if from > to {
        return Err(UsageError(format!("--from {from} is after --to {to}")).into());
    }
    if args.checkpoint_every.is_some() && args.seeds > 1 {
        return Err(UsageError(
            "--checkpoint-every cannot be combined with --seeds above 1 (ensembles are not checkpointed)".into(),
        )
        .into());
    }
    if args.no_counterfactual && args.seeds > 1 {
        return Err(UsageError("--no-counterfactual applies to a single seed; drop it or --seeds".into()).into());
    }
    // Check the output directory before any work, so a bad path fails in milliseconds. An unusable
    // --out is a bad argument: exit code 2, like the other checks above.
    let out = OutputDir::prepare(&args.out).map_err(|e| UsageError(e.to_string()))?;
    let threads = args.threads.map_or_else(default_threads, |t| t as usize);
    let options = RunOptions {
        scale: args.scale,
        seed: args.seed,
        threads,
        period: Period { first: Month::from_ym(1955, 1).expect("valid"), last: to },
    };
    let (results, counterfactual, ensemble) = if args.seeds > 1 {
        let e = crate::ensemble::run_seeds(&scenario, &options, args.seeds)?;
        (e.first, e.first_no_leap, Some(e.summary))
    } else if let Some(every) = args.checkpoint_every {
        let with_cf = !args.no_counterfactual;
        let (r, cf) = crate::resume::simulate_checkpointed(&scenario, &options, from, every, with_cf, &args.out)?;
        (r, cf, None)
    } else {
        let (r, cf) = simulate(&scenario, &options, !args.no_counterfactual)?;
        (r, cf, None)
    };
    if args.checkpoint_every.is_none() {
        // A checkpoint left in OUT belongs to another run: these outputs replace that run's.
        crate::resume::discard_checkpoint(&args.out)?;
    }
    let counterfactual_skipped = args.no_counterfactual && scenario.name != "no_leap";
    let finish = Finish { from, to, threads, started, quiet: args.quiet, counterfactual_skipped };
    finish.write(out, results, counterfactual.as_ref(), ensemble.as_ref())
}

/// The end of a run (straight or resumed): trim to `--from`, write and commit the outputs, print the summary.
#[derive(Clone, Copy)]
pub(crate) struct Finish {
    pub from: Month,
    pub to: Month,
    pub threads: usize,
    pub started: Instant,
    pub quiet: bool,
    /// `--no-counterfactual`: summary.json says the comparison with `no_leap` was skipped.
    pub counterfactual_skipped: bool,
}

impl Finish {
    pub(crate) fn write(
        &self,
        out: OutputDir,
        mut results: RunResults,
        counterfactual: Option<&RunResults>,
        ensemble: Option<&crate::ensemble::EnsembleSummary>,
    ) -> Result<()> {
        let Finish { from, to, threads, started, quiet, counterfactual_skipped } = *self;
        results.records.retain(|r| r.month >= from);
        let simulated = started.elapsed().as_secs_f64();
        write_outputs(&out, &results, counterfactual, counterfactual_skipped, from, to, threads, simulated, ensemble)?;
        let dir = out.path().to_path_buf();
        let written = out.commit()?;
        if !quiet {
            out!("{}", summary::table(&results));
            outln!(
                "\n{} at 1:{} seed {} — {} months in {:.2} s on {} thread(s); {} files in {}",
                results.scenario.name,
                results.options.scale,
                results.options.seed,
                results.records.len(),
                simulated,
                threads,
                written.len(),
                dir.display()
            );
            if let Some(e) = ensemble {
                outln!("{}", e.line);
            }
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)] // one call site; the arguments are the run's facts
fn write_outputs(
    out: &OutputDir,
    r: &RunResults,
    cf: Option<&RunResults>,
    counterfactual_skipped: bool,
    from: Month,
    to: Month,
    threads: usize,
    wall: f64,
    ensemble: Option<&crate::ensemble::EnsembleSummary>,
) -> Result<()> {
    leapsim_io::write_parquet(&out.staged("national_monthly.parquet"), &r.national_monthly_table())?;
    leapsim_io::write_parquet(&out.staged("provincial_monthly.parquet"), &r.provincial_monthly_table())?;
    leapsim_io::write_csv(&out.staged("national_yearly.csv"), &r.national_yearly_table())?;
    leapsim_io::write_csv(&out.staged("provincial_yearly.csv"), &r.provincial_yearly_table())?;
    leapsim_io::write_csv(&out.staged("age_structure.csv"), &r.age_structure_table())?;
    let mut summary = r.summary(cf);
    if counterfactual_skipped {
        // Without the counterfactual there is nothing to compare with: null, not zero.
        summary["excess_deaths"]["vs_no_leap"] = serde_json::Value::Null;
        summary["lost_births"]["vs_no_leap"] = serde_json::Value::Null;
        summary["no_leap"] = json!({"skipped": true, "note": "run with --no-counterfactual: excess deaths and lost births are against the 1955–57 trend only"});
    }
    leapsim_io::write_json(&out.staged("summary.json"), &summary)?;
    let mut files = vec![
        "national_monthly.parquet",
        "provincial_monthly.parquet",
        "national_yearly.csv",
        "provincial_yearly.csv",
        "age_structure.csv",
        "summary.json",
    ];
    if let Some(e) = ensemble {
        leapsim_io::write_csv(&out.staged("ensemble_yearly.csv"), &e.yearly)?;
        leapsim_io::write_json(&out.staged("ensemble_summary.json"), &e.json)?;
        files.extend(["ensemble_yearly.csv", "ensemble_summary.json"]);
    }
    let phases: serde_json::Map<String, serde_json::Value> = leapsim_model::PHASES
        .iter()
        .zip(r.phase_seconds)
        .map(|(n, s)| (n.to_string(), json!(leapsim_model::results::round(s, 4))))
        .collect();
    let manifest = json!({
        "scenario": r.scenario.name,
        "scenario_hash": r.scenario.content_hash(),
        "seed": r.options.seed,
        "scale": r.options.scale,
        "threads": threads,
        "version": env!("CARGO_PKG_VERSION"),
        "period": {"from": from.to_string(), "to": to.to_string(), "simulated_from": r.options.period.first.to_string()},
        "wall_seconds": {"total": leapsim_model::results::round(wall, 4), "build": leapsim_model::results::round(r.build_seconds, 4), "phases": phases},
        "seeds": ensemble.map_or(json!([r.options.seed]), |e| e.json["seeds"].clone()),
        "files": files,
        "note": "Timing fields and `threads` vary between runs; every other file is byte-identical for the same seed, scale and scenario.",
    });
    leapsim_io::write_json(&out.staged("manifest.json"), &manifest).context("writing the manifest")?;
    Ok(())
}
