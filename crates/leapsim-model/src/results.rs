//! Results of a run in memory, and their tables (the output contract of DESIGN §5). Every quantity is
//! reported in real-population units (simulated counts × scale); grain in million tonnes.

use crate::mechanisms::demography::PassCounts;
use crate::scenario::Scenario;
use crate::sim::RunOptions;
use leapsim_core::{GrainLedger, Month, PeopleLedger, Table};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One province in one month, in simulated units (persons, kg).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvinceMonth {
    pub people: PeopleLedger,
    pub grain: GrainLedger,
    pub births_registered: u64,
    pub deaths_registered: u64,
    pub deaths_under10: u64,
    pub migrants: u64,
    pub urban_end: u64,
    pub urban_deaths: u64,
    pub urban_births: u64,
    pub grain_output: f64,
    pub grain_output_reported: f64,
    pub seed_feed_waste: f64,
    /// Quota procurement at the harvest.
    pub procured: f64,
    /// Over-quota sales of households' surplus.
    pub sold_to_state: f64,
    pub resale: f64,
    pub urban_rations: f64,
    pub rural_eaten: f64,
    pub urban_eaten: f64,
    pub rural_stock_end: f64,
    /// Σ over households of (kcal per adult equivalent × adult equivalents): the energy eaten per day.
    pub kcal_rural_sum: f64,
    pub kcal_urban_sum: f64,
    /// Grain lost in mess halls.
    pub mess_waste: f64,
    /// The centre's belief about this year's harvest at the end of the month.
    pub belief_end: f64,
    pub rural_persons_start: f64,
    pub urban_persons_start: f64,
    pub age_sex: Option<Box<[[u64; 101]; 2]>>,
}

impl ProvinceMonth {
    pub fn fill_demography(&mut self, c: PassCounts, births_registered: u64, deaths_registered: u64) {
        self.people.births = c.births;
        self.people.deaths = c.deaths;
        self.people.end = c.population_end;
        self.births_registered = births_registered;
        self.deaths_registered = deaths_registered;
        self.deaths_under10 = c.deaths_under10;
        self.migrants = c.migrants;
        self.urban_end = c.urban_end;
        self.urban_deaths = c.urban_deaths;
        self.urban_births = c.urban_births;
        self.age_sex = c.age_sex;
    }

    pub fn procurement_gross(&self) -> f64 {
        self.procured + self.sold_to_state
    }
}

/// The centre's granary in one month; kg.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NationalMonth {
    pub state_stock_start: f64,
    pub procured: f64,
    pub urban_rations: f64,
    pub resale: f64,
    pub exports: f64,
    pub imports: f64,
    pub other_uses: f64,
    pub state_stock_end: f64,
    /// National political pressure.
    pub pressure: f64,
    /// Steel made this month: usable and reported; tonnes (real units).
    pub steel_usable_t: f64,
    pub steel_reported_t: f64,
    /// Share of the land sown this year.
    pub sown_area_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthRecord {
    pub month: Month,
    pub provinces: Vec<ProvinceMonth>,
    pub national: NationalMonth,
}

/// Yearly totals of one scope (a province or the nation), real units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearTotals {
    pub year: i32,
    pub population_start: f64,
    pub population_end: f64,
    pub population_mid: f64,
    pub births: f64,
    pub deaths: f64,
    pub births_registered: f64,
    pub deaths_registered: f64,
    pub deaths_under10: f64,
    pub grain_output_mt: f64,
    pub grain_output_reported_mt: f64,
    pub procurement_mt: f64,
    pub resale_mt: f64,
    pub net_exports_mt: f64,
    pub urban_population: f64,
    pub urban_births: f64,
    pub urban_deaths: f64,
    /// Mean urban population over the year's months (start of each month).
    pub urban_population_mean: f64,
    pub kcal_rural_per_day: f64,
    pub kcal_urban_per_day: f64,
    pub state_stock_end_mt: f64,
    pub steel_reported_mt: f64,
    pub steel_usable_mt: f64,
    pub imports_mt: f64,
    pub sown_area_share: f64,
}

/// `x` per 1000 of `population` (NaN for an empty population).
fn per_mille(x: f64, population: f64) -> f64 {
    if population > 0.0 {
        x / population * 1000.0
    } else {
        f64::NAN
    }
}

impl YearTotals {
    fn rate(&self, x: f64) -> f64 {
        per_mille(x, self.population_mid)
    }
    pub fn cbr(&self) -> f64 {
        self.rate(self.births)
    }
    pub fn cdr(&self) -> f64 {
        self.rate(self.deaths)
    }
    pub fn cbr_registered(&self) -> f64 {
        self.rate(self.births_registered)
    }
    pub fn cdr_registered(&self) -> f64 {
        self.rate(self.deaths_registered)
    }
    /// Urban crude death rate (true); ‰.
    pub fn cdr_urban(&self) -> f64 {
        per_mille(self.urban_deaths, self.urban_population_mean)
    }
    /// Urban crude birth rate (true); ‰.
    pub fn cbr_urban(&self) -> f64 {
        per_mille(self.urban_births, self.urban_population_mean)
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunResults {
    pub scenario: Scenario,
    pub options: RunOptions,
    pub records: Vec<MonthRecord>,
    pub phase_seconds: [f64; 4],
    pub build_seconds: f64,
}

const KG_PER_MT: f64 = 1e9;

/// Steel output before 1958: the official series (data/national.csv); from 1958 `industry` makes it.
pub fn baseline_steel_mt(year: i32) -> f64 {
    leapsim_data::national_year(year).map_or(5.35, |n| n.steel_mt)
}

impl RunResults {
    pub fn new(
        scenario: Scenario,
        options: RunOptions,
        records: Vec<MonthRecord>,
        phase_seconds: [f64; 4],
        build_seconds: f64,
    ) -> Self {
        RunResults { scenario, options, records, phase_seconds, build_seconds }
    }

    fn scale(&self) -> f64 {
        self.options.scale as f64
    }

    pub fn province_names(&self) -> Vec<String> {
        leapsim_data::provinces().iter().map(|p| p.name.clone()).collect()
    }

    /// Yearly totals for the nation (`province == None`) or one province.
    pub fn yearly(&self, province: Option<usize>) -> Vec<YearTotals> {
        let s = self.scale();
        let mut out: Vec<YearTotals> = Vec::new();
        let mut kcal = (0.0, 0.0, 0.0, 0.0);
        let mut months = 0.0f64;
        for r in &self.records {
            let year = r.month.year();
            if out.last().map(|y| y.year) != Some(year) {
                kcal = (0.0, 0.0, 0.0, 0.0);
                months = 0.0;
                let mut y = YearTotals { year, ..Default::default() };
                y.population_start = sum(r, province, &|pm: &ProvinceMonth| pm.people.start as f64) * s;
                out.push(y);
            }
            let y = out.last_mut().expect("pushed above");
            let f = |g: &dyn Fn(&ProvinceMonth) -> f64| sum(r, province, g);
            y.births += f(&|pm| pm.people.births as f64) * s;
            y.deaths += f(&|pm| pm.people.deaths as f64) * s;
            y.births_registered += f(&|pm| pm.births_registered as f64) * s;
            y.deaths_registered += f(&|pm| pm.deaths_registered as f64) * s;
            y.deaths_under10 += f(&|pm| pm.deaths_under10 as f64) * s;
            y.grain_output_mt += f(&|pm| pm.grain_output) * s / KG_PER_MT;
            // What the centre believes about the year's harvest at the end of the year.
            y.grain_output_reported_mt = f(&|pm| pm.belief_end) * s / KG_PER_MT;
            y.procurement_mt += f(&|pm| pm.procurement_gross()) * s / KG_PER_MT;
            y.resale_mt += f(&|pm| pm.resale) * s / KG_PER_MT;
            y.population_end = f(&|pm| pm.people.end as f64) * s;
            y.urban_population = f(&|pm| pm.urban_end as f64) * s;
            y.urban_births += f(&|pm| pm.urban_births as f64) * s;
            y.urban_deaths += f(&|pm| pm.urban_deaths as f64) * s;
            kcal.0 += f(&|pm| pm.kcal_rural_sum);
            kcal.1 += f(&|pm| pm.rural_persons_start);
            kcal.2 += f(&|pm| pm.kcal_urban_sum);
            kcal.3 += f(&|pm| pm.urban_persons_start);
            y.kcal_rural_per_day = if kcal.1 > 0.0 { kcal.0 / kcal.1 } else { f64::NAN };
            y.kcal_urban_per_day = if kcal.3 > 0.0 { kcal.2 / kcal.3 } else { f64::NAN };
            months += 1.0;
            y.urban_population_mean = kcal.3 * s / months;
            if province.is_none() {
                y.net_exports_mt += (r.national.exports - r.national.imports) * s / KG_PER_MT;
                y.state_stock_end_mt = r.national.state_stock_end * s / KG_PER_MT;
                y.steel_reported_mt += r.national.steel_reported_t / 1e6;
                y.steel_usable_mt += r.national.steel_usable_t / 1e6;
                y.imports_mt += r.national.imports * s / KG_PER_MT;
                y.sown_area_share = r.national.sown_area_share;
            }
            y.population_mid = 0.5 * (y.population_start + y.population_end);
        }
        out
    }

    pub fn national_yearly_table(&self) -> Table {
        let ys = self.yearly(None);
        let col = |f: &dyn Fn(&YearTotals) -> f64| ys.iter().map(f).collect::<Vec<f64>>();
        let int = |f: &dyn Fn(&YearTotals) -> f64| ys.iter().map(|y| f(y).round() as i64).collect::<Vec<i64>>();
        Table::new()
            .with_i64("year", ys.iter().map(|y| y.year as i64).collect())
            .with_i64("population_end", int(&|y| y.population_end))
            .with_i64("population_mid", int(&|y| y.population_mid))
            .with_i64("births", int(&|y| y.births))
            .with_i64("deaths", int(&|y| y.deaths))
            .with_f64("cbr", col(&|y| round(y.cbr(), 3)))
            .with_f64("cdr", col(&|y| round(y.cdr(), 3)))
            .with_f64("cbr_registered", col(&|y| round(y.cbr_registered(), 3)))
            .with_f64("cdr_registered", col(&|y| round(y.cdr_registered(), 3)))
            .with_f64("grain_output_mt", col(&|y| round(y.grain_output_mt, 4)))
            .with_f64("grain_output_reported_mt", col(&|y| round(y.grain_output_reported_mt, 4)))
            .with_f64("procurement_mt", col(&|y| round(y.procurement_mt, 4)))
            .with_f64("procurement_ratio", col(&|y| round(ratio(y.procurement_mt, y.grain_output_mt), 5)))
            .with_f64("net_exports_mt", col(&|y| round(y.net_exports_mt, 4)))
            .with_i64("urban_population", int(&|y| y.urban_population))
            .with_f64("cbr_urban", col(&|y| round(y.cbr_urban(), 3)))
            .with_f64("cdr_urban", col(&|y| round(y.cdr_urban(), 3)))
            .with_f64("steel_reported_mt", col(&|y| round(y.steel_reported_mt, 4)))
            .with_f64("steel_usable_mt", col(&|y| round(y.steel_usable_mt, 4)))
            .with_f64("kcal_rural_per_day", col(&|y| round(y.kcal_rural_per_day, 1)))
            .with_f64("kcal_urban_per_day", col(&|y| round(y.kcal_urban_per_day, 1)))
            .with_f64("resale_mt", col(&|y| round(y.resale_mt, 4)))
            .with_f64("state_stock_end_mt", col(&|y| round(y.state_stock_end_mt, 4)))
            .with_i64("deaths_under10", int(&|y| y.deaths_under10))
            .with_f64("imports_mt", col(&|y| round(y.imports_mt, 4)))
            .with_f64("sown_area_share", col(&|y| round(y.sown_area_share, 4)))
    }

    pub fn provincial_yearly_table(&self) -> Table {
        let names = self.province_names();
        let mut t = Table::new();
        let (mut prov, mut year, mut pop, mut births, mut deaths) = (vec![], vec![], vec![], vec![], vec![]);
        let (mut cbr, mut cdr, mut cdr_reg, mut grain, mut grain_rep, mut procm, mut kcal) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for (i, name) in names.iter().enumerate() {
            for y in self.yearly(Some(i)) {
                prov.push(name.clone());
                year.push(y.year as i64);
                pop.push(y.population_end.round() as i64);
                births.push(y.births.round() as i64);
                deaths.push(y.deaths.round() as i64);
                cbr.push(round(y.cbr(), 3));
                cdr.push(round(y.cdr(), 3));
                cdr_reg.push(round(y.cdr_registered(), 3));
                grain.push(round(y.grain_output_mt, 4));
                grain_rep.push(round(y.grain_output_reported_mt, 4));
                procm.push(round(y.procurement_mt, 4));
                kcal.push(round(y.kcal_rural_per_day, 1));
            }
        }
        t.push("province", leapsim_core::Column::Str(prov));
        t = t
            .with_i64("year", year)
            .with_i64("population_end", pop)
            .with_i64("births", births)
            .with_i64("deaths", deaths)
            .with_f64("cbr", cbr)
            .with_f64("cdr", cdr)
            .with_f64("cdr_registered", cdr_reg)
            .with_f64("grain_output_mt", grain)
            .with_f64("grain_output_reported_mt", grain_rep)
            .with_f64("procurement_mt", procm)
            .with_f64("kcal_rural_per_day", kcal);
        t
    }

    /// Monthly series of one scope; the national table adds the granary.
    fn monthly_columns(&self, province: Option<usize>, t: &mut Table) {
        let s = self.scale();
        let f =
            |g: &dyn Fn(&ProvinceMonth) -> f64| self.records.iter().map(|r| sum(r, province, g)).collect::<Vec<f64>>();
        let count =
            |g: &dyn Fn(&ProvinceMonth) -> f64| f(g).into_iter().map(|x| (x * s).round() as i64).collect::<Vec<i64>>();
        let mt = |g: &dyn Fn(&ProvinceMonth) -> f64| {
            f(g).into_iter().map(|x| round(x * s / KG_PER_MT, 6)).collect::<Vec<f64>>()
        };
        t.push("year", leapsim_core::Column::I64(self.records.iter().map(|r| r.month.year() as i64).collect()));
        t.push(
            "month",
            leapsim_core::Column::I64(self.records.iter().map(|r| r.month.month_of_year() as i64).collect()),
        );
        t.push("population", leapsim_core::Column::I64(count(&|pm| pm.people.end as f64)));
        t.push("urban_population", leapsim_core::Column::I64(count(&|pm| pm.urban_end as f64)));
        t.push("births", leapsim_core::Column::I64(count(&|pm| pm.people.births as f64)));
        t.push("deaths", leapsim_core::Column::I64(count(&|pm| pm.people.deaths as f64)));
        t.push("births_registered", leapsim_core::Column::I64(count(&|pm| pm.births_registered as f64)));
        t.push("deaths_registered", leapsim_core::Column::I64(count(&|pm| pm.deaths_registered as f64)));
        t.push("deaths_under10", leapsim_core::Column::I64(count(&|pm| pm.deaths_under10 as f64)));
        t.push("migrants_to_towns", leapsim_core::Column::I64(count(&|pm| pm.migrants as f64)));
        t.push("grain_output_mt", leapsim_core::Column::F64(mt(&|pm| pm.grain_output)));
        t.push("grain_output_reported_mt", leapsim_core::Column::F64(mt(&|pm| pm.grain_output_reported)));
        t.push("centre_belief_year_mt", leapsim_core::Column::F64(mt(&|pm| pm.belief_end)));
        t.push("procurement_mt", leapsim_core::Column::F64(mt(&|pm| pm.procurement_gross())));
        t.push("resale_mt", leapsim_core::Column::F64(mt(&|pm| pm.resale)));
        t.push("urban_rations_mt", leapsim_core::Column::F64(mt(&|pm| pm.urban_rations)));
        t.push("rural_eaten_mt", leapsim_core::Column::F64(mt(&|pm| pm.rural_eaten)));
        t.push("seed_feed_waste_mt", leapsim_core::Column::F64(mt(&|pm| pm.seed_feed_waste)));
        t.push("mess_hall_waste_mt", leapsim_core::Column::F64(mt(&|pm| pm.mess_waste)));
        t.push("rural_stock_mt", leapsim_core::Column::F64(mt(&|pm| pm.rural_stock_end)));
        let per_day = |a: &dyn Fn(&ProvinceMonth) -> f64, b: &dyn Fn(&ProvinceMonth) -> f64| {
            self.records
                .iter()
                .map(|r| {
                    let d = sum(r, province, b);
                    if d > 0.0 {
                        round(sum(r, province, a) / d, 1)
                    } else {
                        f64::NAN
                    }
                })
                .collect::<Vec<f64>>()
        };
        t.push(
            "kcal_rural_per_day",
            leapsim_core::Column::F64(per_day(&|pm| pm.kcal_rural_sum, &|pm| pm.rural_persons_start)),
        );
        t.push(
            "kcal_urban_per_day",
            leapsim_core::Column::F64(per_day(&|pm| pm.kcal_urban_sum, &|pm| pm.urban_persons_start)),
        );
    }

    pub fn national_monthly_table(&self) -> Table {
        let mut t = Table::new();
        self.monthly_columns(None, &mut t);
        let s = self.scale();
        let mt = |g: &dyn Fn(&NationalMonth) -> f64| {
            self.records.iter().map(|r| round(g(&r.national) * s / KG_PER_MT, 6)).collect::<Vec<f64>>()
        };
        t.push("net_exports_mt", leapsim_core::Column::F64(mt(&|n| n.exports - n.imports)));
        t.push("other_state_uses_mt", leapsim_core::Column::F64(mt(&|n| n.other_uses)));
        t.push("state_stock_mt", leapsim_core::Column::F64(mt(&|n| n.state_stock_end)));
        let per_month = |g: &dyn Fn(&NationalMonth) -> f64| {
            self.records.iter().map(|r| round(g(&r.national), 6)).collect::<Vec<f64>>()
        };
        t.push("imports_mt", leapsim_core::Column::F64(mt(&|n| n.imports)));
        t.push("political_pressure", leapsim_core::Column::F64(per_month(&|n| n.pressure)));
        t.push("steel_reported_mt", leapsim_core::Column::F64(per_month(&|n| n.steel_reported_t / 1e6)));
        t.push("steel_usable_mt", leapsim_core::Column::F64(per_month(&|n| n.steel_usable_t / 1e6)));
        t.push("sown_area_share", leapsim_core::Column::F64(per_month(&|n| n.sown_area_share)));
        t
    }

    pub fn provincial_monthly_table(&self) -> Table {
        let names = self.province_names();
        let mut all = Table::new();
        for (i, name) in names.iter().enumerate() {
            let mut t = Table::new();
            t.push("province", leapsim_core::Column::Str(vec![name.clone(); self.records.len()]));
            self.monthly_columns(Some(i), &mut t);
            all.append_rows(t);
        }
        all
    }

    /// Population by single year of age and sex on 30 June of each year (end of the June step).
    pub fn age_structure_table(&self) -> Table {
        let s = self.options.scale as i64;
        let (mut year, mut age, mut male, mut female) = (vec![], vec![], vec![], vec![]);
        for r in self.records.iter().filter(|r| r.month.month_of_year() == 6) {
            let mut tot = [[0u64; 101]; 2];
            for pm in &r.provinces {
                if let Some(a) = &pm.age_sex {
                    for sx in 0..2 {
                        for k in 0..101 {
                            tot[sx][k] += a[sx][k];
                        }
                    }
                }
            }
            for k in 0..101 {
                year.push(r.month.year() as i64);
                age.push(k as i64);
                male.push(tot[0][k] as i64 * s);
                female.push(tot[1][k] as i64 * s);
            }
        }
        Table::new().with_i64("year", year).with_i64("age", age).with_i64("male", male).with_i64("female", female)
    }

    /// `summary.json` of DESIGN §5. `no_leap` is the counterfactual run with the same seed and scale, or
    /// `None` when this run is itself `no_leap` (its excess is zero by definition).
    pub fn summary(&self, no_leap: Option<&RunResults>) -> Value {
        let ys = self.yearly(None);
        let window = |y: i32| (1958..=1962).contains(&y);
        // Against no_leap.
        let (mut ex_nl, mut lb_nl, mut ex_nl_total, mut lb_nl_total) = (BTreeMap::new(), BTreeMap::new(), 0.0, 0.0);
        let nl_years = no_leap.map(|r| r.yearly(None));
        for y in ys.iter().filter(|y| window(y.year)) {
            let (d, b) = match &nl_years {
                Some(nl) => nl
                    .iter()
                    .find(|n| n.year == y.year)
                    .map_or((0.0, 0.0), |n| (y.deaths - n.deaths, n.births - y.births)),
                None => (0.0, 0.0),
            };
            ex_nl.insert(y.year.to_string(), d.round());
            lb_nl.insert(y.year.to_string(), b.round());
            ex_nl_total += d;
            lb_nl_total += b;
        }
        // Against the 1955–57 trend (Yao 1999): ED_t = POP_{t−1}·(ADR_t − EDR), EDR the mean 1955–57 rate.
        let base: Vec<&YearTotals> = ys.iter().filter(|y| (1955..=1957).contains(&y.year)).collect();
        let (trend_deaths, trend_births) = if base.len() == 3 {
            let cdr = base.iter().map(|y| y.deaths / y.population_mid).sum::<f64>() / 3.0;
            let cbr = base.iter().map(|y| y.births / y.population_mid).sum::<f64>() / 3.0;
            (Some(cdr), Some(cbr))
        } else {
            (None, None)
        };
        let (mut ex_tr, mut lb_tr_total, mut ex_tr_total) = (BTreeMap::new(), 0.0, 0.0);
        if let (Some(edr), Some(ebr)) = (trend_deaths, trend_births) {
            for y in ys.iter().filter(|y| window(y.year)) {
                let d = y.deaths - y.population_start * edr;
                let b = y.population_start * ebr - y.births;
                ex_tr.insert(y.year.to_string(), d.round());
                ex_tr_total += d;
                lb_tr_total += b;
            }
        }
        let peak = ys.iter().filter(|y| window(y.year)).max_by(|a, b| a.cdr().total_cmp(&b.cdr()));
        let ratio_1958 =
            ys.iter().find(|y| y.year == 1958).map(|y| ratio(y.grain_output_reported_mt, y.grain_output_mt));
        let trend_available = trend_deaths.is_some();
        // The counterfactual's own excess against the 1955–57 trend (DESIGN §6: below 2 million).
        let no_leap_vs_trend =
            no_leap.map(|r| r.summary(None)["excess_deaths"]["vs_trend"]["total"].clone()).unwrap_or(Value::Null);
        json!({
            "scenario": self.scenario.name,
            "seed": self.options.seed,
            "scale": self.options.scale,
            "excess_deaths": {
                "vs_no_leap": {"total": ex_nl_total.round(), "by_year": ex_nl},
                "vs_trend": if trend_available { json!({"total": ex_tr_total.round(), "by_year": ex_tr}) } else { Value::Null },
            },
            "lost_births": {
                "vs_no_leap": {"total": lb_nl_total.round(), "by_year": lb_nl},
                "vs_trend": if trend_available { json!({"total": lb_tr_total.round()}) } else { Value::Null },
            },
            "peak_cdr": peak.map_or(Value::Null, |y| json!({"year": y.year, "cdr": round(y.cdr(), 3), "cdr_registered": round(y.cdr_registered(), 3)})),
            "no_leap": {"excess_deaths_vs_trend": no_leap_vs_trend},
            "grain_output_reported_vs_true_1958": ratio_1958.map_or(Value::Null, |r| json!(round(r, 4))),
        })
    }
}

fn sum(r: &MonthRecord, province: Option<usize>, g: &dyn Fn(&ProvinceMonth) -> f64) -> f64 {
    match province {
        Some(i) => g(&r.provinces[i]),
        None => r.provinces.iter().map(g).sum(),
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b != 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// Rounds to `digits` decimals so that outputs are compact and stable.
pub fn round(x: f64, digits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let m = 10f64.powi(digits);
    (x * m).round() / m
}
