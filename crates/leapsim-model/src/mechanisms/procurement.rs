//! `procurement`: the state's grain purchase from production teams.
//!
//! Pre-1958 rules (the 1953 unified purchase and sale with the 1955 "three fixes": fixed output, fixed
//! purchase, fixed sale): a team's quota is a share of its *normal* output, progressive in expected output
//! per head (Meng, Qian & Yared 2015), reduced in proportion when the harvest falls short, and never taking
//! a team below its retention floor; teams left below the floor by a bad harvest get grain back from the
//! state (resale, 返销粮). 1957: gross 48.0 Mt, net 33.9 Mt (literature, validation targets §2).

use crate::params::FoodParams;
use serde::{Deserialize, Serialize};

/// Procurement under the Leap: quotas set from the centre's expectations, not from the harvest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeapProcurementParams {
    /// Quota as a share of the centre's expected output; fraction. 1958: 58.8 Mt gross on a plan of ≈ 220 Mt
    /// (second account, literature §7). Range 0.15–0.35.
    pub rate: f64,
    /// Growth the plan expects over last year's believed harvest at pressure 1; fraction. 1959 plan: 525 Mt
    /// over 375 claimed (literature §7). Range 0–0.5.
    pub plan_growth: f64,
    /// How far pressure pushes cadres below the retention floor to meet the quota; fraction of the floor at
    /// pressure 1. Range 0.2–0.9.
    pub floor_squeeze: f64,
    /// Share of the deficit teams' resale need the centre admits at peak pressure (it believes in a surplus,
    /// and admitting hunger is "right deviation"); fraction, rising to 1 as pressure falls. Resale (gross − net
    /// procurement) stayed near 20 Mt in 1959 and 1960 (data/national.csv: 67.4 − 47.6, 51.1 − 30.9 Mt): the
    /// state kept selling grain back even at the peak. Range 0–1.
    pub resale_admitted_at_peak: f64,
}

impl Default for LeapProcurementParams {
    fn default() -> Self {
        LeapProcurementParams { rate: 0.22, plan_growth: 0.2, floor_squeeze: 0.5, resale_admitted_at_peak: 0.3 }
    }
}

/// A team's delivery under a quota that ignores the harvest: the whole quota if it can, leaving at least the
/// squeezed floor.
pub fn leap_delivery(quota: f64, available: f64, squeezed_floor: f64) -> f64 {
    quota.min((available - squeezed_floor).max(0.0)).max(0.0)
}

/// Share of a deficit team's resale need the centre admits at provincial pressure `pressure`: all of it
/// without pressure, `resale_admitted_at_peak` at pressure 1 (less where a radical province's pressure
/// exceeds 1).
#[inline]
pub fn resale_admitted(p: &LeapProcurementParams, pressure: f64) -> f64 {
    (1.0 - pressure * (1.0 - p.resale_admitted_at_peak)).clamp(0.0, 1.0)
}

/// Share of the current harvest season still ahead in `month_of_year` (the October harvest feeds the eight
/// months to the June harvest, the June harvest the four to October): relief admitted late covers only the
/// months left, the hunger of the months past is not undone.
pub fn season_left(month_of_year: u32) -> f64 {
    match month_of_year {
        11 | 12 => (18 - month_of_year) as f64 / 8.0,
        1..=5 => (6 - month_of_year) as f64 / 8.0,
        7..=9 => (10 - month_of_year) as f64 / 4.0,
        _ => 1.0,
    }
}

/// The quota share of a team whose expected output per head is `relative_productivity` times the
/// national mean.
#[inline]
pub fn quota_share(p: &FoodParams, relative_productivity: f64) -> f64 {
    (p.procurement_rate * (1.0 + p.procurement_progressivity * (relative_productivity - 1.0))).clamp(0.02, 0.6)
}

/// Grain a team hands over under the pre-1958 rules and the resale it is owed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Purchase {
    pub procured: f64,
    pub resale: f64,
}

/// `normal`: the season's normal output; `actual`: the harvest after seed, feed and losses are kept back;
/// `floor`: the season's retention floor for the team's members (kg).
pub fn pre_1958_purchase(share: f64, normal: f64, actual_output: f64, available: f64, floor: f64) -> Purchase {
    let shortfall_ratio = if normal > 0.0 { (actual_output / normal).min(1.0) } else { 0.0 };
    let quota = share * normal * shortfall_ratio;
    let procured = quota.min((available - floor).max(0.0));
    let resale = (floor - (available - procured)).max(0.0);
    Purchase { procured, resale }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn quota_is_progressive_and_flexible() {
        let p = Params::default().food;
        assert!(quota_share(&p, 1.5) > quota_share(&p, 1.0));
        let good = pre_1958_purchase(0.25, 1000.0, 1000.0, 820.0, 300.0);
        assert!((good.procured - 250.0).abs() < 1e-9);
        assert_eq!(good.resale, 0.0);
        // A bad harvest: the quota shrinks and the floor is protected.
        let bad = pre_1958_purchase(0.25, 1000.0, 400.0, 328.0, 300.0);
        assert!(bad.procured <= 28.0 + 1e-9);
        let disaster = pre_1958_purchase(0.25, 1000.0, 200.0, 164.0, 300.0);
        // Relief as pressure falls: all of the need is admitted without pressure, less at the peak.
        let leap = LeapProcurementParams::default();
        assert_eq!(resale_admitted(&leap, 0.0), 1.0);
        assert!((resale_admitted(&leap, 1.0) - leap.resale_admitted_at_peak).abs() < 1e-12);
        assert!(resale_admitted(&leap, 0.5) > resale_admitted(&leap, 1.0));
        assert_eq!(season_left(11), 7.0 / 8.0);
        assert_eq!(season_left(5), 1.0 / 8.0);
        assert_eq!(season_left(9), 1.0 / 4.0);
        assert_eq!(disaster.procured, 0.0);
        assert!((disaster.resale - 136.0).abs() < 1e-9);
    }
}
