//! Write-to-temporary-then-rename, the primitive under every writer in this crate.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::IoError;

/// Writes `path` atomically: `fill` writes into `<path>.tmp-<pid>`, which is then flushed, fsynced
/// and renamed onto `path`. On any failure the temporary file is removed (best effort) and `path`
/// is left as it was. (`fill` may seek: a `BufWriter<File>` is `Seek`.)
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<(), IoError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), IoError>,
{
    let tmp = temp_path(path)?;
    let result = write_then_rename(path, &tmp, fill);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn write_then_rename<F>(path: &Path, tmp: &Path, fill: F) -> Result<(), IoError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), IoError>,
{
    // Errors name the final path: the temporary name is an implementation detail.
    let file = File::create(tmp).map_err(|e| IoError::os("create", path, e))?;
    let mut out = BufWriter::new(file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| IoError::os("write", path, e.into_error()))?;
    file.sync_all().map_err(|e| IoError::os("flush to disk", path, e))?;
    drop(file);
    std::fs::rename(tmp, path).map_err(|e| IoError::os("move into place", path, e))?;
    sync_parent(path);
    Ok(())
}

/// `<path>.tmp-<pid>`, next to `path` so the rename stays on one filesystem.
fn temp_path(path: &Path) -> Result<PathBuf, IoError> {
    let name = path.file_name().ok_or_else(|| {
        IoError::os("write", path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "path does not name a file"))
    })?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    Ok(path.with_file_name(tmp_name))
}

/// Makes a rename durable by fsyncing the directory that holds `path`. Best effort: not every
/// platform lets a directory be opened and synced, and the data itself is already on disk.
pub(crate) fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    sync_dir(parent);
}

pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `value` as pretty-printed JSON with a trailing newline.
pub fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), IoError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| IoError::Json { path: path.to_path_buf(), message: e.to_string() })?;
    text.push('\n');
    write_text(path, &text)
}

/// Writes `text` exactly as given (no newline is added).
pub fn write_text(path: &Path, text: &str) -> Result<(), IoError> {
    write_atomic(path, |out| out.write_all(text.as_bytes()).map_err(|e| IoError::os("write", path, e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn json_is_pretty_with_trailing_newline_and_no_temp_left() {
        let dir = TempDir::new("json");
        let path = dir.path().join("summary.json");
        write_json(&path, &serde_json::json!({"a": 1, "b": [1, 2]})).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_into_missing_directory_names_the_path() {
        let dir = TempDir::new("missing");
        let path = dir.path().join("nope").join("x.txt");
        let err = write_text(&path, "hi").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("no such file or directory"), "{msg}");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn failed_fill_leaves_old_file_and_no_temp() {
        let dir = TempDir::new("failfill");
        let path = dir.path().join("x.txt");
        write_text(&path, "old").unwrap();
        let err = write_atomic(&path, |out| {
            out.write_all(b"half").unwrap();
            Err(IoError::Json { path: path.clone(), message: "boom".into() })
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
