//! The simulation: building the world, the order of a month (written in one function, [`Simulation::step`]),
//! and the centre's granary. A run is a library call: build a [`Simulation`] from a scenario and options,
//! run it with an [`Observer`], get [`RunResults`] in memory. Files are one sink among others.

use crate::mechanisms::demography::{self, PassContext};
use crate::mechanisms::{agriculture, agronomy, food, politics, procurement, registration, reporting, trade, weather};
use crate::policy::{policy, Policy};
use crate::population::adult_eq_from_20;
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
        RunOptions { scale: 100, seed: 1, threads: 1, period: Period::default_run() }
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
pub const PHASES: [&str; 4] = ["harvest_procurement", "centre", "distribution_consumption", "demography_registration"];

/// What the centre knows and plans with: beliefs about harvests (from reports, corrected as slowly as
/// politics allows), the sown area it ordered, and the capacity of state industry.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    /// Belief about this year's harvest so far, per province; kg.
    pub belief_this_year: Vec<f64>,
    /// Belief about last year's harvest, per province; kg.
    pub belief_last_year: Vec<f64>,
    /// What really was harvested (the centre does not see it; beliefs move towards it), per province; kg.
    pub truth_this_year: Vec<f64>,
    pub truth_last_year: Vec<f64>,
    /// Normal output of this and last year (normal weather, 1955 labour), per province; kg.
    pub normal_this_year: Vec<f64>,
    pub normal_last_year: Vec<f64>,
    /// Share of the land sown this year (`agronomy`), decided at the last autumn sowing.
    pub sown_area_share: f64,
    pub sown_area_next_year: f64,
    /// Capacity of state steel industry relative to 1957 (`industry`).
    pub industry_capacity: f64,
}

impl Centre {
    fn new(n: usize) -> Centre {
        Centre {
            belief_this_year: vec![0.0; n],
            belief_last_year: vec![0.0; n],
            truth_this_year: vec![0.0; n],
            truth_last_year: vec![0.0; n],
            normal_this_year: vec![0.0; n],
            normal_last_year: vec![0.0; n],
            sown_area_share: 1.0,
            sown_area_next_year: 1.0,
            industry_capacity: 1.0,
        }
    }

    /// A new calendar year: this year's beliefs become last year's.
    fn new_year(&mut self) {
        std::mem::swap(&mut self.belief_last_year, &mut self.belief_this_year);
        std::mem::swap(&mut self.truth_last_year, &mut self.truth_this_year);
        std::mem::swap(&mut self.normal_last_year, &mut self.normal_this_year);
        for v in [&mut self.belief_this_year, &mut self.truth_this_year, &mut self.normal_this_year] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
        self.sown_area_share = self.sown_area_next_year;
    }
}

pub struct Simulation {
    pub scenario: Scenario,
    pub options: RunOptions,
    pub demo: Demographics,
    pub provinces: Vec<Province>,
    /// The state granary; kg (simulated units).
    pub state_stock: f64,
    pub centre: Centre,
    pub month: Month,
    pub(crate) pool: rayon::ThreadPool,
    pub phase_seconds: [f64; 4],
    pub build_seconds: f64,
}

/// What phase A of a province hands to the centre.
#[derive(Debug, Clone, Default)]
struct HarvestReport {
    output: f64,
    normal_output: f64,
    reported_output: f64,
    seed_feed_waste: f64,
    procured: f64,
    resale_requested: f64,
    urban_need: f64,
    rural_workers: f64,
    /// The province's political pressure this month.
    pressure: f64,
}

/// Per-province scratch kept between the two parallel phases of a month.
#[derive(Debug, Clone, Default)]
struct TeamGrain {
    /// Grain each team distributes this month (after procurement), kg.
    retained: Vec<f64>,
    /// Resale each team asked for (in harvest months) or relief (in the months after), kg.
    resale: Vec<f64>,
    /// Harvest months: the need each team had that the centre withheld, and the share it admitted.
    withheld: Option<(Vec<f64>, f64)>,
    /// Relief months: the share of the withheld need now admitted, and the new admitted share.
    relief: Option<(f64, f64)>,
}

impl Simulation {
    pub fn new(scenario: Scenario, options: RunOptions) -> Result<Simulation, SimError> {
        if options.scale == 0 {
            return Err(SimError::Options("scale must be at least 1".into()));
        }
        if options.period.last < options.period.first {
            return Err(SimError::Options("the period ends before it starts".into()));
        }
        let pool = thread_pool(options.threads)?;
        let t0 = Instant::now();
        let demo = Demographics::new(&scenario.params);
        let data = leapsim_data::provinces();
        let start = options.period.first;
        let mut provinces: Vec<Province> = pool.install(|| {
            data.par_iter()
                .enumerate()
                .map(|(i, d)| world::build_province(i, d, &scenario.params, &demo, options.scale, options.seed, start))
                .collect()
        });
        world::set_relative_productivity(&mut provinces);
        let urban_need: f64 = provinces.iter().map(|p| urban_need_kg(p, &scenario, 1.0)).sum();
        let f = &scenario.params.food;
        let other = (f.state_other_uses_mt * 1e9 / 12.0 + trade::planned_monthly_net_exports_t(f) * 1000.0)
            / options.scale as f64;
        let state_stock = (urban_need + other) * f.initial_state_stock_months;
        let centre = Centre::new(provinces.len());
        Ok(Simulation {
            scenario,
            options,
            demo,
            provinces,
            state_stock,
            centre,
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
            .map(|p| p.persons.flags.iter().filter(|&&f| f & crate::population::flag::ALIVE != 0).count() as u64)
            .sum()
    }

    /// Bytes of heap held by the population state.
    pub fn state_bytes(&self) -> usize {
        self.provinces.iter().map(|p| p.persons.heap_bytes() + p.households.heap_bytes() + p.teams.heap_bytes()).sum()
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
        let scale = self.options.scale as f64;

        // 0. Housekeeping: the centre's year turns. (The person columns are compacted in each province's pass
        //    below, in `COMPACTION_MONTH`.)
        if moy == 1 && month != self.options.period.first {
            self.centre.new_year();
        }

        // 1. politics: the levers in force this month and each province's pressure.
        let pol = policy(sc, month);
        let pressures: Vec<f64> = self
            .provinces
            .iter()
            .map(|pr| politics::provincial_pressure(&p.politics, pol.pressure, pr.participation))
            .collect();

        // 2. weather → agriculture → reporting → procurement (harvest months): teams harvest, report upward,
        //    and hand over their quota; teams below the floor ask for resale where resale exists.
        let t = Instant::now();
        let harvest_share = agriculture::harvest_share(&p.agriculture, moy);
        let centre = &self.centre;
        let (reports, mut scratch): (Vec<HarvestReport>, Vec<TeamGrain>) = self.pool.install(|| {
            self.provinces
                .par_iter()
                .zip(pressures.par_iter())
                .map(|(pr, &pressure)| {
                    let ctx = HarvestContext {
                        month,
                        share: harvest_share,
                        seed,
                        policy: &pol,
                        pressure,
                        belief_last_year: centre.belief_last_year[pr.index],
                        sown_area_share: centre.sown_area_share,
                    };
                    harvest_and_procure(pr, sc, &ctx)
                })
                .unzip()
        });
        self.phase_seconds[0] += t.elapsed().as_secs_f64();

        // 3. The centre: beliefs from reports (corrected as slowly as politics allows), the sown area for next
        //    year, then the granary: it receives procurement and imports and pays out in order of priority —
        //    protected urban rations, resale, exports, other state uses above a reserve.
        let t = Instant::now();
        for (i, r) in reports.iter().enumerate() {
            let c = &mut self.centre;
            c.belief_this_year[i] += r.reported_output;
            c.truth_this_year[i] += r.output;
            c.normal_this_year[i] += r.normal_output;
            let on = sc.mechanisms.reporting;
            c.belief_this_year[i] =
                reporting::learn(&p.reporting, on, c.belief_this_year[i], c.truth_this_year[i], pressures[i]);
            c.belief_last_year[i] =
                reporting::learn(&p.reporting, on, c.belief_last_year[i], c.truth_last_year[i], pressures[i]);
        }
        if moy == 10 {
            let belief: f64 = self.centre.belief_this_year.iter().sum();
            let normal: f64 = self.centre.normal_this_year.iter().sum();
            if sc.mechanisms.agronomy {
                let wanted = if pol.pressure > 0.0 {
                    agronomy::wanted_sown_area_share(&p.agronomy, belief, normal)
                } else {
                    1.0
                };
                let this_year = self.centre.sown_area_next_year;
                self.centre.sown_area_next_year = agronomy::next_sown_area_share(&p.agronomy, this_year, wanted);
            }
        }
        let stock_start = self.state_stock;
        let procured: f64 = reports.iter().map(|r| r.procured).sum();
        let imports = pol.imports_t * 1000.0 / scale;
        let mut available = stock_start + procured + imports;
        let urban_need: f64 = reports.iter().map(|r| r.urban_need).sum();
        let resale_requested: f64 = reports.iter().map(|r| r.resale_requested).sum();
        let urban_fraction = fraction(available, urban_need);
        available -= urban_need * urban_fraction;
        let resale_fraction = fraction(available, resale_requested);
        available -= resale_requested * resale_fraction;
        let exports_planned = if pol.exports_stopped {
            0.0
        } else if pol.leap_exports {
            let belief: f64 = self.centre.belief_last_year.iter().sum();
            let truth: f64 = self.centre.truth_last_year.iter().sum();
            let ratio = if truth > 0.0 { belief / truth } else { 1.0 };
            trade::leap_monthly_exports_t(&p.food, &p.trade, ratio)
        } else {
            trade::planned_monthly_net_exports_t(&p.food)
        } * 1000.0
            / scale;
        let exports = exports_planned.min(available.max(0.0));
        available -= exports;
        let other_planned = p.food.state_other_uses_mt * 1e9 / 12.0 / scale;
        // Other uses flex: they are paid only from stock above a reserve of urban rations, so the
        // protected rations last until the next harvest.
        let reserve = urban_need * p.food.state_reserve_months;
        // Stock above a ceiling is released too (to industry, the army and feed): the granary is a buffer, not a
        // sink.
        let ceiling = urban_need * p.food.state_ceiling_months;
        let other_uses =
            other_planned.min((available - reserve).max(0.0)) + (available - other_planned - ceiling).max(0.0);
        available -= other_uses;
        // industry: state steel, and the backyard furnaces' iron.
        let (steel_usable, steel_reported) = industry_month(sc, &mut self.centre, month, scale, &pol, &reports);
        self.phase_seconds[1] += t.elapsed().as_secs_f64();

        // 4. Distribution and consumption, then 5. demography and registration, province by province.
        let t = Instant::now();
        let hazard = self.demo.monthly_hazard(p, month, pol.health_factor);
        let demo = &self.demo;
        let years_since_1955 = month.0.saturating_sub(Month::from_ym(1955, 1).expect("valid").0) as f64 / 12.0;
        let trend_factor = (p.demography.fertility_trend * years_since_1955).exp();
        let cx = PassContext {
            params: p,
            demo,
            month,
            hazard: &hazard,
            seed,
            want_age_structure: moy == 6,
            famine_response: sc.mechanisms.demography,
            migration_multiplier: pol.migration_multiplier,
            separation_factor: pol.conception_factor,
            trend_factor,
            return_rate: pol.return_rate,
        };
        let normal_cdr = p.demography.cdr_1955_true * demography::mortality_trend(&p.demography, years_since_1955);
        let beliefs = &self.centre.belief_this_year;
        let results: Vec<(ProvinceMonth, f64, f64)> = self.pool.install(|| {
            self.provinces
                .par_iter_mut()
                .zip(scratch.par_iter_mut())
                .zip(reports.par_iter())
                .map(|((pr, grain), rep)| {
                    let t0 = Instant::now();
                    let mut pm = distribute_and_eat(pr, sc, month, &pol, grain, rep, urban_fraction, resale_fraction);
                    pm.belief_end = beliefs[pr.index];
                    let t1 = Instant::now();
                    if moy == COMPACTION_MONTH {
                        pr.persons.compact_by_household(pr.households.len());
                    }
                    let counts = demography::persons_pass(pr, &cx);
                    let start_pop = pm.people.start;
                    let reg_rng = Rng::new(seed, Stream::Registration);
                    let cdr = if start_pop > 0 { counts.deaths as f64 / start_pop as f64 * 12_000.0 } else { 0.0 };
                    let hiding =
                        if sc.mechanisms.politics { p.registration.pressure_hiding * rep.pressure } else { 0.0 };
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
                        hiding,
                    );
                    pm.fill_demography(counts, rb, rd);
                    (pm, (t1 - t0).as_secs_f64(), t1.elapsed().as_secs_f64())
                })
                .collect()
        });
        let wall = t.elapsed().as_secs_f64();
        let (busy_a, busy_b): (f64, f64) = results.iter().fold((0.0, 0.0), |acc, r| (acc.0 + r.1, acc.1 + r.2));
        let share_a = if busy_a + busy_b > 0.0 { busy_a / (busy_a + busy_b) } else { 0.5 };
        self.phase_seconds[2] += wall * share_a;
        self.phase_seconds[3] += wall * (1.0 - share_a);
        let provinces: Vec<ProvinceMonth> = results.into_iter().map(|r| r.0).collect();

        // 6. Over-quota sales after the harvest reach the granary; the ledgers must balance.
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
            imports,
            other_uses,
            state_stock_end: self.state_stock,
            pressure: pol.pressure,
            steel_usable_t: steel_usable,
            steel_reported_t: steel_reported,
            sown_area_share: self.centre.sown_area_share,
        };
        check_ledgers(month, &provinces, &national)?;
        self.month = month.next();
        Ok(MonthRecord { month, provinces, national })
    }
}

/// Month of the year (1–12) whose pass over persons starts by compacting the person columns (tombstones
/// dropped, the living sorted by household; `Persons::compact_by_household`). Once a year: a year's births are
/// ≈ 3% of the rows and its deaths ≈ 2%, so the rows stay nearly in household order for a cost of about one
/// monthly pass a year. January, because the year turns then anyway (the centre's new year), and because the
/// fertility draws take one Philox block per row for four months from January (`month_key / 4`), so a block
/// never straddles a compaction. Inside each province's step, in parallel: at most one province per thread is
/// compacted at a time, which bounds the extra memory (≈ 9 bytes a row of those provinces).
pub const COMPACTION_MONTH: u32 = 1;

/// `industry` and `backyard_steel` for one month: (usable, reported) steel in tonnes (real units).
fn industry_month(
    sc: &Scenario,
    centre: &mut Centre,
    month: Month,
    scale: f64,
    pol: &Policy,
    reports: &[HarvestReport],
) -> (f64, f64) {
    let ind = &sc.params.industry;
    let tl = &sc.params.timeline;
    let growth = if sc.mechanisms.industry {
        ind.normal_growth + (ind.leap_growth - ind.normal_growth) * pol.pressure.min(1.0)
    } else {
        ind.normal_growth
    };
    // Capacity grows from 1958 (the 1957 course plans growth too); the Soviet experts leave in 1960.
    if month >= Month::from_ym(1958, 1).expect("valid") {
        centre.industry_capacity *= (1.0 + growth).powf(1.0 / 12.0);
    }
    if sc.mechanisms.industry && month == tl.soviet_withdrawal {
        centre.industry_capacity *= 1.0 - ind.soviet_loss;
    }
    let utilisation = 1.0 - (1.0 - ind.retreat_utilisation) * pol.industry_retreat;
    let base = if month < Month::from_ym(1958, 1).expect("valid") {
        crate::results::baseline_steel_mt(month.year())
    } else {
        ind.steel_1957_mt * centre.industry_capacity * utilisation
    };
    let usable = base * 1e6 / 12.0;
    let workers: f64 = reports.iter().map(|r| r.rural_workers).sum::<f64>() * scale;
    let iron = workers * pol.steel_campaign_share * sc.params.backyard_steel.iron_per_worker_month_t;
    (usable + iron * sc.params.backyard_steel.usable_share, usable + iron)
}

fn fraction(available: f64, need: f64) -> f64 {
    if need <= 0.0 {
        1.0
    } else {
        (available / need).clamp(0.0, 1.0)
    }
}

/// The worker threads of a simulation (results do not depend on their number).
pub(crate) fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, SimError> {
    rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().map_err(|e| SimError::Threads(e.to_string()))
}

/// Monthly ration need of a province's urban households at `ration_factor` of the standard ration; kg.
fn urban_need_kg(pr: &Province, sc: &Scenario, ration_factor: f64) -> f64 {
    let hh = &pr.households;
    // Urban households are those before `rural_first` and from `rural_end` on (row order kept).
    let (first, end) = (hh.rural_first as usize, hh.rural_end as usize);
    let kg = sc.params.food.urban_ration_kg * ration_factor;
    (0..first).chain(end..hh.len()).map(|h| food::monthly_need_kg(kg, hh.adult_eq(h))).sum()
}

/// What phase A of a province needs from outside it.
struct HarvestContext<'a> {
    month: Month,
    share: Option<f64>,
    seed: u64,
    policy: &'a Policy,
    pressure: f64,
    belief_last_year: f64,
    sown_area_share: f64,
}

/// Phase A of a province: harvest, reports and procurement (only in harvest months) and the urban ration need.
fn harvest_and_procure(pr: &Province, sc: &Scenario, cx: &HarvestContext<'_>) -> (HarvestReport, TeamGrain) {
    let p = &sc.params;
    let pol = cx.policy;
    let hh = &pr.households;
    let t = &pr.teams;
    let mut report = HarvestReport {
        urban_need: urban_need_kg(pr, sc, cx.policy.urban_ration_factor),
        pressure: cx.pressure,
        ..Default::default()
    };
    // An integer sum (as the f64 sum of the counts was exact in any order).
    report.rural_workers =
        hh.workers[hh.rural_first as usize..hh.rural_end as usize].iter().map(|&w| w as u64).sum::<u64>() as f64;
    let n_teams = t.len();
    let mut grain =
        TeamGrain { retained: vec![0.0; n_teams], resale: vec![0.0; n_teams], withheld: None, relief: None };
    let Some(share) = cx.share else {
        // Relief: as the pressure falls after a harvest, the centre admits more of the need it withheld from
        // deficit teams, for the months left until the next harvest (spring 1959 after the first cooling; the
        // winter of 1960–61 after the Twelve Articles).
        let admitted = procurement::resale_admitted(&p.procurement, cx.pressure);
        if pr.relief_admitted < 1.0 && admitted > pr.relief_admitted {
            let gain = (admitted - pr.relief_admitted) / (1.0 - pr.relief_admitted);
            let left = procurement::season_left(cx.month.month_of_year());
            for k in 0..n_teams {
                grain.resale[k] = t.withheld[k] * gain * left;
            }
            report.resale_requested = grain.resale.iter().sum();
            grain.relief = Some((gain, admitted));
        }
        return (report, grain);
    };
    let month = cx.month;
    let year = month.year();
    let w = weather::yield_multiplier(&p.weather, sc.mechanisms.weather, &pr.name, year);
    let trend = agriculture::productivity_trend(&p.agriculture, year);
    // Yield multipliers of the Leap's institutions and directives.
    let area = cx.sown_area_share.powf(p.agronomy.output_area_elasticity);
    let capital = if sc.mechanisms.agriculture { pr.capital.powf(p.agriculture.capital_elasticity) } else { 1.0 };
    let directives = capital
        * pol.irrigation_factor
        * pol.effort_factor
        * pol.tool_factor
        * pol.pests_factor
        * pol.farm_input_factor
        * (1.0 - pol.close_planting_loss * cx.pressure).max(0.0)
        * area;
    let harvested = 1.0 - pol.unharvested;
    let labour_left = 1.0 - pol.labour_diverted;
    let agri = sc.mechanisms.agriculture;
    let rate_cut = 1.0 - pol.procurement_cut;
    let quota_share = procurement::quota_share(&p.food, pr.relative_productivity) * rate_cut;
    // Under the Leap the province's quota comes from the centre's expectation: last year's believed harvest
    // plus the plan's growth, progressive in expected output per head, and blind to this harvest.
    let province_normal: f64 =
        (0..n_teams).map(|k| pr.productivity * t.land[k] as f64 * t.quality[k] as f64).sum::<f64>() * trend * share;
    let leap_quota = if pol.leap_procurement {
        let expected = cx.belief_last_year * (1.0 + p.procurement.plan_growth * cx.pressure) * share;
        let rate = p.procurement.rate * (1.0 + p.food.procurement_progressivity * (pr.relative_productivity - 1.0));
        Some(rate.clamp(0.02, 0.8) * expected)
    } else {
        None
    };
    let squeezed_floor_share = (1.0 - p.procurement.floor_squeeze * cx.pressure).max(0.0);
    let harvest_rng = Rng::new(cx.seed, Stream::Harvest);
    let sd = p.agriculture.team_yield_noise_sd;
    let report_factor = reporting::report_factor(&p.reporting, sc.mechanisms.reporting, cx.pressure);
    // Resale reaches deficit teams only as far as the centre admits the need: least at the peak of the pressure
    // (it believes in a surplus). The rest is withheld, to be admitted later if the pressure falls.
    let admitted = if leap_quota.is_some() { procurement::resale_admitted(&p.procurement, cx.pressure) } else { 1.0 };
    let mut withheld = vec![0.0; n_teams];
    for k in 0..n_teams {
        let first = t.first_household[k] as usize;
        let n = t.households[k] as usize;
        let mut labour = 0.0;
        let mut members = 0.0;
        for h in first..first + n {
            let capacity =
                if agri { agriculture::work_capacity(&p.agriculture, &p.demography, hh.kcal[h]) } else { 1.0 };
            labour += hh.workers[h] as f64 * capacity;
            members += hh.size[h] as f64;
        }
        let u = harvest_rng.uniforms4(world::team_entity(pr.index, k as u32), month.0 as u32, 0);
        let z = (-2.0 * u[0].ln()).sqrt() * (std::f64::consts::TAU * u[1]).cos();
        let noise = (sd * z - 0.5 * sd * sd).exp();
        let normal = pr.productivity * t.land[k] as f64 * t.quality[k] as f64 * trend * share;
        let labour_factor = if agri {
            agriculture::labour_factor(&p.agriculture, labour * labour_left / t.base_workers[k] as f64)
        } else {
            1.0
        };
        let output = normal * w * labour_factor * noise * directives * harvested;
        let sfw = output * p.agriculture.seed_feed_waste_share;
        let available = output - sfw;
        let floor = p.food.retention_floor_kg * members * share;
        let (procured, resale) = match leap_quota {
            Some(q) => {
                let team_quota = if province_normal > 0.0 { q * normal / province_normal } else { 0.0 };
                let delivered = procurement::leap_delivery(team_quota, available, floor * squeezed_floor_share);
                // Cash-crop teams keep their fixed sales.
                let need = (floor - (available - delivered)).max(0.0);
                let admitted = if normal > 0.0 { admitted } else { 1.0 };
                withheld[k] = need * (1.0 - admitted);
                (delivered, need * admitted)
            }
            None => {
                let purchase = procurement::pre_1958_purchase(quota_share, normal, output, available, floor);
                (purchase.procured, purchase.resale)
            }
        };
        grain.retained[k] = available - procured;
        grain.resale[k] = resale;
        report.output += output;
        report.normal_output += normal;
        report.seed_feed_waste += sfw;
        report.procured += procured;
        report.resale_requested += resale;
    }
    report.reported_output = report.output * report_factor;
    grain.withheld = Some((withheld, admitted));
    (report, grain)
}

/// Phase B, first half: teams distribute grain to households (basic ration per head plus work points) or
/// to their mess hall, households sell stock above their cap to the state, everyone eats.
#[allow(clippy::too_many_arguments)]
fn distribute_and_eat(
    pr: &mut Province,
    sc: &Scenario,
    month: Month,
    pol: &Policy,
    grain: &TeamGrain,
    rep: &HarvestReport,
    urban_fraction: f64,
    resale_fraction: f64,
) -> ProvinceMonth {
    let p = &sc.params.food;
    let mh = &sc.params.mess_halls;
    let moy = month.month_of_year();
    let hh = &mut pr.households;
    let t = &mut pr.teams;
    let mut pm = ProvinceMonth::default();
    // A harvest month even where nothing grew: at coarse scales a province may have only cash-crop teams, which
    // produce no grain but are owed their resale.
    let is_harvest = agriculture::harvest_share(&sc.params.agriculture, moy).is_some();
    // The households' stocks at the start are summed in the pass over households below, unless something
    // changes them before it (mess halls opening or closing, a distribution).
    let stocks_touched = pol.mess_halls_opening || pol.mess_halls_closing || is_harvest || grain.relief.is_some();
    let hh_stock_start: Option<f64> = stocks_touched.then(|| hh.stock.iter().map(|&s| s as f64).sum::<f64>());
    let team_stock_start: f64 = t.stock.iter().sum::<f64>();
    pm.grain_output = rep.output;
    pm.grain_output_reported = rep.reported_output;
    pm.seed_feed_waste = rep.seed_feed_waste;
    pm.procured = rep.procured;
    // mess_halls: opening pools the households' grain in the hall; closing returns the hall's grain.
    if pol.mess_halls_opening || pol.mess_halls_closing {
        for k in 0..t.len() {
            if !t.mess_hall[k] {
                continue;
            }
            let first = t.first_household[k] as usize;
            let n = t.households[k] as usize;
            if pol.mess_halls_opening {
                for h in first..first + n {
                    t.stock[k] += hh.stock[h] as f64;
                    hh.stock[h] = 0.0;
                }
            } else {
                let members: f64 = hh.size[first..first + n].iter().map(|&s| s as f64).sum();
                if members > 0.0 {
                    for h in first..first + n {
                        hh.stock[h] = (hh.stock[h] as f64 + t.stock[k] * hh.size[h] as f64 / members) as f32;
                    }
                    t.stock[k] = 0.0;
                }
            }
        }
    }
    // Distribution.
    if let Some((withheld, admitted)) = &grain.withheld {
        t.withheld.copy_from_slice(withheld);
        pr.relief_admitted = *admitted;
    }
    if let Some((gain, admitted)) = grain.relief {
        for w in t.withheld.iter_mut() {
            *w *= 1.0 - gain;
        }
        pr.relief_admitted = admitted;
    }
    if is_harvest || grain.relief.is_some() {
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
            if pol.mess_halls_open && t.mess_hall[k] {
                t.stock[k] += total;
                continue;
            }
            for h in first..first + n {
                let by_head = hh.size[h] as f64 / members;
                let by_work = if workers > 0.0 { hh.workers[h] as f64 / workers } else { by_head };
                hh.stock[h] = (hh.stock[h] as f64 + total * ((1.0 - w) * by_head + w * by_work)) as f32;
            }
        }
    }
    if is_harvest {
        // Stock above the cap is sold to the state after the harvest (over-quota purchase) — under the 1957
        // rules; under the Leap's quotas there is no such surplus left to sell.
        for h in 0..hh.len() {
            if !hh.is_urban(h) {
                let cap = food::monthly_need_kg(p.rural_desired_kg, hh.adult_eq(h)) * p.household_stock_cap_months;
                if hh.stock[h] as f64 > cap {
                    // The ledger counts what really left the f32 stock.
                    let kept = cap as f32;
                    pm.sold_to_state += hh.stock[h] as f64 - kept as f64;
                    hh.stock[h] = kept;
                }
            }
        }
    }
    let non_grain = if pol.private_plots_abolished {
        p.non_grain_kcal * (1.0 - sc.params.communes.private_plot_food_share)
    } else {
        p.non_grain_kcal
    };
    let kcal = |kg: f64, ae: f32, non_grain: f64| -> f32 {
        if ae <= 0.0 {
            non_grain as f32
        } else {
            (kg * p.kcal_per_kg / (30.4375 * ae as f64) + non_grain) as f32
        }
    };
    // Consumption in mess halls: free eating, then rationing of what is left; cadres' households eat more.
    let mut in_hall = vec![false; 0];
    if pol.mess_halls_open {
        in_hall = vec![false; hh.len()];
        for k in 0..t.len() {
            if !t.mess_hall[k] {
                continue;
            }
            let first = t.first_household[k] as usize;
            let n = t.households[k] as usize;
            let ae: f64 = hh.adult_eq_20[first..first + n].iter().map(|&a| a as u64).sum::<u64>() as f64 / 20.0;
            let need = food::monthly_need_kg(p.rural_desired_kg, ae as f32);
            let used = if pol.free_eating {
                (need * mh.free_eating_factor).min(t.stock[k])
            } else {
                need.min(t.stock[k] / food::months_until_autumn_harvest(moy))
            }
            .max(0.0);
            t.stock[k] -= used;
            let waste = used * mh.waste_share;
            pm.mess_waste += waste;
            let food_kg = used - waste;
            // The cadre's household is the team's first.
            let weights: f64 = (first..first + n)
                .map(|h| hh.adult_eq(h) as f64 * if h == first { 1.0 + mh.cadre_premium } else { 1.0 })
                .sum();
            for h in first..first + n {
                in_hall[h] = true;
                let wgt = hh.adult_eq(h) as f64 * if h == first { 1.0 + mh.cadre_premium } else { 1.0 };
                let eat = if weights > 0.0 { food_kg * wgt / weights } else { 0.0 };
                pm.rural_eaten += eat;
                let k_h = kcal(eat, hh.adult_eq(h), non_grain);
                hh.kcal[h] = k_h;
                hh.depletion[h] = demography::update_depletion(&sc.params.demography, hh.depletion[h], k_h);
                pm.kcal_rural_sum += k_h as f64 * hh.adult_eq(h) as f64;
                pm.rural_persons_start += hh.size[h] as f64;
            }
        }
    }
    // Consumption at home, in one pass over the household columns that also takes the month's sums over
    // households (persons and stocks at the start, the rural energy deficit for farm capital, stocks at the
    // end): the separate loops each paid a serial chain of f64 additions and a read of the columns. Every sum
    // keeps its type and its order (households in row order, as `Iterator::sum`, which starts from -0.0);
    // households are urban before `rural_first` and from `rural_end` on.
    let dp = &sc.params.demography;
    let halls = !in_hall.is_empty();
    let (rural_first, rural_end) = (hh.rural_first as usize, hh.rural_end as usize);
    let mut people_start = 0u64;
    let (mut start_sum, mut end_sum) = (-0.0f64, -0.0f64);
    let (mut deficit, mut deficit_members) = (0.0f64, 0.0f64);
    let (mut rural_eaten, mut kcal_rural_sum, mut rural_persons) =
        (pm.rural_eaten, pm.kcal_rural_sum, pm.rural_persons_start);
    let (mut urban_rations, mut urban_eaten, mut kcal_urban_sum, mut urban_persons) =
        (pm.urban_rations, pm.urban_eaten, pm.kcal_urban_sum, pm.urban_persons_start);
    let segments = [(0..rural_first, false), (rural_first..rural_end, true), (rural_end..hh.len(), false)];
    for (range, rural) in segments {
        if !rural {
            for h in range {
                let stock = hh.stock[h] as f64;
                start_sum += stock;
                people_start += hh.size[h] as u64;
                let ae = hh.adult_eq(h);
                let ration = food::monthly_need_kg(p.urban_ration_kg * pol.urban_ration_factor, ae) * urban_fraction;
                urban_rations += ration;
                urban_eaten += ration;
                let k_h = kcal(ration, ae, p.non_grain_kcal);
                hh.kcal[h] = k_h;
                hh.depletion[h] = demography::update_depletion(dp, hh.depletion[h], k_h);
                kcal_urban_sum += k_h as f64 * ae as f64;
                urban_persons += hh.size[h] as f64;
                end_sum += stock;
            }
            continue;
        }
        if !halls {
            // Households in blocks: first what each eats and its kcal, deficit and depletion, a loop without
            // dependencies between households (their four divisions overlap, and the compiler may vectorise
            // it); then the sums, in row order.
            const BLOCK: usize = 64;
            let mut h0 = range.start;
            while h0 < range.end {
                let n = BLOCK.min(range.end - h0);
                let mut eat_b = [0.0f64; BLOCK];
                let mut deficit_b = [0.0f64; BLOCK];
                let mut before_b = [0.0f32; BLOCK];
                let stock = &mut hh.stock[h0..h0 + n];
                let kcal_h = &mut hh.kcal[h0..h0 + n];
                let depletion = &mut hh.depletion[h0..h0 + n];
                let ae_20 = &hh.adult_eq_20[h0..h0 + n];
                for i in 0..n {
                    let before = stock[i];
                    before_b[i] = before;
                    let ae = adult_eq_from_20(ae_20[i]);
                    let after = (before as f64 - food::rural_consumption(p, before as f64, ae, moy)) as f32;
                    stock[i] = after;
                    // What was eaten is what left the f32 stock (the ledger balances exactly).
                    let eat = before as f64 - after as f64;
                    eat_b[i] = eat;
                    let k_h = kcal(eat, ae, non_grain);
                    kcal_h[i] = k_h;
                    let d = demography::energy_deficit(dp, k_h);
                    deficit_b[i] = d;
                    depletion[i] = demography::update_depletion_by_deficit(dp, depletion[i], d);
                }
                let size = &hh.size[h0..h0 + n];
                for i in 0..n {
                    let ae = adult_eq_from_20(ae_20[i]);
                    let members = size[i] as f64;
                    start_sum += before_b[i] as f64;
                    people_start += size[i] as u64;
                    rural_eaten += eat_b[i];
                    kcal_rural_sum += kcal_h[i] as f64 * ae as f64;
                    rural_persons += members;
                    deficit += deficit_b[i] * members;
                    deficit_members += members;
                    end_sum += stock[i] as f64;
                }
                h0 += n;
            }
            continue;
        }
        for h in range {
            let before = hh.stock[h];
            start_sum += before as f64;
            people_start += hh.size[h] as u64;
            let members = hh.size[h] as f64;
            if in_hall[h] {
                deficit += demography::energy_deficit(dp, hh.kcal[h]) * members;
                deficit_members += members;
                end_sum += before as f64;
                continue;
            }
            let ae = hh.adult_eq(h);
            let after = (before as f64 - food::rural_consumption(p, before as f64, ae, moy)) as f32;
            hh.stock[h] = after;
            // What was eaten is what left the f32 stock (the ledger balances exactly).
            let eat = before as f64 - after as f64;
            rural_eaten += eat;
            let k_h = kcal(eat, ae, non_grain);
            hh.kcal[h] = k_h;
            let d = demography::energy_deficit(dp, k_h);
            hh.depletion[h] = demography::update_depletion_by_deficit(dp, hh.depletion[h], d);
            kcal_rural_sum += k_h as f64 * ae as f64;
            rural_persons += members;
            deficit += d * members;
            deficit_members += members;
            end_sum += after as f64;
        }
    }
    pm.rural_eaten = rural_eaten;
    pm.kcal_rural_sum = kcal_rural_sum;
    pm.rural_persons_start = rural_persons;
    pm.urban_rations = urban_rations;
    pm.urban_eaten = urban_eaten;
    pm.kcal_urban_sum = kcal_urban_sum;
    pm.urban_persons_start = urban_persons;
    pm.people.start = people_start;
    // agriculture: farm capital runs down with rural hunger and is rebuilt slowly.
    if sc.mechanisms.agriculture {
        let a = &sc.params.agriculture;
        let mean_deficit = if deficit_members > 0.0 { deficit / deficit_members } else { 0.0 };
        pr.capital = (pr.capital - a.capital_loss_per_deficit * mean_deficit
            + a.capital_recovery_rate / 12.0 * (1.0 - pr.capital))
            .clamp(0.05, 1.0);
    }
    let stock_start = hh_stock_start.unwrap_or(start_sum) + team_stock_start;
    let stock_end: f64 = end_sum + t.stock.iter().sum::<f64>();
    pm.rural_stock_end = stock_end;
    pm.grain = GrainLedger {
        stock_start,
        produced: rep.output,
        imported: pm.resale + pm.urban_rations,
        eaten: pm.rural_eaten + pm.urban_eaten,
        seed_feed_waste: rep.seed_feed_waste + pm.mess_waste,
        exported: rep.procured + pm.sold_to_state,
        stock_end,
    };
    pm
}

fn check_ledgers(month: Month, provinces: &[ProvinceMonth], n: &NationalMonth) -> Result<(), LedgerError> {
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
