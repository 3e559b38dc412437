//! CIFAR-10 in its binary version: 32 x 32 colour images, ten classes.
//!
//! The archive `cifar-10-binary.tar.gz` unpacks to `cifar-10-batches-bin/` with
//! `data_batch_1.bin` ... `data_batch_5.bin` (10,000 images each, the training split),
//! `test_batch.bin` and `batches.meta.txt` (one class name per line). Every file is a sequence of
//! 3,073-byte records:
//!
//! ```text
//! byte 0          label, 0-9
//! bytes 1-1024    red plane, 32 rows of 32 pixels, row-major
//! bytes 1025-2048 green plane
//! bytes 2049-3072 blue plane
//! ```
//!
//! The reader converts the planes to interleaved pixels (R, G, B per pixel), so that one image
//! row is 32 pixels x 3 channels = 96 features of a time step.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{DatasetError, Result};
use crate::files::{display_name, find_file};
use crate::images::{check_labels, ImageSet};
use crate::split::Split;

/// Rows and columns of a CIFAR-10 image.
const SIDE: usize = 32;
/// Pixels per colour plane.
const PLANE: usize = SIDE * SIDE;
/// Bytes per record: one label byte and three colour planes.
pub const RECORD_SIZE: usize = 1 + 3 * PLANE;

/// The CIFAR-10 data set (Krizhevsky, 2009).
#[derive(Debug, Clone, Copy)]
pub struct Cifar10;

impl Cifar10 {
    /// The class names used when `batches.meta.txt` is absent, indexed by label.
    pub const CLASS_NAMES: [&'static str; 10] = [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ];

    const HINT: &'static str = "download cifar-10-binary.tar.gz from \
        www.cs.toronto.edu/~kriz/cifar.html and unpack it here (the files may sit directly in \
        this directory or in its cifar-10-batches-bin/ subdirectory)";

    /// Loads a split from `dir` or from `dir/cifar-10-batches-bin`: `Train` reads
    /// `data_batch_1.bin` to `data_batch_5.bin` in order, `Test` reads `test_batch.bin`.
    ///
    /// # Errors
    /// [`DatasetError::MissingFile`] when a file is absent, [`DatasetError::InvalidArgument`]
    /// for `Split::Valid`, and the errors of [`Cifar10::parse_records`].
    pub fn load(dir: &Path, split: Split) -> Result<ImageSet> {
        let dir = Self::resolve_dir(dir);
        let names: Vec<String> = match split {
            Split::Train => (1..=5).map(|i| format!("data_batch_{i}.bin")).collect(),
            Split::Test => vec!["test_batch.bin".to_string()],
            Split::Valid => {
                return Err(DatasetError::invalid(
                    "Cifar10::load",
                    "CIFAR-10 has no validation split; load train and use holdout",
                ))
            }
        };

        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        for name in names {
            let path = find_file(&dir, &[name], "CIFAR-10", Self::HINT)?;
            let bytes = fs::read(&path).map_err(|source| DatasetError::Io {
                path: path.clone(),
                source,
            })?;
            let (p, l) = Self::parse_records(&bytes, &display_name(&path))?;
            pixels.extend_from_slice(&p);
            labels.extend_from_slice(&l);
        }

        let class_names = Self::read_class_names(&dir)?;
        ImageSet::new(pixels, labels, (SIDE, SIDE, 3), class_names)
    }

    /// Parses the records of one binary file into interleaved pixels `[n, 32, 32, 3]` and labels.
    /// `file` names the source in error messages.
    ///
    /// # Errors
    /// [`DatasetError::CifarRecordSize`] when the length is not a multiple of 3,073 bytes and
    /// [`DatasetError::LabelOutOfRange`] when a label byte is 10 or more.
    pub fn parse_records(bytes: &[u8], file: &str) -> Result<(Vec<u8>, Vec<u8>)> {
        let partial_record = bytes.len() % RECORD_SIZE;
        if partial_record > 0 {
            return Err(DatasetError::CifarRecordSize {
                file: file.to_string(),
                len: bytes.len() as u64,
                record: RECORD_SIZE,
            });
        }
        let count = bytes.len() / RECORD_SIZE;
        let mut pixels = vec![0u8; count * 3 * PLANE];
        let mut labels = Vec::with_capacity(count);

        for (record, image) in bytes
            .chunks_exact(RECORD_SIZE)
            .zip(pixels.chunks_exact_mut(3 * PLANE))
        {
            labels.push(record[0]);
            let planes = &record[1..];
            // Channel-major planes [3, 32, 32] to interleaved [32, 32, 3].
            for (position, pixel) in image.chunks_exact_mut(3).enumerate() {
                for (channel, value) in pixel.iter_mut().enumerate() {
                    *value = planes[channel * PLANE + position];
                }
            }
        }

        check_labels(file, &labels, Self::CLASS_NAMES.len())?;
        Ok((pixels, labels))
    }

    /// Encodes interleaved images `[n, 32, 32, 3]` and their labels as CIFAR-10 records, the
    /// inverse of [`Cifar10::parse_records`].
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `pixels` does not hold `labels.len()` images.
    pub fn encode_records(pixels: &[u8], labels: &[u8]) -> Result<Vec<u8>> {
        if pixels.len() != labels.len() * 3 * PLANE {
            return Err(DatasetError::invalid(
                "Cifar10::encode_records",
                format!(
                    "{} pixel bytes do not make {} images of 32 x 32 x 3",
                    pixels.len(),
                    labels.len()
                ),
            ));
        }
        let mut out = Vec::with_capacity(labels.len() * RECORD_SIZE);
        for (image, &label) in pixels.chunks_exact(3 * PLANE).zip(labels) {
            out.push(label);
            for channel in 0..3 {
                out.extend(image.iter().skip(channel).step_by(3));
            }
        }
        Ok(out)
    }

    /// Uses the `cifar-10-batches-bin` subdirectory when the files are not directly in `dir`.
    fn resolve_dir(dir: &Path) -> PathBuf {
        let nested = dir.join("cifar-10-batches-bin");
        if !dir.join("test_batch.bin").exists() && nested.is_dir() {
            return nested;
        }
        dir.to_path_buf()
    }

    /// Reads the class names from `batches.meta.txt`, or returns the standard ones when the
    /// file is absent.
    fn read_class_names(dir: &Path) -> Result<Vec<String>> {
        let path = dir.join("batches.meta.txt");
        if !path.is_file() {
            return Ok(Self::CLASS_NAMES.iter().map(|s| s.to_string()).collect());
        }
        let text = fs::read_to_string(&path).map_err(|source| DatasetError::Io {
            path: path.clone(),
            source,
        })?;
        let names: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect();
        if names.len() != Self::CLASS_NAMES.len() {
            return Err(DatasetError::invalid(
                "Cifar10::load",
                format!(
                    "{} lists {} class names, but CIFAR-10 has 10; delete the file to use the standard names",
                    path.display(),
                    names.len()
                ),
            ));
        }
        Ok(names)
    }
}
