//! The four charts of a run beside the historical record: grain, CDR, procurement, population.

use leapsim_data::{national, NationalYear};

use crate::run::RunOutput;
use crate::svg::{stack, LineChart, Series};
use crate::targets::{FIRST_YEAR, LAST_YEAR};

/// One chart file.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name inside the run directory, e.g. `grain.svg`.
    pub file_name: &'static str,
    /// The SVG document.
    pub svg: String,
}

const SIM_TRUE: &str = "#0072B2";
const SIM_OTHER: &str = "#D55E00";
const RECORD: &str = "#000000";
const ESTIMATE: &str = "#009E73";

/// `grain.svg`, `cdr.svg`, `procurement.svg` and `population.svg` for `run`. Simulated series are solid,
/// the record dashed with markers; the record is drawn for 1955–1966, the run for the years it covers.
pub fn charts(run: &RunOutput) -> Vec<Chart> {
    let sim = |column: &str, scale: f64| -> Vec<(f64, Option<f64>)> {
        run.national_series(column)
            .unwrap_or_default()
            .into_iter()
            .map(|(y, v)| (f64::from(y), v.is_finite().then_some(v * scale)))
            .collect()
    };
    let rec = |f: &dyn Fn(&NationalYear) -> Option<f64>| -> Vec<(f64, Option<f64>)> {
        national()
            .iter()
            .filter(|n| (FIRST_YEAR..=LAST_YEAR).contains(&n.year))
            .map(|n| (f64::from(n.year), f(n)))
            .collect()
    };
    let record = |label: &str, points| Series::new(label, points).color(RECORD).dashed().markers();

    let grain = LineChart::new("Grain output: simulated, the centre's belief and the record")
        .x_label("year")
        .y_label("grain output, Mt (million tonnes, unhusked)")
        .include_zero(true)
        .series(Series::new("simulated (true)", sim("grain_output_mt", 1.0)).color(SIM_TRUE))
        .series(
            Series::new("centre's belief (reported)", sim("grain_output_reported_mt", 1.0))
                .color(SIM_OTHER)
                .dash("2 3"),
        )
        .series(record("official, 1984 yearbook", rec(&|n| Some(n.grain_output_mt))));

    let cdr = LineChart::new("Crude death rate: simulated and the record")
        .x_label("year")
        .y_label("deaths per 1,000 per year (‰)")
        .include_zero(true)
        .series(Series::new("simulated true", sim("cdr", 1.0)).color(SIM_TRUE))
        .series(Series::new("simulated registered", sim("cdr_registered", 1.0)).color(SIM_OTHER))
        .series(record("official (registered)", rec(&|n| Some(n.cdr_registered))))
        .series(Series::new("Banister 1984 estimate", rec(&|n| n.cdr_estimated)).color(ESTIMATE).dashed().markers());

    let procurement = LineChart::new("Gross state grain procurement")
        .size(760.0, 380.0)
        .x_label("year")
        .y_label("procurement, Mt")
        .include_zero(true)
        .series(Series::new("simulated", sim("procurement_mt", 1.0)).color(SIM_TRUE))
        .series(record("record (gross)", rec(&|n| n.procurement_gross_mt)));
    let ratio = LineChart::new("Procurement ratio: gross procurement / grain output")
        .size(760.0, 340.0)
        .x_label("year")
        .y_label("share of output, %")
        .include_zero(true)
        .series(Series::new("simulated (of true output)", sim("procurement_ratio", 100.0)).color(SIM_TRUE))
        .series(record("record (of 1984-yearbook output)", rec(&|n| n.procurement_ratio_gross().map(|r| r * 100.0))));

    let population = LineChart::new("Year-end population: simulated and the record")
        .x_label("year")
        .y_label("population, million persons")
        .series(Series::new("simulated", sim("population_end", 1e-6)).color(SIM_TRUE))
        .series(record("official", rec(&|n| Some(n.population_yearend / 1e6))));

    vec![
        Chart { file_name: "grain.svg", svg: grain.to_svg() },
        Chart { file_name: "cdr.svg", svg: cdr.to_svg() },
        Chart { file_name: "procurement.svg", svg: stack(&[procurement, ratio]) },
        Chart { file_name: "population.svg", svg: population.to_svg() },
    ]
}
