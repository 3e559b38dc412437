//! Atomic file writes: write a temporary file next to the target, flush it to disk, then rename.
//!
//! A reader, or a run killed halfway, therefore sees either the old file or the new one, never a
//! half-written file. The temporary file lives in the target's directory because a rename is only
//! atomic within one file system.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{Result, TrainError};

/// Writes `bytes` to `path` atomically, creating the parent directory if needed.
///
/// # Errors
/// [`TrainError::Io`] naming the file when the directory cannot be created or the temporary file
/// cannot be written or renamed. The temporary file is removed on failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = temporary_path(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| TrainError::io("create directory", parent, e))?;
    }

    let written = write_and_sync(&temporary, bytes)
        .and_then(|()| fs::rename(&temporary, path).map_err(|e| TrainError::io("rename", path, e)));
    if written.is_err() {
        // The temporary file may not exist; the original error is the one worth reporting.
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Returns `.NAME.tmp.PID` in the directory of `path`.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    path.with_file_name(format!(".{name}.tmp.{}", std::process::id()))
}

fn write_and_sync(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).map_err(|e| TrainError::io("create", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| TrainError::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_content() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("sub").join("file.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let leftovers = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file must be gone");
    }

    #[test]
    fn write_atomic_reports_path_on_failure() {
        let dir = tempfile::tempdir().expect("temporary directory");
        // A directory cannot be replaced by a file, so the rename fails.
        let target = dir.path().join("taken");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inner"), b"x").unwrap();
        let error = write_atomic(&target, b"data").unwrap_err();
        assert!(error.to_string().contains("taken"), "{error}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
