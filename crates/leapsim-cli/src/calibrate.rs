//! `leapsim calibrate`: fit the free parameters, write `params.json`, `report.json` and `report.md`.

use crate::out::outln;
use crate::run::default_threads;
use anyhow::Result;
use clap::Args;
use leapsim_calibrate::{
    calibrate, combine_seeds, evaluate_runs, run_pair, CalibrationOptions, CalibrationReport, FREE_PARAMETERS,
};
use leapsim_io::OutputDir;
use leapsim_model::Params;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct CalibrateArgs {
    /// First seed of the runs of the calibration.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of consecutive seeds (from --seed) each parameter set is run at; the loss is their mean, so the
    /// fit does not follow one seed's noise at the coarse calibration scale.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub seeds: u64,
    /// Scale of the runs (coarser is faster; the fit is checked at scale 100 by `validate`). The defaults are
    /// the shipped calibration's settings.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// Sweeps of the pattern search; the step halves after each.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub sweeps: u64,
    /// Worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where to write params.json, report.json and report.md (the shipped calibration lives in `calibration/`).
    #[arg(long, default_value = "calibration")]
    pub out: PathBuf,
    /// Fit only these parameters (comma-separated paths); default: all free parameters.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Start the search here rather than at the documented priors: a JSON object of free-parameter paths and
    /// values, as `params.json` (the shipped calibration starts from `calibration/start.json`; its report names
    /// the file, and the README says where the start came from).
    #[arg(long)]
    pub start: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: CalibrateArgs) -> Result<()> {
    // From the documented priors, or from the start file where given: the same seed and start reproduce the
    // shipped calibration. (Read first: a bad start file leaves nothing behind.)
    let start = match &args.start {
        None => Params::default(),
        Some(path) => start_params(path)?,
    };
    let out = OutputDir::prepare(&args.out).map_err(|e| crate::UsageError(e.to_string()))?;
    let parameters: Vec<_> = if args.only.is_empty() {
        FREE_PARAMETERS.to_vec()
    } else {
        let mut v = Vec::new();
        for name in &args.only {
            let p = FREE_PARAMETERS.iter().find(|f| f.path == name).ok_or_else(|| {
                crate::UsageError(format!(
                    "--only {name:?} is not a free parameter; free parameters: {}",
                    FREE_PARAMETERS.iter().map(|f| f.path).collect::<Vec<_>>().join(", ")
                ))
            })?;
            v.push(*p);
        }
        v
    };
    let threads = args.threads.unwrap_or_else(default_threads).max(1);
    let opts = CalibrationOptions {
        seed: args.seed,
        seeds: args.seeds,
        scale: args.scale,
        sweeps: args.sweeps as usize,
        initial_step: 0.25,
        parameters,
    };
    let started = Instant::now();
    let quiet = args.quiet;
    let mut evaluate = |p: &Params| {
        let mut at_seeds = Vec::with_capacity(args.seeds as usize);
        for seed in (args.seed..).take(args.seeds as usize) {
            let (h, n) = run_pair(p, seed, args.scale, threads)?;
            at_seeds.push(evaluate_runs(&h, &n));
        }
        Ok(combine_seeds(&at_seeds))
    };
    let mut progress = |i: usize, loss: f64, best: f64| {
        if !quiet {
            eprintln!(
                "evaluation {i:>4}: loss {loss:>10.3}  best {best:>10.3}  ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let (fitted, report) = calibrate(&start, &opts, &mut evaluate, &mut progress).map_err(anyhow::Error::msg)?;
    let values: serde_json::Map<String, serde_json::Value> =
        report.fitted.iter().map(|(path, v, ..)| (path.clone(), serde_json::json!(v))).collect();
    debug_assert!(report.fitted.iter().all(|(path, v, ..)| fitted.get_path(path) == Some(*v)));
    leapsim_io::write_json(&out.staged("params.json"), &serde_json::Value::Object(values))?;
    leapsim_io::write_json(&out.staged("report.json"), &serde_json::to_value(&report)?)?;
    leapsim_io::write_text(&out.staged("report.md"), &markdown(&report, args.start.as_deref()))?;
    out.commit()?;
    if !quiet {
        outln!(
            "calibration: {} evaluations in {:.0} s; loss {:.3} → {:.3}; {} of {} targets pass; written to {}",
            report.evaluations,
            started.elapsed().as_secs_f64(),
            report.initial.loss,
            report.best.loss,
            report.best.passed,
            report.best.passed + report.best.failed,
            args.out.display()
        );
    }
    Ok(())
}

/// The documented priors with the free parameters of the JSON object in `path` set: the start of a search.
fn start_params(path: &std::path::Path) -> Result<Params> {
    let usage = |what: String| crate::UsageError(format!("--start {}: {what}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read: {e}")))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| usage(format!("not JSON: {e}")))?;
    let object = json.as_object().ok_or_else(|| usage("expected an object of parameter paths and values".into()))?;
    let mut p = Params::default();
    for (name, value) in object {
        // Only free parameters: a fixed one set here would not reach the shipped `params.json`.
        let free = FREE_PARAMETERS.iter().find(|f| f.path == name).ok_or_else(|| {
            usage(format!("{name:?} is not a free parameter (only free parameters may be given a start)"))
        })?;
        let v = value.as_f64().ok_or_else(|| usage(format!("{name}: expected a number, got {value}")))?;
        if !(free.low..=free.high).contains(&v) {
            return Err(usage(format!("{name} = {v} is outside its prior range {} – {}", free.low, free.high)).into());
        }
        p.set_path(name, v).map_err(usage)?;
    }
    Ok(p)
}

/// The human-readable calibration report; `start` is the start file, if the search did not start at the priors.
pub fn markdown(r: &CalibrationReport, start: Option<&std::path::Path>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Calibration report\n");
    let (flag, from) = match start {
        None => (String::new(), "the documented priors".to_string()),
        Some(path) => (format!(" --start {}", path.display()), format!("the start in `{}`", path.display())),
    };
    // One seed: the runs of that seed; several: the mean loss, and a target passes only at every seed.
    let (runs, passed_where) = if r.seeds == 1 {
        (format!("a historical and a `no_leap` run at seed {}", r.seed), "at the calibration scale")
    } else {
        (
            format!(
                "a historical and a `no_leap` run at each of seeds {}–{}; the loss is their mean",
                r.seed,
                r.seed + r.seeds - 1
            ),
            "at every seed at the calibration scale",
        )
    };
    let _ = writeln!(
        s,
        "Produced by `leapsim calibrate --seed {} --seeds {} --scale {} --sweeps {}{flag}` (pattern search from \
         {from}; {} evaluations, each {runs}). Loss {:.3} at the start → {:.3}. Targets passed {passed_where}: {} \
         of {}.\n",
        r.seed,
        r.seeds,
        r.scale,
        r.sweeps,
        r.evaluations,
        r.initial.loss,
        r.best.loss,
        r.best.passed,
        r.best.passed + r.best.failed
    );
    let _ = writeln!(s, "## Fitted parameters\n\n| parameter | fitted | prior range | start |\n|---|---|---|---|");
    for (path, v, lo, hi, v0) in &r.fitted {
        let _ = writeln!(s, "| `{path}` | {v} | {lo} – {hi} | {v0} |");
    }
    let over_seeds = if r.seeds == 1 { "" } else { "; the mean over the seeds, passed at every seed" };
    let _ = writeln!(
        s,
        "\n## Fit to each target (at the calibration scale{over_seeds})\n\n| target | simulated | band | |\n|---|---|---|---|"
    );
    for (name, x, lo, hi, pass) in &r.best.targets {
        let band = match (lo.is_finite(), hi.is_finite()) {
            (true, true) => format!("{lo:.4} – {hi:.4}"),
            (true, false) => format!("≥ {lo:.4}"),
            (false, true) => format!("≤ {hi:.4}"),
            _ => "—".into(),
        };
        let _ = writeln!(s, "| {name} | {x:.4} | {band} | {} |", if *pass { "pass" } else { "FAIL" });
    }
    let _ = writeln!(
        s,
        "\nLoss after each sweep: {:?}",
        r.loss_by_sweep.iter().map(|l| (l * 1000.0).round() / 1000.0).collect::<Vec<_>>()
    );
    s
}
