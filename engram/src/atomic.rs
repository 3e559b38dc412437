//! Atomic file writes: the bytes go to a temporary file beside the target, which is then
//! renamed over it, so a reader never sees a half-written file and a failed write leaves the old
//! file in place.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{EngramError, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
///
/// # Errors
/// [`EngramError::Io`] naming `op` and the path when creating, writing, syncing or renaming fails.
pub fn write_atomic(op: &'static str, path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = temporary_path(path);
    let io_error = |source| EngramError::Io {
        op,
        path: path.to_path_buf(),
        source,
    };
    let written = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(source) = written {
        // The temporary file may not exist; the write error is the one worth reporting.
        let _ = fs::remove_file(&temporary);
        return Err(io_error(source));
    }
    fs::rename(&temporary, path).map_err(|source| {
        let _ = fs::remove_file(&temporary);
        io_error(source)
    })
}

/// `dir/.name.tmp-PID` beside `path`: hidden, and distinct per process.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_replace() {
        let dir = std::env::temp_dir().join(format!("engram-atomic-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        write_atomic("test", &path, b"first").unwrap();
        write_atomic("test", &path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert!(!temporary_path(&path).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_folder_is_an_error() {
        let path = std::env::temp_dir().join("engram-no-such-folder-xyz/out.txt");
        let err = write_atomic("test", &path, b"x").unwrap_err();
        assert!(
            err.to_string().contains("engram-no-such-folder-xyz"),
            "{err}"
        );
    }
}
