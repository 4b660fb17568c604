//! The food chain inside the village and the town: distribution of a team's grain to households (basic
//! ration per head plus work points), household rationing of its stock until the next autumn harvest, the
//! protected urban ration, and the energy intake that follows.

use crate::params::FoodParams;

/// Months a rural household must make its stock last in `month_of_year`: until the October harvest.
#[inline]
pub fn months_until_autumn_harvest(month_of_year: u32) -> f64 {
    // October → 12 (the new harvest must last a year), September → 1.
    (((10 + 12 - month_of_year) % 12) as f64).max(0.0) + if month_of_year == 10 { 12.0 } else { 0.0 }
}

/// Monthly grain need; kg for `adult_eq` adult equivalents.
#[inline]
pub fn monthly_need_kg(kg_per_year: f64, adult_eq: f32) -> f64 {
    kg_per_year * adult_eq as f64 / 12.0
}

/// What a rural household eats this month from `stock`; kg.
#[inline]
pub fn rural_consumption(p: &FoodParams, stock: f64, adult_eq: f32, month_of_year: u32) -> f64 {
    let need = monthly_need_kg(p.rural_desired_kg, adult_eq);
    need.min(stock / months_until_autumn_harvest(month_of_year)).max(0.0)
}

/// Energy intake per adult equivalent per day from `kg` of grain eaten in a month.
#[inline]
pub fn kcal_per_day(p: &FoodParams, kg: f64, adult_eq: f32) -> f32 {
    if adult_eq <= 0.0 {
        return p.non_grain_kcal as f32;
    }
    (kg * p.kcal_per_kg / (30.4375 * adult_eq as f64) + p.non_grain_kcal) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn households_stretch_their_stock_to_the_next_harvest() {
        assert_eq!(months_until_autumn_harvest(10), 12.0);
        assert_eq!(months_until_autumn_harvest(11), 11.0);
        assert_eq!(months_until_autumn_harvest(9), 1.0);
        assert_eq!(months_until_autumn_harvest(6), 4.0);
        let p = Params::default().food;
        let need = monthly_need_kg(p.rural_desired_kg, 4.0);
        assert!((rural_consumption(&p, 1e6, 4.0, 11) - need).abs() < 1e-9);
        assert!((rural_consumption(&p, 110.0, 4.0, 11) - 10.0).abs() < 1e-9);
        let fed = kcal_per_day(&p, need, 4.0);
        assert!((2000.0..2400.0).contains(&fed), "{fed}");
    }
}
