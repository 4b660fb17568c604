//! Many runs at once: every (scenario, seed) job of an ensemble, a comparison or an attribution, in
//! parallel over jobs (each run single-threaded when there are enough jobs to fill the cores: runs
//! parallelise less well than jobs do). Results do not depend on the thread count (DESIGN §4), and come
//! back in job order.

use anyhow::{anyhow, Result};
use leapsim_core::Table;
use leapsim_model::{Quiet, RunOptions, RunResults, Scenario, Simulation};
use leapsim_scenario::stats::band;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Runs every job and maps its results through `f` (so that large results can be reduced at once).
///
/// Plain scoped threads pull jobs from a shared counter. (Not a rayon `par_iter`: each `Simulation` owns a
/// rayon pool, and a rayon worker that waits for another pool runs further jobs of its own pool meanwhile,
/// nesting one simulation inside another until the stack overflows.)
pub fn run_jobs<T: Send>(
    jobs: &[(Scenario, RunOptions)],
    threads: usize,
    f: impl Fn(usize, RunResults) -> T + Sync,
) -> Result<Vec<T>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let threads = threads.max(1);
    let workers = threads.min(jobs.len());
    let per_run = (threads / workers).max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let run_one = |i: usize| -> Result<T> {
        let (sc, opt) = &jobs[i];
        let options = RunOptions { threads: per_run, ..opt.clone() };
        let r = Simulation::new(sc.clone(), options)?.run(&mut Quiet)?;
        Ok(f(i, r))
    };
    let worker = || -> Vec<(usize, Result<T>)> {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= jobs.len() {
                break;
            }
            let r = run_one(i);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            done.push((i, r));
        }
        done
    };
    let mut all: Vec<(usize, Result<T>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| std::thread::Builder::new().stack_size(16 << 20).spawn_scoped(s, worker))
            .collect::<std::io::Result<_>>()
            .map_err(|e| anyhow!("cannot start worker threads: {e}"))?;
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow!("a worker thread panicked")))
            .collect::<Result<Vec<_>>>()
            .map(|v| v.into_iter().flatten().collect())
    })?;
    all.sort_by_key(|(i, _)| *i);
    if all.len() != jobs.len() {
        // A job failed and the others stopped: report the first error.
        if let Some((_, Err(e))) = all.into_iter().find(|(_, r)| r.is_err()) {
            return Err(e);
        }
        return Err(anyhow!("not every run finished"));
    }
    all.into_iter().map(|(_, r)| r).collect()
}

/// The national yearly series summarised over seeds.
pub const SERIES: [&str; 15] = [
    "population_end",
    "births",
    "deaths",
    "cbr",
    "cdr",
    "cbr_registered",
    "cdr_registered",
    "grain_output_mt",
    "grain_output_reported_mt",
    "procurement_mt",
    "net_exports_mt",
    "urban_population",
    "kcal_rural_per_day",
    "excess_deaths_vs_no_leap",
    "lost_births_vs_no_leap",
];

/// The value of series `name` in year `y` of a run (`nl`: the no_leap run of the same seed, if any).
fn series(name: &str, y: &leapsim_model::YearTotals, nl: Option<&leapsim_model::YearTotals>) -> f64 {
    match name {
        "population_end" => y.population_end,
        "births" => y.births,
        "deaths" => y.deaths,
        "cbr" => y.cbr(),
        "cdr" => y.cdr(),
        "cbr_registered" => y.cbr_registered(),
        "cdr_registered" => y.cdr_registered(),
        "grain_output_mt" => y.grain_output_mt,
        "grain_output_reported_mt" => y.grain_output_reported_mt,
        "procurement_mt" => y.procurement_mt,
        "net_exports_mt" => y.net_exports_mt,
        "urban_population" => y.urban_population,
        "kcal_rural_per_day" => y.kcal_rural_per_day,
        "excess_deaths_vs_no_leap" => nl.map_or(0.0, |n| y.deaths - n.deaths),
        "lost_births_vs_no_leap" => nl.map_or(0.0, |n| n.births - y.births),
        _ => f64::NAN,
    }
}

/// `ensemble_yearly.csv`: one row per year, `<series>_mean`, `_p05`, `_p95` over seeds.
/// `runs[s]` is seed s's (scenario, no_leap) pair of yearly totals.
pub fn yearly_table(
    runs: &[(Vec<leapsim_model::YearTotals>, Option<Vec<leapsim_model::YearTotals>>)],
    from_year: i32,
) -> Table {
    let years: Vec<i32> = runs[0].0.iter().map(|y| y.year).filter(|y| *y >= from_year).collect();
    let mut t = Table::new().with_i64("year", years.iter().map(|y| *y as i64).collect());
    for name in SERIES {
        let mut cols = (Vec::new(), Vec::new(), Vec::new());
        for year in &years {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|(ys, nl)| {
                    let y = ys.iter().find(|y| y.year == *year)?;
                    let n = nl.as_ref().and_then(|nl| nl.iter().find(|n| n.year == *year));
                    Some(series(name, y, n))
                })
                .collect();
            let (m, lo, hi) = band(&values);
            cols.0.push(round(m));
            cols.1.push(round(lo));
            cols.2.push(round(hi));
        }
        t = t
            .with_f64(&format!("{name}_mean"), cols.0)
            .with_f64(&format!("{name}_p05"), cols.1)
            .with_f64(&format!("{name}_p95"), cols.2);
    }
    t
}

/// Four decimals: enough for rates in ‰ and grain in Mt, stable text.
pub fn round(x: f64) -> f64 {
    leapsim_model::results::round(x, 4)
}

/// What `leapsim run --seeds N` adds to the outputs.
pub struct EnsembleSummary {
    pub yearly: Table,
    pub json: serde_json::Value,
    /// One line for the screen.
    pub line: String,
}

/// The runs of `leapsim run --seeds N`: the first seed's runs (written as usual) and the ensemble.
pub struct Ensemble {
    pub first: RunResults,
    pub first_no_leap: Option<RunResults>,
    pub summary: EnsembleSummary,
}

/// Runs `scenario` (and `no_leap` unless it is `no_leap`) for seeds `options.seed ..+ n`.
pub fn run_seeds(scenario: &Scenario, options: &RunOptions, n: u32) -> Result<Ensemble> {
    let with_cf = scenario.name != "no_leap";
    let seeds: Vec<u64> = (0..n as u64).map(|i| options.seed.wrapping_add(i)).collect();
    let mut jobs = Vec::new();
    for &seed in &seeds {
        jobs.push((scenario.clone(), RunOptions { seed, ..options.clone() }));
        if with_cf {
            jobs.push((Scenario::no_leap(), RunOptions { seed, ..options.clone() }));
        }
    }
    let mut results = run_jobs(&jobs, options.threads, |_, r| r)?.into_iter();
    let mut pairs: Vec<(RunResults, Option<RunResults>)> = Vec::new();
    while let Some(r) = results.next() {
        let cf = if with_cf { results.next() } else { None };
        pairs.push((r, cf));
    }
    let yearly_runs: Vec<_> =
        pairs.iter().map(|(r, cf)| (r.yearly(None), cf.as_ref().map(|c| c.yearly(None)))).collect();
    let yearly = yearly_table(&yearly_runs, options.period.first.year());
    let summaries: Vec<serde_json::Value> = pairs.iter().map(|(r, cf)| r.summary(cf.as_ref())).collect();
    let pick =
        |ptr: &str| -> Vec<f64> { summaries.iter().filter_map(|s| s.pointer(ptr).and_then(|v| v.as_f64())).collect() };
    let banded = |ptr: &str| {
        let v = pick(ptr);
        let (m, lo, hi) = band(&v);
        serde_json::json!({"mean": m.round(), "p05": lo.round(), "p95": hi.round(), "by_seed": v})
    };
    let ex = pick("/excess_deaths/vs_no_leap/total");
    let (m, lo, hi) = band(&ex);
    let json = serde_json::json!({
        "scenario": scenario.name,
        "scale": options.scale,
        "seeds": seeds,
        "note": "Totals 1958–1962 in real people; mean and 5%/95% quantiles over seeds (linear interpolation).",
        "excess_deaths": {"vs_no_leap": banded("/excess_deaths/vs_no_leap/total"), "vs_trend": banded("/excess_deaths/vs_trend/total")},
        "lost_births": {"vs_no_leap": banded("/lost_births/vs_no_leap/total"), "vs_trend": banded("/lost_births/vs_trend/total")},
    });
    let line = format!(
        "ensemble of {n} seeds: excess deaths 1958–62 vs no_leap {:.2} M (5–95%: {:.2} – {:.2} M)",
        m / 1e6,
        lo / 1e6,
        hi / 1e6
    );
    let (first, first_no_leap) = pairs.into_iter().next().ok_or_else(|| anyhow!("no seeds"))?;
    Ok(Ensemble { first, first_no_leap, summary: EnsembleSummary { yearly, json, line } })
}
