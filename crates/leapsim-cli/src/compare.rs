//! `leapsim compare A B`: what B changes against A — deaths, births, grain and procurement by year and by
//! province, B − A, with 5–95% intervals over seeds. Both scenarios run with the same seeds (common random
//! numbers, DESIGN §4), so each seed's difference is the policy's effect, not sampling noise.

use crate::ensemble::{round, run_jobs};
use crate::out::{out, outln};
use crate::run::{default_threads, parse_month, scenario_by_name};
use crate::UsageError;
use anyhow::Result;
use clap::Args;
use leapsim_core::{Month, Period, Table};
use leapsim_io::OutputDir;
use leapsim_model::{RunOptions, YearTotals};
use leapsim_scenario::stats::{band, mean};
use serde_json::json;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    /// Scenario A, the reference: a built-in name or a scenario file.
    pub a: String,
    /// Scenario B: a built-in name or a scenario file. Differences are B − A.
    pub b: String,
    /// Number of seeds (SEED … SEED+N−1), the same for A and B.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub seeds: u32,
    /// First seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// One simulated person stands for N real people.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// Last month simulated, YYYY-MM.
    #[arg(long, default_value = "1966-12")]
    pub to: String,
    /// Worker threads (results do not depend on it); default: the machine's cores.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Also write compare_national.csv, compare_provincial.csv and compare_summary.json into DIR.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

/// A compared quantity: column stem, screen label, screen divisor, value.
type Metric = (&'static str, &'static str, f64, fn(&YearTotals) -> f64);

const METRICS: [Metric; 4] = [
    ("deaths", "deaths (k)", 1e3, |y| y.deaths),
    ("births", "births (k)", 1e3, |y| y.births),
    ("grain_output_mt", "grain (Mt)", 1.0, |y| y.grain_output_mt),
    ("procurement_mt", "procurement (Mt)", 1.0, |y| y.procurement_mt),
];

/// National and provincial yearly totals of one run.
type Yearly = (Vec<YearTotals>, Vec<Vec<YearTotals>>);

pub fn compare(args: CompareArgs) -> Result<()> {
    let a = scenario_by_name(&args.a)?;
    let b = scenario_by_name(&args.b)?;
    let to = parse_month("to", &args.to)?;
    let out = match &args.out {
        Some(dir) => Some(OutputDir::prepare(dir).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let threads = args.threads.map_or_else(default_threads, |t| t as usize);
    let base = RunOptions {
        scale: args.scale,
        seed: args.seed,
        threads,
        period: Period { first: Month::from_ym(1955, 1).expect("valid"), last: to },
    };
    let seeds: Vec<u64> = (0..args.seeds as u64).map(|i| args.seed.wrapping_add(i)).collect();
    let mut jobs = Vec::new();
    for &seed in &seeds {
        for sc in [&a, &b] {
            jobs.push((sc.clone(), RunOptions { seed, ..base.clone() }));
        }
    }
    let provinces = leapsim_data::provinces().len();
    let runs: Vec<Yearly> =
        run_jobs(&jobs, threads, |_, r| (r.yearly(None), (0..provinces).map(|p| r.yearly(Some(p))).collect()))?;
    let pairs: Vec<(&Yearly, &Yearly)> = runs.chunks(2).map(|c| (&c[0], &c[1])).collect();

    let national = diff_table(&pairs.iter().map(|(x, y)| (&x.0, &y.0)).collect::<Vec<_>>(), None);
    let names = leapsim_data::provinces().iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    let mut provincial = Table::new();
    let mut province_totals: Vec<(String, f64, f64, f64)> = Vec::new();
    for (p, name) in names.iter().enumerate() {
        let per: Vec<_> = pairs.iter().map(|(x, y)| (&x.1[p], &y.1[p])).collect();
        provincial.append_rows(diff_table(&per, Some(name)));
        let (m, lo, hi) =
            band(&per.iter().map(|(x, y)| window(y, |t| t.deaths) - window(x, |t| t.deaths)).collect::<Vec<_>>());
        province_totals.push((name.clone(), m, lo, hi));
    }
    let totals: Vec<(&str, (f64, f64, f64))> = METRICS
        .iter()
        .map(|(stem, _, _, f)| {
            (*stem, band(&pairs.iter().map(|(x, y)| window(&y.0, f) - window(&x.0, f)).collect::<Vec<_>>()))
        })
        .collect();

    if !args.quiet {
        out!("{}", screen(&args, &a.name, &b.name, &pairs, &totals, &mut province_totals));
    }
    if let Some(out) = out {
        leapsim_io::write_csv(&out.staged("compare_national.csv"), &national)?;
        leapsim_io::write_csv(&out.staged("compare_provincial.csv"), &provincial)?;
        let summary = json!({
            "a": a.name, "b": b.name,
            "a_hash": a.content_hash(), "b_hash": b.content_hash(),
            "seeds": seeds, "scale": args.scale, "to": to.to_string(),
            "note": "B − A; totals over 1958–1962 in real people (grain in Mt); mean and 5%/95% quantiles over seeds.",
            "total_1958_1962": totals.iter().map(|(stem, (m, lo, hi))| ((*stem).to_string(), json!({"mean": round(*m), "p05": round(*lo), "p95": round(*hi)}))).collect::<serde_json::Map<_, _>>(),
        });
        leapsim_io::write_json(&out.staged("compare_summary.json"), &summary)?;
        let written = out.commit()?;
        if !args.quiet {
            outln!(
                "{} files in {}",
                written.len(),
                args.out.as_ref().map_or(String::new(), |p| p.display().to_string())
            );
        }
    }
    Ok(())
}

/// Sum of `f` over 1958–1962.
fn window(ys: &[YearTotals], f: impl Fn(&YearTotals) -> f64) -> f64 {
    ys.iter().filter(|y| (1958..=1962).contains(&y.year)).map(f).sum()
}

/// One row per year: A and B means and the B − A band for each metric.
fn diff_table(pairs: &[(&Vec<YearTotals>, &Vec<YearTotals>)], province: Option<&str>) -> Table {
    let years: Vec<i32> = pairs[0].0.iter().map(|y| y.year).collect();
    let mut t = Table::new();
    if let Some(p) = province {
        t = t.with_str("province", vec![p.to_string(); years.len()]);
    }
    t = t.with_i64("year", years.iter().map(|y| *y as i64).collect());
    for (stem, _, _, f) in METRICS {
        let mut cols: [Vec<f64>; 5] = Default::default();
        for (i, _) in years.iter().enumerate() {
            let av: Vec<f64> = pairs.iter().map(|(a, _)| f(&a[i])).collect();
            let bv: Vec<f64> = pairs.iter().map(|(_, b)| f(&b[i])).collect();
            let d: Vec<f64> = av.iter().zip(&bv).map(|(a, b)| b - a).collect();
            let (m, lo, hi) = band(&d);
            for (c, v) in cols.iter_mut().zip([mean(&av), mean(&bv), m, lo, hi]) {
                c.push(round(v));
            }
        }
        let [ca, cb, cm, clo, chi] = cols;
        t = t
            .with_f64(&format!("{stem}_a"), ca)
            .with_f64(&format!("{stem}_b"), cb)
            .with_f64(&format!("{stem}_diff_mean"), cm)
            .with_f64(&format!("{stem}_diff_p05"), clo)
            .with_f64(&format!("{stem}_diff_p95"), chi);
    }
    t
}

fn screen(
    args: &CompareArgs,
    a: &str,
    b: &str,
    pairs: &[(&Yearly, &Yearly)],
    totals: &[(&str, (f64, f64, f64))],
    provinces: &mut [(String, f64, f64, f64)],
) -> String {
    let cell = |(m, lo, hi): (f64, f64, f64), div: f64| format!("{:>9.1} [{:.1}, {:.1}]", m / div, lo / div, hi / div);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{b} − {a}: {} seed(s) from {} at 1:{}; mean [5%, 95%] over seeds",
        args.seeds, args.seed, args.scale
    );
    let _ = write!(s, "{:<9}", "year");
    for (_, label, _, _) in METRICS {
        let _ = write!(s, " {label:>28}");
    }
    let _ = writeln!(s);
    let years: Vec<i32> = pairs[0].0 .0.iter().map(|y| y.year).collect();
    for (i, year) in years.iter().enumerate() {
        let _ = write!(s, "{year:<9}");
        for (_, _, div, f) in METRICS {
            let d: Vec<f64> = pairs.iter().map(|(x, y)| f(&y.0[i]) - f(&x.0[i])).collect();
            let _ = write!(s, " {:>28}", cell(band(&d), div));
        }
        let _ = writeln!(s);
    }
    let _ = write!(s, "{:<9}", "1958–62");
    for ((_, _, div, _), (_, t)) in METRICS.iter().zip(totals) {
        let _ = write!(s, " {:>28}", cell(*t, *div));
    }
    let _ = writeln!(s);
    provinces.sort_by(|x, y| x.1.abs().total_cmp(&y.1.abs()).reverse());
    let _ = writeln!(s, "\nlargest changes in deaths 1958–62 by province (k):");
    for (name, m, lo, hi) in provinces.iter().take(5) {
        let _ = writeln!(s, "  {name:<16} {}", cell((*m, *lo, *hi), 1e3));
    }
    s
}
