//! The global free parameters and their prior ranges. Every other parameter is fixed from the literature or
//! the data (see `leapsim-model/src/params.rs` and the mechanism modules). No parameter is year- or
//! province-specific.

use leapsim_model::Params;

/// A parameter the calibration may move, addressed by its path in `Params` (`group.field`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeParameter {
    pub path: &'static str,
    pub low: f64,
    pub high: f64,
}

/// The free parameters (fewer than 30, DESIGN §2).
pub const FREE_PARAMETERS: &[FreeParameter] = &[
    FreeParameter { path: "demography.famine_mortality_strength", low: 2.0, high: 9.0 },
    FreeParameter { path: "demography.famine_kcal_threshold", low: 1600.0, high: 2100.0 },
    FreeParameter { path: "demography.fertility_threshold_share", low: 0.6, high: 1.0 },
    FreeParameter { path: "demography.fertility_stop_share", low: 0.4, high: 0.95 },
    FreeParameter { path: "demography.mortality_decline_rate", low: 0.05, high: 0.5 },
    FreeParameter { path: "demography.mortality_floor", low: 0.3, high: 0.7 },
    FreeParameter { path: "demography.fertility_trend", low: -0.03, high: 0.01 },
    FreeParameter { path: "demography.catch_up_share", low: 0.0, high: 1.0 },
    FreeParameter { path: "demography.catch_up_months", low: 3.0, high: 36.0 },
    FreeParameter { path: "food.non_grain_kcal", low: 100.0, high: 400.0 },
    FreeParameter { path: "communes.private_plot_food_share", low: 0.2, high: 0.7 },
    FreeParameter { path: "communes.effort_recovered", low: 0.0, high: 1.0 },
    FreeParameter { path: "registration.pressure_hiding", low: 0.0, high: 0.5 },
    FreeParameter { path: "registration.crisis_overload", low: 0.0, high: 0.3 },
    FreeParameter { path: "registration.birth_completeness_trend", low: 0.0, high: 0.03 },
    FreeParameter { path: "agriculture.capital_loss_per_deficit", low: 0.0, high: 0.1 },
    FreeParameter { path: "agriculture.capital_recovery_rate", low: 0.02, high: 0.5 },
    FreeParameter { path: "labor_mobilization.separation_fertility_loss", low: 0.0, high: 1.5 },
    FreeParameter { path: "labor_mobilization.irrigation_yield_gain", low: 0.0, high: 0.08 },
    FreeParameter { path: "agriculture.work_capacity_loss", low: 0.0, high: 1.5 },
    FreeParameter { path: "weather.loss_per_affected_share", low: 0.1, high: 0.8 },
    FreeParameter { path: "mess_halls.cadre_premium", low: 0.0, high: 1.5 },
    FreeParameter { path: "procurement.plan_growth", low: 0.0, high: 0.5 },
    FreeParameter { path: "reporting.learning_rate", low: 0.05, high: 0.6 },
    FreeParameter { path: "politics.radicalism_spread", low: 0.0, high: 2.0 },
    FreeParameter { path: "labor_mobilization.unharvested_share", low: 0.0, high: 0.6 },
    FreeParameter { path: "procurement.resale_admitted_at_peak", low: 0.0, high: 1.0 },
    FreeParameter { path: "food.procurement_rate", low: 0.15, high: 0.35 },
    FreeParameter { path: "retrenchment.farm_input_growth", low: 0.0, high: 0.06 },
];

/// The value at `path`, or `None` if there is no such numeric parameter.
pub fn get(params: &Params, path: &str) -> Option<f64> {
    params.get_path(path)
}

/// Sets the value at `path`.
pub fn set(params: &mut Params, path: &str, value: f64) -> Result<(), String> {
    params.set_path(path, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_free_parameter_exists_and_its_default_is_in_range() {
        let p = Params::default();
        assert!(FREE_PARAMETERS.len() < 30);
        for f in FREE_PARAMETERS {
            let v = get(&p, f.path).unwrap_or_else(|| panic!("{} missing", f.path));
            assert!(f.low < f.high, "{}", f.path);
            assert!((f.low..=f.high).contains(&v), "{} = {v} outside [{}, {}]", f.path, f.low, f.high);
        }
    }

    #[test]
    fn every_prior_range_lies_within_the_plausible_range_scenarios_accept() {
        // The two tables are kept apart (a prior may be narrower), so a widened prior must widen both.
        for f in FREE_PARAMETERS {
            let (lo, hi) = leapsim_scenario::range_of(f.path).unwrap_or_else(|| panic!("{} has no range", f.path));
            assert!(lo <= f.low && f.high <= hi, "{}: prior [{}, {}] outside [{lo}, {hi}]", f.path, f.low, f.high);
        }
    }
}
