//! `leapsim bench`: the engine's throughput and memory, as ratios that do not depend on how long a run is.
//!
//! * the machine's memory bandwidth (a STREAM-like copy and triad, one thread and all threads);
//! * per scale: person-months per second per core, bytes of state per person (at the start and at the
//!   peak of the run), peak resident memory, the memory traffic the engine generates against the measured
//!   bandwidth, and each phase's share of the month;
//! * how the cost grows with the number of months (12, 36, 144 months at one scale);
//! * the linear-scaling ratio: person-months per second per core at the largest population over the
//!   smallest (and scale 10 over scale 100 when both are measured).
//!
//! Each scale is run once over the period (build excluded from the throughput, reported apart).

use crate::out::outln;
use crate::run::{default_threads, scenario_by_name};
use anyhow::Result;
use clap::Args;
use leapsim_core::{Month, Period};
use leapsim_model::population::{Households, Persons};
use leapsim_model::{RunOptions, RunResults, Simulation};
use rayon::prelude::*;
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scales to measure, comma-separated (add 1 for the full 1:1 population: minutes and ≈ 14 GiB).
    #[arg(long, value_delimiter = ',', default_values_t = vec![1000u32, 100, 10])]
    pub scales: Vec<u32>,
    /// Run lengths (months from January 1955) for the growth-with-months table, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = vec![12usize, 36, 144])]
    pub months: Vec<usize>,
    /// Scale of the growth-with-months table.
    #[arg(long, default_value_t = 100)]
    pub months_scale: u32,
    /// Scenario to run.
    #[arg(long, default_value = "historical")]
    pub scenario: String,
    /// Worker threads; default: the machine's cores.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Skip the growth-with-months table.
    #[arg(long)]
    pub no_months: bool,
    /// Skip the memory-bandwidth measurement.
    #[arg(long)]
    pub no_bandwidth: bool,
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

/// CPU time (user + system, all threads) this process has used so far, from /proc (Linux); seconds. On a
/// shared machine person-months per CPU-second measure the engine where wall time measures the neighbours.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

/// Resets the peak-RSS watermark (Linux ≥ 4.0: writing 5 to clear_refs), so each scale reports its own peak.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Memory bandwidth in GB/s (10⁹ bytes/s): (copy, triad), best of five sweeps over arrays far larger than
/// the caches; bytes counted as STREAM does (copy 16 B, triad 24 B per element).
pub fn memory_bandwidth(threads: usize) -> Result<(f64, f64)> {
    const N: usize = 1 << 25; // 32 Mi doubles = 256 MiB per array
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build()?;
    let chunk = N.div_ceil(threads.max(1) * 4);
    pool.install(|| {
        let mut a = vec![1.0f64; N];
        let mut b = vec![2.0f64; N];
        let c = vec![0.5f64; N];
        // Touch every page first.
        a.par_chunks_mut(chunk).for_each(|x| x.iter_mut().for_each(|v| *v = 1.0));
        b.par_chunks_mut(chunk).for_each(|x| x.iter_mut().for_each(|v| *v = 2.0));
        let (mut copy, mut triad) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..5 {
            let t = Instant::now();
            a.par_chunks_mut(chunk).zip(c.par_chunks(chunk)).for_each(|(x, y)| x.copy_from_slice(y));
            copy = copy.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            a.par_chunks_mut(chunk).zip(b.par_chunks(chunk).zip(c.par_chunks(chunk))).for_each(|(x, (y, z))| {
                for ((xi, yi), zi) in x.iter_mut().zip(y).zip(z) {
                    *xi = yi + 3.0 * zi;
                }
            });
            triad = triad.min(t.elapsed().as_secs_f64());
        }
        std::hint::black_box(&a);
        Ok((16.0 * N as f64 / copy / 1e9, 24.0 * N as f64 / triad / 1e9))
    })
}

/// Bytes of memory one person-month moves through the CPU, from the column sizes: the person columns are
/// read once and the death budget written back; the household columns are swept about three times a month
/// (the harvest phase's sums, distribution and eating, the famine terms of the pass over persons) and
/// half of them written; plus 8 bytes of famine scratch per household.
pub fn traffic_bytes_per_person_month(persons: f64, households: f64) -> f64 {
    let per_household =
        3.0 * Households::BYTES_PER_HOUSEHOLD as f64 + 0.5 * Households::BYTES_PER_HOUSEHOLD as f64 + 8.0;
    Persons::BYTES_PER_PERSON as f64 + 4.0 + per_household * households / persons.max(1.0)
}

/// One measured run.
struct Measured {
    results: RunResults,
    persons: u64,
    households: u64,
    build: f64,
    run: f64,
    /// CPU seconds of the run (all threads); NaN where /proc is missing.
    cpu: f64,
    bytes_start: usize,
    bytes_peak: usize,
}

fn measure(scenario: &leapsim_model::Scenario, options: RunOptions) -> Result<Measured> {
    let t0 = Instant::now();
    let mut sim = Simulation::new(scenario.clone(), options.clone())?;
    let build = t0.elapsed().as_secs_f64();
    let persons = sim.population();
    let households = sim.provinces.iter().map(|p| p.households.len() as u64).sum();
    let bytes_start = sim.state_bytes();
    let mut bytes_peak = bytes_start;
    let c1 = cpu_seconds();
    let t1 = Instant::now();
    let mut records = Vec::with_capacity(options.period.len());
    for _ in options.period.months() {
        records.push(sim.step()?);
        bytes_peak = bytes_peak.max(sim.state_bytes());
    }
    let run = t1.elapsed().as_secs_f64();
    let cpu = match (c1, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => f64::NAN,
    };
    let results = RunResults::new(scenario.clone(), options, records, sim.phase_seconds, sim.build_seconds);
    Ok(Measured { results, persons, households, build, run, cpu, bytes_start, bytes_peak })
}

fn person_months(r: &RunResults) -> u64 {
    r.records.iter().map(|m| m.provinces.iter().map(|p| p.people.start).sum::<u64>()).sum()
}

pub fn bench(args: BenchArgs) -> Result<()> {
    let scenario = scenario_by_name(&args.scenario)?;
    if args.scales.contains(&0) || args.months_scale == 0 {
        return Err(crate::UsageError("--scales and --months-scale must be at least 1".into()).into());
    }
    if args.months.iter().any(|&m| m == 0 || m > 144) {
        return Err(crate::UsageError("--months must be between 1 and 144".into()).into());
    }
    let threads = args.threads.unwrap_or_else(default_threads).max(1);
    let first = Month::from_ym(1955, 1).expect("valid");
    outln!("leapsim bench — scenario {}, {} thread(s), 1955-01 .. 1966-12 unless stated", scenario.name, threads);

    // 1. The machine's memory bandwidth.
    let bandwidth = if args.no_bandwidth {
        None
    } else {
        let one = memory_bandwidth(1)?;
        let all = memory_bandwidth(threads)?;
        outln!(
            "\nmemory bandwidth (STREAM-like, GB/s): copy {:.1} / triad {:.1} on 1 thread; copy {:.1} / triad {:.1} on {} thread(s)",
            one.0, one.1, all.0, all.1, threads
        );
        Some((one, all))
    };
    let triad_all = bandwidth.map(|b| b.1 .1);

    // 2. Scales.
    outln!(
        "\n{:>6} {:>11} {:>7} {:>8} {:>8} {:>10} {:>11} {:>9} {:>9} {:>8} {:>9} {:>8} {:>7}",
        "scale",
        "persons",
        "months",
        "build s",
        "run s",
        "pm/s/core",
        "pm/cpu-s",
        "B/p start",
        "B/p peak",
        "RSS MB",
        "B/pm",
        "GB/s",
        "% triad"
    );
    let mut rows = Vec::new();
    let mut phase_lines = Vec::new();
    for &scale in &args.scales {
        reset_peak_rss();
        let options = RunOptions { scale, seed: 1, threads, period: Period::default_run() };
        let m = measure(&scenario, options)?;
        let pm = person_months(&m.results);
        let per_core = pm as f64 / m.run / threads as f64;
        let rss = peak_rss_bytes().map_or(f64::NAN, |b| b as f64 / 1e6);
        let traffic = traffic_bytes_per_person_month(m.persons as f64, m.households as f64);
        let gbs = traffic * pm as f64 / m.run / 1e9;
        let share = triad_all.map_or(f64::NAN, |t| 100.0 * gbs / t);
        outln!(
            "{:>6} {:>11} {:>7} {:>8.2} {:>8.2} {:>9.1}M {:>10.1}M {:>9.1} {:>9.1} {:>8.0} {:>9.1} {:>8.2} {:>7}",
            scale,
            m.persons,
            m.results.records.len(),
            m.build,
            m.run,
            per_core / 1e6,
            pm as f64 / m.cpu / 1e6,
            m.bytes_start as f64 / m.persons as f64,
            m.bytes_peak as f64 / m.persons as f64,
            rss,
            traffic,
            gbs,
            if share.is_finite() { format!("{share:.0}%") } else { "-".into() }
        );
        let ph = m.results.phase_seconds;
        let other = (m.run - ph.iter().sum::<f64>()).max(0.0);
        let shares: Vec<f64> = ph.iter().chain([other].iter()).map(|s| 100.0 * s / m.run).collect();
        phase_lines.push(format!(
            "{:>6} {:>10.1}% {:>10.1}% {:>10.1}% {:>10.1}% {:>10.1}%",
            scale, shares[0], shares[1], shares[2], shares[3], shares[4]
        ));
        rows.push(json!({
            "scale": scale, "persons_initial": m.persons, "households_initial": m.households,
            "months": m.results.records.len(), "threads": threads,
            "build_seconds": m.build, "run_seconds": m.run, "person_months": pm,
            "person_months_per_second_per_core": per_core,
            "cpu_seconds": m.cpu, "person_months_per_cpu_second": pm as f64 / m.cpu,
            "bytes_per_person_initial": m.bytes_start as f64 / m.persons as f64,
            "bytes_per_person_peak": m.bytes_peak as f64 / m.persons as f64,
            "state_bytes_peak": m.bytes_peak,
            "memory_estimate_bytes": crate::run::memory_estimate_bytes(scale, &Period::default_run()),
            "peak_rss_mb": rss, "traffic_bytes_per_person_month": traffic, "traffic_gb_per_s": gbs,
            "traffic_share_of_triad_bandwidth": share / 100.0,
            "phase_seconds": ph, "phase_names": leapsim_model::PHASES, "other_seconds": other,
        }));
    }
    outln!(
        "\nshare of the month (wall time)\n{:>6} {:>11} {:>11} {:>11} {:>11} {:>11}",
        "scale",
        "harvest",
        "centre",
        "distrib.",
        "demography",
        "other"
    );
    for l in &phase_lines {
        outln!("{l}");
    }
    let rate = |scale: u32| {
        rows.iter().find(|r| r["scale"] == scale).and_then(|r| r["person_months_per_second_per_core"].as_f64())
    };
    let mut ratios = serde_json::Map::new();
    if let (Some(a), Some(b)) = (rate(100), rate(10)) {
        let r = b / a;
        outln!(
            "\nlinear scaling: pm/s/core at scale 10 / scale 100 = {r:.2} ({} the ±25% band)",
            if (0.75..=1.25).contains(&r) { "within" } else { "OUTSIDE" }
        );
        ratios.insert("scale10_over_scale100".into(), json!(r));
    }
    if rows.len() >= 2 {
        let (lo, hi) = (&rows[0], &rows[rows.len() - 1]);
        let r = hi["person_months_per_second_per_core"].as_f64().unwrap_or(f64::NAN)
            / lo["person_months_per_second_per_core"].as_f64().unwrap_or(f64::NAN);
        outln!("throughput ratio (scale {} / scale {}): {:.2}", hi["scale"], lo["scale"], r);
        ratios.insert(format!("scale{}_over_scale{}", hi["scale"], lo["scale"]), json!(r));
    }

    // 3. Growth with the number of months.
    let mut month_rows = Vec::new();
    if !args.no_months && !args.months.is_empty() {
        outln!(
            "\ncost against run length at scale {}\n{:>7} {:>9} {:>12} {:>10} {:>12}",
            args.months_scale,
            "months",
            "run s",
            "s per month",
            "pm/s/core",
            "vs shortest"
        );
        let mut base = None;
        for &months in &args.months {
            let last = Month(first.0 + months as u16 - 1);
            let options = RunOptions { scale: args.months_scale, seed: 1, threads, period: Period { first, last } };
            let m = measure(&scenario, options)?;
            let per_core = person_months(&m.results) as f64 / m.run / threads as f64;
            let b = *base.get_or_insert(per_core);
            outln!(
                "{:>7} {:>9.2} {:>12.4} {:>9.1}M {:>12.2}",
                months,
                m.run,
                m.run / months as f64,
                per_core / 1e6,
                per_core / b
            );
            month_rows.push(json!({"months": months, "scale": args.months_scale, "run_seconds": m.run,
                "person_months_per_second_per_core": per_core}));
        }
    }
    if let Some(path) = args.json {
        leapsim_io::write_json(
            &path,
            &json!({
                "scenario": scenario.name, "threads": threads,
                "bandwidth_gb_per_s": bandwidth.map(|(one, all)| json!({"one_thread": {"copy": one.0, "triad": one.1}, "all_threads": {"copy": all.0, "triad": all.1}})),
                "runs": rows, "ratios": ratios, "months": month_rows,
            }),
        )?;
    }
    Ok(())
}
