//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The folder of real data sets kept beside the repository, `../shared/datasets` from the
/// repository root. Checkouts in nested folders find it in the closest ancestor that has one.
///
/// # Panics
/// When no ancestor contains `shared/datasets`, with a message naming the expected folder.
pub fn shared_datasets() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repository_root = manifest
        .parent()
        .expect("the crate sits inside the workspace");
    for ancestor in repository_root.ancestors().skip(1) {
        let candidate = ancestor.join("shared").join("datasets");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "real data folder not found: expected {}; put the MNIST test set and WikiText-2 there",
        repository_root.join("../shared/datasets").display()
    );
}

/// Returns `path` after checking that it exists, so that a test on real data fails loudly
/// instead of passing when the data is absent.
///
/// # Panics
/// When `path` does not exist, naming the file and how to get it.
pub fn require(path: PathBuf, how_to_get_it: &str) -> PathBuf {
    assert!(
        path.exists(),
        "real data missing: {} does not exist; {how_to_get_it}",
        path.display()
    );
    path
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the temporary directory is writable");
    path
}
