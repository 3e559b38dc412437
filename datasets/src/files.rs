//! File helpers shared by the readers: finding a file under one of several accepted names, and
//! reading it whole with transparent gzip decompression.
//!
//! Compression is detected from the gzip magic bytes `1f 8b`, not from the file name, so a
//! decompressed file that kept its `.gz` name still reads correctly.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::error::{DatasetError, Result};

/// The two bytes every gzip stream starts with (RFC 1952, section 2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Returns the first of `names` that exists in `dir`.
///
/// # Errors
/// [`DatasetError::MissingFile`] naming the first candidate, `dataset` and `hint`, when none
/// exists.
pub(crate) fn find_file(
    dir: &Path,
    names: &[String],
    dataset: &'static str,
    hint: &str,
) -> Result<PathBuf> {
    for name in names {
        let path = dir.join(name);
        if path.is_file() {
            return Ok(path);
        }
    }
    let first = names.first().map(String::as_str).unwrap_or("");
    let accepted = names.join(", ");
    Err(DatasetError::MissingFile {
        dataset,
        path: dir.join(first),
        hint: format!("accepted names: {accepted}; {hint}"),
    })
}

/// Reads a whole file, decompressing it when it starts with the gzip magic bytes.
///
/// # Errors
/// [`DatasetError::Io`] when the file cannot be read, [`DatasetError::Gzip`] when the gzip
/// stream is corrupt or truncated.
pub(crate) fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>> {
    let bytes = fs::read(path).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decompress_if_gzip(bytes, &display_name(path))
}

/// Decompresses `bytes` when they start with the gzip magic bytes, and returns them unchanged
/// otherwise.
///
/// # Errors
/// [`DatasetError::Gzip`] when the gzip stream is corrupt or truncated.
pub fn decompress_if_gzip(bytes: Vec<u8>, file: &str) -> Result<Vec<u8>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    MultiGzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .map_err(|source| DatasetError::Gzip {
            file: file.to_string(),
            source,
        })?;
    Ok(out)
}

/// Formats a path for error messages.
pub(crate) fn display_name(path: &Path) -> String {
    path.display().to_string()
}
