//! The one error type of this crate. Every message is a single line that names the path and says
//! what went wrong, so the CLI can print it as is.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// An operating-system call failed. `action` reads as a verb phrase ("write to output
    /// directory", "rename onto"), so the message is "cannot <action> <path>: <reason>".
    #[error("cannot {action} {}: {}", path.display(), OsReason(source))]
    Os {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The output path, or one of its ancestors, exists but is not a directory.
    #[error(
        "cannot use output directory {}: {} exists and is not a directory; choose another --out or remove it",
        path.display(), blocker.display()
    )]
    NotADirectory { path: PathBuf, blocker: PathBuf },

    /// A CSV file is malformed. `line` is 1-based and counts physical lines.
    #[error("{}:{line}: {message}", path.display())]
    Csv { path: PathBuf, line: usize, message: String },

    /// A Parquet file could not be written or read (the parquet crate's message is kept as text
    /// so its error type does not leak into this crate's public API).
    #[error("cannot {action} Parquet file {}: {message}", path.display())]
    Parquet { action: &'static str, path: PathBuf, message: String },

    /// A JSON value could not be serialised.
    #[error("cannot write JSON file {}: {message}", path.display())]
    Json { path: PathBuf, message: String },
}

impl IoError {
    pub(crate) fn os(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        IoError::Os { action, path: path.to_path_buf(), source }
    }

    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            IoError::Os { path, .. }
            | IoError::NotADirectory { path, .. }
            | IoError::Csv { path, .. }
            | IoError::Parquet { path, .. }
            | IoError::Json { path, .. } => path,
        }
    }
}

/// Formats an OS error the way users read it: "permission denied", "read-only file system",
/// without the "(os error 13)" suffix and the capital letter that std's `Display` adds.
struct OsReason<'a>(&'a std::io::Error);

impl fmt::Display for OsReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        let text = match text.rfind(" (os error ") {
            Some(i) if text.ends_with(')') => &text[..i],
            _ => text.as_str(),
        };
        let mut chars = text.chars();
        match chars.next() {
            // Lower-case only a leading capital followed by lower case ("Permission denied"), not an
            // acronym ("UTF-8 ...").
            Some(c) if c.is_ascii_uppercase() && chars.next().is_some_and(|n| n.is_ascii_lowercase()) => {
                write!(f, "{}{}", c.to_ascii_lowercase(), &text[1..])
            }
            _ => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_message_is_one_lowercase_line_naming_the_path() {
        let e = IoError::os("write to output directory", Path::new("/x/y"), std::io::Error::from_raw_os_error(13));
        assert_eq!(e.to_string(), "cannot write to output directory /x/y: permission denied");
        let e = IoError::os("create", Path::new("/r"), std::io::Error::from_raw_os_error(30));
        assert_eq!(e.to_string(), "cannot create /r: read-only file system");
    }
}
