//! The simulation: building the world, the order of a month (written in one function, [`Simulation::step`]),
//! and the centre's granary. A run is a library call: build a [`Simulation`] from a scenario and options,
//! run it with an [`Observer`], get [`RunResults`] in memory. Files are one sink among others.

use crate::mechanisms::demography::{self, PassContext};
use crate::mechanisms::{agriculture, food, procurement, registration, trade, weather};
use crate::population::URBAN;
use crate::results::{MonthRecord, NationalMonth, ProvinceMonth, RunResults};
use crate::scenario::Scenario;
use crate::world::{self, Demographics, Province};
use leapsim_core::rng::Rng;
use leapsim_core::{GrainLedger, LedgerError, Month, PeopleLedger, Period, Stream};
use rayon::prelude::*;
use std::time::Instant;

/// How a run is set up.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// One simulated person stands for `scale` real people.
    pub scale: u32,
    pub seed: u64,
    /// Worker threads; results do not depend on it.
    pub threads: usize,
    pub period: Period,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            scale: 100,
            seed: 1,
            threads: 1,
            period: Period::default_run(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid run options: {0}")]
    Options(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error("run cancelled")]
    Cancelled,
}

/// Receives progress; returning `false` from `on_month` cancels the run.
pub trait Observer {
    fn on_month(&mut self, _done: usize, _total: usize, _month: Month) -> bool {
        true
    }
}

/// An observer that does nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// Phases of a month, for the wall-time report.
pub const PHASES: [&str; 4] = [
    "harvest_procurement",
    "centre",
    "distribution_consumption",
    "demography_registration",
];

pub struct Simulation {
    pub scenario: Scenario,
    pub options: RunOptions,
    pub demo: Demographics,
    pub provinces: Vec<Province>,
    /// The state granary; kg (simulated units).
    pub state_stock: f64,
    pub month: Month,
    pool: rayon::ThreadPool,
    pub phase_seconds: [f64; 4],
    pub build_seconds: f64,
}

/// What phase A of a province hands to the centre.
#[derive(Debug, Clone, Default)]
struct HarvestReport {
    output: f64,
    reported_output: f64,
    seed_feed_waste: f64,
    procured: f64,
    resale_requested: f64,
    urban_need: f64,
}

/// Per-province scratch kept between the two parallel phases of a month.
#[derive(Debug, Clone, Default)]
struct TeamGrain {
    /// Grain each team distributes this month (after procurement), kg.
    retained: Vec<f64>,
    /// Resale each team asked for, kg.
    resale: Vec<f64>,
}

impl Simulation {
    pub fn new(scenario: Scenario, options: RunOptions) -> Result<Simulation, SimError> {
        if options.scale == 0 {
            return Err(SimError::Options("scale must be at least 1".into()));
        }
        if options.period.last < options.period.first {
            return Err(SimError::Options("the period ends before it starts".into()));
        }
        let threads = options.threads.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| SimError::Threads(e.to_string()))?;
        let t0 = Instant::now();
        let demo = Demographics::new(&scenario.params);
        let data = leapsim_data::provinces();
        let start = options.period.first;
        let mut provinces: Vec<Province> = pool.install(|| {
            data.par_iter()
                .enumerate()
                .map(|(i, d)| {
                    world::build_province(
                        i,
                        d,
                        &scenario.params,
                        &demo,
                        options.scale,
                        options.seed,
                        start,
                    )
                })
                .collect()
        });
        world::set_relative_productivity(&mut provinces);
        let urban_need: f64 = provinces.iter().map(|p| urban_need_kg(p, &scenario)).sum();
        let f = &scenario.params.food;
        let other = (f.state_other_uses_mt * 1e9 / 12.0
            + trade::planned_monthly_net_exports_t(f) * 1000.0)
            / options.scale as f64;
        let state_stock = (urban_need + other) * f.initial_state_stock_months;
        Ok(Simulation {
            scenario,
            options,
            demo,
            provinces,
            state_stock,
            month: start,
            pool,
            phase_seconds: [0.0; 4],
            build_seconds: t0.elapsed().as_secs_f64(),
        })
    }

    /// Simulated persons alive.
    pub fn population(&self) -> u64 {
        self.provinces
            .iter()
            .map(|p| {
                p.persons
                    .flags
                    .iter()
                    .filter(|&&f| f & crate::population::flag::ALIVE != 0)
                    .count() as u64
            })
            .sum()
    }

    /// Bytes of heap held by the population state.
    pub fn state_bytes(&self) -> usize {
        self.provinces
            .iter()
            .map(|p| p.persons.heap_bytes() + p.households.heap_bytes() + p.teams.heap_bytes())
            .sum()
    }

    /// Runs every month of the period.
    pub fn run(mut self, observer: &mut dyn Observer) -> Result<RunResults, SimError> {
        let total = self.options.period.len();
        let mut records = Vec::with_capacity(total);
        for (done, month) in self.options.period.months().enumerate() {
            debug_assert_eq!(month, self.month);
            records.push(self.step()?);
            if !observer.on_month(done + 1, total, month) {
                return Err(SimError::Cancelled);
            }
        }
        Ok(RunResults::new(
            self.scenario.clone(),
            self.options.clone(),
            records,
            self.phase_seconds,
            self.build_seconds,
        ))
    }

    /// One month. The order of the phases is the model: read it here.
    pub fn step(&mut self) -> Result<MonthRecord, SimError> {
        let month = self.month;
        let year = month.year();
        let moy = month.month_of_year();
        let sc = &self.scenario;
        let p = &sc.params;
        let seed = self.options.seed;

        // 0. Housekeeping: once a year drop the dead from the person columns.
        if moy == 1 && month != self.options.period.first {
            self.pool.install(|| {
                self.provinces
                    .par_iter_mut()
                    .for_each(|pr| pr.persons.compact())
            });
        }

        // 1. weather → agriculture → procurement (harvest months): each team harvests, the state takes
        //    its quota, teams below the retention floor ask for resale.
        let t = Instant::now();
        let harvest_share = agriculture::harvest_share(&p.agriculture, moy);
        let (reports, mut scratch): (Vec<HarvestReport>, Vec<TeamGrain>) =
            self.pool.install(|| {
                self.provinces
                    .par_iter()
                    .map(|pr| harvest_and_procure(pr, sc, month, harvest_share, seed))
                    .unzip()
            });
        self.phase_seconds[0] += t.elapsed().as_secs_f64();

        // 2. The centre: the granary receives procurement, then pays out in order of priority —
        //    protected urban rations, resale to deficit teams, exports, other state uses.
        let t = Instant::now();
        let stock_start = self.state_stock;
        let procured: f64 = reports.iter().map(|r| r.procured).sum();
        let mut available = stock_start + procured;
        let urban_need: f64 = reports.iter().map(|r| r.urban_need).sum();
        let resale_requested: f64 = reports.iter().map(|r| r.resale_requested).sum();
        let urban_fraction = fraction(available, urban_need);
        available -= urban_need * urban_fraction;
        let resale_fraction = fraction(available, resale_requested);
        available -= resale_requested * resale_fraction;
        let scale = self.options.scale as f64;
        let exports_planned = trade::planned_monthly_net_exports_t(&p.food) * 1000.0 / scale;
        let exports = exports_planned.min(available.max(0.0));
        available -= exports;
        let other_planned = p.food.state_other_uses_mt * 1e9 / 12.0 / scale;
        // Other uses flex: they are paid only from stock above a reserve of urban rations, so the
        // protected rations last until the next harvest.
        let reserve = urban_need * p.food.state_reserve_months;
        let other_uses = other_planned.min((available - reserve).max(0.0));
        available -= other_uses;
        self.phase_seconds[1] += t.elapsed().as_secs_f64();

        // 3. Distribution and consumption, then 4. demography and registration, province by province.
        let t = Instant::now();
        let hazard = self.demo.monthly_hazard(p, month);
        let demo = &self.demo;
        let cx = PassContext {
            params: p,
            demo,
            month,
            hazard: &hazard,
            seed,
            want_age_structure: moy == 6,
        };
        let years_since_1955 = month
            .0
            .saturating_sub(Month::from_ym(1955, 1).expect("valid").0)
            as f64
            / 12.0;
        let normal_cdr = p.demography.cdr_1955_true
            * demography::mortality_trend(&p.demography, years_since_1955);
        let results: Vec<(ProvinceMonth, f64, f64)> = self.pool.install(|| {
            self.provinces
                .par_iter_mut()
                .zip(scratch.par_iter_mut())
                .zip(reports.par_iter())
                .map(|((pr, grain), rep)| {
                    let t0 = Instant::now();
                    let mut pm = distribute_and_eat(
                        pr,
                        sc,
                        month,
                        grain,
                        rep,
                        urban_fraction,
                        resale_fraction,
                    );
                    let t1 = Instant::now();
                    let counts = demography::persons_pass(pr, &cx);
                    let start_pop = pm.people.start;
                    let reg_rng = Rng::new(seed, Stream::Registration);
                    let cdr = if start_pop > 0 {
                        counts.deaths as f64 / start_pop as f64 * 12_000.0
                    } else {
                        0.0
                    };
                    let (rb, rd) = registration::register(
                        &p.registration,
                        sc.mechanisms.registration,
                        &reg_rng,
                        world::province_entity(pr.index),
                        month.0 as u32,
                        year,
                        counts.births,
                        counts.deaths,
                        cdr,
                        normal_cdr,
                    );
                    pm.fill_demography(counts, rb, rd);
                    (pm, (t1 - t0).as_secs_f64(), t1.elapsed().as_secs_f64())
                })
                .collect()
        });
        let wall = t.elapsed().as_secs_f64();
        let (busy_a, busy_b): (f64, f64) = results
            .iter()
            .fold((0.0, 0.0), |acc, r| (acc.0 + r.1, acc.1 + r.2));
        let share_a = if busy_a + busy_b > 0.0 {
            busy_a / (busy_a + busy_b)
        } else {
            0.5
        };
        self.phase_seconds[2] += wall * share_a;
        self.phase_seconds[3] += wall * (1.0 - share_a);
        let provinces: Vec<ProvinceMonth> = results.into_iter().map(|r| r.0).collect();

        // 5. Over-quota sales after the harvest reach the granary; the ledgers must balance.
        let sold: f64 = provinces.iter().map(|pm| pm.sold_to_state).sum();
        self.state_stock = available + sold;
        let urban_rations: f64 = provinces.iter().map(|pm| pm.urban_rations).sum();
        let resale: f64 = provinces.iter().map(|pm| pm.resale).sum();
        let national = NationalMonth {
            state_stock_start: stock_start,
            procured: procured + sold,
            urban_rations,
            resale,
            exports,
            imports: 0.0,
            other_uses,
            state_stock_end: self.state_stock,
        };
        check_ledgers(month, &provinces, &national)?;
        self.month = month.next();
        Ok(MonthRecord {
            month,
            provinces,
            national,
        })
    }
}

fn fraction(available: f64, need: f64) -> f64 {
    if need <= 0.0 {
        1.0
    } else {
        (available / need).clamp(0.0, 1.0)
    }
}

/// Monthly ration need of a province's urban households; kg.
fn urban_need_kg(pr: &Province, sc: &Scenario) -> f64 {
    let hh = &pr.households;
    (0..hh.len())
        .filter(|&h| hh.team[h] == URBAN)
        .map(|h| food::monthly_need_kg(sc.params.food.urban_ration_kg, hh.adult_eq[h]))
        .sum()
}

/// Phase A of a province: harvest and procurement (only in harvest months) and the urban ration need.
fn harvest_and_procure(
    pr: &Province,
    sc: &Scenario,
    month: Month,
    share: Option<f64>,
    seed: u64,
) -> (HarvestReport, TeamGrain) {
    let p = &sc.params;
    let mut report = HarvestReport {
        urban_need: urban_need_kg(pr, sc),
        ..Default::default()
    };
    let n_teams = pr.teams.len();
    let mut grain = TeamGrain {
        retained: vec![0.0; n_teams],
        resale: vec![0.0; n_teams],
    };
    let Some(share) = share else {
        return (report, grain);
    };
    let year = month.year();
    let w = weather::yield_multiplier(&p.weather, sc.mechanisms.weather, &pr.name, year);
    let trend = agriculture::productivity_trend(&p.agriculture, year);
    let quota_share = procurement::quota_share(&p.food, pr.relative_productivity);
    let harvest_rng = Rng::new(seed, Stream::Harvest);
    let sd = p.agriculture.team_yield_noise_sd;
    let hh = &pr.households;
    let t = &pr.teams;
    for k in 0..n_teams {
        let first = t.first_household[k] as usize;
        let n = t.households[k] as usize;
        let mut labour = 0.0;
        let mut members = 0.0;
        for h in first..first + n {
            labour += hh.workers[h] as f64
                * agriculture::work_capacity(&p.agriculture, &p.demography, hh.kcal[h]);
            members += hh.size[h] as f64;
        }
        let u = harvest_rng.uniforms4(world::team_entity(pr.index, k as u32), month.0 as u32, 0);
        let z = (-2.0 * u[0].ln()).sqrt() * (std::f64::consts::TAU * u[1]).cos();
        let noise = (sd * z - 0.5 * sd * sd).exp();
        let normal = pr.productivity * t.land[k] as f64 * t.quality[k] as f64 * trend * share;
        let output = normal
            * w
            * agriculture::labour_factor(&p.agriculture, labour / t.base_workers[k] as f64)
            * noise;
        let sfw = output * p.agriculture.seed_feed_waste_share;
        let available = output - sfw;
        let floor = p.food.retention_floor_kg * members * share;
        let purchase =
            procurement::pre_1958_purchase(quota_share, normal, output, available, floor);
        grain.retained[k] = available - purchase.procured;
        grain.resale[k] = purchase.resale;
        report.output += output;
        report.seed_feed_waste += sfw;
        report.procured += purchase.procured;
        report.resale_requested += purchase.resale;
    }
    // Without the reporting mechanism, what the centre sees is the truth.
    report.reported_output = report.output;
    (report, grain)
}

/// Phase B, first half: teams distribute grain to households (basic ration per head plus work points),
/// households sell stock above their cap to the state, everyone eats.
fn distribute_and_eat(
    pr: &mut Province,
    sc: &Scenario,
    month: Month,
    grain: &TeamGrain,
    rep: &HarvestReport,
    urban_fraction: f64,
    resale_fraction: f64,
) -> ProvinceMonth {
    let p = &sc.params.food;
    let moy = month.month_of_year();
    let hh = &mut pr.households;
    let t = &pr.teams;
    let mut pm = ProvinceMonth::default();
    let stock_start: f64 = hh.stock.iter().sum();
    pm.people.start = hh.size.iter().map(|&s| s as u64).sum();
    pm.grain_output = rep.output;
    pm.grain_output_reported = rep.reported_output;
    pm.seed_feed_waste = rep.seed_feed_waste;
    pm.procured = rep.procured;
    // Distribution.
    let is_harvest = rep.output > 0.0;
    if is_harvest {
        let w = p.work_point_share;
        for k in 0..t.len() {
            let first = t.first_household[k] as usize;
            let n = t.households[k] as usize;
            let resale = grain.resale[k] * resale_fraction;
            pm.resale += resale;
            let total = grain.retained[k] + resale;
            let members: f64 = hh.size[first..first + n].iter().map(|&s| s as f64).sum();
            let workers: f64 = hh.workers[first..first + n].iter().map(|&s| s as f64).sum();
            if members <= 0.0 {
                // An emptied team: its grain goes to the state.
                pm.sold_to_state += total;
                continue;
            }
            for h in first..first + n {
                let by_head = hh.size[h] as f64 / members;
                let by_work = if workers > 0.0 {
                    hh.workers[h] as f64 / workers
                } else {
                    by_head
                };
                hh.stock[h] += total * ((1.0 - w) * by_head + w * by_work);
            }
        }
        // Stock above the cap is sold to the state after the harvest (over-quota purchase).
        for h in 0..hh.len() {
            if hh.team[h] != URBAN {
                let cap = food::monthly_need_kg(p.rural_desired_kg, hh.adult_eq[h])
                    * p.household_stock_cap_months;
                if hh.stock[h] > cap {
                    pm.sold_to_state += hh.stock[h] - cap;
                    hh.stock[h] = cap;
                }
            }
        }
    }
    // Consumption.
    for h in 0..hh.len() {
        let ae = hh.adult_eq[h];
        let members = hh.size[h] as f64;
        if hh.team[h] == URBAN {
            let ration = food::monthly_need_kg(p.urban_ration_kg, ae) * urban_fraction;
            pm.urban_rations += ration;
            pm.urban_eaten += ration;
            let kcal = food::kcal_per_day(p, ration, ae);
            hh.kcal[h] = kcal;
            pm.kcal_urban_sum += kcal as f64 * members;
            pm.urban_persons_start += members;
        } else {
            let eat = food::rural_consumption(p, hh.stock[h], ae, moy);
            hh.stock[h] -= eat;
            pm.rural_eaten += eat;
            let kcal = food::kcal_per_day(p, eat, ae);
            hh.kcal[h] = kcal;
            pm.kcal_rural_sum += kcal as f64 * members;
            pm.rural_persons_start += members;
        }
    }
    let stock_end: f64 = hh.stock.iter().sum();
    pm.rural_stock_end = stock_end;
    pm.grain = GrainLedger {
        stock_start,
        produced: rep.output,
        imported: pm.resale + pm.urban_rations,
        eaten: pm.rural_eaten + pm.urban_eaten,
        seed_feed_waste: rep.seed_feed_waste,
        exported: rep.procured + pm.sold_to_state,
        stock_end,
    };
    pm
}

fn check_ledgers(
    month: Month,
    provinces: &[ProvinceMonth],
    n: &NationalMonth,
) -> Result<(), LedgerError> {
    let names = leapsim_data::provinces();
    let mut national = PeopleLedger::default();
    for (pm, d) in provinces.iter().zip(names) {
        pm.people.check(month, &d.name)?;
        pm.grain.check(month, &d.name)?;
        national.add(&pm.people);
    }
    national.check(month, "national")?;
    let state = GrainLedger {
        stock_start: n.state_stock_start,
        produced: 0.0,
        imported: n.procured + n.imports,
        eaten: 0.0,
        seed_feed_waste: n.other_uses,
        exported: n.urban_rations + n.resale + n.exports,
        stock_end: n.state_stock_end,
    };
    state.check(month, "state granary")
}
