//! `labor_mobilization`: peasants pulled off the fields and into towns.
//!
//! * Water-conservancy armies in the winters from 1957–58 to 1959–60: 30 M (Oct 1957) to 100 M (Jan 1958),
//!   "one in six Chinese" (literature §3): fewer hands for the winter crop, a smaller summer harvest.
//! * The steel campaign (Aug–Dec 1958): tens of millions at the furnaces during the autumn harvest; ripe grain
//!   "rotted in the fields" (Hubei; literature §3). Labour at the October harvest falls, and part of the crop
//!   is not brought in.
//! * Rural-to-urban recruitment 1958–60 (+31 M urban; state employment 50.4 M in 1960) and the return of
//!   ≈ 20 M to the villages in 1961–63 (Xilou meeting, Feb 1962).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaborParams {
    /// Peak share of rural working-age labour on irrigation works in winter; fraction. 100 M in Jan 1958 of
    /// ≈ 270 M rural workers (literature §3). Range 0.1–0.45.
    pub irrigation_share: f64,
    /// How much a winter's diversion lowers the next summer harvest's labour; weight. Range 0–0.5.
    pub irrigation_harvest_weight: f64,
    /// Share of rural labour in the steel campaign at its peak; fraction. ≈ 90 M [M] of ≈ 270 M. Range 0.1–0.4.
    pub steel_share: f64,
    /// Share of the diverted workers' part of the autumn 1958 harvest left in the fields; fraction.
    /// "About 10% of the 1958 harvest" [M] (literature §3). Calibrated; the prior is 0 (it was 0.3 until four of
    /// the six calibrations of sessions 3–6 put it at 0). Range 0–0.6.
    pub unharvested_share: f64,
    /// Rural-to-urban migration during the Leap relative to the 1955–57 rate; ratio. Urban +31 M by 1960 (literature
    /// §3; 99.5 → 130.7 M, data/national.csv). Range 1–8.
    pub recruitment_multiplier: f64,
    /// Yearly probability that an urban person aged 16–45 is sent back to the village, 1961–63; fraction.
    /// Target −20 M urban of ≈ 130 M; −26 M achieved (literature §3). Range 0–0.3.
    pub return_rate: f64,
    /// Rural-to-urban migration from the retreat (Nov 1960) on, relative to the 1955–57 rate; ratio. The
    /// household registration of 1958 was enforced from 1961: towns stopped hiring peasants, and the urban
    /// population stayed at 116.6 and 116.5 M at the ends of 1962 and 1963 (data/national.csv; the jump to
    /// 129.5 M in 1964 is mostly a redefinition of "urban"). A lever: 1 (the 1955–57 rate) in the shipped
    /// historical scenario, which overstates the towns after 1961 (151.8 M at the end of 1962 at scale 100);
    /// see `retrenchment.urban_ration_cut` for the calibration that tried it. Range 0–1.
    pub migration_after_retreat: f64,
    /// Fall of conceptions per unit share of rural labour away at the works or furnaces (couples separated);
    /// dimensionless. Births fell already in 1958–59, before the famine (Banister CBR 43.3 → 37.8 → 28.5). Range 0–1.5.
    pub separation_fertility_loss: f64,
    /// Yield gain from the new irrigation works (165 M mu newly irrigated by Feb 1958, literature §3), at its
    /// height in 1958 and fading as works silt up, collapse or salinise the land; fraction. No literature
    /// magnitude; 1958 was a record harvest (200 Mt) despite the crop left in the fields. Range 0–0.08.
    pub irrigation_yield_gain: f64,
    /// Years over which the irrigation gain fades. Range 1–10.
    pub irrigation_gain_years: f64,
}

impl Default for LaborParams {
    fn default() -> Self {
        LaborParams {
            irrigation_share: 0.3,
            irrigation_harvest_weight: 0.2,
            steel_share: 0.25,
            unharvested_share: 0.0,
            recruitment_multiplier: 3.0,
            return_rate: 0.12,
            migration_after_retreat: 1.0,
            separation_fertility_loss: 0.6,
            irrigation_yield_gain: 0.03,
            irrigation_gain_years: 4.0,
        }
    }
}
