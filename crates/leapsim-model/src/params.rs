//! Every parameter of the model, grouped by mechanism. Each line gives the value, the unit, the source
//! and the plausible range. Sources in brackets refer to `../shared/reference/literature.md` (copied
//! nowhere: cite by section) or to files in `data/`.

use serde::{Deserialize, Serialize};

pub use crate::mechanisms::agronomy::AgronomyParams;
pub use crate::mechanisms::backyard_steel::SteelParams;
pub use crate::mechanisms::communes::CommunesParams;
pub use crate::mechanisms::four_pests::PestsParams;
pub use crate::mechanisms::industry::IndustryParams;
pub use crate::mechanisms::labor_mobilization::LaborParams;
pub use crate::mechanisms::mess_halls::MessHallParams;
pub use crate::mechanisms::politics::{PoliticsParams, Timeline};
pub use crate::mechanisms::procurement::LeapProcurementParams;
pub use crate::mechanisms::public_health::PublicHealthParams;
pub use crate::mechanisms::reporting::ReportingParams;
pub use crate::mechanisms::retrenchment::RetrenchmentParams;
pub use crate::mechanisms::trade::TradeParams;

/// Parameters of `demography`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemographyParams {
    /// True crude death rate of January 1955 that fixes the level of the baseline hazard; ‰.
    /// Banister 1984 Table 5, estimated CDR 1955 = 22.3 (data/national.csv). Range 18–26.
    pub cdr_1955_true: f64,
    /// True crude birth rate of 1955 that fixes the level of fertility; ‰. Banister 1984, 43.0. Range 38–46.
    pub cbr_1955_true: f64,
    /// Long-run floor of the baseline-mortality multiplier relative to 1955; fraction. Set so the
    /// no-famine course reaches Banister's post-famine CDR of ≈ 11‰ by 1966 (data/national.csv). Range 0.3–0.7.
    pub mortality_floor: f64,
    /// Speed of the secular mortality decline towards the floor; per year. Banister's estimated CDR falls
    /// 22.3 → 18.1‰ over 1955–57 (data/national.csv). The range was 0.05–0.3 until four of the six calibrations
    /// of sessions 3–6 ended at its upper bound. Range 0.05–0.5.
    pub mortality_decline_rate: f64,
    /// Male/female ratio of baseline hazards; ratio. Typical of 1950s model life tables (Coale–Demeny West). Range 1.0–1.2.
    pub male_excess_mortality: f64,
    /// Sex ratio at birth; males per female. 1953 census ≈ 1.05 (demographic norm). Range 1.03–1.08.
    pub sex_ratio_at_birth: f64,
    /// Energy intake per adult equivalent below which mortality rises; kcal/day. Literature §11: 1,500–1,900
    /// kcal national mean in 1960 with famine; 2,060 in the 1959 survey. Range 1,600–2,100.
    pub famine_kcal_threshold: f64,
    /// Strength of the famine hazard: the multiplier is 1 + sensitivity × (exp(strength × deficit) − 1), with the
    /// deficit the relative shortfall below the threshold; dimensionless. Calibrated. Range 2–9.
    pub famine_mortality_strength: f64,
    /// Time constant of nutritional depletion: famine mortality and amenorrhoea follow the energy deficit
    /// smoothed over this many months (deaths peak at the end of a hungry season, not in its first month);
    /// months. Range 1–8.
    pub famine_memory_months: f64,
    /// Famine sensitivity of children under 10, relative to adults 10–49. Ashton et al. 1984: 41% of excess
    /// deaths under age 10 (literature §11). Range 1–3.
    pub famine_sensitivity_child: f64,
    /// Famine sensitivity of persons 50+, relative to adults 10–49. Range 1–3.
    pub famine_sensitivity_old: f64,
    /// Famine sensitivity of males relative to females (Mu & Zhang 2011, literature §11). Range 1–1.5.
    pub famine_sensitivity_male: f64,
    /// Months of postpartum infecundity after a birth (breastfeeding amenorrhoea); months. Natural-fertility
    /// populations 10–18. Range 8–20.
    pub postpartum_infecund_months: f64,
    /// Share of the conceptions postponed by hunger and separation that are made up once food returns (the
    /// 1962–63 rebound: registered CBR 43.4‰ in 1963, Banister 49.8‰); fraction. Range 0–1.
    pub catch_up_share: f64,
    /// Months over which postponed conceptions are made up; months. Range 3–36.
    pub catch_up_months: f64,
    /// Months a province must have been out of famine before postponed conceptions are made up: the weddings
    /// the famine put off are held first, then the newlyweds conceive. Banister's true CBR was 41.0‰ in 1962 and
    /// 49.8‰ in 1963 (data/national.csv): the rebound peaked a year after food came back in 1961. Without the
    /// wait (session 8) the catch-up followed the 1961 summer harvest at once, into the births of 1962. No source
    /// gives the wait (assumption); months. Range 0–18.
    pub catch_up_delay_months: f64,
    /// A province is back in famine, and its catch-up clock restarts, when its households' mean fertility
    /// factor falls below this share of its 1955–57 mean; a leaner winter above it does not interrupt the
    /// catch-up (in 1962–63 rural winters stayed below 1957's while births were at their highest). Assumption;
    /// fraction. Range 0.3–0.95.
    pub famine_return_share: f64,
    /// Yearly change of conceptions from 1955 (the urban birth-planning campaigns from 1962, later marriage);
    /// per year. Banister's estimated CBR: 43.0 (1955) → 39.8 (1966). Range −0.03–0.01.
    pub fertility_trend: f64,
    /// The intake below which conception falls (famine amenorrhoea), as a share of `famine_kcal_threshold`;
    /// conception follows the household's depletion (intake smoothed over `famine_memory_months`), not the
    /// month's intake: ovulation returns only as the body recovers, so the summer after a famine winter is not a
    /// normal summer. Below 1: rural intake in 1962–65 stayed below 1957's (the winters 1–10% lower) while
    /// births reached their highest rates (Banister 49.8‰ in 1963), so a lean year does not stop conception,
    /// only a famine does. The literature in `reference/` gives no magnitude; fraction. Range 0.6–1.
    pub fertility_threshold_share: f64,
    /// The smoothed intake, as a share of `famine_kcal_threshold`, at which conception stops: between the two
    /// shares conception falls linearly (floored at 5% of normal). Births fall 9 months after the deficit
    /// (literature §11: CBR 1961 22.4‰ vs 43 in 1957). The literature in `reference/` gives no magnitude; the
    /// prior, 0.8 (1,520 kcal a day per adult equivalent at the 1,900 threshold), is where the session-7
    /// calibration's response stopped conception (elasticity 5.28 below the full threshold; that parametrisation,
    /// an elasticity with the threshold, coupled the two so that the search could not move one without the
    /// other). At or above `fertility_threshold_share`, conception drops at that share; fraction. Range 0.4–0.95.
    pub fertility_stop_share: f64,
    /// Rural-to-urban migration before the Leap (First Five-Year Plan recruitment): yearly probability that a
    /// rural person aged 16–30 moves to a town; fraction/year. Urban population 82.9 → 99.5 M over 1955–57
    /// with natural growth of ≈ 20‰ leaves several million migrants a year, out of ≈ 130 M rural persons aged
    /// 16–30 (data/national.csv; part of the urban growth was reclassification). Range 0–0.06.
    pub rural_urban_migration_rate: f64,
    /// A rural woman's probability of moving to a town relative to a man's of the same age; ratio. The towns
    /// hired workers: state industry took 15.68 M agricultural labourers in 1958 alone (Riskin, literature §3),
    /// and the furnaces and works left "mainly the elderly, women and children in the fields" (Hubei, literature
    /// §3). No source gives the recruits' sex ratio, hence the wide range. With both sexes moving alike (1) the
    /// young migrant women made the towns' birth rate 50–63‰ in 1957–61 and the towns 152 M at the end of 1962
    /// (116.6 M in data/national.csv). Fitted by `leapsim calibrate` in sessions 5–8, every fit ended at the
    /// lower bound 0.2 (recruits mostly men), where it is now fixed; its place among the free parameters went
    /// back to `retrenchment.farm_input_growth`. Range 0.2–1.
    pub migrant_female_ratio: f64,
}

/// Parameters of `registration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationParams {
    /// Share of true deaths registered in 1955; fraction. Banister 1984: 12.3/22.3 = 0.55. Range 0.45–0.7.
    pub death_completeness_1955: f64,
    /// Yearly rise of death-registration completeness; per year. Banister: 0.55 (1955) → 0.80 (1966). Range 0–0.04.
    pub death_completeness_trend: f64,
    /// Share of true births registered in 1955; fraction. Banister: 32.6/43.0 = 0.76. Range 0.65–0.9.
    pub birth_completeness_1955: f64,
    /// Yearly rise of birth-registration completeness; per year. Banister: 0.76 (1955) → ≈ 0.9 (1962–66). Range 0–0.03.
    pub birth_completeness_trend: f64,
    /// Upper bound of completeness; fraction. Range 0.85–1.
    pub completeness_max: f64,
    /// Deaths hidden by cadres under political pressure: death completeness × (1 − hiding · π_p); births are
    /// hidden a third as much. "Registered births and deaths are reports too." Range 0–0.5.
    pub pressure_hiding: f64,
    /// How far a crisis death rate overwhelms registration: completeness is divided by
    /// 1 + overload × (true monthly CDR − normal) / normal. Banister: 0.57 registered in 1960 vs ≈ 0.65 trend. Range 0–0.3.
    pub crisis_overload: f64,
}

/// Parameters of `agriculture`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgricultureParams {
    /// Elasticity of output with respect to effective farm labour; dimensionless. Li & Yang 2005 production
    /// function Y = A (e·L)^α K^β S^γ W (literature, model B; value [M]). Range 0.2–0.6.
    pub labour_elasticity: f64,
    /// Yearly growth of farm productivity (technology, irrigation, fertiliser); per year. Grain 163.9 Mt (1952)
    /// → 195.1 Mt (1957) = 3.5%/yr with rural population growth ≈ 2%/yr (data/national.csv). Range 0–0.03.
    pub productivity_growth: f64,
    /// Share of the year's grain harvested in June (wheat, early rice); the rest in October. National
    /// summer grain ≈ 1/4–1/3 of the total in the 1950s (assumption, documented in ARCHITECTURE.md). Range 0.2–0.4.
    pub summer_harvest_share: f64,
    /// Standard deviation of the fixed log productivity of production teams; dimensionless. Range 0–0.3.
    pub team_productivity_sd: f64,
    /// Standard deviation of the yearly idiosyncratic yield shock of a team; dimensionless. Range 0–0.2.
    pub team_yield_noise_sd: f64,
    /// Work capacity at zero energy deficit is 1; it falls by this much per unit of relative deficit
    /// (nutrition channel of Li & Yang 2005); dimensionless. Range 0–2.
    pub work_capacity_loss: f64,
    /// Share of output kept by teams for seed, feed and losses; fraction. 1950s grain balance: seed ≈ 8%,
    /// feed and waste ≈ 10% (assumption; range from the grain-balance literature 12–25%). Range 0.12–0.25.
    pub seed_feed_waste_share: f64,
    /// Share of rural production teams growing no grain (cash crops, forests, fisheries, pastures) and fed by
    /// state resale; fraction. 1957 gross − net procurement = 48.0 − 33.9 = 14.1 Mt resold to the countryside
    /// (literature, validation targets §2) ≈ 65 M people at 210 kg. Range 0.04–0.15.
    pub cash_crop_share: f64,
    /// Elasticity of output to farm capital (draft animals, tools, manure): the K^β of Li & Yang (2005)
    /// (literature, models B; value [M]). Range 0.1–0.5.
    pub capital_elasticity: f64,
    /// Farm capital lost per month per unit of rural energy deficit (draft animals slaughtered or starved,
    /// tools sold, pigs gone); fraction per month. Range 0–0.1.
    pub capital_loss_per_deficit: f64,
    /// Share of the lost capital rebuilt in a year; fraction per year. Output regained its 1958 level only
    /// in 1966 (literature §12). Range 0.02–0.5.
    pub capital_recovery_rate: f64,
}

/// Parameters of `weather`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeatherParams {
    /// Share of the sown area affected by disasters in a normal year, whose losses are already in the 1955–57
    /// baseline; fraction. 1958 (14.3% drought-affected, data/national_disaster_shares.csv) is taken as normal.
    /// Range 0.1–0.2.
    pub normal_affected_share: f64,
    /// Yield lost per unit of affected share above normal; fraction. Drought losses averaged 13.3% of output in
    /// 1959–61 against 1.6–3.3% in other years (Chen Donglin 2005, literature §8) with ≈ 30 points more of the
    /// sown area affected. Range 0.1–0.8.
    pub loss_per_affected_share: f64,
}

/// Parameters of the food chain of the 1950s: procurement under the pre-1958 rules ("unified purchase and
/// sale" with the 1955 "three fixes"), urban rations, rural retention and consumption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FoodParams {
    /// Procurement quota as a share of a team's normal output at the national mean productivity; fraction.
    /// 1957 gross procurement 48.0 Mt of 195.05 Mt = 24.6% (literature, validation targets §2). Range 0.15–0.35.
    pub procurement_rate: f64,
    /// Progressivity: the quota share rises by this much per unit of relative excess of expected output per
    /// head over the national mean (Meng, Qian & Yared 2015: progressive procurement); dimensionless. Range 0–0.5.
    pub procurement_progressivity: f64,
    /// Grain per head a team keeps before any quota is taken, under the 1955 "three fixes"; kg unhusked per
    /// person-year. The retention standards of 1955 were ≈ 180–200 kg (assumption within that range). Range 150–230.
    pub retention_floor_kg: f64,
    /// Grain a rural household wants to eat per adult equivalent; kg unhusked per year. 1957 per capita grain
    /// consumption 203 kg (literature §11) for a population whose mean adult-equivalent weight is ≈ 0.8. Range 220–300.
    pub rural_desired_kg: f64,
    /// Urban ration per adult equivalent; kg unhusked per year. Urban residents received protected rations of
    /// ≈ 15–16 kg trade grain a month (assumption); range 200–300.
    pub urban_ration_kg: f64,
    /// Energy per kg of unhusked grain after milling; kcal/kg. ≈ 3,500 kcal/kg husked grain × 0.78 extraction. Range 2,500–2,900.
    pub kcal_per_kg: f64,
    /// Energy from non-grain food (vegetables, oil, meat); kcal/day per adult equivalent. Range 100–400.
    pub non_grain_kcal: f64,
    /// Months of need a household keeps in stock; more is sold to the state after the harvest ("over-quota
    /// purchase"); months. Range 6–18.
    pub household_stock_cap_months: f64,
    /// Share of the distributable grain a team allocates by work points (the rest per head as basic ration);
    /// fraction. Common 1950s ratios 3:7 to 4:6 (assumption). Range 0.2–0.5.
    pub work_point_share: f64,
    /// Net grain exports a year under the 1957 course; Mt. Mean 1955–57 net exports (data/national.csv:
    /// 2.05, 2.50, 1.93 Mt). Range 1.5–3.
    pub baseline_net_exports_mt: f64,
    /// State grain stock at January 1955, in months of the state's planned outflow (urban rations, other uses,
    /// exports): enough to reach the autumn harvest with the summer procurement. Range 6–12.
    pub initial_state_stock_months: f64,
    /// State grain sales outside the urban ration system and the modelled resale, a year: the army, industry,
    /// and the rural cash-crop, forestry and fishing areas that the model does not farm as grain teams; Mt.
    /// The residual of the 1957 balance: gross procurement 48.0 Mt (literature, validation targets §2) less
    /// urban rations (≈ 20 Mt), net exports (1.9 Mt) and a small growth of state stocks. Range 5–30.
    pub state_other_uses_mt: f64,
    /// Reserve of urban rations the granary keeps before it pays other uses; months. Range 3–9.
    pub state_reserve_months: f64,
    /// Ceiling of the granary in months of urban rations; stock above it is released to other uses. Range 12–36.
    pub state_ceiling_months: f64,
}

/// All parameters, by mechanism, and the dates of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub demography: DemographyParams,
    pub registration: RegistrationParams,
    pub agriculture: AgricultureParams,
    pub weather: WeatherParams,
    pub food: FoodParams,
    pub timeline: Timeline,
    pub politics: PoliticsParams,
    pub reporting: ReportingParams,
    pub procurement: LeapProcurementParams,
    pub trade: TradeParams,
    pub communes: CommunesParams,
    pub mess_halls: MessHallParams,
    pub labor_mobilization: LaborParams,
    pub backyard_steel: SteelParams,
    pub four_pests: PestsParams,
    pub agronomy: AgronomyParams,
    pub industry: IndustryParams,
    pub retrenchment: RetrenchmentParams,
    pub public_health: PublicHealthParams,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            demography: DemographyParams {
                cdr_1955_true: 22.3,
                cbr_1955_true: 43.0,
                mortality_floor: 0.48,
                mortality_decline_rate: 0.2,
                male_excess_mortality: 1.08,
                sex_ratio_at_birth: 1.05,
                famine_kcal_threshold: 1900.0,
                famine_mortality_strength: 5.0,
                famine_memory_months: 3.0,
                famine_sensitivity_child: 1.6,
                famine_sensitivity_old: 1.4,
                famine_sensitivity_male: 1.15,
                postpartum_infecund_months: 14.0,
                catch_up_share: 0.5,
                catch_up_months: 12.0,
                catch_up_delay_months: 6.0,
                famine_return_share: 0.7,
                fertility_trend: 0.0,
                fertility_threshold_share: 0.9,
                fertility_stop_share: 0.8,
                rural_urban_migration_rate: 0.03,
                migrant_female_ratio: 0.2,
            },
            registration: RegistrationParams {
                death_completeness_1955: 0.55,
                death_completeness_trend: 0.022,
                birth_completeness_1955: 0.75,
                birth_completeness_trend: 0.014,
                completeness_max: 0.95,
                pressure_hiding: 0.2,
                crisis_overload: 0.12,
            },
            agriculture: AgricultureParams {
                labour_elasticity: 0.4,
                productivity_growth: 0.012,
                summer_harvest_share: 0.3,
                team_productivity_sd: 0.15,
                team_yield_noise_sd: 0.08,
                work_capacity_loss: 0.6,
                seed_feed_waste_share: 0.18,
                cash_crop_share: 0.08,
                capital_elasticity: 0.3,
                capital_loss_per_deficit: 0.03,
                capital_recovery_rate: 0.15,
            },
            weather: WeatherParams { normal_affected_share: 0.1425, loss_per_affected_share: 0.35 },
            food: FoodParams {
                procurement_rate: 0.25,
                procurement_progressivity: 0.2,
                retention_floor_kg: 190.0,
                rural_desired_kg: 255.0,
                urban_ration_kg: 240.0,
                kcal_per_kg: 2730.0,
                non_grain_kcal: 200.0,
                household_stock_cap_months: 12.0,
                work_point_share: 0.3,
                baseline_net_exports_mt: 2.16,
                initial_state_stock_months: 9.0,
                state_other_uses_mt: 12.0,
                state_reserve_months: 6.0,
                state_ceiling_months: 18.0,
            },
            timeline: Timeline::default(),
            politics: PoliticsParams::default(),
            reporting: ReportingParams::default(),
            procurement: LeapProcurementParams::default(),
            trade: TradeParams::default(),
            communes: CommunesParams::default(),
            mess_halls: MessHallParams::default(),
            labor_mobilization: LaborParams::default(),
            backyard_steel: SteelParams::default(),
            four_pests: PestsParams::default(),
            agronomy: AgronomyParams::default(),
            industry: IndustryParams::default(),
            retrenchment: RetrenchmentParams::default(),
            public_health: PublicHealthParams::default(),
        }
    }
}

impl Params {
    /// The numeric parameter at `path` (`group.field`, e.g. `communes.effort_loss`), if there is one.
    pub fn get_path(&self, path: &str) -> Option<f64> {
        let v = serde_json::to_value(self).ok()?;
        v.pointer(&json_pointer(path))?.as_f64()
    }

    /// Sets the numeric parameter at `path`; the error names the path when it does not exist or is not a number.
    pub fn set_path(&mut self, path: &str, value: f64) -> Result<(), String> {
        let mut v = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        let slot = v.pointer_mut(&json_pointer(path)).ok_or_else(|| format!("no parameter {path}"))?;
        if !slot.is_number() {
            return Err(format!("parameter {path} is not a number"));
        }
        *slot = serde_json::json!(value);
        *self = serde_json::from_value(v).map_err(|e| format!("{path}: {e}"))?;
        Ok(())
    }

    /// The defaults with the shipped calibration applied (`calibration/params.json`, written by
    /// `leapsim calibrate`).
    pub fn calibrated() -> Params {
        let mut p = Params::default();
        let values: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(CALIBRATED).expect("calibration/params.json is a JSON object (checked by a test)");
        for (path, v) in &values {
            let x = v.as_f64().expect("calibrated values are numbers (checked by a test)");
            p.set_path(path, x).expect("calibrated paths exist (checked by a test)");
        }
        p
    }
}

/// The shipped calibration: `path → value` for the free parameters.
pub const CALIBRATED: &str = include_str!("../../../calibration/params.json");

fn json_pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calibration_applies() {
        let values: serde_json::Map<String, serde_json::Value> = serde_json::from_str(CALIBRATED).unwrap();
        let p = Params::calibrated();
        for (path, v) in &values {
            assert_eq!(p.get_path(path), v.as_f64(), "{path}");
        }
    }

    #[test]
    fn paths_address_single_parameters() {
        let mut p = Params::default();
        p.set_path("communes.effort_loss", 0.2).unwrap();
        assert_eq!(p.communes.effort_loss, 0.2);
        assert_eq!(p.get_path("communes.effort_loss"), Some(0.2));
        assert!(p.set_path("communes.no_such", 1.0).is_err());
        assert!(p.set_path("timeline.lushan", 1.0).is_err());
    }
}
