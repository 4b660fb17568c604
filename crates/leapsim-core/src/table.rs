//! A minimal column table: the in-memory form of every result series. Sinks (CSV, Parquet, the
//! dashboard, Python) read it; the engine only fills it.

/// One typed column. All columns of a [`Table`] have the same length.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    I64(Vec<i64>),
    F64(Vec<f64>),
    Str(Vec<String>),
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::I64(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Str(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named, ordered set of equally long columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<(String, Column)>,
}

impl Table {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a column; panics if its length differs from the table's (a programming error, not
    /// user input).
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> &mut Self {
        if let Some((_, first)) = self.columns.first() {
            assert_eq!(first.len(), column.len(), "column length mismatch");
        }
        self.columns.push((name.into(), column));
        self
    }

    pub fn with_i64(mut self, name: &str, values: Vec<i64>) -> Self {
        self.push(name, Column::I64(values));
        self
    }

    pub fn with_f64(mut self, name: &str, values: Vec<f64>) -> Self {
        self.push(name, Column::F64(values));
        self
    }

    pub fn with_str(mut self, name: &str, values: Vec<String>) -> Self {
        self.push(name, Column::Str(values));
        self
    }

    /// Appends the rows of `other`, which must have the same columns in the same order (a programming error
    /// otherwise). Appending to an empty table takes `other` whole.
    pub fn append_rows(&mut self, other: Table) {
        if self.columns.is_empty() {
            *self = other;
            return;
        }
        assert_eq!(self.columns.len(), other.columns.len(), "tables with different columns");
        for ((_, a), (_, b)) in self.columns.iter_mut().zip(other.columns) {
            match (a, b) {
                (Column::I64(x), Column::I64(y)) => x.extend(y),
                (Column::F64(x), Column::F64(y)) => x.extend(y),
                (Column::Str(x), Column::Str(y)) => x.extend(y),
                _ => panic!("tables with different column types"),
            }
        }
    }

    pub fn num_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The named column as floats (integers are widened); `None` for text or a missing column.
    pub fn f64s(&self, name: &str) -> Option<Vec<f64>> {
        match self.column(name)? {
            Column::F64(v) => Some(v.clone()),
            Column::I64(v) => Some(v.iter().map(|&x| x as f64).collect()),
            Column::Str(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_reads_columns() {
        let t = Table::new().with_i64("year", vec![1955, 1956]).with_f64("cdr", vec![12.3, 11.4]);
        assert_eq!(t.num_rows(), 2);
        assert_eq!(t.f64s("year").unwrap(), vec![1955.0, 1956.0]);
        assert!(t.column("missing").is_none());
    }

    #[test]
    fn appends_rows() {
        let mut t = Table::new();
        t.append_rows(Table::new().with_i64("year", vec![1955]).with_str("p", vec!["Anhui".into()]));
        t.append_rows(Table::new().with_i64("year", vec![1956]).with_str("p", vec!["Hebei".into()]));
        assert_eq!(t.num_rows(), 2);
        assert_eq!(t.f64s("year").unwrap(), vec![1955.0, 1956.0]);
    }

    #[test]
    #[should_panic(expected = "column length mismatch")]
    fn rejects_ragged_columns() {
        let _ = Table::new().with_i64("a", vec![1]).with_f64("b", vec![1.0, 2.0]);
    }
}
