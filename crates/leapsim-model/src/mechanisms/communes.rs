//! `communes`: collectivisation into People's Communes (Aug–Nov 1958; Beidaihe resolution 29 Aug 1958).
//!
//! * Exit right removed (Lin 1990): the collective becomes a one-shot game, effort falls and output with it,
//!   over the seasons it takes members to learn that shirking goes unpunished.
//!   Team accounting (Feb 1962) restores part of the incentive; Lin's TFP series did not regain its 1952 level
//!   for decades, so part of the loss stays.
//! * Private plots and household sidelines abolished: before 1958 they were ≈ 7% of cropland and ≈ 30% of
//!   peasant income (literature §1, [V-weak]); here they supply part of the non-grain food. Restored with the
//!   Twelve Articles (Nov 1960).
//! * "Communist wind" transfers of labour are part of `labor_mobilization`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunesParams {
    /// Fall of farm output from shirking once the exit right is gone; fraction. Lin (1990): TFP collapsed
    /// (magnitude [M]). Range 0–0.3 (0: the exit right kept).
    pub effort_loss: f64,
    /// Months over which the effort loss builds up, from the first harvest grown under the commune; months.
    /// Lin's (1990) argument is a repeated game: with exit gone, members learn season by season that shirking
    /// goes unpunished, so the loss is not instant. The 1959 harvest says it was not: the grain yield per
    /// hectare of 1959 equalled 1957's (1.46 t/ha, data/national.csv) in a year of twice the normal disaster
    /// area, and the fall came in 1960–61 (1.18 and 1.12 t/ha). No source gives the duration (assumption, wide
    /// range); 0 makes the loss immediate. Range 0–36.
    pub effort_build_months: f64,
    /// Share of the effort loss recovered when the team becomes the accounting unit (Feb 1962); fraction. The
    /// exit right was not restored with team accounting, and in Lin's series agricultural TFP did not regain its
    /// 1952 level until the 1980s (literature §1, [M]), so the range starts at 0 (it started at 0.2 until five
    /// of the six calibrations of sessions 3–6 ended there). Range 0–1.
    pub effort_recovered: f64,
    /// Share of rural non-grain food that came from private plots and sidelines; fraction. Plots ≈ 7% of land,
    /// ≈ 30% of income (literature §1). Range 0.2–0.7.
    pub private_plot_food_share: f64,
}

impl Default for CommunesParams {
    fn default() -> Self {
        CommunesParams {
            effort_loss: 0.08,
            effort_build_months: 18.0,
            effort_recovered: 0.5,
            private_plot_food_share: 0.4,
        }
    }
}

/// Share of the effort loss in force `months` after the first harvest grown under the commune (0 = that harvest's
/// month): it builds up linearly over `effort_build_months`.
pub fn effort_built(p: &CommunesParams, months: f64) -> f64 {
    if p.effort_build_months <= 0.0 {
        return 1.0;
    }
    ((months + 1.0) / p.effort_build_months).clamp(0.0, 1.0)
}
