//! The validation targets of DESIGN.md §6, checked against a run.
//!
//! Every target is a simulated value and a band; a target whose inputs are missing (the run does not
//! cover the year, a column or field is absent) is "n/a", carries the reason in its note, and fails.
//! Informational lines ([`Info`]) are printed and written but not counted.

use std::fmt::Write as _;

use leapsim_data::{national_year, provinces};
use serde_json::{json, Value};

use crate::run::RunOutput;
use crate::stats::spearman;

/// The first and last year of the national targets (the record the model is checked against).
pub const FIRST_YEAR: i32 = 1955;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 1966;

/// The groups of targets, in the order of DESIGN.md §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Registered CDR within ±2‰ of the official series (1960: ±3‰).
    RegisteredCdr,
    /// True CDR 1960 between 35 and 50‰.
    TrueCdr,
    /// Registered CBR within ±3‰ of the official series.
    RegisteredCbr,
    /// Grain output within ±7% of the 1984-yearbook series.
    GrainOutput,
    /// Procurement ratio 1959 and the direction of procurement and output 1958→1959.
    Procurement,
    /// The centre's belief about the 1958 harvest.
    CentreBelief,
    /// Excess deaths and lost births 1958–1962.
    ExcessDeaths,
    /// Year-end population within ±2% of the official series.
    Population,
    /// Provincial 1960 CDR: rank correlation, worst and least affected provinces.
    Provinces,
    /// The `no_leap` counterfactual makes no famine.
    NoLeap,
}

impl Group {
    /// All groups in order.
    pub const ALL: [Group; 10] = [
        Group::RegisteredCdr,
        Group::TrueCdr,
        Group::RegisteredCbr,
        Group::GrainOutput,
        Group::Procurement,
        Group::CentreBelief,
        Group::ExcessDeaths,
        Group::Population,
        Group::Provinces,
        Group::NoLeap,
    ];

    /// The key used in `validation.json`.
    pub fn key(self) -> &'static str {
        match self {
            Group::RegisteredCdr => "registered_cdr",
            Group::TrueCdr => "true_cdr",
            Group::RegisteredCbr => "registered_cbr",
            Group::GrainOutput => "grain_output",
            Group::Procurement => "procurement",
            Group::CentreBelief => "centre_belief",
            Group::ExcessDeaths => "excess_deaths",
            Group::Population => "population",
            Group::Provinces => "provinces",
            Group::NoLeap => "no_leap",
        }
    }

    /// The heading printed above the group's lines.
    pub fn title(self) -> &'static str {
        match self {
            Group::RegisteredCdr => "Registered CDR vs the official series (±2‰; 1960 ±3‰)",
            Group::TrueCdr => "True CDR 1960 (Banister 44.6‰)",
            Group::RegisteredCbr => "Registered CBR vs the official series (±3‰)",
            Group::GrainOutput => "Grain output vs the 1984-yearbook series (±7%)",
            Group::Procurement => "Gross procurement 1958–1959",
            Group::CentreBelief => "Centre's belief about the 1958 harvest",
            Group::ExcessDeaths => "Excess deaths and lost births 1958–1962 (vs no_leap)",
            Group::Population => "Year-end population vs the official series (±2%)",
            Group::Provinces => "Provinces, 1960 CDR (24 with an official series)",
            Group::NoLeap => "no_leap: excess deaths vs the 1955–57 trend",
        }
    }
}

/// The unit of a target's value (and its printed precision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Per 1,000 per year.
    PerMille,
    /// Million tonnes of unhusked grain.
    Mt,
    /// Million persons.
    MillionPersons,
    /// A dimensionless ratio or fraction.
    Ratio,
    /// A correlation coefficient.
    Correlation,
    /// A rank (1 = first).
    Rank,
}

impl Unit {
    /// The name written in `validation.json`.
    pub fn key(self) -> &'static str {
        match self {
            Unit::PerMille => "permille",
            Unit::Mt => "Mt",
            Unit::MillionPersons => "million persons",
            Unit::Ratio => "ratio",
            Unit::Correlation => "correlation",
            Unit::Rank => "rank",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Unit::PerMille => " ‰",
            Unit::Mt => " Mt",
            Unit::MillionPersons => " M",
            Unit::Ratio | Unit::Correlation | Unit::Rank => "",
        }
    }

    /// `x` with this unit's precision, without the unit.
    pub fn format(self, x: f64) -> String {
        match self {
            Unit::PerMille | Unit::Mt | Unit::MillionPersons => format!("{x:.1}"),
            Unit::Ratio | Unit::Correlation => format!("{x:.3}"),
            Unit::Rank => format!("{x:.0}"),
        }
    }
}

/// An interval: `low ≤ x ≤ high` (or `<` on both sides when `exclusive`); a missing bound is open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Band {
    /// Lower bound.
    pub low: Option<f64>,
    /// Upper bound.
    pub high: Option<f64>,
    /// Strict inequalities (for "rises", "falls", "below").
    pub exclusive: bool,
}

impl Band {
    /// `[low, high]`.
    pub fn between(low: f64, high: f64) -> Band {
        Band { low: Some(low), high: Some(high), exclusive: false }
    }

    /// `[centre − d, centre + d]`.
    pub fn around(centre: f64, d: f64) -> Band {
        Band::between(centre - d, centre + d)
    }

    /// `[centre·(1 − f), centre·(1 + f)]` for a positive centre.
    pub fn relative(centre: f64, f: f64) -> Band {
        Band::between(centre * (1.0 - f), centre * (1.0 + f))
    }

    /// `x ≥ low`.
    pub fn at_least(low: f64) -> Band {
        Band { low: Some(low), ..Band::default() }
    }

    /// `x ≤ high`.
    pub fn at_most(high: f64) -> Band {
        Band { high: Some(high), ..Band::default() }
    }

    /// `x > low`.
    pub fn above(low: f64) -> Band {
        Band { exclusive: true, ..Band::at_least(low) }
    }

    /// `x < high`.
    pub fn below(high: f64) -> Band {
        Band { exclusive: true, ..Band::at_most(high) }
    }

    /// Whether `x` lies in the band (never for NaN).
    pub fn contains(&self, x: f64) -> bool {
        if x.is_nan() {
            return false;
        }
        // `match` rather than `Option::is_none_or`, which is newer than the workspace's rust-version.
        let low_ok = match self.low {
            None => true,
            Some(l) => x > l || (!self.exclusive && x == l),
        };
        let high_ok = match self.high {
            None => true,
            Some(h) => x < h || (!self.exclusive && x == h),
        };
        low_ok && high_ok
    }

    /// The band as printed, e.g. `[35.0, 50.0] ‰`, `≥ 1.500`, `< 2.0 M`.
    pub fn format(&self, unit: Unit) -> String {
        let f = |x: f64| unit.format(x);
        let s = unit.suffix();
        match (self.low, self.high) {
            (Some(l), Some(h)) if self.exclusive => format!("({}, {}){s}", f(l), f(h)),
            (Some(l), Some(h)) => format!("[{}, {}]{s}", f(l), f(h)),
            (Some(l), None) => format!("{} {}{s}", if self.exclusive { ">" } else { "≥" }, f(l)),
            (None, Some(h)) => format!("{} {}{s}", if self.exclusive { "<" } else { "≤" }, f(h)),
            (None, None) => "—".into(),
        }
    }
}

/// One checked target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its group.
    pub group: Group,
    /// A short name, e.g. "Registered CDR 1955".
    pub name: String,
    /// The year, for yearly targets.
    pub year: Option<i32>,
    /// Unit of `simulated` and the band.
    pub unit: Unit,
    /// The simulated value; `None` when n/a.
    pub simulated: Option<f64>,
    /// The band it must lie in.
    pub band: Band,
    /// Whether it does (false when n/a).
    pub pass: bool,
    /// The record compared with, or why the target is n/a ("n/a: …").
    pub note: String,
}

/// A value reported for information, not counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    /// Its group.
    pub group: Group,
    /// A short name.
    pub name: String,
    /// Unit of `value`.
    pub unit: Unit,
    /// The value; `None` when not available.
    pub value: Option<f64>,
    /// What it means, or why it is not available.
    pub note: String,
}

/// The result of checking a run against DESIGN.md §6.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Validation {
    /// The scenario of the run, if the files name it.
    pub scenario: Option<String>,
    /// Every target, in group order.
    pub targets: Vec<Target>,
    /// Informational values, in group order.
    pub info: Vec<Info>,
}

impl Validation {
    /// Number of targets that pass.
    pub fn passed(&self) -> usize {
        self.targets.iter().filter(|t| t.pass).count()
    }

    /// Number of targets that fail (including n/a).
    pub fn failed(&self) -> usize {
        self.targets.len() - self.passed()
    }

    /// The target with this name, if any.
    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }

    /// The content of `validation.json`.
    pub fn to_json(&self) -> Value {
        let num = |x: Option<f64>| x.filter(|v| v.is_finite()).map_or(Value::Null, |v| json!(v));
        let targets: Vec<Value> = self
            .targets
            .iter()
            .map(|t| {
                json!({
                    "group": t.group.key(),
                    "name": t.name,
                    "year": t.year,
                    "unit": t.unit.key(),
                    "simulated": num(t.simulated),
                    "low": num(t.band.low),
                    "high": num(t.band.high),
                    "exclusive": t.band.exclusive,
                    "pass": t.pass,
                    "note": t.note,
                })
            })
            .collect();
        let info: Vec<Value> = self
            .info
            .iter()
            .map(|i| {
                json!({
                    "group": i.group.key(),
                    "name": i.name,
                    "unit": i.unit.key(),
                    "value": num(i.value),
                    "note": i.note,
                })
            })
            .collect();
        json!({
            "scenario": self.scenario,
            "passed": self.passed(),
            "failed": self.failed(),
            "total": self.targets.len(),
            "targets": targets,
            "info": info,
        })
    }
}

/// The validation as a table: a heading per group, one line per target (name, simulated value, band,
/// PASS/FAIL, note), informational lines marked `info`, and the last line
/// `validation: N passed, M failed`.
pub fn render_table(v: &Validation) -> String {
    let mut out = String::new();
    if let Some(s) = &v.scenario {
        let _ = writeln!(out, "validation of scenario {s} against DESIGN §6");
    }
    for group in Group::ALL {
        let _ = writeln!(out, "\n{} [{}]", group.title(), group.key());
        for t in v.targets.iter().filter(|t| t.group == group) {
            let sim =
                t.simulated.map_or_else(|| "n/a".to_string(), |x| format!("{}{}", t.unit.format(x), t.unit.suffix()));
            let status = if t.pass { "PASS" } else { "FAIL" };
            let _ = writeln!(out, "  {:<44} {:>12}  {:<22} {status}  {}", t.name, sim, t.band.format(t.unit), t.note);
        }
        for i in v.info.iter().filter(|i| i.group == group) {
            let value =
                i.value.map_or_else(|| "n/a".to_string(), |x| format!("{}{}", i.unit.format(x), i.unit.suffix()));
            let _ = writeln!(out, "  {:<44} {:>12}  {:<22} info  {}", i.name, value, "", i.note);
        }
    }
    let _ = writeln!(out, "\nvalidation: {} passed, {} failed", v.passed(), v.failed());
    out
}

/// Collects targets; `check` turns a value-or-reason and a band-or-reason into a target.
struct Checks {
    v: Validation,
}

impl Checks {
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        group: Group,
        name: String,
        year: Option<i32>,
        unit: Unit,
        simulated: Result<f64, String>,
        band: Result<Band, String>,
        note: String,
    ) {
        let (simulated, band, note) = match (simulated, band) {
            (Ok(x), Ok(band)) => (Some(x), band, note),
            (Err(reason), band) => (None, band.unwrap_or_default(), format!("n/a: {reason}")),
            (Ok(_), Err(reason)) => (None, Band::default(), format!("n/a: {reason}")),
        };
        let pass = simulated.is_some_and(|x| band.contains(x));
        let target = Target { group, name, year, unit, simulated, band, pass, note };
        self.v.targets.push(target);
    }

    fn info(&mut self, group: Group, name: &str, unit: Unit, value: Result<f64, String>, note: &str) {
        let (value, note) = match value {
            Ok(x) => (Some(x), note.to_string()),
            Err(r) => (None, format!("n/a: {r}")),
        };
        self.v.info.push(Info { group, name: name.into(), unit, value, note });
    }
}

fn record(year: i32) -> Result<&'static leapsim_data::NationalYear, String> {
    national_year(year).ok_or_else(|| format!("no national record for {year}"))
}

/// Checks `run` against every target of DESIGN.md §6.
pub fn evaluate(run: &RunOutput) -> Validation {
    let mut c = Checks { v: Validation { scenario: run.scenario.clone(), ..Validation::default() } };
    let years = FIRST_YEAR..=LAST_YEAR;

    // 1. Registered CDR, ±2‰ (1960: ±3‰, the worst year of the registration collapse).
    for y in years.clone() {
        let rec = record(y).map(|r| r.cdr_registered);
        let d = if y == 1960 { 3.0 } else { 2.0 };
        c.check(
            Group::RegisteredCdr,
            format!("Registered CDR {y}"),
            Some(y),
            Unit::PerMille,
            run.national_value("cdr_registered", y),
            rec.clone().map(|r| Band::around(r, d)),
            rec.map_or_else(|_| String::new(), |r| format!("official {r:.2}‰")),
        );
    }

    // 2. True CDR 1960.
    c.check(
        Group::TrueCdr,
        "True CDR 1960".into(),
        Some(1960),
        Unit::PerMille,
        run.national_value("cdr", 1960),
        Ok(Band::between(35.0, 50.0)),
        "Banister's estimate 44.6‰".into(),
    );

    // 3. Registered CBR, ±3‰.
    for y in years.clone() {
        let rec = record(y).map(|r| r.cbr_registered);
        c.check(
            Group::RegisteredCbr,
            format!("Registered CBR {y}"),
            Some(y),
            Unit::PerMille,
            run.national_value("cbr_registered", y),
            rec.clone().map(|r| Band::around(r, 3.0)),
            rec.map_or_else(|_| String::new(), |r| format!("official {r:.2}‰")),
        );
    }

    // 4. Grain output, ±7% of the 1984-yearbook series.
    for y in years.clone() {
        let rec = record(y).map(|r| r.grain_output_mt);
        c.check(
            Group::GrainOutput,
            format!("Grain output {y}"),
            Some(y),
            Unit::Mt,
            run.national_value("grain_output_mt", y),
            rec.clone().map(|r| Band::relative(r, 0.07)),
            rec.map_or_else(|_| String::new(), |r| format!("1984 yearbook {r:.1} Mt")),
        );
    }

    // 5. Procurement: the 1959 ratio, and procurement rising while output falls.
    let ratio_note = record(1959)
        .ok()
        .and_then(|r| Some((r.procurement_ratio?, r.procurement_ratio_gross()?)))
        .map_or_else(String::new, |(ly, gross)| {
            format!("Lin & Yang {ly:.3}; gross procurement / 1984 output {gross:.3}")
        });
    c.check(
        Group::Procurement,
        "Gross procurement ratio 1959".into(),
        Some(1959),
        Unit::Ratio,
        run.national_value("procurement_ratio", 1959),
        Ok(Band::between(0.33, 0.42)),
        ratio_note,
    );
    let change = |column: &str| -> Result<f64, String> {
        Ok(run.national_value(column, 1959)? - run.national_value(column, 1958)?)
    };
    let rec_pair = |f: fn(&leapsim_data::NationalYear) -> Option<f64>| -> String {
        match (record(1958).ok().and_then(f), record(1959).ok().and_then(f)) {
            (Some(a), Some(b)) => format!("record {a:.1} → {b:.1} Mt"),
            _ => String::new(),
        }
    };
    c.check(
        Group::Procurement,
        "Procurement rises 1958→1959 (change)".into(),
        Some(1959),
        Unit::Mt,
        change("procurement_mt"),
        Ok(Band::above(0.0)),
        rec_pair(|r| r.procurement_gross_mt),
    );
    c.check(
        Group::Procurement,
        "Grain output falls 1958→1959 (change)".into(),
        Some(1959),
        Unit::Mt,
        change("grain_output_mt"),
        Ok(Band::below(0.0)),
        rec_pair(|r| Some(r.grain_output_mt)),
    );

    // 6. The centre's belief about the 1958 harvest.
    let belief = run.national_value("grain_output_reported_mt", 1958).and_then(|rep| {
        let truth = run.national_value("grain_output_mt", 1958)?;
        if truth > 0.0 {
            Ok(rep / truth)
        } else {
            Err("true 1958 grain output is zero".into())
        }
    });
    c.check(
        Group::CentreBelief,
        "Reported / true grain output 1958".into(),
        Some(1958),
        Unit::Ratio,
        belief,
        Ok(Band::at_least(1.5)),
        "claimed 375 Mt against ~200 Mt".into(),
    );

    // 7. Excess deaths and lost births 1958–1962, against the no_leap counterfactual.
    let millions = |r: Result<f64, String>| r.map(|x| x / 1e6);
    let no_leap_run = run.scenario.as_deref() == Some("no_leap");
    let cf_note = if no_leap_run {
        "zero by definition in a no_leap run"
    } else {
        "vs the no_leap run of the same seed and scale"
    };
    c.check(
        Group::ExcessDeaths,
        "Excess deaths 1958–1962".into(),
        None,
        Unit::MillionPersons,
        millions(run.summary_number(&["excess_deaths", "vs_no_leap", "total"])),
        Ok(Band::between(20.0, 43.0)),
        format!("{cf_note}; central estimates 27–36 M"),
    );
    c.check(
        Group::ExcessDeaths,
        "Lost births 1958–1962".into(),
        None,
        Unit::MillionPersons,
        millions(run.summary_number(&["lost_births", "vs_no_leap", "total"])),
        Ok(Band::between(25.0, 35.0)),
        cf_note.into(),
    );
    c.info(
        Group::ExcessDeaths,
        "Excess deaths 1958–1962 vs 1955–57 trend",
        Unit::MillionPersons,
        millions(run.summary_number(&["excess_deaths", "vs_trend", "total"])),
        "as the literature computes it (Yao 1999)",
    );

    // 8. Year-end population, ±2%.
    for y in years {
        let rec = record(y).map(|r| r.population_yearend / 1e6);
        c.check(
            Group::Population,
            format!("Year-end population {y}"),
            Some(y),
            Unit::MillionPersons,
            millions(run.national_value("population_end", y)),
            rec.clone().map(|r| Band::relative(r, 0.02)),
            rec.map_or_else(|_| String::new(), |r| format!("official {r:.1} M")),
        );
    }

    provincial_targets(&mut c, run);

    // 10. no_leap: no famine from the weather under the 1957 institutions.
    let (value, note) = match run.summary_number(&["no_leap", "excess_deaths_vs_trend"]) {
        Ok(x) => (Ok(x), "the no_leap counterfactual of this run"),
        Err(_) if no_leap_run => (run.summary_number(&["excess_deaths", "vs_trend", "total"]), "this run is no_leap"),
        Err(r) => (Err(format!("{r} and the run is not no_leap; validate a no_leap run")), ""),
    };
    c.check(
        Group::NoLeap,
        "no_leap excess deaths vs 1955–57 trend".into(),
        None,
        Unit::MillionPersons,
        millions(value),
        Ok(Band::below(2.0)),
        note.into(),
    );

    c.v
}

/// Provincial-level cities, left out of the rural comparisons.
const MUNICIPALITIES: [&str; 3] = ["Beijing", "Tianjin", "Shanghai"];

/// Pearson correlation across non-municipal provinces of grain per head with another provincial value (the CDR
/// of the next year, a procurement share), from rows (province, grain in Mt, year-end population, value).
fn per_head_correlation<'a>(rows: impl Iterator<Item = (&'a str, f64, f64, f64)>) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = rows
        .filter(|(name, _, pop, _)| !MUNICIPALITIES.contains(name) && *pop > 0.0)
        .map(|(_, grain, pop, value)| (grain * 1e6 / pop, value))
        .unzip();
    crate::stats::pearson(&x, &y)
}

/// The provinces that must be among the five worst, and among the six least affected, in 1960.
const WORST: [&str; 3] = ["Anhui", "Sichuan", "Guizhou"];
const LEAST: [&str; 3] = ["Shanghai", "Beijing", "Tianjin"];

/// 9. Provincial 1960 CDR against the official series across the covered provinces.
///
/// The official provincial series is registered data, so the simulated *registered* rate
/// (`cdr_registered`) is the one compared and ranked for PASS/FAIL; the correlation with the simulated
/// *true* rate (`cdr`) is reported for information.
fn provincial_targets(c: &mut Checks, run: &RunOutput) {
    const YEAR: i32 = 1960;
    let covered: Vec<(&str, f64)> = provinces()
        .iter()
        .filter(|p| p.official_cdr_covered)
        .filter_map(|p| Some((p.name.as_str(), *p.cdr_official.get(&YEAR)?)))
        .collect();
    let n = covered.len();
    // Simulated values for every covered province, or why not.
    let simulated = |column: &str| -> Result<Vec<f64>, String> {
        let values = run.provincial_values(column, YEAR)?;
        covered
            .iter()
            .map(|(name, _)| {
                values
                    .get(*name)
                    .copied()
                    .ok_or_else(|| format!("provincial_yearly.csv has no `{column}` for {name} in {YEAR}"))
            })
            .collect()
    };
    let official: Vec<f64> = covered.iter().map(|(_, v)| *v).collect();
    let registered = simulated("cdr_registered");
    let true_rate = simulated("cdr");
    let rho = |sim: &Result<Vec<f64>, String>| -> Result<f64, String> {
        let sim = sim.as_ref().map_err(Clone::clone)?;
        spearman(sim, &official).ok_or_else(|| "rank correlation undefined (constant values)".into())
    };
    c.check(
        Group::Provinces,
        format!("Rank correlation, registered vs official ({n})"),
        Some(YEAR),
        Unit::Correlation,
        rho(&registered),
        Ok(Band::at_least(0.6)),
        "Spearman, simulated cdr_registered vs official CDR".into(),
    );
    c.info(
        Group::Provinces,
        &format!("Rank correlation, true vs official ({n})"),
        Unit::Correlation,
        rho(&true_rate),
        "Spearman, simulated true cdr vs official (registered) CDR",
    );
    // Meng, Qian & Yared (2015): procurement set from expected output, heavier in more productive places and blind
    // to the real 1959 harvest; in their county data rural mortality then rises with output per head in the famine
    // years only. Reported for information beside the same statistic computed from the official provincial data
    // of data/ (MQY's panel): Pearson correlation of grain per head in year t with the registered CDR of t + 1,
    // without the three municipalities. (With official provincial grain it is negative in 1959→60 as well: the
    // positive sign of MQY needs their corrected grain series and rural deaths, which data/ does not have.)
    for (t, label) in [(1956, "a normal year"), (1959, "the famine")] {
        let value = (|| -> Result<f64, String> {
            let grain = run.provincial_values("grain_output_mt", t)?;
            let pop = run.provincial_values("population_end", t)?;
            let cdr = run.provincial_values("cdr_registered", t + 1)?;
            let rows = grain.iter().filter_map(|(name, g)| Some((name.as_str(), *g, *pop.get(name)?, *cdr.get(name)?)));
            per_head_correlation(rows).ok_or_else(|| "correlation undefined".into())
        })();
        let recorded = per_head_correlation(provinces().iter().filter_map(|p| {
            Some((
                p.name.as_str(),
                *p.grain_output_mt.get(&t)?,
                *p.population_yearend.get(&t)?,
                *p.cdr_official.get(&(t + 1))?,
            ))
        }));
        c.info(
            Group::Provinces,
            &format!("Grain per head {t} vs registered CDR {} (Meng–Qian–Yared)", t + 1),
            Unit::Correlation,
            value,
            &format!(
                "{label}; official provincial data {}",
                recorded.map_or_else(|| "n/a".to_string(), |r| format!("{r:.2}"))
            ),
        );
    }
    // Progressive procurement: the 1959 procurement share of output against output per head in 1956.
    let progressive = (|| -> Result<f64, String> {
        let grain56 = run.provincial_values("grain_output_mt", 1956)?;
        let pop56 = run.provincial_values("population_end", 1956)?;
        let grain59 = run.provincial_values("grain_output_mt", 1959)?;
        let proc59 = run.provincial_values("procurement_mt", 1959)?;
        let rows = grain56.iter().filter_map(|(name, g)| {
            let g59 = *grain59.get(name)?;
            (g59 > 0.0).then_some((name.as_str(), *g, *pop56.get(name)?, *proc59.get(name)? / g59))
        });
        per_head_correlation(rows).ok_or_else(|| "correlation undefined".into())
    })();
    c.info(
        Group::Provinces,
        "Procurement share 1959 vs grain per head 1956",
        Unit::Correlation,
        progressive,
        "positive: procurement heavier where expected output per head is higher (MQY: progressive)",
    );
    // Rank 1 = the highest registered CDR (worst) or the lowest (least affected), among the covered.
    let rank_of = |values: &[f64], name: &str, worst: bool| -> Option<f64> {
        let i = covered.iter().position(|(n, _)| *n == name)?;
        let x = values[i];
        let ahead = values.iter().filter(|&&v| if worst { v > x } else { v < x }).count();
        Some(1.0 + ahead as f64)
    };
    for (names, worst, limit) in [(&WORST, true, 5.0), (&LEAST, false, 6.0)] {
        for name in names {
            let which = if worst { "worst" } else { "least affected" };
            let sim = registered
                .clone()
                .and_then(|v| rank_of(&v, name, worst).ok_or_else(|| format!("{name} has no official {YEAR} CDR")));
            let official_rank = rank_of(&official, name, worst);
            c.check(
                Group::Provinces,
                format!("{name}: rank among the {which}"),
                Some(YEAR),
                Unit::Rank,
                sim,
                Ok(Band::at_most(limit)),
                official_rank.map_or_else(String::new, |r| {
                    format!("1 = {}; official rank {r:.0} of {n}", if worst { "highest" } else { "lowest" })
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leapsim_core::Table;

    #[test]
    fn band_bounds_inclusive_and_exclusive() {
        let b = Band::around(12.0, 2.0);
        assert!(b.contains(10.0) && b.contains(14.0) && b.contains(12.0));
        assert!(!b.contains(9.999) && !b.contains(14.001) && !b.contains(f64::NAN));
        let r = Band::relative(200.0, 0.07);
        assert!(r.contains(186.0) && r.contains(214.0) && !r.contains(185.9));
        assert!(Band::at_least(1.5).contains(1.5) && !Band::at_least(1.5).contains(1.49));
        assert!(Band::above(0.0).contains(0.1) && !Band::above(0.0).contains(0.0));
        assert!(Band::below(2.0).contains(-13.0) && !Band::below(2.0).contains(2.0));
        assert!(Band::at_most(5.0).contains(5.0) && !Band::at_most(5.0).contains(6.0));
        assert_eq!(Band::between(35.0, 50.0).format(Unit::PerMille), "[35.0, 50.0] ‰");
        assert_eq!(Band::at_least(1.5).format(Unit::Ratio), "≥ 1.500");
        assert_eq!(Band::below(2.0).format(Unit::MillionPersons), "< 2.0 M");
        assert_eq!(Band::at_most(5.0).format(Unit::Rank), "≤ 5");
    }

    /// A run that reproduces the record exactly (and the famine targets' central values).
    fn perfect_run(years: std::ops::RangeInclusive<i32>) -> RunOutput {
        let recs: Vec<_> = years.map(|y| national_year(y).unwrap()).collect();
        let col = |f: &dyn Fn(&leapsim_data::NationalYear) -> f64| -> Vec<f64> { recs.iter().map(|r| f(r)).collect() };
        let national = Table::new()
            .with_i64("year", recs.iter().map(|r| i64::from(r.year)).collect())
            .with_f64("population_end", col(&|r| r.population_yearend))
            .with_f64("cbr_registered", col(&|r| r.cbr_registered))
            .with_f64("cdr_registered", col(&|r| r.cdr_registered))
            .with_f64("cdr", col(&|r| r.cdr_estimated.unwrap_or(f64::NAN)))
            .with_f64("grain_output_mt", col(&|r| r.grain_output_mt))
            .with_f64("grain_output_reported_mt", col(&|r| r.grain_output_mt * if r.year == 1958 { 1.9 } else { 1.0 }))
            .with_f64("procurement_mt", col(&|r| r.procurement_gross_mt.unwrap_or(50.0)))
            .with_f64("procurement_ratio", col(&|r| r.procurement_ratio_gross().unwrap_or(0.27)));
        let (mut names, mut years, mut cdr) = (Vec::new(), Vec::new(), Vec::new());
        for p in provinces() {
            for y in [1959, 1960] {
                names.push(p.name.clone());
                years.push(i64::from(y));
                cdr.push(p.cdr_official.get(&y).copied().unwrap_or(15.0));
            }
        }
        let provincial = Table::new()
            .with_str("province", names)
            .with_i64("year", years)
            .with_f64("cdr", cdr.clone())
            .with_f64("cdr_registered", cdr);
        RunOutput {
            national,
            provincial,
            summary: json!({
                "scenario": "historical",
                "excess_deaths": {"vs_no_leap": {"total": 30.0e6}, "vs_trend": {"total": 32.0e6}},
                "lost_births": {"vs_no_leap": {"total": 30.0e6}},
                "no_leap": {"excess_deaths_vs_trend": 0.4e6},
            }),
            scenario: Some("historical".into()),
        }
    }

    #[test]
    fn the_record_itself_passes_every_target() {
        let v = evaluate(&perfect_run(1955..=1966));
        let failed: Vec<_> = v.targets.iter().filter(|t| !t.pass).collect();
        assert!(failed.is_empty(), "{failed:#?}");
        // 12 years × 4 series + 1 + 3 + 1 + 2 + 1 (correlation) + 6 (ranks) + 1 (no_leap).
        assert_eq!(v.targets.len(), 63);
        assert_eq!(v.target("Rank correlation, registered vs official (24)").unwrap().simulated, Some(1.0));
        for g in Group::ALL {
            assert!(v.targets.iter().any(|t| t.group == g), "{g:?}");
        }
        let table = render_table(&v);
        assert!(table.ends_with("\nvalidation: 63 passed, 0 failed\n"), "{table}");
        let j = v.to_json();
        assert_eq!(j["passed"], 63);
        assert_eq!(j["targets"][0]["group"], "registered_cdr");
        assert_eq!(j["targets"][0]["year"], 1955);
    }

    #[test]
    fn missing_inputs_are_na_and_fail() {
        let mut run = perfect_run(1955..=1965);
        run.summary = json!({"scenario": "historical", "excess_deaths": {"vs_no_leap": {"total": 30.0e6}}});
        let v = evaluate(&run);
        let t = v.target("Registered CDR 1966").unwrap();
        assert!(!t.pass && t.simulated.is_none());
        assert!(t.note.starts_with("n/a: the run does not cover 1966"), "{}", t.note);
        let t = v.target("Lost births 1958–1962").unwrap();
        assert_eq!(t.note, "n/a: summary.json has no `lost_births.vs_no_leap.total`");
        let t = v.target("no_leap excess deaths vs 1955–57 trend").unwrap();
        assert!(!t.pass && t.note.starts_with("n/a: "), "{}", t.note);
        assert!(v.target("Registered CDR 1965").unwrap().pass);
        // 4 yearly series for 1966, lost births, no_leap.
        assert_eq!(v.failed(), 6);
        assert!(render_table(&v).contains("n/a"));
    }

    #[test]
    fn a_no_leap_run_uses_its_own_trend_excess_and_fails_the_famine_bands() {
        let mut run = perfect_run(1955..=1966);
        run.scenario = Some("no_leap".into());
        run.summary = json!({
            "scenario": "no_leap",
            "excess_deaths": {"vs_no_leap": {"total": 0.0}, "vs_trend": {"total": -13.0e6}},
            "lost_births": {"vs_no_leap": {"total": 0.0}},
        });
        let v = evaluate(&run);
        let t = v.target("no_leap excess deaths vs 1955–57 trend").unwrap();
        assert!(t.pass && t.simulated == Some(-13.0));
        assert!(!v.target("Excess deaths 1958–1962").unwrap().pass);
    }

    #[test]
    fn provincial_ranks_count_from_the_worst_and_the_least_affected() {
        let mut run = perfect_run(1955..=1966);
        // Make Shanghai the worst province: its least-affected rank becomes 24 and the correlation drops.
        let names = match run.provincial.column("province") {
            Some(leapsim_core::Column::Str(n)) => n.clone(),
            _ => unreachable!(),
        };
        let column = run.provincial.columns.iter_mut().find(|(n, _)| n == "cdr_registered");
        let Some((_, leapsim_core::Column::F64(v))) = column else { unreachable!() };
        for (i, n) in names.iter().enumerate() {
            if n == "Shanghai" {
                v[i] = 100.0;
            }
        }
        let v = evaluate(&run);
        let t = v.target("Shanghai: rank among the least affected").unwrap();
        assert_eq!(t.simulated, Some(24.0));
        assert!(!t.pass);
        assert!(v.target("Anhui: rank among the worst").unwrap().pass);
        let true_rho = v.info.iter().find(|i| i.name.starts_with("Rank correlation, true")).unwrap();
        assert_eq!(true_rho.value, Some(1.0));
    }
}
