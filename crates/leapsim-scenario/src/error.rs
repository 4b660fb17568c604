//! Errors of scenario files: one line, naming the file and the line and column (or the field path).

use std::fmt;

/// What went wrong, for callers (and tests) that branch on it; the message says it to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file cannot be read (missing, a directory, not UTF-8, too large).
    Io,
    /// Not valid TOML.
    Syntax,
    /// A key that is not a field of the scenario format (with the closest name when there is one).
    UnknownField,
    /// A mechanism name that is not one of DESIGN §2.
    UnknownMechanism,
    /// `base` names no built-in scenario.
    UnknownBase,
    /// `--scenario NAME` is neither a built-in nor a file.
    UnknownScenario,
    /// A value of the wrong type (a string where a number belongs, …).
    WrongType,
    /// A numeric parameter outside its plausible range.
    OutOfRange,
    /// A timeline date outside the simulated period 1955-01 … 1966-12.
    DateOutsidePeriod,
    /// Timeline dates in an impossible order, a bad name, or a combination the model cannot build.
    Invalid,
}

/// An error in a scenario file or name. `Display` is one line: `origin:line:column: message`, or
/// `origin: message` when there is no position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    pub kind: ErrorKind,
    /// The file path, `builtin:NAME`, or the scenario argument.
    pub origin: String,
    /// 1-based line and column (characters) in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl ScenarioError {
    pub(crate) fn new(kind: ErrorKind, origin: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError { kind, origin: origin.to_string(), position: None, message: message.into() }
    }

    pub(crate) fn at(kind: ErrorKind, origin: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        ScenarioError { position: Some(line_column(text, offset)), ..ScenarioError::new(kind, origin, message) }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line whatever the message holds.
        let message = self.message.replace(['\n', '\r'], " ");
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {message}", self.origin),
            None => write!(f, "{}: {message}", self.origin),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end or inside a character
/// are clamped.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 10), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
        let e = ScenarioError::at(ErrorKind::Syntax, "f.toml", text, 6, "bad\nthing");
        assert_eq!(e.to_string(), "f.toml:2:1: bad thing");
    }
}
