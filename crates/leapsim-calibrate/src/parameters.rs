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
    FreeParameter { path: "demography.fertility_famine_elasticity", low: 0.5, high: 4.0 },
    FreeParameter { path: "demography.mortality_decline_rate", low: 0.05, high: 0.3 },
    FreeParameter { path: "demography.mortality_floor", low: 0.3, high: 0.7 },
    FreeParameter { path: "registration.pressure_hiding", low: 0.0, high: 0.5 },
    FreeParameter { path: "registration.crisis_overload", low: 0.0, high: 0.3 },
    FreeParameter { path: "agriculture.work_capacity_loss", low: 0.0, high: 1.5 },
    FreeParameter { path: "weather.max_yield_loss", low: 0.05, high: 0.4 },
    FreeParameter { path: "food.procurement_rate", low: 0.15, high: 0.35 },
    FreeParameter { path: "food.state_other_uses_mt", low: 5.0, high: 30.0 },
    FreeParameter { path: "communes.effort_loss", low: 0.03, high: 0.3 },
    FreeParameter { path: "mess_halls.free_eating_factor", low: 1.0, high: 1.6 },
    FreeParameter { path: "mess_halls.cadre_premium", low: 0.0, high: 1.5 },
    FreeParameter { path: "procurement.rate", low: 0.15, high: 0.35 },
    FreeParameter { path: "procurement.plan_growth", low: 0.0, high: 0.5 },
    FreeParameter { path: "procurement.floor_squeeze", low: 0.2, high: 0.9 },
    FreeParameter { path: "reporting.inflation_per_level", low: 0.05, high: 0.3 },
    FreeParameter { path: "reporting.learning_rate", low: 0.05, high: 0.6 },
    FreeParameter { path: "politics.radicalism_spread", low: 0.0, high: 2.0 },
    FreeParameter { path: "politics.cooling_level", low: 0.3, high: 0.9 },
    FreeParameter { path: "agronomy.close_planting_loss", low: 0.0, high: 0.15 },
    FreeParameter { path: "labor_mobilization.unharvested_share", low: 0.0, high: 0.6 },
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
}
