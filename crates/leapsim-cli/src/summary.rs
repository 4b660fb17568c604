//! The summary table printed by `leapsim run`: simulated national series beside the historical record.

use leapsim_model::RunResults;
use std::fmt::Write;

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

pub fn table(r: &RunResults) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<5} {:>15} {:>13} {:>13} {:>13} {:>15} {:>8} {:>13} {:>7}",
        "year", "pop end (M)", "CBR reg ‰", "CDR reg ‰", "CDR true ‰", "grain (Mt)", "believed", "procured Mt", "kcal"
    );
    let _ = writeln!(
        s,
        "{:<5} {:>15} {:>13} {:>13} {:>13} {:>15} {:>8} {:>13} {:>7}",
        "", "sim / rec", "sim / rec", "sim / rec", "sim / Banister", "sim / 1984 yb", "centre", "sim / rec", "rural"
    );
    for y in r.yearly(None) {
        let h = leapsim_data::national_year(y.year);
        let _ = writeln!(
            s,
            "{:<5} {:>7.1} / {:<5} {:>5.1} / {:<5} {:>5.1} / {:<5} {:>5.1} / {:<5} {:>6.1} / {:<6} {:>8.1} {:>5.1} / {:<5} {:>7.0}",
            y.year,
            y.population_end / 1e6,
            opt(h.map(|h| h.population_yearend / 1e6), 1),
            y.cbr_registered(),
            opt(h.map(|h| h.cbr_registered), 1),
            y.cdr_registered(),
            opt(h.map(|h| h.cdr_registered), 1),
            y.cdr(),
            opt(h.and_then(|h| h.cdr_estimated), 1),
            y.grain_output_mt,
            opt(h.map(|h| h.grain_output_mt), 1),
            y.grain_output_reported_mt,
            y.procurement_mt,
            opt(h.and_then(|h| h.procurement_gross_mt), 1),
            y.kcal_rural_per_day,
        );
    }
    s
}
