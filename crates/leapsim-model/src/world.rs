//! The synthetic China of January 1955, built from the data of `data/` (see ARCHITECTURE.md, "The
//! synthetic population"):
//!
//! * Provinces in 1958 boundaries with their end-1954 populations; urban and rural by the 1955 urban share.
//! * Households with sizes drawn from an assumed 1950s distribution (mean 4.6), each headed by an adult.
//! * Ages and sexes from the stable population implied by the model's own 1955 hazards and Banister's 1955
//!   growth rate (CBR 43.0 − CDR 22.3 = 20.7‰): heads from its adult part, other members from the
//!   remainder, so that the population as a whole follows the stable distribution in expectation.
//! * Rural households grouped into production teams of 25 households and communes of 180 teams (1958:
//!   ≈ 26,000 communes for ≈ 120 M rural households).
//! * Land and productivity per province fixed so that normal output equals the mean 1955–57 output.

use crate::mechanisms::demography;
use crate::params::Params;
use crate::population::{flag, Households, Persons, Teams, URBAN};
use leapsim_core::rng::{to_unit, Rng};
use leapsim_core::{Month, Stream};

/// Households per production team (1950s teams: 20–30 households).
pub const HOUSEHOLDS_PER_TEAM: usize = 25;
/// Teams per commune (≈ 26,000 communes in 1958 for ≈ 120 M rural households).
pub const TEAMS_PER_COMMUNE: usize = 180;

/// Household size distribution, sizes 1..=10 (assumption: 1950s rural surveys give means of 4.5–4.8;
/// the 1953 census mean, urban included, was 4.3). Mean 4.59.
pub const HOUSEHOLD_SIZE_SHARES: [f64; 10] = [0.07, 0.12, 0.16, 0.17, 0.16, 0.12, 0.09, 0.05, 0.03, 0.03];

/// Entity key of a person: province in the high word, local id in the low word. The id is the person's
/// creation number (`Province::next_id`) for draws made once in a life, its row for draws made in a given month
/// (rows are unique within a month but reused across the yearly compaction; see `population::Persons`).
#[inline]
pub fn person_entity(province: usize, id: u32) -> u64 {
    ((province as u64) << 32) | id as u64
}

/// Entity key of a household-level draw.
#[inline]
pub fn household_entity(province: usize, household: u32) -> u64 {
    (1u64 << 48) | ((province as u64) << 32) | household as u64
}

/// Entity key of a team-level draw.
#[inline]
pub fn team_entity(province: usize, team: u32) -> u64 {
    (2u64 << 48) | ((province as u64) << 32) | team as u64
}

/// Entity key of a province-level draw.
#[inline]
pub fn province_entity(province: usize) -> u64 {
    (3u64 << 48) | province as u64
}

/// Quantities derived once from the parameters and the initial population, shared by all provinces.
#[derive(Debug, Clone)]
pub struct Demographics {
    /// Yearly baseline hazard by sex and age at level 1.
    pub hazard: [[f64; demography::MAX_AGE + 1]; 2],
    /// Level that gives the 1955 population its true CDR.
    pub level_1955: f64,
    /// Monthly conception probability by single year of age (eligible women, fed).
    pub conception: [f64; demography::MAX_AGE + 1],
    /// Yearly fertility rates by single year of age.
    pub asfr: [f64; demography::MAX_AGE + 1],
    /// Stable age-sex distribution used to draw the initial population.
    pub stable: [[f64; demography::MAX_AGE + 1]; 2],
}

impl Demographics {
    pub fn new(p: &Params) -> Demographics {
        let d = &p.demography;
        let hazard = demography::base_hazard_table(d);
        let r = (d.cbr_1955_true - d.cdr_1955_true) / 1000.0;
        let level_1955 = demography::solve_mortality_level(&hazard, d.cdr_1955_true / 1000.0, r, d.sex_ratio_at_birth);
        let stable = demography::stable_population(&hazard, level_1955, r, d.sex_ratio_at_birth);
        // Fertility level: births per person-year in the stable population equal the 1955 CBR.
        let births_per_unit: f64 = (0..=demography::MAX_AGE).map(|a| stable[1][a] * demography::asfr_shape(a)).sum();
        let k = d.cbr_1955_true / 1000.0 / births_per_unit;
        let mut asfr = [0.0; demography::MAX_AGE + 1];
        let mut conception = [0.0; demography::MAX_AGE + 1];
        for a in 0..=demography::MAX_AGE {
            asfr[a] = k * demography::asfr_shape(a);
            conception[a] = demography::conception_probability(asfr[a], d.postpartum_infecund_months);
        }
        Demographics { hazard, level_1955, conception, asfr, stable }
    }

    /// Monthly baseline hazard table for `year` (fraction of the year elapsed by `month`).
    /// `health_factor` multiplies every baseline hazard (`public_health`).
    pub fn monthly_hazard(&self, p: &Params, month: Month, health_factor: f64) -> [[f32; demography::MAX_AGE + 1]; 2] {
        let start = Month::from_ym(1955, 1).expect("valid month");
        let years = month.0.saturating_sub(start.0) as f64 / 12.0;
        let level = self.level_1955 * demography::mortality_trend(&p.demography, years) * health_factor;
        let mut t = [[0.0f32; demography::MAX_AGE + 1]; 2];
        for s in 0..2 {
            for a in 0..=demography::MAX_AGE {
                t[s][a] = (self.hazard[s][a] * level / 12.0) as f32;
            }
        }
        t
    }
}

/// One province: its population, households, teams and fixed characteristics.
#[derive(Debug, Clone)]
pub struct Province {
    pub index: usize,
    pub name: String,
    pub persons: Persons,
    pub households: Households,
    pub teams: Teams,
    pub communes: u32,
    /// Persons ever created in the province (the 1955 population and every birth since): the next person's
    /// id, the entity key of its once-in-a-life draws. Not a row index: rows are compacted every year.
    pub next_id: u32,
    /// Productivity A_p: kg of grain per land unit per year at quality 1, 1956 technology, normal weather,
    /// 1955 labour.
    pub productivity: f64,
    /// Expected output per head relative to the national mean (for progressive quotas).
    pub relative_productivity: f64,
    /// Mess-hall participation at end-1959 (data/, or the national share where missing): the measure of the
    /// province's radicalism.
    pub participation: f64,
    /// Farm capital (draft animals, tools, manure) relative to 1955.
    pub capital: f64,
    /// Conceptions postponed by hunger and separation, not yet made up (expected number).
    pub postponed_conceptions: f64,
    /// Conceptions expected last month without hunger or separation (the scale of the catch-up).
    pub expected_conceptions: f64,
    /// Mean fertility factor of the province's households over the 1955–57 baseline (1: nobody hungry), and
    /// the months it averages: the reference for "food is back" in the catch-up of postponed births.
    pub baseline_fertility_factor: f64,
    pub baseline_months: u32,
    /// Months the province has been out of famine (0: in famine, couples apart, or never recovered): the clock
    /// of the catch-up's wait.
    pub recovered_months: u32,
    /// Share of the deficit teams' resale need the centre has admitted since the last harvest (1 outside the
    /// Leap); relief follows when it rises.
    pub relief_admitted: f64,
}

/// Draws a (sex, age) cell from a cumulative distribution.
fn draw_cell(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let w: Vec<f64> = weights.collect();
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    w.iter()
        .map(|x| {
            acc += x / total;
            acc
        })
        .collect()
}

/// Builds one province at 1:`scale`.
pub fn build_province(
    index: usize,
    data: &leapsim_data::Province,
    p: &Params,
    demo: &Demographics,
    scale: u32,
    seed: u64,
    start: Month,
) -> Province {
    let n_target = (data.population_1954_end / scale as f64).round().max(1.0) as usize;
    let urban_target = (n_target as f64 * data.urban_share_1955).round() as usize;
    let pop_rng = Rng::new(seed, Stream::Population);
    let mort_rng = Rng::new(seed, Stream::Mortality);
    let harvest_rng = Rng::new(seed, Stream::Harvest);
    let cells = 2 * (demography::MAX_AGE + 1);
    let cell = |c: usize| (c / (demography::MAX_AGE + 1), c % (demography::MAX_AGE + 1));
    // Heads: adults 18+. Others: the remainder R = (s̄·S − A)/(s̄ − 1), so heads + others follow S.
    let mean_size: f64 = HOUSEHOLD_SIZE_SHARES.iter().enumerate().map(|(i, s)| (i + 1) as f64 * s).sum();
    let stable = |c: usize| {
        let (s, a) = cell(c);
        demo.stable[s][a]
    };
    let adult_total: f64 = (0..cells).filter(|&c| cell(c).1 >= 18).map(stable).sum();
    let adult = |c: usize| {
        if cell(c).1 >= 18 {
            stable(c) / adult_total
        } else {
            0.0
        }
    };
    let head_cdf = cumulative((0..cells).map(adult));
    let other_cdf = cumulative((0..cells).map(|c| ((mean_size * stable(c) - adult(c)) / (mean_size - 1.0)).max(0.0)));
    let size_cdf = cumulative(HOUSEHOLD_SIZE_SHARES.iter().copied());

    let mut persons = Persons::default();
    // Exact reservations: the January population and a month of births (the pass grows the columns by
    // small steps after that), households for the mean size.
    persons.reserve(n_target + n_target / 256);
    let mut households = Households::default();
    households.reserve((n_target as f64 / mean_size * 1.02) as usize + 16);
    let postpartum = p.demography.postpartum_infecund_months;
    let mut hh_index = 0u32;
    let mut teams = Teams::default();
    let mut team_households = 0usize;
    while persons.len() < n_target {
        let urban = persons.len() < urban_target;
        let team = if urban {
            URBAN
        } else {
            if teams.is_empty() || team_households == HOUSEHOLDS_PER_TEAM {
                let t = teams.len() as u32;
                teams.commune.push(t / TEAMS_PER_COMMUNE as u32);
                teams.first_household.push(hh_index);
                teams.households.push(0);
                team_households = 0;
            }
            team_households += 1;
            let last = teams.len() - 1;
            teams.households[last] += 1;
            (teams.len() - 1) as u32
        };
        let h = households.push(team);
        debug_assert_eq!(h, hh_index);
        let size_u = pop_rng.uniform(household_entity(index, h), 0, 0);
        let size = (draw_cell(&size_cdf, size_u) + 1).min(n_target - persons.len());
        for k in 0..size {
            let id = persons.len() as u32;
            let e = person_entity(index, id);
            let w = pop_rng.words(e, 0, 0);
            let c = draw_cell(if k == 0 { &head_cdf } else { &other_cdf }, to_unit(w[0]));
            let (sex, age) = cell(c);
            let months_before = 12 * age as u32 + 1 + (to_unit(w[1]) * 12.0) as u32;
            let birth = start.0.saturating_sub(months_before as u16);
            let mut flags = if urban { flag::ALIVE | flag::URBAN } else { flag::ALIVE };
            let mut event = 0u16;
            if sex == 1 {
                flags |= flag::FEMALE;
                // Start fertile women in the steady state of the birth-interval model.
                let asfr = demo.asfr[age];
                let u = to_unit(w[2]);
                if u < 9.0 * asfr / 12.0 {
                    flags |= flag::PREGNANT;
                    event = start.0 - 1 - (to_unit(w[3]) * 9.0) as u16;
                } else if u < (9.0 + postpartum) * asfr / 12.0 {
                    event = start.0 - 1 - (to_unit(w[3]) * postpartum) as u16;
                }
            }
            let budget = -(mort_rng.uniform(e, 0, 0)).ln() as f32;
            let row = persons.push(birth, flags, h, budget);
            debug_assert_eq!(row, id);
            let last = persons.len() - 1;
            persons.event[last] = event;
            // Household counts hold the state of December 1954: January's pass applies January birthdays.
            let age_before = (start.0 - 1).saturating_sub(birth) as u32 / 12;
            households.add_member(
                h as usize,
                demography::adult_equivalent_20(age_before),
                demography::is_worker(age_before),
            );
        }
        hh_index += 1;
    }
    // Teams: land in proportion to members, fixed quality, 1955 labour.
    let sd = p.agriculture.team_productivity_sd;
    let participation = data.dining_hall_participation.unwrap_or(p.politics.default_participation);
    let alloc_rng = Rng::new(seed, Stream::Allocation);
    for t in 0..teams.len() {
        let first = teams.first_household[t] as usize;
        let n = teams.households[t] as usize;
        let members: f64 = households.size[first..first + n].iter().map(|&s| s as f64).sum();
        let workers: f64 = households.workers[first..first + n].iter().map(|&s| s as f64).sum();
        let u = harvest_rng.uniforms4(team_entity(index, t as u32), 0, 0);
        let z = (-2.0 * u[0].ln()).sqrt() * (std::f64::consts::TAU * u[1]).cos();
        // Cash-crop teams (cotton, oilseeds, sugar, tea, forests, fisheries, pastures) grow no grain: the state
        // sells them grain (resale, 返销粮) under the fixed-sales rule.
        let cash_crop = alloc_rng.uniforms4(team_entity(index, t as u32), 0, 1)[0] < p.agriculture.cash_crop_share;
        teams.land.push(if cash_crop { 0.0 } else { members as f32 });
        teams.quality.push((sd * z - 0.5 * sd * sd).exp() as f32);
        teams.base_workers.push(workers.max(1.0) as f32);
        teams.mess_hall.push(alloc_rng.uniform(team_entity(index, t as u32), 0, 0) < participation);
        teams.stock.push(0.0);
        teams.withheld.push(0.0);
    }
    // Productivity: normal output in 1956 equals the mean 1955–57 output of the province.
    let baseline_kg = data.baseline_grain_mt * 1e9 / scale as f64;
    let land_quality: f64 = teams.land.iter().zip(&teams.quality).map(|(&l, &q)| l as f64 * q as f64).sum();
    let productivity = if land_quality > 0.0 { baseline_kg / land_quality } else { 0.0 };
    // Stocks of January: rural households hold the autumn harvest for the months until October.
    for h in 0..households.len() {
        if !households.is_urban(h) {
            let need = crate::mechanisms::food::monthly_need_kg(p.food.rural_desired_kg, households.adult_eq(h));
            households.stock[h] =
                (need * crate::mechanisms::food::months_until_autumn_harvest(start.month_of_year())) as f32;
        }
        households.kcal[h] = 2200.0;
    }
    households.shrink_to_fit();
    teams.shrink_to_fit();
    let communes = (teams.len().div_ceil(TEAMS_PER_COMMUNE)) as u32;
    let next_id = persons.len() as u32;
    Province {
        index,
        name: data.name.clone(),
        persons,
        households,
        teams,
        communes,
        next_id,
        productivity,
        relative_productivity: 1.0,
        participation,
        capital: 1.0,
        postponed_conceptions: 0.0,
        expected_conceptions: 0.0,
        baseline_fertility_factor: 1.0,
        baseline_months: 0,
        recovered_months: 0,
        relief_admitted: 1.0,
    }
}

/// Sets each province's expected output per head relative to the national mean.
pub fn set_relative_productivity(provinces: &mut [Province]) {
    let per_head: Vec<f64> = provinces
        .iter()
        .map(|pr| {
            let output: f64 =
                pr.teams.land.iter().zip(&pr.teams.quality).map(|(&l, &q)| l as f64 * q as f64).sum::<f64>()
                    * pr.productivity;
            output / pr.persons.len().max(1) as f64
        })
        .collect();
    let total_output: f64 = per_head.iter().zip(provinces.iter()).map(|(x, pr)| x * pr.persons.len() as f64).sum();
    let total_people: f64 = provinces.iter().map(|pr| pr.persons.len() as f64).sum();
    let mean = total_output / total_people.max(1.0);
    for (pr, x) in provinces.iter_mut().zip(per_head) {
        pr.relative_productivity = if mean > 0.0 { x / mean } else { 1.0 };
    }
}
