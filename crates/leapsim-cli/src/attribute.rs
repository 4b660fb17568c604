//! `leapsim attribute`: a Shapley decomposition of the famine's excess deaths (1958–1962, `historical`
//! against `no_leap`) over groups of mechanisms. Every coalition of groups is run with the same seeds
//! (common random numbers); the arithmetic is exact (`leapsim_scenario::attribution`), so the shares add up
//! to the total for every seed.

use crate::ensemble::run_jobs;
use crate::out::out;
use crate::run::default_threads;
use crate::UsageError;
use anyhow::{bail, Result};
use clap::Args;
use leapsim_core::{Month, Period, Table};
use leapsim_io::OutputDir;
use leapsim_model::RunOptions;
use leapsim_scenario::attribution::{self, coalition, factorial, shapley_scaled, Group};
use leapsim_scenario::stats::{band, mean};
use serde_json::json;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct AttributeArgs {
    /// Players: mechanisms or named groups, e.g. `communes,mess_halls,policy=procurement+trade`. Leap
    /// mechanisms left out form a group `other`. Default: 8 groups (see docs/scenarios.md).
    #[arg(long, default_value = attribution::DEFAULT_GROUPS)]
    pub mechanisms: String,
    /// Number of seeds (SEED … SEED+N−1); every coalition runs with each.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub seeds: u32,
    /// First seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// One simulated person stands for N real people.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// Worker threads (results do not depend on it); default: the machine's cores.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Also write attribution.csv and attribution.json into DIR.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// Deaths of 1958–1962 of a run, in real people, exactly.
fn deaths_1958_1962(r: &leapsim_model::RunResults) -> i128 {
    let scale = r.options.scale as i128;
    r.records
        .iter()
        .filter(|m| (1958..=1962).contains(&m.month.year()))
        .map(|m| m.provinces.iter().map(|p| p.people.deaths as i128).sum::<i128>() * scale)
        .sum()
}

pub fn attribute(args: AttributeArgs) -> Result<()> {
    let started = Instant::now();
    let groups = attribution::parse_groups(&args.mechanisms).map_err(|e| UsageError(e.to_string()))?;
    let out = match &args.out {
        Some(dir) => Some(OutputDir::prepare(dir).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let k = groups.len();
    let n_coalitions = 1usize << k;
    let threads = args.threads.map_or_else(default_threads, |t| t as usize);
    let seeds: Vec<u64> = (0..args.seeds as u64).map(|i| args.seed.wrapping_add(i)).collect();
    // The window ends in 1962: nothing later matters to the deaths of 1958–1962.
    let period =
        Period { first: Month::from_ym(1955, 1).expect("valid"), last: Month::from_ym(1962, 12).expect("valid") };
    let mut jobs = Vec::with_capacity(n_coalitions * seeds.len());
    for mask in 0..n_coalitions as u32 {
        let sc = coalition(&groups, mask);
        for &seed in &seeds {
            jobs.push((sc.clone(), RunOptions { scale: args.scale, seed, threads: 1, period }));
        }
    }
    let values = run_jobs(&jobs, threads, |_, r| deaths_1958_1962(&r))?;
    // values[mask * seeds + s]
    let ns = seeds.len();
    let kf = factorial(k);
    let mut phi_by_seed: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut totals = Vec::new();
    for s in 0..ns {
        let v: Vec<i128> = (0..n_coalitions).map(|m| values[m * ns + s]).collect();
        let scaled = shapley_scaled(&v);
        let total = v[n_coalitions - 1] - v[0];
        // Efficiency, exactly: Σ k!·φᵢ = k!·(v(N) − v(∅)).
        if scaled.iter().sum::<i128>() != kf * total {
            bail!("internal error: the Shapley values of seed {} do not add up to the total", seeds[s]);
        }
        for (i, x) in scaled.iter().enumerate() {
            phi_by_seed[i].push(*x as f64 / kf as f64);
        }
        totals.push(total as f64);
    }
    let (t_mean, t_lo, t_hi) = band(&totals);
    let rows: Vec<(&Group, f64, f64, f64, f64)> = groups
        .iter()
        .zip(&phi_by_seed)
        .map(|(g, phi)| {
            let (m, lo, hi) = band(phi);
            (g, m, lo, hi, if t_mean != 0.0 { m / t_mean } else { f64::NAN })
        })
        .collect();
    let wall = started.elapsed().as_secs_f64();

    if !args.quiet {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Shapley attribution of excess deaths 1958–62 (historical − no_leap): {k} groups, {n_coalitions} coalitions × {ns} seed(s) at 1:{}, {:.0} s",
            args.scale, wall
        );
        let _ =
            writeln!(s, "{:<14} {:>12} {:>12} {:>12} {:>7}  mechanisms", "group", "deaths (M)", "5%", "95%", "share");
        for (g, m, lo, hi, share) in &rows {
            let _ = writeln!(
                s,
                "{:<14} {:>12.2} {:>12.2} {:>12.2} {:>6.1}%  {}",
                g.name,
                m / 1e6,
                lo / 1e6,
                hi / 1e6,
                share * 100.0,
                g.mechanisms.join("+")
            );
        }
        let sum: f64 = rows.iter().map(|r| r.1).sum();
        let _ = writeln!(
            s,
            "{:<14} {:>12.2} {:>12.2} {:>12.2} {:>6.1}%",
            "total",
            t_mean / 1e6,
            t_lo / 1e6,
            t_hi / 1e6,
            100.0
        );
        let _ = writeln!(
            s,
            "efficiency: the shares add up to the total exactly for every seed (Σ = {:.0}, total = {:.0})",
            sum, t_mean
        );
        out!("{s}");
    }
    if let Some(out) = out {
        let table = Table::new()
            .with_str("mechanism", rows.iter().map(|r| r.0.name.clone()).collect())
            .with_f64("deaths_mean", rows.iter().map(|r| r.1.round()).collect())
            .with_f64("deaths_lo", rows.iter().map(|r| r.2.round()).collect())
            .with_f64("deaths_hi", rows.iter().map(|r| r.3.round()).collect())
            .with_f64("share", rows.iter().map(|r| leapsim_model::results::round(r.4, 6)).collect());
        leapsim_io::write_csv(&out.staged("attribution.csv"), &table)?;
        let coalitions: Vec<serde_json::Value> = (0..n_coalitions)
            .map(|m| {
                let members: Vec<&str> = groups
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| m & (1 << i) != 0)
                    .map(|(_, g)| g.name.as_str())
                    .collect();
                let v: Vec<f64> = (0..ns).map(|s| values[m * ns + s] as f64).collect();
                json!({"groups": members, "deaths_1958_1962_mean": mean(&v).round()})
            })
            .collect();
        let json = json!({
            "method": "exact Shapley values over all 2^k coalitions; coalition S = no_leap with the mechanisms of S on; common random numbers (the same seeds for every coalition); retrenchment, unless a group names it, is on in every non-empty coalition (the Leap ends when it historically did)",
            "window": "1958-1962",
            "scale": args.scale,
            "seeds": seeds,
            "total_excess_deaths": {"mean": t_mean.round(), "lo": t_lo.round(), "hi": t_hi.round(), "by_seed": totals},
            "interval": "lo and hi are the 5% and 95% quantiles over seeds",
            "efficiency": {"exact": true, "sum_of_shapley_mean": rows.iter().map(|r| r.1).sum::<f64>().round(), "total_mean": t_mean.round()},
            "groups": rows.iter().zip(&phi_by_seed).map(|(r, phi)| json!({
                "mechanism": r.0.name, "members": r.0.mechanisms,
                "deaths_mean": r.1.round(), "deaths_lo": r.2.round(), "deaths_hi": r.3.round(),
                "share": leapsim_model::results::round(r.4, 6), "by_seed": phi,
            })).collect::<Vec<_>>(),
            "coalitions": coalitions,
            "wall_seconds": leapsim_model::results::round(wall, 2),
        });
        leapsim_io::write_json(&out.staged("attribution.json"), &json)?;
        out.commit()?;
    }
    Ok(())
}
