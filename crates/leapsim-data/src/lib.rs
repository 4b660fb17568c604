//! Historical data for leapsim: China 1952–1966, embedded at compile time from the repository's `data/`
//! folder and parsed once.
//!
//! Every number comes from a CSV in `data/` that names its source; derived inputs (uncovered provinces,
//! baseline grain, drought exposure) are documented in `data/README.md`, section "Derived inputs and
//! methods". Units are given on each field: populations in persons, rates in ‰ (per 1,000 per year),
//! grain and steel in million tonnes (Mt), shares as fractions (0–1).

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

pub mod csv;
mod derive;

/// The raw embedded CSV files (exactly the files in `data/`), for provenance displays and re-parsing.
pub mod raw {
    /// `data/national.csv`
    pub const NATIONAL: &str = include_str!("../../../data/national.csv");
    /// `data/provincial_cdr.csv`
    pub const PROVINCIAL_CDR: &str = include_str!("../../../data/provincial_cdr.csv");
    /// `data/provincial_other.csv`
    pub const PROVINCIAL_OTHER: &str = include_str!("../../../data/provincial_other.csv");
    /// `data/claimed_vs_actual.csv`
    pub const CLAIMED_VS_ACTUAL: &str = include_str!("../../../data/claimed_vs_actual.csv");
    /// `data/provinces_1958.csv` (unit list, regions, recalled 1953 census figures for uncovered units)
    pub const PROVINCES_1958: &str = include_str!("../../../data/provinces_1958.csv");
    /// `data/drought_macro_regions.csv` (macro-region → province expansion for the drought table)
    pub const DROUGHT_MACRO_REGIONS: &str = include_str!("../../../data/drought_macro_regions.csv");
    /// `data/national_disaster_shares.csv`
    pub const NATIONAL_DISASTER_SHARES: &str = include_str!("../../../data/national_disaster_shares.csv");
    /// `data/inputs/drought_episodes_1958_1962.csv`
    pub const DROUGHT_EPISODES: &str = include_str!("../../../data/inputs/drought_episodes_1958_1962.csv");
    /// `data/inputs/disaster_area_by_province.csv`
    pub const DISASTER_AREA_BY_PROVINCE: &str = include_str!("../../../data/inputs/disaster_area_by_province.csv");
    /// `data/inputs/provincial_leaders.csv`
    pub const PROVINCIAL_LEADERS: &str = include_str!("../../../data/inputs/provincial_leaders.csv");
}

/// One year of national statistics (`data/national.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct NationalYear {
    /// Calendar year.
    pub year: i32,
    /// Year-end population, persons (the file stores 10,000 persons).
    pub population_yearend: f64,
    /// Registered (official) crude birth rate, ‰ (`cbr_permille`).
    pub cbr_registered: f64,
    /// Registered (official) crude death rate, ‰ (`cdr_permille`).
    pub cdr_registered: f64,
    /// Banister's (1984) corrected crude birth rate, ‰ (estimated true rate); `None` for 1952.
    pub cbr_estimated: Option<f64>,
    /// Banister's (1984) corrected crude death rate, ‰ (estimated true rate); `None` for 1952.
    pub cdr_estimated: Option<f64>,
    /// Grain output, million tonnes: the 1984-yearbook ("old") series where given (1958–1962),
    /// otherwise the revised NBS series. This is the series the validation targets use.
    pub grain_output_mt: f64,
    /// Grain output, revised NBS series, million tonnes.
    pub grain_output_revised_mt: f64,
    /// Grain sown area, million hectares (NBS, unverified-recalled), where given.
    pub sown_area_mha: Option<f64>,
    /// Gross state grain procurement, million tonnes (`state_grain_procurement_gross`, production year).
    pub procurement_gross_mt: Option<f64>,
    /// Net state grain procurement (gross minus resales to the countryside), million tonnes.
    pub procurement_net_mt: Option<f64>,
    /// Gross procurement as a fraction of output, Lin & Yang (2000), where given (1958, 1959);
    /// see [`NationalYear::procurement_ratio_gross`] for a ratio computed for other years.
    pub procurement_ratio: Option<f64>,
    /// Grain exports, million tonnes (calendar year).
    pub exports_mt: f64,
    /// Grain imports, million tonnes (calendar year).
    pub imports_mt: f64,
    /// Urban population, persons.
    pub urban_population: f64,
    /// Steel output, million tonnes (official; includes the low-quality 1958–60 output).
    pub steel_mt: f64,
    /// Pig iron output, million tonnes.
    pub pig_iron_mt: f64,
}

impl NationalYear {
    /// Gross procurement divided by [`NationalYear::grain_output_mt`] (fraction), where procurement is given.
    /// Note: for 1958 this gives 0.294 against Lin & Yang's 0.259 (different procurement and output series).
    pub fn procurement_ratio_gross(&self) -> Option<f64> {
        self.procurement_gross_mt.map(|p| p / self.grain_output_mt)
    }

    /// Net grain exports (exports − imports), million tonnes.
    pub fn net_exports_mt(&self) -> f64 {
        self.exports_mt - self.imports_mt
    }
}

/// The great administrative regions of 1949–54 (大行政区), used to group provinces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Region {
    /// 华北: Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia.
    North,
    /// 东北: Liaoning, Jilin, Heilongjiang.
    Northeast,
    /// 华东: Shanghai, Jiangsu, Zhejiang, Anhui, Fujian, Jiangxi, Shandong.
    East,
    /// 中南: Henan, Hubei, Hunan, Guangdong, Guangxi.
    CentralSouth,
    /// 西南: Sichuan, Guizhou, Yunnan, Tibet.
    Southwest,
    /// 西北: Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang.
    Northwest,
}

impl Region {
    /// All regions in a fixed order.
    pub const ALL: [Region; 6] =
        [Region::North, Region::Northeast, Region::East, Region::CentralSouth, Region::Southwest, Region::Northwest];

    /// The name used in `data/provinces_1958.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Region::North => "North",
            Region::Northeast => "Northeast",
            Region::East => "East",
            Region::CentralSouth => "CentralSouth",
            Region::Southwest => "Southwest",
            Region::Northwest => "Northwest",
        }
    }

    /// Parses a name produced by [`Region::name`].
    pub fn from_name(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// One provincial-level unit in 1958 boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Province {
    /// Name exactly as in `provincial_cdr.csv` for the 25 named there; otherwise "Inner Mongolia",
    /// "Ningxia", "Xinjiang", "Tibet".
    pub name: String,
    /// Great administrative region of 1949–54.
    pub region: Region,
    /// True for the 24 provinces with an official CDR series (MQY panel or the China Population volume);
    /// false for Guangxi (county-gazetteer aggregate only), Inner Mongolia, Ningxia, Xinjiang, Tibet.
    pub official_cdr_covered: bool,
    /// Population at the end of 1954, persons: the start population for January 1955. Official for 23
    /// provinces; Sichuan back-projected; the five uncovered units share the national residual
    /// (see `data/README.md`). Sums to the national 1954 year-end population.
    pub population_1954_end: f64,
    /// Official year-end population, persons, where known (empty for uncovered units; Sichuan 1955 is
    /// omitted as a known transcription error).
    pub population_yearend: BTreeMap<i32, f64>,
    /// Urban share of the population in 1955, fraction (official where given, residual share otherwise).
    pub urban_share_1955: f64,
    /// Provincial grain output, million tonnes, where known (MQY panel, 1955–1965; none for Zhejiang).
    pub grain_output_mt: BTreeMap<i32, f64>,
    /// Baseline grain output, million tonnes: mean 1955–57 output where known; for the seven provinces
    /// without provincial output the residual of the national 1955–57 mean, shared by 1954 population.
    pub baseline_grain_mt: f64,
    /// Official crude death rate, ‰: the primary row per year in `provincial_cdr.csv` (empty if not covered).
    pub cdr_official: BTreeMap<i32, f64>,
    /// Official crude birth rate, ‰, where given (primary row, else the alternative official source).
    pub cbr_official: BTreeMap<i32, f64>,
    /// County-gazetteer sample aggregate CDR, ‰ (NOT an official rate; 13 provinces incl. Guangxi).
    pub cdr_county_aggregate: BTreeMap<i32, f64>,
    /// Share of the rural population eating in communal dining halls at the end of 1959, fraction,
    /// where given (11 provinces, unverified-recalled).
    pub dining_hall_participation: Option<f64>,
}

impl Province {
    /// Mean of the official CDR over 1955–57, ‰, if all three years are present.
    pub fn cdr_official_baseline(&self) -> Option<f64> {
        let v: Vec<f64> = (1955..=1957).filter_map(|y| self.cdr_official.get(&y).copied()).collect();
        (v.len() == 3).then(|| v.iter().sum::<f64>() / 3.0)
    }
}

/// First year with a drought record (`inputs/drought_episodes_1958_1962.csv`).
pub const DROUGHT_FIRST_YEAR: i32 = 1958;
/// Last year with a drought record.
pub const DROUGHT_LAST_YEAR: i32 = 1962;

pub(crate) struct Data {
    pub national: Vec<NationalYear>,
    pub provinces: Vec<Province>,
    /// Per province (index as in `provinces`), per year 1958..=1962: estimated share of sown area affected.
    pub affected: Vec<[f64; 5]>,
    /// Largest value in `affected` (normalises the exposure to 1 = worst in the record).
    pub affected_max: f64,
    /// National disaster shares (affected, severe) by year.
    pub disaster_shares: BTreeMap<i32, (f64, f64)>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(derive::build)
}

/// National statistics for 1952..=1966, in year order.
pub fn national() -> &'static [NationalYear] {
    &data().national
}

/// National statistics for one year (1952..=1966).
pub fn national_year(year: i32) -> Option<&'static NationalYear> {
    national().iter().find(|n| n.year == year)
}

/// The 29 provincial units of 1958 in a fixed order: Beijing, Tianjin, Shanghai, Hebei, Shanxi,
/// Inner Mongolia, Liaoning, Jilin, Heilongjiang, Jiangsu, Zhejiang, Anhui, Fujian, Jiangxi, Shandong,
/// Henan, Hubei, Hunan, Guangdong, Guangxi, Sichuan, Guizhou, Yunnan, Tibet, Shaanxi, Gansu, Qinghai,
/// Ningxia, Xinjiang. Tianjin (a city under Hebei from 1958 to 1967) and Beijing are separate units
/// because every provincial series in the data has them separately.
pub fn provinces() -> &'static [Province] {
    &data().provinces
}

/// Looks a province up by name.
pub fn province(name: &str) -> Option<&'static Province> {
    provinces().iter().find(|p| p.name == name)
}

/// Drought/disaster exposure of a province in a year, 0 = normal, 1 = the worst in the record; 0 for years
/// with no record (1955–57, 1963–66) and for unknown province names.
///
/// Built from `inputs/drought_episodes_1958_1962.csv` (episodes naming the province or a macro-region
/// containing it, weighted by drought class and precipitation deficit), scaled each year so that the
/// population-weighted national mean follows [`national_disaster_share`]; see `data/README.md`.
pub fn drought_exposure(province: &str, year: i32) -> f64 {
    let d = data();
    drought_affected_share(province, year) / d.affected_max
}

/// Estimated share of the province's sown area affected (受灾) by natural disasters in a year, fraction:
/// the un-normalised form of [`drought_exposure`], whose population-weighted national mean equals the
/// national affected share of that year. 0 outside 1958..=1962.
pub fn drought_affected_share(province: &str, year: i32) -> f64 {
    let d = data();
    if !(DROUGHT_FIRST_YEAR..=DROUGHT_LAST_YEAR).contains(&year) {
        return 0.0;
    }
    match d.provinces.iter().position(|p| p.name == province) {
        Some(i) => d.affected[i][(year - DROUGHT_FIRST_YEAR) as usize],
        None => 0.0,
    }
}

/// National share of sown area affected (受灾, yield loss > 10%) and severely affected (成灾, > 30%) by
/// natural disasters, fractions, where known: 1960–61 read from the record, 1958–59 derived from the
/// recorded areas (1958: drought only), 1962 unverified-recalled (`data/national_disaster_shares.csv`).
pub fn national_disaster_share(year: i32) -> Option<(f64, f64)> {
    data().disaster_shares.get(&year).copied()
}

#[cfg(test)]
mod tests;
