//! A small RFC-4180 style CSV reader (no external dependencies).
//!
//! Handles quoted fields containing commas, doubled quotes (`""` inside a quoted field is one `"`),
//! line breaks inside quoted fields, and both `\n` and `\r\n` line endings.

use std::fmt;

/// Error from [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line where the problem was found.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CSV line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

/// Parses CSV text into records of fields. Empty lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut field_was_quoted = false;
    let mut line = 1usize;
    let mut chars = text.chars().peekable();

    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                    }
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                if !field.is_empty() || field_was_quoted {
                    return Err(CsvError { line, message: "quote inside an unquoted field".into() });
                }
                in_quotes = true;
                field_was_quoted = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                field_was_quoted = false;
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    return Err(CsvError { line, message: "bare carriage return".into() });
                }
            }
            '\n' => {
                end_record(&mut records, &mut record, &mut field, field_was_quoted);
                field_was_quoted = false;
                line += 1;
            }
            _ => {
                if field_was_quoted {
                    return Err(CsvError { line, message: "text after a closing quote".into() });
                }
                field.push(c);
            }
        }
    }
    if in_quotes {
        return Err(CsvError { line, message: "unterminated quoted field".into() });
    }
    end_record(&mut records, &mut record, &mut field, field_was_quoted);
    Ok(records)
}

fn end_record(records: &mut Vec<Vec<String>>, record: &mut Vec<String>, field: &mut String, quoted: bool) {
    if record.is_empty() && field.is_empty() && !quoted {
        return; // blank line
    }
    record.push(std::mem::take(field));
    records.push(std::mem::take(record));
}

/// A parsed CSV file with a header row; every row has the header's width.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses `text` (first record = header) and checks that every row has the header's width.
    pub fn parse(text: &str) -> Result<Table, CsvError> {
        let mut records = parse(text)?;
        if records.is_empty() {
            return Err(CsvError { line: 1, message: "no header".into() });
        }
        let header = records.remove(0);
        for (i, r) in records.iter().enumerate() {
            if r.len() != header.len() {
                return Err(CsvError {
                    line: i + 2,
                    message: format!("record {} has {} fields, header has {}", i + 2, r.len(), header.len()),
                });
            }
        }
        Ok(Table { header, rows: records })
    }

    /// Index of column `name`, if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Iterates over rows as [`Row`]s.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |r| Row { table: self, fields: r })
    }
}

/// One row of a [`Table`], with access by column name.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    fields: &'a [String],
}

impl<'a> Row<'a> {
    /// The field in column `name`, trimmed. Panics if the column does not exist (embedded files are fixed).
    pub fn get(&self, name: &str) -> &'a str {
        let i = self.table.col(name).unwrap_or_else(|| panic!("missing CSV column `{name}`"));
        self.fields[i].trim()
    }

    /// The field in column `name` as a number; `None` when empty or not a number.
    pub fn num(&self, name: &str) -> Option<f64> {
        let s = self.get(name);
        if s.is_empty() {
            None
        } else {
            s.parse().ok()
        }
    }
}
