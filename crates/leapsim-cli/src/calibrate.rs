//! `leapsim calibrate`: fit the free parameters, write `params.json`, `report.json` and `report.md`.

use crate::out::outln;
use crate::run::default_threads;
use anyhow::Result;
use clap::Args;
use leapsim_calibrate::{calibrate, evaluate_runs, run_pair, CalibrationOptions, CalibrationReport, FREE_PARAMETERS};
use leapsim_io::OutputDir;
use leapsim_model::Params;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct CalibrateArgs {
    /// Seed of every run of the calibration.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
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
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: CalibrateArgs) -> Result<()> {
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
        scale: args.scale,
        sweeps: args.sweeps as usize,
        initial_step: 0.25,
        parameters,
    };
    let started = Instant::now();
    let quiet = args.quiet;
    let mut evaluate = |p: &Params| {
        let (h, n) = run_pair(p, args.seed, args.scale, threads)?;
        Ok(evaluate_runs(&h, &n))
    };
    let mut progress = |i: usize, loss: f64, best: f64| {
        if !quiet {
            eprintln!(
                "evaluation {i:>4}: loss {loss:>10.3}  best {best:>10.3}  ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    };
    // Always from the documented priors, so the same seed reproduces the shipped calibration.
    let (fitted, report) =
        calibrate(&Params::default(), &opts, &mut evaluate, &mut progress).map_err(anyhow::Error::msg)?;
    let values: serde_json::Map<String, serde_json::Value> =
        report.fitted.iter().map(|(path, v, ..)| (path.clone(), serde_json::json!(v))).collect();
    debug_assert!(report.fitted.iter().all(|(path, v, ..)| fitted.get_path(path) == Some(*v)));
    leapsim_io::write_json(&out.staged("params.json"), &serde_json::Value::Object(values))?;
    leapsim_io::write_json(&out.staged("report.json"), &serde_json::to_value(&report)?)?;
    leapsim_io::write_text(&out.staged("report.md"), &markdown(&report))?;
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

/// The human-readable calibration report.
pub fn markdown(r: &CalibrationReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Calibration report\n");
    let _ = writeln!(
        s,
        "Produced by `leapsim calibrate --seed {} --scale {} --sweeps {}` (pattern search from the documented priors; \
         {} evaluations, each a historical and a `no_leap` run). Loss {:.3} at the priors → {:.3}. Targets passed at \
         the calibration scale: {} of {}.\n",
        r.seed,
        r.scale,
        r.sweeps,
        r.evaluations,
        r.initial.loss,
        r.best.loss,
        r.best.passed,
        r.best.passed + r.best.failed
    );
    let _ =
        writeln!(s, "## Fitted parameters\n\n| parameter | fitted | prior range | prior value |\n|---|---|---|---|");
    for (path, v, lo, hi, v0) in &r.fitted {
        let _ = writeln!(s, "| `{path}` | {v} | {lo} – {hi} | {v0} |");
    }
    let _ = writeln!(
        s,
        "\n## Fit to each target (at the calibration scale)\n\n| target | simulated | band | |\n|---|---|---|---|"
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
