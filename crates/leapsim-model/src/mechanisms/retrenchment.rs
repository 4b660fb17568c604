//! `retrenchment`: the pragmatic return led by Liu Shaoqi and Deng Xiaoping. The Twelve Articles (Nov 1960)
//! restore private plots and stop the "communist wind"; the Sixty Articles (Mar 1961) make mess halls
//! voluntary, cut procurement and return it to the harvest (resale to deficit teams resumes); grain is
//! imported from 1961 (5.8 Mt); ≈ 20 M urban people go back to the villages (1961–63); the team becomes the
//! accounting unit (Feb 1962), and industry turns to farm inputs. Switched off, none of this happens and the Leap's institutions stay.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrenchmentParams {
    /// Cut of the pre-1958 procurement rate after the Sixty Articles; fraction. Net procurement 30.9 Mt (1960)
    /// → 25.8 Mt (1961) (literature §12). Range 0–0.3.
    pub procurement_cut: f64,
    /// Grain imports a year once the retreat starts; Mt. 1961: 5.81 Mt; ≈ 5 Mt a year 1961–65 (literature §9). Range 3–7.
    pub imports_mt: f64,
    /// Months from the start of the retreat to the first imports (contracts signed Dec 1960–Jan 1961). Range 1–6.
    pub imports_lag_months: u32,
    /// Yearly growth of yields from the team-accounting settlement (Feb 1962) on, above the 1950s trend:
    /// "agriculture as the foundation" turned industry to farm inputs (chemical fertiliser, pumps, improved
    /// seed). The literature gives the outcome (grain 160 Mt in 1962; the 1958 level regained in 1966,
    /// 214 Mt in the 1984 yearbook series: literature §12, data/national.csv) but no magnitude for the inputs'
    /// share of it, so the range is wide. Calibrated (prior 0.02). Sessions 4 and 5 took it to 0–0.00125 while the
    /// land cut in 1959 came back to grain at once and output rebounded without it; since the grain sown area
    /// stays cut (`agronomy.sown_area_return_rate`, as recorded) yields must grow to regain the 1958 level in
    /// 1966. Per year. Range 0–0.06.
    pub farm_input_growth: f64,
    /// Cut of the urban grain ration while the timeline says so (`urban_rations_cut` – `urban_rations_restored`,
    /// Sep 1960 – Jul 1961); fraction of the ration. The centre lowered the towns' ration standards in
    /// September 1960 as non-staple foods vanished from the shops. Urban CDR rose by half from 9.22‰ (1958) to
    /// 13.77‰ (1960) (literature §9, Xin & Ge 2008; data/national.csv), a rise that fully protected rations
    /// cannot produce. The literature in `reference/` gives no magnitude for the cut, so the range is wide and
    /// the value is a lever. It is 0 in the shipped historical scenario: calibrated free (with the hukou
    /// closure, `labor_mobilization.migration_after_retreat`; session-4 engine, scale 2000), the fit took it to
    /// 0.21–0.26 and got worse (loss 69–81 against 64, 53–54 of 63 targets against 57): urban births fall in 1961
    /// as recorded, but registered deaths in 1960 and grain in 1959 move out of their bands. Range 0–0.3.
    pub urban_ration_cut: f64,
}

impl Default for RetrenchmentParams {
    fn default() -> Self {
        RetrenchmentParams {
            procurement_cut: 0.1,
            imports_mt: 5.0,
            imports_lag_months: 2,
            farm_input_growth: 0.02,
            urban_ration_cut: 0.0,
        }
    }
}
