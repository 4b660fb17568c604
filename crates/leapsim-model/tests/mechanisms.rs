//! Each mechanism's own behaviour: the historical world against the same world with one mechanism switched
//! off (same seed: common random numbers), at a coarse scale.

use leapsim_core::{Month, Period};
use leapsim_model::{Params, Quiet, RunOptions, RunResults, Scenario, Simulation, YearTotals};
use std::sync::OnceLock;

const SCALE: u32 = 3000;

fn run(sc: Scenario, last_year: i32) -> RunResults {
    let period = Period { first: Month::from_ym(1955, 1).unwrap(), last: Month::from_ym(last_year, 12).unwrap() };
    Simulation::new(sc, RunOptions { scale: SCALE, seed: 11, threads: 2, period }).unwrap().run(&mut Quiet).unwrap()
}

fn historical() -> &'static RunResults {
    static RUN: OnceLock<RunResults> = OnceLock::new();
    RUN.get_or_init(|| run(Scenario::historical(), 1963))
}

fn without(mechanism: &str) -> RunResults {
    let mut sc = Scenario::historical();
    *sc.mechanisms.get_mut(mechanism).unwrap() = false;
    run(sc, 1963)
}

/// The historical scenario with `edit` applied to its parameters, run to the end of `last_year`.
fn historical_with(last_year: i32, edit: impl FnOnce(&mut Params)) -> RunResults {
    let mut sc = Scenario::historical();
    edit(&mut sc.params);
    run(sc, last_year)
}

fn year(r: &RunResults, y: i32) -> YearTotals {
    r.yearly(None).into_iter().find(|t| t.year == y).unwrap()
}

fn famine_deaths(r: &RunResults) -> f64 {
    (1958..=1962).map(|y| year(r, y).deaths).sum()
}

#[test]
fn reporting_off_the_centre_believes_the_true_harvest() {
    let r = without("reporting");
    for y in r.yearly(None) {
        assert!((y.grain_output_reported_mt - y.grain_output_mt).abs() < 1e-6 * y.grain_output_mt, "{}", y.year);
    }
    let h = year(historical(), 1958);
    assert!(
        h.grain_output_reported_mt > 1.3 * h.grain_output_mt,
        "historical 1958 belief {} vs {}",
        h.grain_output_reported_mt,
        h.grain_output_mt
    );
}

#[test]
fn politics_off_no_pressure_no_inflation() {
    let r = without("politics");
    assert!(r.records.iter().all(|m| m.national.pressure == 0.0));
    let y = year(&r, 1958);
    assert!((y.grain_output_reported_mt / y.grain_output_mt - 1.0).abs() < 1e-6);
    assert!(famine_deaths(&r) < famine_deaths(historical()));
}

#[test]
fn without_the_commune_effort_does_not_fall() {
    let r = without("communes");
    for y in [1959, 1960, 1961] {
        assert!(year(&r, y).grain_output_mt > year(historical(), y).grain_output_mt, "{y}");
    }
}

#[test]
fn procurement_off_rural_retention_does_not_collapse_in_1959() {
    let r = without("procurement");
    let (h, f) = (year(historical(), 1959), year(&r, 1959));
    assert!(f.procurement_mt < h.procurement_mt, "procurement {} vs {}", f.procurement_mt, h.procurement_mt);
    let (h60, f60) = (year(historical(), 1960), year(&r, 1960));
    assert!(
        f60.kcal_rural_per_day > h60.kcal_rural_per_day + 100.0,
        "kcal {} vs {}",
        f60.kcal_rural_per_day,
        h60.kcal_rural_per_day
    );
    assert!(famine_deaths(&r) < famine_deaths(historical()));
}

#[test]
fn mess_halls_off_village_stocks_last_into_1959() {
    let r = without("mess_halls");
    // The months of free eating (November 1958 – February 1959): the halls eat and waste more than households
    // rationing their own grain.
    let eaten = |res: &RunResults| {
        res.records
            .iter()
            .filter(|m| m.month >= Month::from_ym(1958, 11).unwrap() && m.month <= Month::from_ym(1959, 2).unwrap())
            .flat_map(|m| m.provinces.iter())
            .map(|p| p.rural_eaten + p.mess_waste)
            .sum::<f64>()
    };
    assert!(eaten(historical()) > eaten(&r), "{} vs {}", eaten(historical()), eaten(&r));
    let waste: f64 = r.records.iter().flat_map(|m| m.provinces.iter()).map(|p| p.mess_waste).sum();
    assert_eq!(waste, 0.0);
}

#[test]
fn labor_mobilization_off_the_1958_crop_is_brought_in_and_towns_grow_less() {
    let r = without("labor_mobilization");
    // The hands at the furnaces and on the works, without the irrigation works' own yield gain.
    let mut on = Scenario::historical();
    on.params.labor_mobilization.irrigation_yield_gain = 0.0;
    let mut off = on.clone();
    off.mechanisms.labor_mobilization = false;
    let (on, off) = (run(on, 1958), run(off, 1958));
    assert!(year(&off, 1958).grain_output_mt > year(&on, 1958).grain_output_mt);
    assert!(year(&r, 1960).urban_population < year(historical(), 1960).urban_population);
    assert!(year(&r, 1959).births > year(historical(), 1959).births, "couples separated by the works");
}

#[test]
fn backyard_steel_off_no_unusable_iron_and_tools_kept() {
    let r = without("backyard_steel");
    let y = year(&r, 1958);
    assert!((y.steel_reported_mt - y.steel_usable_mt).abs() < 1e-9);
    let h = year(historical(), 1958);
    assert!(
        h.steel_reported_mt > h.steel_usable_mt + 1.0,
        "reported {} usable {}",
        h.steel_reported_mt,
        h.steel_usable_mt
    );
    assert!(year(&r, 1959).grain_output_mt > year(historical(), 1959).grain_output_mt);
}

#[test]
fn four_pests_off_a_small_yield_gain() {
    let r = without("four_pests");
    let (a, b) = (year(&r, 1959).grain_output_mt, year(historical(), 1959).grain_output_mt);
    assert!(a > b, "{a} vs {b}");
    assert!(a < b * 1.1, "the sparrow campaign's penalty is small: {a} vs {b}");
}

#[test]
fn agronomy_off_the_1959_sown_area_is_not_cut() {
    let r = without("agronomy");
    assert_eq!(year(&r, 1959).sown_area_share, 1.0);
    assert!(year(historical(), 1959).sown_area_share < 1.0);
}

#[test]
fn agronomy_land_taken_out_of_grain_comes_back_at_its_return_rate() {
    // As recorded (121–122 M ha of grain in 1960–62 against 133.6 M ha in 1957), the land cut in 1959 stays cut
    // at the shipped rate 0; at rate 1 it is all sown again once the centre stops cutting.
    let h = historical();
    let cut = year(h, 1959).sown_area_share;
    assert!(cut < 0.97, "{cut}");
    assert!(year(h, 1962).sown_area_share <= cut);
    let back = historical_with(1963, |p| p.agronomy.sown_area_return_rate = 1.0);
    assert_eq!(year(&back, 1959).sown_area_share, cut);
    assert_eq!(year(&back, 1962).sown_area_share, 1.0);
    assert!(year(&back, 1962).grain_output_mt > year(h, 1962).grain_output_mt);
}

#[test]
fn trade_off_exports_stay_at_the_1957_level_and_nothing_is_imported() {
    let r = without("trade");
    let planned = Scenario::historical().params.food.baseline_net_exports_mt;
    for y in [1959, 1961] {
        assert!((year(&r, y).net_exports_mt - planned).abs() < 1e-6, "{y}: {}", year(&r, y).net_exports_mt);
    }
    assert!(year(historical(), 1959).net_exports_mt > planned);
    assert!(year(historical(), 1961).net_exports_mt < 0.0, "imports from 1961");
}

#[test]
fn industry_off_no_leap_and_no_collapse() {
    let r = without("industry");
    assert!(year(&r, 1960).steel_usable_mt < year(historical(), 1960).steel_usable_mt);
    assert!(year(&r, 1961).steel_usable_mt > year(historical(), 1961).steel_usable_mt);
}

#[test]
fn retrenchment_off_the_famine_does_not_end() {
    let r = without("retrenchment");
    assert!(year(&r, 1962).deaths > year(historical(), 1962).deaths);
    assert!(r.records.last().unwrap().national.pressure > 0.5);
}

/// Relief (grain sold back outside the harvest months) paid between two months, inclusive; tonnes at scale.
fn relief_between(r: &RunResults, from: (i32, u32), to: (i32, u32)) -> f64 {
    let (a, b) = (Month::from_ym(from.0, from.1).unwrap(), Month::from_ym(to.0, to.1).unwrap());
    r.records
        .iter()
        .filter(|m| m.month >= a && m.month <= b && ![6, 10].contains(&m.month.month_of_year()))
        .map(|m| m.national.resale)
        .sum()
}

#[test]
fn procurement_relief_follows_the_falling_pressure() {
    // The withheld resale of the October 1960 harvest is admitted as the pressure falls after the Twelve
    // Articles (winter 1960–61); without the retreat the pressure stays and nothing more is admitted.
    let h = relief_between(historical(), (1960, 11), (1961, 5));
    assert!(h > 0.0, "relief in the winter of 1960–61: {h}");
    let stuck = without("retrenchment");
    assert_eq!(relief_between(&stuck, (1960, 11), (1961, 5)), 0.0);
    // At the peak of the anti-right-deviation campaign (winter 1959–60) the pressure does not fall: no relief.
    assert_eq!(relief_between(historical(), (1959, 11), (1960, 5)), 0.0);
    // Without the Leap's quotas nothing is withheld, so there is nothing to relieve.
    assert_eq!(relief_between(&without("procurement"), (1958, 1), (1963, 12)), 0.0);
}

#[test]
fn retrenchment_farm_inputs_raise_yields_after_1962() {
    let a = historical_with(1963, |p| p.retrenchment.farm_input_growth = 0.0);
    let b = historical_with(1963, |p| p.retrenchment.farm_input_growth = 0.04);
    assert_eq!(year(&a, 1961).grain_output_mt, year(&b, 1961).grain_output_mt);
    assert!(year(&b, 1963).grain_output_mt > 1.03 * year(&a, 1963).grain_output_mt);
}

#[test]
fn retrenchment_urban_ration_cut_reaches_the_towns() {
    // The cut of September 1960 – July 1961: towns eat less and die more than with protected rations, and the
    // countryside is not the one paying (the cut grain stays in the state's granary).
    let kept = historical_with(1962, |p| p.retrenchment.urban_ration_cut = 0.0);
    let cut = historical_with(1962, |p| p.retrenchment.urban_ration_cut = 0.25);
    assert_eq!(year(&kept, 1959).cdr_urban(), year(&cut, 1959).cdr_urban(), "before the cut nothing differs");
    assert!(year(&cut, 1961).kcal_urban_per_day < year(&kept, 1961).kcal_urban_per_day - 50.0);
    assert!(year(&cut, 1961).cdr_urban() > year(&kept, 1961).cdr_urban());
    assert!(year(&cut, 1961).cbr_urban() < year(&kept, 1961).cbr_urban(), "hunger postpones conceptions in towns too");
    let rural_kcal = |r: &RunResults| year(r, 1961).kcal_rural_per_day;
    assert!(rural_kcal(&cut) >= rural_kcal(&kept) - 5.0);
}

#[test]
fn labor_mobilization_after_the_retreat_the_towns_are_closed() {
    // With the household registration enforced from the retreat (no migration) and people sent back, the
    // urban population falls in 1961–63; with migration at the 1955–57 rate and no returns it keeps growing.
    let closed = historical_with(1963, |p| {
        p.labor_mobilization.migration_after_retreat = 0.0;
        p.labor_mobilization.return_rate = 0.15;
    });
    let open = historical_with(1963, |p| {
        p.labor_mobilization.migration_after_retreat = 1.0;
        p.labor_mobilization.return_rate = 0.0;
    });
    let urban = |r: &RunResults, y| year(r, y).urban_population;
    assert!(urban(&closed, 1963) < urban(&closed, 1960), "{} → {}", urban(&closed, 1960), urban(&closed, 1963));
    assert!(urban(&open, 1963) > urban(&open, 1960));
}

#[test]
fn demography_towns_recruiting_men_have_fewer_births() {
    // Migrants are young adults; when the towns take mostly men, fewer young women move, and the towns' birth
    // rate (births per mean urban person) stays lower than when both sexes move alike.
    let men = historical_with(1960, |p| p.demography.migrant_female_ratio = 0.2);
    let both = historical_with(1960, |p| p.demography.migrant_female_ratio = 1.0);
    let urban_cbr = |r: &RunResults| year(r, 1960).cbr_urban();
    assert!(urban_cbr(&men) < 0.9 * urban_cbr(&both), "{} vs {}", urban_cbr(&men), urban_cbr(&both));
    assert!(year(&men, 1960).urban_population < year(&both, 1960).urban_population);
}

#[test]
fn demography_the_catch_up_waits_for_the_weddings() {
    // Postponed conceptions are made up only once a province has been out of famine for the wait: with a year's
    // wait the rebound moves from the births of 1962 into those of 1963 (Banister: 41.0‰ and 49.8‰).
    let with_delay = |months| {
        move |p: &mut Params| {
            p.demography.catch_up_months = 12.0;
            p.demography.catch_up_delay_months = months;
        }
    };
    let at_once = historical_with(1963, with_delay(0.0));
    let waiting = historical_with(1963, with_delay(12.0));
    let births = |r: &RunResults, y| year(r, y).births;
    assert_eq!(births(&at_once, 1957), births(&waiting, 1957), "nothing postponed before the Leap");
    assert!(
        births(&waiting, 1962) < births(&at_once, 1962),
        "{} vs {}",
        births(&waiting, 1962),
        births(&at_once, 1962)
    );
    assert!(
        births(&waiting, 1963) > births(&at_once, 1963),
        "{} vs {}",
        births(&waiting, 1963),
        births(&at_once, 1963)
    );
}

#[test]
fn public_health_lowers_baseline_mortality() {
    let mut on = Scenario::no_leap();
    on.mechanisms.public_health = true;
    let a = run(on, 1960);
    let b = run(Scenario::no_leap(), 1960);
    assert!(year(&a, 1960).deaths < year(&b, 1960).deaths);
}

#[test]
fn weather_off_better_harvests_in_the_drought_years() {
    let r = without("weather");
    assert!(year(&r, 1960).grain_output_mt > year(historical(), 1960).grain_output_mt);
}

#[test]
fn registration_off_every_event_is_registered() {
    let r = without("registration");
    for y in r.yearly(None) {
        assert_eq!(y.deaths_registered, y.deaths);
        assert_eq!(y.births_registered, y.births);
    }
}

#[test]
fn demography_off_mortality_ignores_hunger() {
    let r = without("demography");
    let mut nl = Scenario::no_leap();
    nl.mechanisms.demography = false;
    let nl = run(nl, 1963);
    // Without the famine response the Leap's deaths stay within a few percent of the world without the Leap
    // (also without it): only `public_health` and migration differ.
    let (a, b) = (famine_deaths(&r), famine_deaths(&nl));
    assert!((a / b - 1.0).abs() < 0.05, "{a} vs {b}");
}

#[test]
fn agriculture_off_harvests_ignore_hunger() {
    let r = without("agriculture");
    assert!(year(&r, 1961).grain_output_mt > year(historical(), 1961).grain_output_mt);
}

/// Pearson correlation.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn procurement_is_progressive_and_blind_to_the_1959_harvest() {
    // Meng, Qian & Yared (2015): the 1959 quotas came from the centre's expectations, took a larger share of output
    // where expected output per head was higher, and did not follow the real harvest down.
    let h = historical();
    let names = h.province_names();
    let (mut per_head_1956, mut share_1959) = (Vec::new(), Vec::new());
    for (i, name) in names.iter().enumerate() {
        if ["Beijing", "Tianjin", "Shanghai"].contains(&name.as_str()) {
            continue;
        }
        let y = h.yearly(Some(i));
        let (y56, y59) = (&y[1], &y[4]);
        assert_eq!((y56.year, y59.year), (1956, 1959));
        per_head_1956.push(y56.grain_output_mt * 1e6 / y56.population_end);
        share_1959.push(y59.procurement_mt / y59.grain_output_mt);
    }
    let progressive = pearson(&per_head_1956, &share_1959);
    assert!(progressive > 0.2, "1959 procurement share vs 1956 output per head: {progressive}");
    // Inflexible: nationally the 1959 harvest falls and procurement rises; with procurement following the real
    // harvest (the 1957 rules) it falls with the harvest instead.
    let (h58, h59) = (year(h, 1958), year(h, 1959));
    assert!(h59.grain_output_mt < h58.grain_output_mt && h59.procurement_mt > h58.procurement_mt);
    let flexible = without("procurement");
    let f59 = year(&flexible, 1959);
    assert!(f59.procurement_mt / f59.grain_output_mt < h59.procurement_mt / h59.grain_output_mt);
}
