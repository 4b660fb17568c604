//! The state of every lever in a month, composed from the mechanism switches, the timeline and the
//! parameters. Mechanisms read this; nothing else decides what is in force when.

use crate::mechanisms::{communes, four_pests, politics};
use crate::scenario::Scenario;
use leapsim_core::Month;

/// What is in force in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// National political pressure (0 under the 1957 course, 1 at the Beidaihe peak).
    pub pressure: f64,
    /// Output multiplier from effort in the collectives (`communes`).
    pub effort_factor: f64,
    /// Private plots and sidelines abolished (`communes`).
    pub private_plots_abolished: bool,
    /// Mess halls open (`mess_halls`), and whether eating is still free.
    pub mess_halls_open: bool,
    pub free_eating: bool,
    /// This month the halls open (stocks are pooled) or close (stocks return to households).
    pub mess_halls_opening: bool,
    pub mess_halls_closing: bool,
    /// Share of rural labour diverted from growing this month's harvest (winter irrigation works).
    pub labour_diverted: f64,
    /// Share of rural labour in the backyard furnaces this month.
    pub steel_campaign_share: f64,
    /// Multiplier of conceptions while couples are separated by the works and furnaces.
    pub conception_factor: f64,
    /// Share of this month's crop left unharvested (hands at the furnaces).
    pub unharvested: f64,
    /// Yield multiplier from the Leap's irrigation works.
    pub irrigation_factor: f64,
    /// Rural-to-urban migration relative to the 1955–57 rate, and the yearly return rate to the villages.
    pub migration_multiplier: f64,
    pub return_rate: f64,
    /// Share of the standard urban ration the state pays (`retrenchment`'s cut of 1960–62).
    pub urban_ration_factor: f64,
    /// Yield multipliers: melted tools, insects, close planting at pressure 1.
    pub tool_factor: f64,
    pub pests_factor: f64,
    pub close_planting_loss: f64,
    /// Quotas from the centre's expectations (`procurement` under the Leap) rather than the pre-1958 rules.
    pub leap_procurement: bool,
    /// Cut of the pre-1958 procurement rate (after the Sixty Articles).
    pub procurement_cut: f64,
    /// Exports planned on the believed harvest (`trade` during the Leap).
    pub leap_exports: bool,
    /// No exports at all (the `exports_end` lever).
    pub exports_stopped: bool,
    /// Imports; tonnes a month.
    pub imports_t: f64,
    /// Multiplier of baseline hazards (`public_health`).
    pub health_factor: f64,
    /// Yield multiplier from the farm inputs industry supplies once agriculture comes first (`retrenchment`).
    pub farm_input_factor: f64,
    /// Share of the retreat's cut of heavy industry in force (0 before, 1 at the Sixty Articles, back to 0 with
    /// the recovery).
    pub industry_retreat: f64,
}

const NEVER: Month = Month(u16::MAX);

fn months_between(a: Month, b: Month) -> f64 {
    b.0 as f64 - a.0 as f64
}

/// The levers in force in `m`.
pub fn policy(sc: &Scenario, m: Month) -> Policy {
    let mech = &sc.mechanisms;
    let p = &sc.params;
    // Without retrenchment the retreat never comes.
    let mut tl = p.timeline.clone();
    if !mech.retrenchment {
        tl.retreat_start = NEVER;
        tl.sixty_articles = NEVER;
        tl.team_accounting = NEVER;
        tl.mess_halls_end = NEVER;
        tl.urban_return_start = NEVER;
    }
    let pressure = politics::national_pressure(&p.politics, &tl, mech.politics, m);
    let in_leap = m >= tl.leap_start;

    let exit_removed = mech.communes && m >= tl.communes_start;
    // Effort shows in harvests whose crop was grown under the commune: from the season after collectivisation.
    let effort_from = Month(tl.communes_start.0 + 4);
    let effort_factor = if !exit_removed || m < effort_from {
        1.0
    } else if m >= tl.team_accounting {
        1.0 - p.communes.effort_loss * (1.0 - p.communes.effort_recovered)
    } else {
        1.0 - p.communes.effort_loss * communes::effort_built(&p.communes, months_between(effort_from, m))
    };
    let private_plots_abolished = exit_removed && m < tl.retreat_start;

    let mess = mech.mess_halls;
    let mess_halls_open = mess && m >= tl.mess_halls_start && m < tl.mess_halls_end;
    let free_eating = mess_halls_open && m < tl.free_eating_end;

    let lab = &p.labor_mobilization;
    let moy = m.month_of_year();
    let mut labour_diverted = 0.0;
    let mut unharvested = 0.0;
    let mut steel_campaign_share = 0.0;
    let mut conception_factor = 1.0;
    if mech.labor_mobilization {
        // The winter's irrigation works weigh on the following June harvest.
        let winter_start = Month::from_ym(m.year() - 1, 10).expect("valid month");
        if moy == 6 && winter_start >= tl.irrigation_start && winter_start <= tl.irrigation_end {
            labour_diverted += lab.irrigation_share * lab.irrigation_harvest_weight;
        }
        // Away this month: the irrigation armies in the winter months, the steel army in the campaign.
        let mut away = 0.0;
        let winter = moy >= 10 || moy <= 3;
        if winter && m >= tl.irrigation_start && m <= tl.irrigation_end {
            away += lab.irrigation_share;
        }
        if m >= tl.steel_campaign_start && m <= tl.steel_campaign_end {
            away += lab.steel_share;
        }
        conception_factor = (1.0 - lab.separation_fertility_loss * away).clamp(0.0, 1.0);
        // The furnaces take the hands that should bring in the autumn crop: the crop was grown, part of it
        // is not harvested.
        if m >= tl.steel_campaign_start && m <= tl.steel_campaign_end {
            steel_campaign_share = lab.steel_share;
            unharvested = lab.unharvested_share * lab.steel_share;
        }
    }
    // The works dug in the winter of 1957–58 water the harvests from 1958, less each year.
    let first_harvest = Month(tl.irrigation_start.0 + 8);
    let irrigation_factor = if mech.labor_mobilization && m >= first_harvest {
        let years = months_between(first_harvest, m) / 12.0;
        1.0 + lab.irrigation_yield_gain * (1.0 - years / lab.irrigation_gain_years).clamp(0.0, 1.0)
    } else {
        1.0
    };
    // Recruitment into the towns during the Leap; from the retreat on, the household registration closes them.
    let migration_multiplier = if !mech.labor_mobilization {
        1.0
    } else if m >= tl.retreat_start {
        lab.migration_after_retreat
    } else if in_leap {
        lab.recruitment_multiplier
    } else {
        1.0
    };
    let urban_ration_factor = if mech.retrenchment && m >= tl.urban_rations_cut && m < tl.urban_rations_restored {
        1.0 - p.retrenchment.urban_ration_cut
    } else {
        1.0
    };
    let return_rate = if mech.labor_mobilization && m >= tl.urban_return_start && m < tl.urban_return_end {
        lab.return_rate
    } else {
        0.0
    };

    let st = &p.backyard_steel;
    let tool_factor = if mech.backyard_steel && m > tl.steel_campaign_end {
        let since = months_between(tl.steel_campaign_end, m);
        1.0 - st.tool_loss * (1.0 - since / st.tool_recovery_months).clamp(0.0, 1.0)
    } else {
        1.0
    };
    if !mech.backyard_steel {
        steel_campaign_share = 0.0;
    }
    let dropped = if m >= tl.sparrows_dropped { Some(months_between(tl.sparrows_dropped, m)) } else { None };
    let pests_factor = four_pests::yield_factor(&p.four_pests, mech.four_pests, m >= tl.four_pests_start, dropped);
    let close_planting_loss = if mech.agronomy { p.agronomy.close_planting_loss } else { 0.0 };

    let harvest_rule_from = match tl.procurement_follows_harvest {
        Some(lever) => lever.min(tl.sixty_articles),
        None => tl.sixty_articles,
    };
    let leap_procurement = mech.procurement && in_leap && m < harvest_rule_from;
    let procurement_cut =
        if mech.retrenchment && m >= tl.sixty_articles { p.retrenchment.procurement_cut } else { 0.0 };
    let leap_exports = mech.trade && in_leap && m < tl.retreat_start;
    let exports_stopped = tl.exports_end.is_some_and(|e| m >= e);
    let imports_start = Month(tl.retreat_start.0.saturating_add(p.retrenchment.imports_lag_months as u16));
    let imports_t = if mech.trade && mech.retrenchment && m >= imports_start {
        p.retrenchment.imports_mt * 1e6 / 12.0
    } else {
        0.0
    };
    let health_factor =
        if mech.public_health && m >= tl.four_pests_start { 1.0 - p.public_health.baseline_reduction } else { 1.0 };
    let farm_input_factor = if mech.retrenchment && m >= tl.team_accounting {
        (1.0 + p.retrenchment.farm_input_growth).powf(months_between(tl.team_accounting, m) / 12.0)
    } else {
        1.0
    };
    let industry_retreat = if !mech.industry || m < tl.retreat_start {
        0.0
    } else if m < tl.sixty_articles {
        months_between(tl.retreat_start, m) / months_between(tl.retreat_start, tl.sixty_articles).max(1.0)
    } else {
        (1.0 - months_between(tl.sixty_articles, m) / p.industry.recovery_months).clamp(0.0, 1.0)
    };
    Policy {
        pressure,
        effort_factor,
        private_plots_abolished,
        mess_halls_open,
        free_eating,
        mess_halls_opening: mess && m == tl.mess_halls_start,
        mess_halls_closing: mess && m == tl.mess_halls_end,
        labour_diverted,
        steel_campaign_share,
        conception_factor,
        unharvested,
        irrigation_factor,
        migration_multiplier,
        return_rate,
        urban_ration_factor,
        tool_factor,
        pests_factor,
        close_planting_loss,
        leap_procurement,
        procurement_cut,
        leap_exports,
        exports_stopped,
        imports_t,
        health_factor,
        farm_input_factor,
        industry_retreat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_leap_has_the_1957_levers_every_month() {
        let sc = Scenario::no_leap();
        let base = policy(&sc, Month::from_ym(1955, 1).unwrap());
        for m in leapsim_core::Period::default_run().months() {
            assert_eq!(policy(&sc, m), base, "{m}");
        }
        assert_eq!(base.pressure, 0.0);
        assert!(!base.leap_procurement && !base.mess_halls_open && base.effort_factor == 1.0);
    }

    #[test]
    fn historical_levers_follow_the_dates() {
        let sc = Scenario::historical();
        let at = |y, mo| policy(&sc, Month::from_ym(y, mo).unwrap());
        assert!(at(1958, 11).mess_halls_open && at(1958, 11).free_eating);
        assert!(at(1959, 6).mess_halls_open && !at(1959, 6).free_eating);
        assert!(!at(1961, 7).mess_halls_open);
        assert!(at(1959, 10).leap_procurement && !at(1961, 6).leap_procurement);
        assert!(at(1958, 6).labour_diverted > 0.0 && at(1958, 10).steel_campaign_share > 0.0);
        // The crop left in the fields follows the steel campaign (its share is calibrated, possibly to 0).
        let mut left = Scenario::historical();
        left.params.labor_mobilization.unharvested_share = 0.3;
        let m = Month::from_ym(1958, 10).unwrap();
        assert!(
            policy(&left, m).unharvested > 0.0 && policy(&left, Month::from_ym(1959, 10).unwrap()).unharvested == 0.0
        );
        assert!(at(1961, 6).imports_t > 0.0 && at(1959, 6).imports_t == 0.0);
        assert!(at(1959, 1).private_plots_abolished && !at(1961, 1).private_plots_abolished);
        // Without retrenchment the Leap never ends.
        let mut stuck = Scenario::historical();
        stuck.mechanisms.retrenchment = false;
        let s = policy(&stuck, Month::from_ym(1963, 6).unwrap());
        assert!(s.mess_halls_open && s.leap_procurement && s.pressure > 0.5);
    }

    #[test]
    fn the_effort_loss_builds_up_over_the_seasons_after_collectivisation() {
        let mut sc = Scenario::historical();
        sc.params.communes.effort_loss = 0.1;
        sc.params.communes.effort_build_months = 18.0;
        sc.params.communes.effort_recovered = 0.0;
        let at = |sc: &Scenario, y, mo| policy(sc, Month::from_ym(y, mo).unwrap()).effort_factor;
        let (summer_1959, summer_1960, summer_1961) = (at(&sc, 1959, 6), at(&sc, 1960, 6), at(&sc, 1961, 6));
        assert!(summer_1959 > 0.9 && summer_1959 < 1.0, "{summer_1959}");
        assert!(summer_1960 < summer_1959 && summer_1960 > 0.9 - 1e-12, "{summer_1960}");
        assert!((summer_1961 - 0.9).abs() < 1e-12, "{summer_1961}");
        // With no build-up the whole loss comes with the first harvest grown under the commune.
        sc.params.communes.effort_build_months = 0.0;
        assert!((at(&sc, 1959, 6) - 0.9).abs() < 1e-12);
    }
}
