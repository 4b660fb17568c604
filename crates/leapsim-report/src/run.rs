//! The files of a `leapsim run` output directory, read back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leapsim_core::{Column, Table};
use serde_json::Value;

use crate::error::ReportError;

/// What validation and the charts need from a run: the yearly tables and the summary.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// `national_yearly.csv`.
    pub national: Table,
    /// `provincial_yearly.csv`.
    pub provincial: Table,
    /// `summary.json`.
    pub summary: Value,
    /// Scenario name: `summary.json` `scenario`, else `manifest.json` `scenario` (optional file).
    pub scenario: Option<String>,
}

impl RunOutput {
    /// Reads `national_yearly.csv`, `provincial_yearly.csv` and `summary.json` from `dir` (all three are
    /// required: every `leapsim run` writes them); `manifest.json` is read only for the scenario name.
    pub fn read(dir: &Path) -> Result<RunOutput, ReportError> {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(ReportError::Directory { path: dir.to_path_buf(), reason: "not a directory".into() }),
            Err(e) => return Err(ReportError::Directory { path: dir.to_path_buf(), reason: reason(&e) }),
        }
        let national = leapsim_io::read_csv(&dir.join("national_yearly.csv"))?;
        let provincial = leapsim_io::read_csv(&dir.join("provincial_yearly.csv"))?;
        let summary = read_json(&dir.join("summary.json"))?;
        for (table, file, columns) in [
            (&national, "national_yearly.csv", &["year"][..]),
            (&provincial, "provincial_yearly.csv", &["province", "year"][..]),
        ] {
            for column in columns {
                if table.column(column).is_none() {
                    return Err(ReportError::Malformed {
                        path: dir.join(file),
                        message: format!("no `{column}` column; is this a leapsim run output?"),
                    });
                }
            }
        }
        let mut scenario = summary.get("scenario").and_then(Value::as_str).map(str::to_owned);
        if scenario.is_none() {
            let manifest = dir.join("manifest.json");
            if manifest.exists() {
                scenario = read_json(&manifest)?.get("scenario").and_then(Value::as_str).map(str::to_owned);
            }
        }
        Ok(RunOutput { national, provincial, summary, scenario })
    }

    /// Years present in `national_yearly.csv`, in file order.
    pub fn years(&self) -> Vec<i32> {
        self.national.f64s("year").unwrap_or_default().into_iter().map(|y| y as i32).collect()
    }

    /// A national yearly value, or why it is not available (the reason reads after "n/a: ").
    pub fn national_value(&self, column: &str, year: i32) -> Result<f64, String> {
        let values = self
            .national
            .f64s(column)
            .ok_or_else(|| format!("national_yearly.csv has no numeric column `{column}`"))?;
        let years = self.years();
        let row = years
            .iter()
            .position(|&y| y == year)
            .ok_or_else(|| format!("the run does not cover {year} ({})", span(&years)))?;
        let v = values[row];
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("national_yearly.csv `{column}` is empty for {year}"))
        }
    }

    /// A national series over the run's years (NaN where empty); `None` if the column is missing.
    pub fn national_series(&self, column: &str) -> Option<Vec<(i32, f64)>> {
        let values = self.national.f64s(column)?;
        Some(self.years().into_iter().zip(values).collect())
    }

    /// Values of one provincial column in one year, by province name.
    pub fn provincial_values(&self, column: &str, year: i32) -> Result<BTreeMap<String, f64>, String> {
        let names = match self.provincial.column("province") {
            Some(Column::Str(v)) => v,
            _ => return Err("provincial_yearly.csv has no text column `province`".into()),
        };
        let years = self.provincial.f64s("year").unwrap_or_default();
        let values = self
            .provincial
            .f64s(column)
            .ok_or_else(|| format!("provincial_yearly.csv has no numeric column `{column}`"))?;
        let out: BTreeMap<String, f64> = names
            .iter()
            .zip(years)
            .zip(values)
            .filter(|((_, y), v)| *y as i32 == year && v.is_finite())
            .map(|((n, _), v)| (n.clone(), v))
            .collect();
        if out.is_empty() {
            return Err(format!("provincial_yearly.csv has no `{column}` for {year}"));
        }
        Ok(out)
    }

    /// A number in `summary.json` at a path of keys, or why it is not there.
    pub fn summary_number(&self, keys: &[&str]) -> Result<f64, String> {
        let mut v = &self.summary;
        for k in keys {
            v = v.get(k).ok_or_else(|| format!("summary.json has no `{}`", keys.join(".")))?;
        }
        v.as_f64().ok_or_else(|| format!("summary.json `{}` is {v}, not a number", keys.join(".")))
    }
}

fn span(years: &[i32]) -> String {
    match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) => format!("it covers {a}–{b}"),
        _ => "it has no yearly rows".into(),
    }
}

fn read_json(path: &Path) -> Result<Value, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReportError::Malformed {
        path: PathBuf::from(path),
        message: format!("cannot read: {}", reason(&e)),
    })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Json { path: PathBuf::from(path), message: e.to_string() })
}

/// An OS error as users read it: "no such file or directory", without "(os error 2)".
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_uppercase() && chars.next().is_some_and(|n| n.is_ascii_lowercase()) => {
            format!("{}{}", c.to_ascii_lowercase(), &text[1..])
        }
        _ => text.to_string(),
    }
}
