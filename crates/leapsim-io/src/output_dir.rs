//! [`OutputDir`]: a run's outputs appear under their final names only when all of them are written.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::atomic::sync_dir;
use crate::error::IoError;

/// The file whose presence marks a complete output; moved into place last.
const MANIFEST: &str = "manifest.json";

/// An output directory with all-or-nothing semantics: nothing half-written is ever visible under
/// its final name.
///
/// Writers put files at [`OutputDir::staged`] paths, inside a hidden staging folder in the
/// directory (same filesystem, so the final moves are renames). [`OutputDir::commit`] moves them
/// into place, `manifest.json` last; dropping an `OutputDir` without committing removes the
/// staging folder, so a failed run leaves the directory as it found it.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Creates `dir` (and parents) if missing and checks that it is a writable directory — call
    /// it before any simulation work, so a bad `--out` fails in milliseconds, not after the run.
    /// Creates the staging folder `.leapsim-staging-<pid>-<nanos>` inside `dir` and writes and
    /// removes a probe file in it. Errors name the path: not a directory, permission denied,
    /// read-only file system.
    pub fn prepare(dir: &Path) -> Result<OutputDir, IoError> {
        if let Some(blocker) = non_directory_ancestor(dir) {
            return Err(IoError::NotADirectory { path: dir.to_path_buf(), blocker });
        }
        std::fs::create_dir_all(dir).map_err(|e| IoError::os("create output directory", dir, e))?;
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let staging = dir.join(format!(".leapsim-staging-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&staging).map_err(|e| IoError::os("write to output directory", dir, e))?;
        // From here on, Drop cleans the staging folder up if the probe fails.
        let out = OutputDir { dir: dir.to_path_buf(), staging, committed: false };
        let probe = out.staging.join(".probe");
        std::fs::write(&probe, b"leapsim").map_err(|e| IoError::os("write to output directory", dir, e))?;
        std::fs::remove_file(&probe).map_err(|e| IoError::os("write to output directory", dir, e))?;
        Ok(out)
    }

    /// The final output directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where to write the output file `name` (a plain file name) before [`OutputDir::commit`].
    pub fn staged(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    /// Moves every staged file into the directory (one atomic rename each, in name order, replacing
    /// files of the same name from an earlier run) and removes the staging folder. If
    /// `manifest.json` is staged, any old one is deleted first and the new one moved last, so a
    /// directory with a manifest always holds a complete output. Returns the final paths, in the
    /// order moved.
    ///
    /// If a rename fails part-way, the files already moved stay, no manifest is present, and the
    /// rest are removed with the staging folder.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, IoError> {
        let entries =
            std::fs::read_dir(&self.staging).map_err(|e| IoError::os("read staging folder", &self.staging, e))?;
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| IoError::os("read staging folder", &self.staging, e))?;
            names.push(entry.file_name());
        }
        // Deterministic order, manifest last.
        names.sort_by(|a, b| (a == MANIFEST, a).cmp(&(b == MANIFEST, b)));
        if names.iter().any(|n| n == MANIFEST) {
            let old = self.dir.join(MANIFEST);
            match std::fs::remove_file(&old) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(IoError::os("replace", &old, e));
                }
                _ => {}
            }
        }
        let mut moved = Vec::with_capacity(names.len());
        for name in names {
            let target = self.dir.join(&name);
            std::fs::rename(self.staging.join(&name), &target)
                .map_err(|e| IoError::os("move output into place at", &target, e))?;
            moved.push(target);
        }
        std::fs::remove_dir(&self.staging).map_err(|e| IoError::os("remove staging folder", &self.staging, e))?;
        self.committed = true;
        sync_dir(&self.dir);
        Ok(moved)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a failed run must not leave partial output, but a failure to clean up
            // must not mask the error that got us here.
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The first of `dir` and its ancestors that exists but is not a directory, if any.
fn non_directory_ancestor(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().filter(|p| !p.as_os_str().is_empty()).find_map(|p| match std::fs::metadata(p) {
        Ok(m) if !m.is_dir() => Some(p.to_path_buf()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;
    use crate::{write_json, write_text};

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn prepare_creates_missing_parents_and_leaves_only_staging() {
        let tmp = TempDir::new("od-create");
        let dir = tmp.path().join("a").join("b");
        let out = OutputDir::prepare(&dir).unwrap();
        assert_eq!(out.path(), dir);
        let names = listing(&dir);
        assert_eq!(names.len(), 1);
        assert!(names[0].starts_with(&format!(".leapsim-staging-{}-", std::process::id())));
        assert!(listing(&dir.join(&names[0])).is_empty(), "probe file removed");
    }

    #[test]
    fn prepare_under_a_regular_file_names_the_path() {
        let tmp = TempDir::new("od-file");
        let file = tmp.path().join("results.csv");
        std::fs::write(&file, "x").unwrap();
        for dir in [file.clone(), file.join("out")] {
            let msg = OutputDir::prepare(&dir).unwrap_err().to_string();
            assert!(msg.contains(&dir.display().to_string()), "{msg}");
            assert!(msg.contains(&format!("{} exists and is not a directory", file.display())), "{msg}");
            assert!(!msg.contains('\n'));
        }
    }

    #[cfg(unix)]
    #[test]
    fn prepare_on_a_read_only_directory_fails_naming_it() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = TempDir::new("od-ro");
        let dir = tmp.path().join("ro");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root (CAP_DAC_OVERRIDE) ignores permission bits; then only a kernel-enforced refusal tests this.
        let privileged = std::fs::write(dir.join("probe"), "x").is_ok();
        let result = OutputDir::prepare(&dir).map(drop);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        if !privileged {
            let msg = result.unwrap_err().to_string();
            assert_eq!(msg, format!("cannot write to output directory {}: permission denied", dir.display()));
            return;
        }
        // /sys refuses new files even to root (sysfs); skip if this system has no such directory.
        let sys = Path::new("/sys");
        if sys.is_dir() && std::fs::write(sys.join("leapsim-probe"), "x").is_err() {
            let msg = OutputDir::prepare(sys).unwrap_err().to_string();
            assert!(msg.starts_with("cannot write to output directory /sys: "), "{msg}");
            eprintln!("running privileged; checked /sys instead: {msg}");
        } else {
            eprintln!("skipped: running privileged and no unwritable directory available");
        }
    }

    #[test]
    fn dropping_uncommitted_removes_staging_and_adds_nothing() {
        let tmp = TempDir::new("od-drop");
        std::fs::write(tmp.path().join("old.csv"), "keep").unwrap();
        let before = listing(tmp.path());
        {
            let out = OutputDir::prepare(tmp.path()).unwrap();
            write_text(&out.staged("national_yearly.csv"), "year\n1958\n").unwrap();
            write_json(&out.staged(MANIFEST), &serde_json::json!({})).unwrap();
            // e.g. the simulation fails here and `?` drops `out`
        }
        assert_eq!(listing(tmp.path()), before);
        assert_eq!(std::fs::read_to_string(tmp.path().join("old.csv")).unwrap(), "keep");
    }

    #[test]
    fn commit_moves_files_manifest_last_and_replaces_old_outputs() {
        let tmp = TempDir::new("od-commit");
        std::fs::write(tmp.path().join("summary.json"), "old").unwrap();
        std::fs::write(tmp.path().join(MANIFEST), "old").unwrap();
        let out = OutputDir::prepare(tmp.path()).unwrap();
        for name in ["z.csv", MANIFEST, "a.csv", "summary.json"] {
            write_text(&out.staged(name), name).unwrap();
        }
        // Nothing new is visible before commit.
        assert_eq!(std::fs::read_to_string(tmp.path().join(MANIFEST)).unwrap(), "old");
        let moved = out.commit().unwrap();
        let moved: Vec<_> = moved.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
        assert_eq!(moved, ["a.csv", "summary.json", "z.csv", MANIFEST]);
        assert_eq!(listing(tmp.path()), ["a.csv", MANIFEST, "summary.json", "z.csv"]);
        assert_eq!(std::fs::read_to_string(tmp.path().join("summary.json")).unwrap(), "summary.json");
        assert_eq!(std::fs::read_to_string(tmp.path().join(MANIFEST)).unwrap(), MANIFEST);
    }
}
