//! The error type of this crate: every message is one line naming the file.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The run directory does not exist or is not a directory.
    #[error("cannot read run output directory {}: {reason}; pass the --out directory of `leapsim run`", path.display())]
    Directory { path: PathBuf, reason: String },

    /// A file could not be read or written (the message names the path).
    #[error(transparent)]
    Io(#[from] leapsim_io::IoError),

    /// A JSON file is not valid JSON.
    #[error("{}: not valid JSON: {message}", path.display())]
    Json { path: PathBuf, message: String },

    /// A file lacks what every run output has (e.g. the `year` column).
    #[error("{}: {message}", path.display())]
    Malformed { path: PathBuf, message: String },
}
