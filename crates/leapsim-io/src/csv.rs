//! CSV: header row, then one line per row, `\n` line ends.
//!
//! Cells: integers as `{}`; floats with Rust's shortest round-trip `{}` (deterministic, never an
//! exponent), NaN as an empty field; text quoted only when it contains a comma, quote, CR or LF, or
//! is empty (so an empty string, `""`, stays distinguishable from a missing number, nothing).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use leapsim_core::{Column, Table};

use crate::atomic::write_atomic;
use crate::error::IoError;

/// Writes `table` as CSV (see the module docs for the format). A table without columns gives an
/// empty file.
pub fn write_csv(path: &Path, table: &Table) -> Result<(), IoError> {
    write_atomic(path, |out| {
        if table.columns.is_empty() {
            return Ok(());
        }
        let mut line = String::new();
        for (i, (name, _)) in table.columns.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            push_text(&mut line, name);
        }
        line.push('\n');
        for row in 0..table.num_rows() {
            for (i, (_, column)) in table.columns.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                match column {
                    // Writing into a String cannot fail.
                    Column::I64(v) => {
                        let _ = write!(line, "{}", v[row]);
                    }
                    Column::F64(v) if v[row].is_nan() => {}
                    Column::F64(v) => {
                        let _ = write!(line, "{}", v[row]);
                    }
                    Column::Str(v) => push_text(&mut line, &v[row]),
                }
            }
            line.push('\n');
            // Flush in chunks: one small allocation reused, one syscall per ~64 KiB via BufWriter.
            if line.len() >= 1 << 16 {
                out.write_all(line.as_bytes()).map_err(|e| IoError::os("write", path, e))?;
                line.clear();
            }
        }
        out.write_all(line.as_bytes()).map_err(|e| IoError::os("write", path, e))
    })
}

fn push_text(line: &mut String, text: &str) {
    if text.is_empty() || text.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

/// Reads a CSV file written by [`write_csv`] (or any RFC 4180 file with a header row; `\r\n` line
/// ends and a UTF-8 byte-order mark are accepted).
///
/// Column types are inferred: `I64` if every cell is an integer; else `F64` if every cell is a
/// number or empty (empty = NaN); else `Str` (an unquoted empty cell becomes `""`). So an `F64`
/// column whose values are all whole numbers reads back as `I64`; [`Table::f64s`] widens either.
/// A file with a header and no rows gives `I64` columns of length 0; an empty file, an empty table.
pub fn read_csv(path: &Path) -> Result<Table, IoError> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::os("read", path, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut records = parse(path, text)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Ok(Table::new());
    };
    let mut cells: Vec<Vec<Cell>> = header.iter().map(|_| Vec::new()).collect();
    for (line, record) in records {
        if record.len() != header.len() {
            return Err(csv_error(
                path,
                line,
                format!(
                    "row has {} field(s) but the header has {}; quote fields that contain commas",
                    record.len(),
                    header.len()
                ),
            ));
        }
        for (column, cell) in cells.iter_mut().zip(record) {
            column.push(cell);
        }
    }
    let mut table = Table::new();
    for (name, column) in header.into_iter().zip(cells) {
        table.push(name.text, infer(column));
    }
    Ok(table)
}

/// One parsed field. `quoted` keeps `""` (empty text) apart from an empty field (missing number).
struct Cell {
    text: String,
    quoted: bool,
}

impl Cell {
    fn is_missing(&self) -> bool {
        !self.quoted && self.text.is_empty()
    }
}

fn infer(cells: Vec<Cell>) -> Column {
    if cells.iter().all(|c| c.text.parse::<i64>().is_ok()) {
        return Column::I64(cells.iter().map(|c| c.text.parse().unwrap_or_default()).collect());
    }
    if cells.iter().all(|c| c.is_missing() || parse_f64(&c.text).is_some()) {
        return Column::F64(cells.iter().map(|c| parse_f64(&c.text).unwrap_or(f64::NAN)).collect());
    }
    Column::Str(cells.into_iter().map(|c| c.text).collect())
}

/// A number as `write_csv` prints one (digits, sign, point, exponent, `inf`). Words that Rust's
/// parser would also take ("nan", "infinity") stay text, so a name column never turns numeric.
fn parse_f64(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body == "inf" || body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        text.parse().ok()
    } else {
        None
    }
}

fn csv_error(path: &Path, line: usize, message: String) -> IoError {
    IoError::Csv { path: PathBuf::from(path), line, message }
}

/// Splits `text` into records, each with the (1-based) line on which it starts.
fn parse(path: &Path, text: &str) -> Result<Vec<(usize, Vec<Cell>)>, IoError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false; // the current field began with a quote
    let mut in_quotes = false; // inside that quote now
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
                quote_line = line;
            }
            ',' => record.push(Cell { text: std::mem::take(&mut field), quoted: std::mem::take(&mut quoted) }),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(Cell { text: std::mem::take(&mut field), quoted: std::mem::take(&mut quoted) });
                records.push((record_line, std::mem::take(&mut record)));
                line += 1;
                record_line = line;
            }
            _ if quoted => {
                return Err(csv_error(path, line, format!("unexpected {c:?} after a closing quote; a quote inside a quoted field is written as two quotes")));
            }
            '"' => {
                return Err(csv_error(
                    path,
                    line,
                    "quote inside an unquoted field; quote the whole field and double the inner quote".into(),
                ));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(csv_error(path, quote_line, "quoted field is never closed".into()));
    }
    if quoted || !field.is_empty() || !record.is_empty() {
        record.push(Cell { text: field, quoted });
        records.push((record_line, record));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn sample() -> Table {
        Table::new()
            .with_i64("year", vec![1958, 1959, 1960, -1])
            .with_f64("cdr", vec![11.98, f64::NAN, 25.43, 0.1 + 0.2])
            .with_f64("big", vec![1e300, -1.5e-7, f64::INFINITY, f64::NEG_INFINITY])
            .with_str("province", vec!["Anhui".into(), "a, b".into(), "say \"hi\"\nnext line".into(), String::new()])
    }

    #[test]
    fn round_trip_with_commas_quotes_newlines_and_nan() {
        let dir = TempDir::new("csv");
        let path = dir.path().join("t.csv");
        let table = sample();
        write_csv(&path, &table).unwrap();
        let back = read_csv(&path).unwrap();
        assert_eq!(back.columns.len(), 4);
        assert_eq!(back.column("year"), table.column("year"));
        assert_eq!(back.column("province"), table.column("province"));
        for name in ["cdr", "big"] {
            let (a, b) = (table.f64s(name).unwrap(), back.f64s(name).unwrap());
            assert!(matches!(back.column(name), Some(Column::F64(_))));
            for (x, y) in a.iter().zip(&b) {
                assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()), "{name}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn format_is_minimal_and_deterministic() {
        let dir = TempDir::new("csvfmt");
        let path = dir.path().join("t.csv");
        let t = Table::new()
            .with_i64("a", vec![1, 2])
            .with_f64("b", vec![0.1, f64::NAN])
            .with_str("c", vec!["x,y".into(), "plain".into()]);
        write_csv(&path, &t).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b,c\n1,0.1,\"x,y\"\n2,,plain\n");
    }

    #[test]
    fn whole_floats_read_back_as_integers_and_missing_as_nan() {
        let dir = TempDir::new("csvinfer");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b,c,d\r\n1,2.5,x,\r\n2,,3,\r\n").unwrap();
        let t = read_csv(&path).unwrap();
        assert_eq!(t.column("a"), Some(&Column::I64(vec![1, 2])));
        assert!(matches!(t.column("b"), Some(Column::F64(v)) if v[0] == 2.5 && v[1].is_nan()));
        assert_eq!(t.column("c"), Some(&Column::Str(vec!["x".into(), "3".into()])));
        assert!(matches!(t.column("d"), Some(Column::F64(v)) if v.iter().all(|x| x.is_nan())));
    }

    #[test]
    fn single_nan_column_survives_blank_lines() {
        let dir = TempDir::new("csvblank");
        let path = dir.path().join("t.csv");
        let t = Table::new().with_f64("x", vec![f64::NAN, 1.5, f64::NAN]);
        write_csv(&path, &t).unwrap();
        let back = read_csv(&path).unwrap();
        assert!(matches!(back.column("x"), Some(Column::F64(v)) if v.len() == 3 && v[1] == 1.5));
    }

    #[test]
    fn ragged_row_names_path_and_line() {
        let dir = TempDir::new("csvragged");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,2\n3,4,5\n").unwrap();
        let msg = read_csv(&path).unwrap_err().to_string();
        assert!(msg.starts_with(&format!("{}:3: ", path.display())), "{msg}");
    }

    #[test]
    fn unclosed_quote_is_an_error() {
        let dir = TempDir::new("csvquote");
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a\n\"abc\n").unwrap();
        let msg = read_csv(&path).unwrap_err().to_string();
        assert!(msg.contains(":2: quoted field is never closed"), "{msg}");
    }
}
