//! MNIST and Fashion-MNIST: 28 x 28 grey-scale images in IDX files, ten classes.
//!
//! A directory contains the four standard files, each plain or gzip-compressed:
//!
//! ```text
//! train-images-idx3-ubyte[.gz]   60,000 images  (IDX u8, dims [60000, 28, 28])
//! train-labels-idx1-ubyte[.gz]   60,000 labels  (IDX u8, dims [60000])
//! t10k-images-idx3-ubyte[.gz]    10,000 images
//! t10k-labels-idx1-ubyte[.gz]    10,000 labels
//! ```
//!
//! The names with a dot before `idx` (`train-images.idx3-ubyte`), as some archives unpack them,
//! are accepted too.

use std::path::Path;

use crate::error::{DatasetError, Result};
use crate::files::{display_name, find_file};
use crate::idx::IdxArray;
use crate::images::{check_labels, ImageSet};
use crate::split::Split;

/// The MNIST handwritten digits (LeCun, Cortes and Burges).
#[derive(Debug, Clone, Copy)]
pub struct Mnist;

impl Mnist {
    /// Download advice, shown when a file is missing.
    const HINT: &'static str = "download the four MNIST IDX files (for example from a mirror of \
        yann.lecun.com/exdb/mnist) into this directory, gzip-compressed or not";

    /// Loads a split (`Train` or `Test`) from `dir`.
    ///
    /// # Errors
    /// [`DatasetError::MissingFile`] with the accepted names when a file is absent,
    /// [`DatasetError::InvalidArgument`] for `Split::Valid`, and the format errors of
    /// [`IdxArray::parse`] plus [`DatasetError::IdxRank`], [`DatasetError::ImageSize`],
    /// [`DatasetError::CountMismatch`] and [`DatasetError::LabelOutOfRange`].
    pub fn load(dir: &Path, split: Split) -> Result<ImageSet> {
        let names = (0..10).map(|d| d.to_string()).collect();
        load_idx_images(dir, split, "MNIST", Self::HINT, names)
    }
}

/// Fashion-MNIST: Zalando's article images (Xiao, Rasul and Vollgraf), in MNIST's format.
#[derive(Debug, Clone, Copy)]
pub struct FashionMnist;

impl FashionMnist {
    /// Directory where the Debian package `dataset-fashion-mnist` installs the files.
    pub const DEFAULT_DIR: &'static str = "/usr/share/datasets/fashion-mnist";

    /// The class names, indexed by label.
    pub const CLASS_NAMES: [&'static str; 10] = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ];

    const HINT: &'static str = "on Debian or Ubuntu, `apt-get install dataset-fashion-mnist` \
        puts the files in /usr/share/datasets/fashion-mnist/; otherwise download the four \
        Fashion-MNIST IDX files from github.com/zalandoresearch/fashion-mnist into this directory";

    /// Loads a split (`Train` or `Test`) from `dir`.
    ///
    /// # Errors
    /// As [`Mnist::load`]; a missing file's message explains how to install the data.
    pub fn load(dir: &Path, split: Split) -> Result<ImageSet> {
        let names = Self::CLASS_NAMES.iter().map(|s| s.to_string()).collect();
        load_idx_images(dir, split, "Fashion-MNIST", Self::HINT, names)
    }

    /// Loads a split from [`FashionMnist::DEFAULT_DIR`].
    ///
    /// # Errors
    /// As [`FashionMnist::load`].
    pub fn load_default(split: Split) -> Result<ImageSet> {
        Self::load(Path::new(Self::DEFAULT_DIR), split)
    }
}

/// Accepted file names for one IDX file: standard, gzip, and the dotted variant.
fn idx_names(prefix: &str, kind: &str) -> Vec<String> {
    vec![
        format!("{prefix}-{kind}-ubyte"),
        format!("{prefix}-{kind}-ubyte.gz"),
        format!("{prefix}-{}", kind.replacen('-', ".", 1) + "-ubyte"),
    ]
}

/// Loads and cross-checks the image and label files of one split.
fn load_idx_images(
    dir: &Path,
    split: Split,
    dataset: &'static str,
    hint: &str,
    class_names: Vec<String>,
) -> Result<ImageSet> {
    let prefix = match split {
        Split::Train => "train",
        Split::Test => "t10k",
        Split::Valid => {
            return Err(DatasetError::invalid(
                "load",
                format!("{dataset} has no validation split; load train and use holdout"),
            ))
        }
    };
    let image_path = find_file(dir, &idx_names(prefix, "images-idx3"), dataset, hint)?;
    let label_path = find_file(dir, &idx_names(prefix, "labels-idx1"), dataset, hint)?;
    let image_file = display_name(&image_path);
    let label_file = display_name(&label_path);

    // Images: u8, dims [n, rows, columns].
    let images = IdxArray::read(&image_path)?;
    images.check_rank(&image_file, 3)?;
    let image_dims = images.dims().to_vec();
    let pixels = images.into_u8(&image_file)?;
    let size = (image_dims[1], image_dims[2], 1);
    if size != (28, 28, 1) {
        return Err(DatasetError::ImageSize {
            file: image_file,
            expected: (28, 28, 1),
            found: size,
        });
    }

    // Labels: u8, dims [n], each below 10.
    let label_array = IdxArray::read(&label_path)?;
    label_array.check_rank(&label_file, 1)?;
    let label_count = label_array.dims()[0];
    let labels = label_array.into_u8(&label_file)?;
    if label_count != image_dims[0] {
        return Err(DatasetError::CountMismatch {
            dataset,
            split: split.to_string(),
            images: image_dims[0],
            labels: label_count,
        });
    }
    check_labels(&label_file, &labels, class_names.len())?;

    ImageSet::new(pixels, labels, size, class_names)
}
