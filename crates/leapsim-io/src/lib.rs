//! File sinks for leapsim results: CSV, Parquet, JSON and text writers, and [`OutputDir`], an output
//! directory with all-or-nothing semantics.
//!
//! Every writer writes `<path>.tmp-<pid>`, fsyncs it and renames it onto `<path>`, so a reader never
//! sees a half-written file under its final name. [`OutputDir`] extends that to a whole run: files are
//! staged in a hidden folder inside the output directory and moved into place only by
//! [`OutputDir::commit`], `manifest.json` last.
//!
//! The engine core knows nothing of files; this crate only reads [`leapsim_core::Table`].

mod atomic;
mod csv;
mod error;
mod output_dir;
mod pq;

pub use crate::atomic::{write_atomic, write_json, write_text};
pub use crate::csv::{read_csv, write_csv};
pub use crate::error::IoError;
pub use crate::output_dir::OutputDir;
pub use crate::pq::{read_parquet, write_parquet};

#[cfg(test)]
mod test_util;
