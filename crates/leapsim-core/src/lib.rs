//! The engine core of leapsim: ids, the monthly calendar, the counter-based random generator, column
//! tables for results and the ledgers that are checked every month. It knows nothing of files, HTTP,
//! plotting or Python (STYLE.md, rule 1).

pub mod calendar;
pub mod ledger;
pub mod rng;
pub mod table;

pub use calendar::{Month, Period};
pub use ledger::{GrainLedger, LedgerError, PeopleLedger};
pub use rng::{binomial, to_unit, Philox4x32, Rng, Stream};
pub use table::{Column, Table};
