//! Parsing of the embedded CSVs and the derived inputs documented in `data/README.md`
//! ("Derived inputs and methods").

use std::collections::BTreeMap;

use crate::csv::Table;
use crate::{raw, Data, NationalYear, Province, Region, DROUGHT_FIRST_YEAR, DROUGHT_LAST_YEAR};

/// 10,000 (万): the unit of the population and tonnage columns.
const WAN: f64 = 1.0e4;
/// 10,000 t expressed in million tonnes.
const WAN_T_IN_MT: f64 = 0.01;

fn table(text: &str, name: &str) -> Table {
    Table::parse(text).unwrap_or_else(|e| panic!("embedded data/{name}: {e}"))
}

pub(crate) fn build() -> Data {
    let national = build_national();
    let provinces = build_provinces(&national);
    let disaster_shares = build_disaster_shares();
    let (affected, affected_max) = build_drought(&provinces, &disaster_shares);
    Data { national, provinces, affected, affected_max, disaster_shares }
}

fn build_national() -> Vec<NationalYear> {
    let t = table(raw::NATIONAL, "national.csv");
    let req = |r: &crate::csv::Row, c: &str| {
        r.num(c).unwrap_or_else(|| panic!("national.csv {}: missing {c}", r.get("year")))
    };
    let mut out: Vec<NationalYear> = t
        .iter()
        .map(|r| {
            let revised = req(&r, "grain_output_10kt") * WAN_T_IN_MT;
            let old = r.num("grain_output_oldseries_10kt").map(|v| v * WAN_T_IN_MT);
            NationalYear {
                year: req(&r, "year") as i32,
                population_yearend: req(&r, "population_yearend_10k") * WAN,
                cbr_registered: req(&r, "cbr_permille"),
                cdr_registered: req(&r, "cdr_permille"),
                cbr_estimated: r.num("cbr_estimated_banister"),
                cdr_estimated: r.num("cdr_estimated_banister"),
                grain_output_mt: old.unwrap_or(revised),
                grain_output_revised_mt: revised,
                sown_area_mha: r.num("grain_sown_area_10kha").map(|v| v / 100.0),
                procurement_gross_mt: r.num("state_grain_procurement_gross_10kt").map(|v| v * WAN_T_IN_MT),
                procurement_net_mt: r.num("procurement_net_10kt").map(|v| v * WAN_T_IN_MT),
                procurement_ratio: r.num("procurement_ratio_linyang_pct").map(|v| v / 100.0),
                exports_mt: req(&r, "grain_exports_10kt") * WAN_T_IN_MT,
                imports_mt: req(&r, "grain_imports_10kt") * WAN_T_IN_MT,
                urban_population: req(&r, "urban_population_10k") * WAN,
                steel_mt: req(&r, "steel_output_10kt") * WAN_T_IN_MT,
                pig_iron_mt: req(&r, "pig_iron_output_10kt") * WAN_T_IN_MT,
            }
        })
        .collect();
    out.sort_by_key(|n| n.year);
    out
}

/// Intermediate per-province record before the residual methods run.
struct Raw {
    name: String,
    region: Region,
    covered: bool,
    census_1953: Option<f64>,
    pop_yearend: BTreeMap<i32, f64>,
    cdr: BTreeMap<i32, f64>,
    cbr: BTreeMap<i32, f64>,
    cbr_alt: BTreeMap<i32, f64>,
    cdr_county: BTreeMap<i32, f64>,
    grain: BTreeMap<i32, f64>,
    urban_pop: BTreeMap<i32, f64>,
    urban_share: BTreeMap<i32, f64>,
    dining: Option<f64>,
}

fn build_provinces(national: &[NationalYear]) -> Vec<Province> {
    let nat = |y: i32| national.iter().find(|n| n.year == y).unwrap_or_else(|| panic!("national {y}"));

    // Unit list, order, region.
    let units = table(raw::PROVINCES_1958, "provinces_1958.csv");
    let mut raws: Vec<Raw> = units
        .iter()
        .map(|r| Raw {
            name: r.get("province").to_string(),
            region: Region::from_name(r.get("region"))
                .unwrap_or_else(|| panic!("provinces_1958.csv: bad region {}", r.get("region"))),
            covered: r.get("official_cdr_covered") == "1",
            census_1953: r.num("census_1953_persons"),
            pop_yearend: BTreeMap::new(),
            cdr: BTreeMap::new(),
            cbr: BTreeMap::new(),
            cbr_alt: BTreeMap::new(),
            cdr_county: BTreeMap::new(),
            grain: BTreeMap::new(),
            urban_pop: BTreeMap::new(),
            urban_share: BTreeMap::new(),
            dining: None,
        })
        .collect();
    let idx = |raws: &[Raw], name: &str| raws.iter().position(|p| p.name == name);

    // Provincial death rates and populations.
    let cdr = table(raw::PROVINCIAL_CDR, "provincial_cdr.csv");
    for r in cdr.iter() {
        let i = idx(&raws, r.get("province"))
            .unwrap_or_else(|| panic!("provincial_cdr.csv: unknown province {}", r.get("province")));
        let year = r.num("year").expect("provincial_cdr.csv: year") as i32;
        let p = &mut raws[i];
        let series = r.get("series");
        if series.starts_with("county_gazetteer") {
            if let Some(v) = r.num("cdr_permille") {
                p.cdr_county.insert(year, v);
            }
        } else if r.get("primary") == "1" {
            if let Some(v) = r.num("cdr_permille") {
                p.cdr.insert(year, v);
            }
            if let Some(v) = r.num("cbr_permille") {
                p.cbr.insert(year, v);
            }
            if let Some(v) = r.num("population_yearend_10k") {
                p.pop_yearend.insert(year, v * WAN);
            }
        } else if let Some(v) = r.num("cbr_permille") {
            p.cbr_alt.insert(year, v);
        }
    }

    // Grain, urban population, dining halls.
    let other = table(raw::PROVINCIAL_OTHER, "provincial_other.csv");
    for r in other.iter() {
        let Some(i) = idx(&raws, r.get("province")) else {
            continue;
        }; // NATIONAL rows
        let Some(v) = r.num("value") else { continue }; // Zhejiang grain left blank
        let year = r.num("year").expect("provincial_other.csv: year") as i32;
        let p = &mut raws[i];
        match r.get("variable") {
            "grain_output_official" => {
                p.grain.insert(year, v * WAN_T_IN_MT);
            }
            "urban_population" => {
                p.urban_pop.insert(year, v * WAN);
            }
            "urban_share" => {
                p.urban_share.insert(year, v / 100.0);
            }
            "dining_hall_participation_end1959" => p.dining = Some(v / 100.0),
            _ => {}
        }
    }

    // --- Sichuan: year-end 1955 and 1956 are printed identically (6790.6); we keep 1956 (consistent with
    // 1957 within 0.6% of natural growth) and back-project 1955 and 1954 with the source's own CBR − CDR.
    let sichuan = idx(&raws, "Sichuan").expect("Sichuan");
    let mut pop_1954: Vec<Option<f64>> = raws.iter().map(|p| p.pop_yearend.get(&1954).copied()).collect();
    {
        let s = &mut raws[sichuan];
        s.pop_yearend.remove(&1955);
        let p1956 = s.pop_yearend[&1956];
        let growth = |y: i32| (s.cbr[&y] - s.cdr[&y]) / 1000.0;
        let p1955 = p1956 / (1.0 + growth(1956));
        pop_1954[sichuan] = Some(p1955 / (1.0 + growth(1955)));
    }

    // --- Uncovered units: the national residual, shared by (recalled) 1953 census populations.
    let national_1954 = nat(1954).population_yearend;
    let known: f64 = pop_1954.iter().flatten().sum();
    let residual = national_1954 - known;
    let census_total: f64 = raws
        .iter()
        .zip(&pop_1954)
        .filter(|(_, p)| p.is_none())
        .map(|(r, _)| r.census_1953.unwrap_or_else(|| panic!("{}: no 1954 population and no census figure", r.name)))
        .sum();
    let pop_1954: Vec<f64> = raws
        .iter()
        .zip(&pop_1954)
        .map(|(r, p)| p.unwrap_or_else(|| residual * r.census_1953.unwrap_or(0.0) / census_total))
        .collect();

    // --- Urban share 1955: official where given; else one common share for all missing provinces, the
    // national 1955 urban population not accounted for by the given provinces divided by the national
    // 1955 year-end population not accounted for by them.
    let n1955 = nat(1955);
    let (mut urb_known, mut pop_known) = (0.0, 0.0);
    for r in &raws {
        if let (Some(u), Some(p)) = (r.urban_pop.get(&1955), r.pop_yearend.get(&1955)) {
            if r.urban_share.contains_key(&1955) {
                urb_known += u;
                pop_known += p;
            }
        }
    }
    let residual_urban_share = (n1955.urban_population - urb_known) / (n1955.population_yearend - pop_known);

    // --- Baseline grain: mean 1955–57 where all three years are given; the residual of the national
    // 1955–57 mean (grain_output_mt) shared by 1954 population among the others.
    let national_baseline: f64 = (1955..=1957).map(|y| nat(y).grain_output_mt).sum::<f64>() / 3.0;
    let own_baseline: Vec<Option<f64>> = raws
        .iter()
        .map(|r| {
            let v: Vec<f64> = (1955..=1957).filter_map(|y| r.grain.get(&y).copied()).collect();
            (v.len() == 3).then(|| v.iter().sum::<f64>() / 3.0)
        })
        .collect();
    let grain_known: f64 = own_baseline.iter().flatten().sum();
    let pop_missing_grain: f64 = own_baseline.iter().zip(&pop_1954).filter(|(b, _)| b.is_none()).map(|(_, p)| p).sum();
    let grain_per_person_residual = (national_baseline - grain_known) / pop_missing_grain;

    raws.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cbr = r.cbr_alt;
            cbr.extend(r.cbr); // primary rows take precedence
            Province {
                official_cdr_covered: r.covered,
                population_1954_end: pop_1954[i],
                urban_share_1955: r.urban_share.get(&1955).copied().unwrap_or(residual_urban_share),
                baseline_grain_mt: own_baseline[i].unwrap_or(grain_per_person_residual * pop_1954[i]),
                population_yearend: r.pop_yearend,
                grain_output_mt: r.grain,
                cdr_official: if r.covered { r.cdr } else { BTreeMap::new() },
                cbr_official: cbr,
                cdr_county_aggregate: r.cdr_county,
                dining_hall_participation: r.dining,
                name: r.name,
                region: r.region,
            }
        })
        .collect()
}

fn build_disaster_shares() -> BTreeMap<i32, (f64, f64)> {
    let t = table(raw::NATIONAL_DISASTER_SHARES, "national_disaster_shares.csv");
    t.iter()
        .map(|r| {
            let year = r.num("year").expect("year") as i32;
            (year, (r.num("affected_share").expect("affected_share"), r.num("severe_share").expect("severe_share")))
        })
        .collect()
}

/// Weight of a drought class (`drought_class_en`); an empty class (not captured) counts as "partly severe".
fn class_weight(class: &str) -> f64 {
    match class {
        "severe drought" => 1.0,
        "mostly severe drought" => 0.9,
        "partly severe drought" | "" => 0.7,
        "locally severe drought" => 0.6,
        "drought" => 0.5,
        other => panic!("drought_episodes: unknown class `{other}`"),
    }
}

/// Deficit used when an episode's anomaly range was cut off in the source (the median midpoint, 0.6).
const DEFAULT_DEFICIT: f64 = 0.6;
/// Number of drought years.
const NY: usize = (DROUGHT_LAST_YEAR - DROUGHT_FIRST_YEAR + 1) as usize;

/// Raw drought scores R[p][y]: sum over episodes of coverage × class weight × mean precipitation deficit.
pub(crate) fn drought_scores(provinces: &[Province]) -> Vec<[f64; NY]> {
    let pidx = |name: &str| {
        provinces.iter().position(|p| p.name == name).unwrap_or_else(|| panic!("drought data: unknown province {name}"))
    };
    let mut macro_map: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    for r in table(raw::DROUGHT_MACRO_REGIONS, "drought_macro_regions.csv").iter() {
        let w = r.num("weight").expect("weight");
        macro_map.entry(r.get("macro_region").to_string()).or_default().push((pidx(r.get("province")), w));
    }
    let mut scores = vec![[0.0; NY]; provinces.len()];
    for r in table(raw::DROUGHT_EPISODES, "drought_episodes_1958_1962.csv").iter() {
        let year = r.num("year").expect("year") as i32;
        let y = (year - DROUGHT_FIRST_YEAR) as usize;
        // Coverage of each province by this episode: 1 if named, else the macro-region weight (max of both).
        let mut cover = vec![0.0f64; provinces.len()];
        for name in r.get("provinces_named_in_text").split(';').map(str::trim).filter(|s| !s.is_empty()) {
            cover[pidx(name)] = 1.0;
        }
        let mr = r.get("macro_region");
        if !mr.is_empty() {
            let list = macro_map.get(mr).unwrap_or_else(|| panic!("no expansion for macro-region `{mr}`"));
            for &(i, w) in list {
                cover[i] = cover[i].max(w);
            }
        }
        let deficit = match (r.num("neg_precip_anomaly_pct_low"), r.num("neg_precip_anomaly_pct_high")) {
            (Some(lo), Some(hi)) => (lo + hi) / 200.0,
            _ => DEFAULT_DEFICIT,
        };
        let w = class_weight(r.get("drought_class_en")) * deficit;
        for (i, c) in cover.iter().enumerate() {
            scores[i][y] += c * w;
        }
    }
    scores
}

/// Affected shares A[p][y] = 1 − exp(−c_y · R[p][y]) with c_y chosen (bisection) so that the
/// 1954-population-weighted mean of A equals the national affected share of year y. Returns A and max A.
fn build_drought(provinces: &[Province], shares: &BTreeMap<i32, (f64, f64)>) -> (Vec<[f64; NY]>, f64) {
    let scores = drought_scores(provinces);
    let w: Vec<f64> = provinces.iter().map(|p| p.population_1954_end).collect();
    let wsum: f64 = w.iter().sum();
    let mean_at = |y: usize, c: f64| -> f64 {
        scores.iter().zip(&w).map(|(s, wi)| wi * (1.0 - (-c * s[y]).exp())).sum::<f64>() / wsum
    };
    let mut affected = vec![[0.0; NY]; provinces.len()];
    for y in 0..NY {
        let year = DROUGHT_FIRST_YEAR + y as i32;
        let Some(&(target, _)) = shares.get(&year) else {
            continue;
        };
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        while mean_at(y, hi) < target && hi < 1e6 {
            hi *= 2.0;
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mean_at(y, mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let c = 0.5 * (lo + hi);
        for (a, s) in affected.iter_mut().zip(&scores) {
            a[y] = 1.0 - (-c * s[y]).exp();
        }
    }
    let max = affected.iter().flat_map(|a| a.iter().copied()).fold(0.0f64, f64::max);
    (affected, if max > 0.0 { max } else { 1.0 })
}
