use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn csv_parser_handles_quotes() {
    let t = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,,\"multi\nline\"\n\n";
    let recs = csv::parse(t).unwrap();
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[1], vec!["1", "x, y", "say \"hi\""]);
    assert_eq!(recs[2], vec!["2", "", "multi\nline"]);
    let table = csv::Table::parse(t).unwrap();
    let row = table.iter().next().unwrap();
    assert_eq!(row.get("b"), "x, y");
    assert_eq!(row.num("a"), Some(1.0));
    assert!(csv::parse("a,\"b").is_err());
    assert!(csv::Table::parse("a,b\n1,2,3\n").is_err());
}

#[test]
fn every_embedded_csv_parses_rectangular() {
    for (name, text) in [
        ("national", raw::NATIONAL),
        ("provincial_cdr", raw::PROVINCIAL_CDR),
        ("provincial_other", raw::PROVINCIAL_OTHER),
        ("claimed_vs_actual", raw::CLAIMED_VS_ACTUAL),
        ("provinces_1958", raw::PROVINCES_1958),
        ("drought_macro_regions", raw::DROUGHT_MACRO_REGIONS),
        ("national_disaster_shares", raw::NATIONAL_DISASTER_SHARES),
        ("drought_episodes", raw::DROUGHT_EPISODES),
        ("disaster_area", raw::DISASTER_AREA_BY_PROVINCE),
        ("leaders", raw::PROVINCIAL_LEADERS),
    ] {
        let t = csv::Table::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!t.rows.is_empty(), "{name}");
        assert!(t.header.iter().any(|h| h.contains("source") || h.starts_with("src_")), "{name} lacks a source column");
    }
}

#[test]
fn national_series() {
    let n = national();
    assert_eq!(n.len(), 15);
    assert!(n.iter().zip(1952..).all(|(r, y)| r.year == y));
    let y60 = national_year(1960).unwrap();
    assert_eq!(y60.cdr_registered, 25.43);
    assert_eq!(y60.cdr_estimated, Some(44.6));
    assert!(close(y60.population_yearend, 662.07e6, 1.0));
    assert!(close(y60.grain_output_mt, 143.5, 1e-9));
    assert!(close(y60.grain_output_revised_mt, 143.85, 1e-9));
    let y59 = national_year(1959).unwrap();
    assert_eq!(y59.procurement_ratio, Some(0.377));
    assert!(close(y59.net_exports_mt(), 4.156, 1e-9));
    assert!(close(national_year(1957).unwrap().grain_output_mt, 195.05, 1e-9));
    assert!(close(national_year(1961).unwrap().grain_output_mt, 147.5, 1e-9));
    assert!(close(national_year(1954).unwrap().population_yearend, 602.66e6, 1.0));
    assert!(national_year(1951).is_none());
}

#[test]
fn provinces_list() {
    let p = provinces();
    assert_eq!(p.len(), 29);
    let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Beijing",
            "Tianjin",
            "Shanghai",
            "Hebei",
            "Shanxi",
            "Inner Mongolia",
            "Liaoning",
            "Jilin",
            "Heilongjiang",
            "Jiangsu",
            "Zhejiang",
            "Anhui",
            "Fujian",
            "Jiangxi",
            "Shandong",
            "Henan",
            "Hubei",
            "Hunan",
            "Guangdong",
            "Guangxi",
            "Sichuan",
            "Guizhou",
            "Yunnan",
            "Tibet",
            "Shaanxi",
            "Gansu",
            "Qinghai",
            "Ningxia",
            "Xinjiang"
        ]
    );
    assert_eq!(p.iter().filter(|p| p.official_cdr_covered).count(), 24);
    for p in p {
        assert_eq!(p.official_cdr_covered, !p.cdr_official.is_empty(), "{}", p.name);
        assert!(p.population_1954_end > 1.0e6, "{}", p.name);
        assert!((0.0..1.0).contains(&p.urban_share_1955), "{}", p.name);
        assert!(p.baseline_grain_mt > 0.0, "{}", p.name);
    }
    let anhui = province("Anhui").unwrap();
    assert_eq!(anhui.cdr_official[&1960], 68.58);
    assert_eq!(anhui.region, Region::East);
    assert_eq!(province("Sichuan").unwrap().cdr_official[&1960], 53.97);
    assert_eq!(province("Sichuan").unwrap().cbr_official[&1960], 11.73);
    assert_eq!(province("Henan").unwrap().cdr_official[&1960], 39.56); // primary (MQY), not the alt row
    assert_eq!(province("Guangxi").unwrap().cdr_county_aggregate[&1960], 31.3);
    assert!(province("Guangxi").unwrap().cdr_official.is_empty());
    assert_eq!(province("Henan").unwrap().dining_hall_participation, Some(0.978));
    assert!(province("Zhejiang").unwrap().grain_output_mt.is_empty());
    assert!(!province("Sichuan").unwrap().population_yearend.contains_key(&1955));
}

#[test]
fn population_sums_to_national_1954() {
    let total: f64 = provinces().iter().map(|p| p.population_1954_end).sum();
    assert!(close(total, 602.66e6, 1.0), "{total}");
    assert!(close(province("Anhui").unwrap().population_1954_end, 31.49e6, 1.0));
}

#[test]
fn urban_population_matches_national_1955() {
    let urban: f64 = provinces().iter().map(|p| p.population_1954_end * p.urban_share_1955).sum();
    let nat = national_year(1955).unwrap().urban_population;
    // Shares are for end-1955, populations for end-1954: the sum falls short by about a year's growth.
    assert!((urban / nat - 1.0).abs() < 0.04, "{urban} vs {nat}");
}

#[test]
fn baseline_grain_sums_to_national_mean() {
    let total: f64 = provinces().iter().map(|p| p.baseline_grain_mt).sum();
    let nat: f64 = (1955..=1957).map(|y| national_year(y).unwrap().grain_output_mt).sum::<f64>() / 3.0;
    assert!((total / nat - 1.0).abs() < 0.01, "{total} vs {nat}");
    assert!(close(province("Anhui").unwrap().baseline_grain_mt, (11.529 + 9.088 + 10.27) / 3.0, 1e-9));
}

#[test]
fn drought_exposure_properties() {
    let mut max: f64 = 0.0;
    for p in provinces() {
        for y in 1952..=1966 {
            let e = drought_exposure(&p.name, y);
            assert!((0.0..=1.0).contains(&e), "{} {y}: {e}", p.name);
            max = max.max(e);
            if !(1958..=1962).contains(&y) {
                assert_eq!(e, 0.0);
            }
        }
    }
    assert!(close(max, 1.0, 1e-12));
    assert!(drought_exposure("Henan", 1959) > 0.0);
    assert!(drought_exposure("Henan", 1960) > 0.0);
    assert_eq!(drought_exposure("Henan", 1956), 0.0);
    assert_eq!(drought_exposure("Atlantis", 1960), 0.0);
    // Population-weighted national mean of the affected share equals the national affected share.
    let wsum: f64 = provinces().iter().map(|p| p.population_1954_end).sum();
    for y in 1958..=1961 {
        let m: f64 =
            provinces().iter().map(|p| p.population_1954_end * drought_affected_share(&p.name, y)).sum::<f64>() / wsum;
        let (a, s) = national_disaster_share(y).unwrap();
        assert!(close(m, a, 1e-6), "{y}: {m} vs {a}");
        assert!(s < a);
    }
    assert_eq!(national_disaster_share(1960), Some((0.4347, 0.1659)));
    assert_eq!(national_disaster_share(1956), None);
}

/// Prints the derived tables (run with `--nocapture` to review them).
#[test]
fn print_derived_tables() {
    for p in provinces() {
        let d: Vec<String> = (1958..=1962).map(|y| format!("{:.2}", drought_exposure(&p.name, y))).collect();
        println!(
            "{:<15} {:>6.2}M urb {:.3} grain {:>6.2} drought {}",
            p.name,
            p.population_1954_end / 1e6,
            p.urban_share_1955,
            p.baseline_grain_mt,
            d.join(" ")
        );
    }
}
