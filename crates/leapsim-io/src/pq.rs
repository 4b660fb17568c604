//! Parquet through the `parquet` crate's low-level API (no Arrow: it would double compile time).
//!
//! Layout: `I64` -> INT64, `F64` -> DOUBLE, `Str` -> BYTE_ARRAY with the STRING (UTF8) logical
//! type; every column REQUIRED (NaN is a value, not a null); one row group; SNAPPY. Nothing
//! time- or host-dependent is written, so the same table always gives the same bytes.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use leapsim_core::{Column, Table};
use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, ByteArrayType, DataType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::atomic::write_atomic;
use crate::error::IoError;

fn parquet_error(action: &'static str, path: &Path, message: impl ToString) -> IoError {
    IoError::Parquet { action, path: path.to_path_buf(), message: message.to_string() }
}

/// Writes `table` as a Parquet file (layout in the module docs). Output bytes depend only on the
/// table (and the `parquet` crate version, which is recorded in the file's `created_by`).
pub fn write_parquet(path: &Path, table: &Table) -> Result<(), IoError> {
    let werr = |e: ParquetError| parquet_error("write", path, e);
    let mut fields = Vec::with_capacity(table.columns.len());
    for (name, column) in &table.columns {
        let builder = match column {
            Column::I64(_) => Type::primitive_type_builder(name, PhysicalType::INT64),
            Column::F64(_) => Type::primitive_type_builder(name, PhysicalType::DOUBLE),
            Column::Str(_) => Type::primitive_type_builder(name, PhysicalType::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String)),
        };
        fields.push(Arc::new(builder.with_repetition(Repetition::REQUIRED).build().map_err(werr)?));
    }
    let schema = Arc::new(Type::group_type_builder("schema").with_fields(fields).build().map_err(werr)?);
    let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());

    write_atomic(path, |out| {
        let mut writer = SerializedFileWriter::new(out, schema, props).map_err(werr)?;
        let mut row_group = writer.next_row_group().map_err(werr)?;
        for (name, column) in &table.columns {
            let mut cw = row_group
                .next_column()
                .map_err(werr)?
                .ok_or_else(|| parquet_error("write", path, format!("no writer for column {name:?}")))?;
            match column {
                Column::I64(v) => cw.typed::<Int64Type>().write_batch(v, None, None),
                Column::F64(v) => cw.typed::<DoubleType>().write_batch(v, None, None),
                Column::Str(v) => {
                    let bytes: Vec<ByteArray> = v.iter().map(|s| ByteArray::from(s.as_bytes().to_vec())).collect();
                    cw.typed::<ByteArrayType>().write_batch(&bytes, None, None)
                }
            }
            .map_err(werr)?;
            cw.close().map_err(werr)?;
        }
        row_group.close().map_err(werr)?;
        writer.close().map_err(werr)?;
        Ok(())
    })
}

/// Reads a flat Parquet file into a [`Table`]. Accepts what [`write_parquet`] writes and, for
/// files from other tools, INT32 (widened to `I64`), FLOAT (widened to `F64`), any number of row
/// groups, and OPTIONAL columns (nulls become NaN in float columns; a null elsewhere is an error).
pub fn read_parquet(path: &Path) -> Result<Table, IoError> {
    let rerr = |e: ParquetError| parquet_error("read", path, e);
    let file = File::open(path).map_err(|e| IoError::os("open", path, e))?;
    let reader = SerializedFileReader::new(file).map_err(rerr)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let mut columns: Vec<Column> = Vec::with_capacity(schema.num_columns());
    for descr in schema.columns() {
        if descr.max_rep_level() > 0 || descr.path().parts().len() > 1 {
            return Err(parquet_error(
                "read",
                path,
                format!("column {} is nested; only flat tables are supported", descr.path()),
            ));
        }
        columns.push(match descr.physical_type() {
            PhysicalType::INT32 | PhysicalType::INT64 => Column::I64(Vec::new()),
            PhysicalType::FLOAT | PhysicalType::DOUBLE => Column::F64(Vec::new()),
            PhysicalType::BYTE_ARRAY => Column::Str(Vec::new()),
            other => {
                return Err(parquet_error(
                    "read",
                    path,
                    format!("column {} has unsupported type {other}", descr.name()),
                ))
            }
        });
    }

    for g in 0..reader.num_row_groups() {
        let row_group = reader.get_row_group(g).map_err(rerr)?;
        let rows = usize::try_from(row_group.metadata().num_rows())
            .map_err(|_| parquet_error("read", path, format!("row group {g} has a negative row count")))?;
        for (i, column) in columns.iter_mut().enumerate() {
            let descr = schema.column(i);
            let name = descr.name();
            let max_def = descr.max_def_level();
            let null_error = || parquet_error("read", path, format!("column {name} has a null in row group {g}"));
            match (row_group.get_column_reader(i).map_err(rerr)?, column) {
                (ColumnReader::Int32ColumnReader(r), Column::I64(out)) => {
                    for v in read_chunk(r, rows, max_def).map_err(rerr)? {
                        out.push(i64::from(v.ok_or_else(null_error)?));
                    }
                }
                (ColumnReader::Int64ColumnReader(r), Column::I64(out)) => {
                    for v in read_chunk(r, rows, max_def).map_err(rerr)? {
                        out.push(v.ok_or_else(null_error)?);
                    }
                }
                (ColumnReader::FloatColumnReader(r), Column::F64(out)) => {
                    let values = read_chunk(r, rows, max_def).map_err(rerr)?;
                    out.extend(values.into_iter().map(|v| v.map_or(f64::NAN, f64::from)));
                }
                (ColumnReader::DoubleColumnReader(r), Column::F64(out)) => {
                    let values = read_chunk(r, rows, max_def).map_err(rerr)?;
                    out.extend(values.into_iter().map(|v| v.unwrap_or(f64::NAN)));
                }
                (ColumnReader::ByteArrayColumnReader(r), Column::Str(out)) => {
                    for v in read_chunk(r, rows, max_def).map_err(rerr)? {
                        let bytes = v.ok_or_else(null_error)?;
                        let text = bytes.as_utf8().map_err(|_| {
                            parquet_error("read", path, format!("column {name} holds text that is not UTF-8"))
                        })?;
                        out.push(text.to_owned());
                    }
                }
                _ => unreachable!("column kinds were chosen from the same physical types"),
            }
        }
    }

    let mut table = Table::new();
    for (descr, column) in schema.columns().iter().zip(columns) {
        table.push(descr.name(), column);
    }
    Ok(table)
}

/// Reads the `rows` values of one column chunk; `None` marks a null (only possible when
/// `max_def > 0`).
fn read_chunk<T: DataType>(
    mut reader: ColumnReaderImpl<T>,
    rows: usize,
    max_def: i16,
) -> Result<Vec<Option<T::T>>, ParquetError> {
    let mut values = Vec::with_capacity(rows);
    let mut defs = Vec::with_capacity(if max_def > 0 { rows } else { 0 });
    let mut read = 0;
    while read < rows {
        let def_buf = if max_def > 0 { Some(&mut defs) } else { None };
        let (records, _, _) = reader.read_records(rows - read, def_buf, None, &mut values)?;
        if records == 0 {
            return Err(ParquetError::General(format!("column chunk ends after {read} of {rows} rows")));
        }
        read += records;
    }
    if max_def == 0 {
        return Ok(values.into_iter().map(Some).collect());
    }
    let mut values = values.into_iter();
    Ok(defs.iter().map(|&d| if d == max_def { values.next() } else { None }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    fn sample() -> Table {
        let n = 5000; // several data pages
        Table::new()
            .with_i64("year", (0..n).map(|i| 1955 + i / 12).collect())
            .with_f64("cdr", (0..n).map(|i| if i % 7 == 0 { f64::NAN } else { (i as f64).sqrt() }).collect())
            .with_str("province", (0..n).map(|i| format!("prov, {}", i % 31)).collect())
    }

    fn assert_same(a: &Table, b: &Table) {
        assert_eq!(a.columns.len(), b.columns.len());
        for ((na, ca), (nb, cb)) in a.columns.iter().zip(&b.columns) {
            assert_eq!(na, nb);
            match (ca, cb) {
                (Column::F64(x), Column::F64(y)) => {
                    assert_eq!(x.len(), y.len());
                    assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()), "{na}");
                }
                _ => assert_eq!(ca, cb),
            }
        }
    }

    #[test]
    fn round_trip() {
        let dir = TempDir::new("pq");
        let path = dir.path().join("t.parquet");
        let table = sample();
        write_parquet(&path, &table).unwrap();
        assert_same(&read_parquet(&path).unwrap(), &table);
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.num_row_groups(), 1);
        let rg = reader.metadata().row_group(0);
        assert!(rg.columns().iter().all(|c| c.compression() == Compression::SNAPPY));
        let descr = reader.metadata().file_metadata().schema_descr();
        assert_eq!(descr.column(2).logical_type_ref(), Some(&LogicalType::String));
    }

    #[test]
    fn same_table_gives_same_bytes() {
        let dir = TempDir::new("pqdet");
        let (a, b) = (dir.path().join("a.parquet"), dir.path().join("b.parquet"));
        write_parquet(&a, &sample()).unwrap();
        write_parquet(&b, &sample()).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    }

    #[test]
    fn empty_tables_round_trip() {
        let dir = TempDir::new("pqempty");
        let path = dir.path().join("t.parquet");
        let zero_rows = Table::new().with_i64("a", vec![]).with_str("b", vec![]);
        write_parquet(&path, &zero_rows).unwrap();
        assert_same(&read_parquet(&path).unwrap(), &zero_rows);
        write_parquet(&path, &Table::new()).unwrap();
        assert_same(&read_parquet(&path).unwrap(), &Table::new());
    }

    #[test]
    fn not_parquet_names_the_path() {
        let dir = TempDir::new("pqbad");
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, "year,cdr\n").unwrap();
        let msg = read_parquet(&path).unwrap_err().to_string();
        assert!(msg.starts_with(&format!("cannot read Parquet file {}: ", path.display())), "{msg}");
    }
}
