//! `weather`: yearly provincial yield shocks from the historical disaster record (record input).
//!
//! The exposure index of `data/` (drought episodes of the meteorological administration's table, scaled
//! to the national disaster-affected shares of 1958–61; see data/README.md) is 0 in years without a
//! record (1955–57, 1962–66) and 1 for the worst province-year. The yield multiplier is
//! 1 − max_yield_loss × exposure. Switched off, every year has normal weather.

use crate::params::WeatherParams;

pub fn yield_multiplier(p: &WeatherParams, enabled: bool, province: &str, year: i32) -> f64 {
    if !enabled {
        return 1.0;
    }
    1.0 - p.max_yield_loss * leapsim_data::drought_exposure(province, year).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn drought_years_lower_yields_only_when_enabled() {
        let p = Params::default().weather;
        assert_eq!(yield_multiplier(&p, true, "Henan", 1956), 1.0);
        assert!(yield_multiplier(&p, true, "Henan", 1960) < 1.0);
        assert_eq!(yield_multiplier(&p, false, "Henan", 1960), 1.0);
    }
}
