//! `leapsim bench`: throughput and memory of the engine, as ratios that do not depend on how long a run
//! is: person-months per second per core, and bytes of state per simulated person. Each scale is run
//! once over the whole period (build excluded from the throughput, reported apart).

use crate::run::{default_threads, scenario_by_name};
use anyhow::Result;
use clap::Args;
use leapsim_core::Period;
use leapsim_model::{RunOptions, Simulation};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scales to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = vec![1000u32, 100])]
    pub scales: Vec<u32>,
    /// Scenario to run.
    #[arg(long, default_value = "no_leap")]
    pub scenario: String,
    /// Worker threads; default: the machine's cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the measurements as JSON to this file as well.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Peak resident memory of this process so far, from /proc (Linux); bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn bench(args: BenchArgs) -> Result<()> {
    let scenario = scenario_by_name(&args.scenario)?;
    if args.scales.contains(&0) {
        return Err(crate::UsageError("--scales must be at least 1".into()).into());
    }
    let threads = args.threads.unwrap_or_else(default_threads).max(1);
    let mut rows = Vec::new();
    println!(
        "{:>6} {:>12} {:>8} {:>9} {:>9} {:>16} {:>10} {:>11}",
        "scale", "persons", "months", "build s", "run s", "pm/s/core", "B/person", "peak RSS MB"
    );
    for &scale in &args.scales {
        let options = RunOptions { scale, seed: 1, threads, period: Period::default_run() };
        let t0 = Instant::now();
        let sim = Simulation::new(scenario.clone(), options)?;
        let build = t0.elapsed().as_secs_f64();
        let persons = sim.population();
        let bytes = sim.state_bytes();
        let t1 = Instant::now();
        let results = sim.run(&mut leapsim_model::Quiet)?;
        let run = t1.elapsed().as_secs_f64();
        let person_months: u64 =
            results.records.iter().map(|r| r.provinces.iter().map(|p| p.people.start).sum::<u64>()).sum();
        let per_core = person_months as f64 / run / threads as f64;
        let bytes_per_person = bytes as f64 / persons as f64;
        let rss = peak_rss_bytes().map_or(f64::NAN, |b| b as f64 / 1e6);
        println!(
            "{:>6} {:>12} {:>8} {:>9.2} {:>9.2} {:>16.0} {:>10.1} {:>11.0}",
            scale,
            persons,
            results.records.len(),
            build,
            run,
            per_core,
            bytes_per_person,
            rss
        );
        rows.push(json!({
            "scale": scale, "persons_initial": persons, "months": results.records.len(), "threads": threads,
            "build_seconds": build, "run_seconds": run, "person_months": person_months,
            "person_months_per_second_per_core": per_core, "bytes_per_person_initial": bytes_per_person,
            "peak_rss_mb": rss, "phase_seconds": results.phase_seconds,
        }));
    }
    if rows.len() >= 2 {
        let a = rows[0]["person_months_per_second_per_core"].as_f64().unwrap_or(f64::NAN);
        let b = rows[rows.len() - 1]["person_months_per_second_per_core"].as_f64().unwrap_or(f64::NAN);
        println!(
            "throughput ratio (scale {} / scale {}): {:.2}",
            args.scales[args.scales.len() - 1],
            args.scales[0],
            b / a
        );
    }
    if let Some(path) = args.json {
        leapsim_io::write_json(&path, &json!({"threads": threads, "runs": rows}))?;
    }
    Ok(())
}
