//! Ledgers checked every month: people (births − deaths ± migration = change in population) and grain
//! (produced + imported = eaten + procured-and-held + exported + lost + change in stocks). A failed check is
//! an engine bug, reported as an error with the month and the imbalance.

use crate::Month;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerError {
    pub ledger: &'static str,
    pub month: Month,
    pub scope: String,
    pub imbalance: f64,
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ledger does not balance in {} ({}): imbalance {}",
            self.ledger, self.month, self.scope, self.imbalance
        )
    }
}

impl std::error::Error for LedgerError {}

/// Flows of people in one month for one scope (a province or the nation), in simulated persons.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeopleLedger {
    pub start: u64,
    pub births: u64,
    pub deaths: u64,
    pub migration_in: u64,
    pub migration_out: u64,
    pub end: u64,
}

impl PeopleLedger {
    pub fn check(&self, month: Month, scope: &str) -> Result<(), LedgerError> {
        let expected = self.start as i64 + self.births as i64 - self.deaths as i64 + self.migration_in as i64
            - self.migration_out as i64;
        if expected == self.end as i64 {
            Ok(())
        } else {
            Err(LedgerError {
                ledger: "people",
                month,
                scope: scope.to_string(),
                imbalance: (self.end as i64 - expected) as f64,
            })
        }
    }

    pub fn add(&mut self, other: &PeopleLedger) {
        self.start += other.start;
        self.births += other.births;
        self.deaths += other.deaths;
        self.migration_in += other.migration_in;
        self.migration_out += other.migration_out;
        self.end += other.end;
    }
}

/// Flows of grain in one month for one scope, in tonnes of unhusked grain (simulated units).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GrainLedger {
    pub stock_start: f64,
    pub produced: f64,
    pub imported: f64,
    pub eaten: f64,
    pub seed_feed_waste: f64,
    pub exported: f64,
    pub stock_end: f64,
}

impl GrainLedger {
    /// Relative tolerance for floating-point sums over millions of households.
    pub const TOLERANCE: f64 = 1e-6;

    pub fn imbalance(&self) -> f64 {
        self.stock_start + self.produced + self.imported
            - self.eaten
            - self.seed_feed_waste
            - self.exported
            - self.stock_end
    }

    pub fn check(&self, month: Month, scope: &str) -> Result<(), LedgerError> {
        let scale = self.stock_start.abs() + self.produced.abs() + self.imported.abs() + 1.0;
        let imbalance = self.imbalance();
        if imbalance.abs() <= Self::TOLERANCE * scale {
            Ok(())
        } else {
            Err(LedgerError { ledger: "grain", month, scope: scope.to_string(), imbalance })
        }
    }

    pub fn add(&mut self, other: &GrainLedger) {
        self.stock_start += other.stock_start;
        self.produced += other.produced;
        self.imported += other.imported;
        self.eaten += other.eaten;
        self.seed_feed_waste += other.seed_feed_waste;
        self.exported += other.exported;
        self.stock_end += other.stock_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_ledger_catches_a_lost_person() {
        let m = Month::from_ym(1960, 1).unwrap();
        let ok = PeopleLedger { start: 100, births: 3, deaths: 5, migration_in: 1, migration_out: 2, end: 97 };
        assert!(ok.check(m, "x").is_ok());
        let bad = PeopleLedger { end: 96, ..ok };
        let err = bad.check(m, "Anhui").unwrap_err();
        assert_eq!(err.imbalance, -1.0);
        assert!(err.to_string().contains("1960-01"));
    }

    #[test]
    fn grain_ledger_catches_vanishing_grain() {
        let m = Month::from_ym(1959, 10).unwrap();
        let ok = GrainLedger {
            stock_start: 10.0,
            produced: 5.0,
            eaten: 3.0,
            exported: 1.0,
            stock_end: 11.0,
            ..Default::default()
        };
        assert!(ok.check(m, "x").is_ok());
        assert!(GrainLedger { stock_end: 10.0, ..ok }.check(m, "x").is_err());
    }
}
