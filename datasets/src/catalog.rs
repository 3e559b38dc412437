//! [`ImageDataset`]: the image data sets by name, for command-line tools that take the name of a
//! data set and a split as text.
//!
//! ```no_run
//! use std::path::Path;
//! use datasets::{ImageDataset, Split};
//!
//! let dataset: ImageDataset = "fashion-mnist".parse()?;
//! let split: Split = "test".parse()?;
//! let images = dataset.load(Path::new(dataset.default_dir().unwrap_or("data")), split)?;
//! println!("{} images of {:?}", images.len(), images.size());
//! # Ok::<(), datasets::DatasetError>(())
//! ```

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::error::{DatasetError, Result};
use crate::images::ImageSet;
use crate::{Cifar10, FashionMnist, Mnist, Split};

/// One of the image data sets this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageDataset {
    /// MNIST digits, read by [`Mnist`].
    Mnist,
    /// Fashion-MNIST articles, read by [`FashionMnist`].
    FashionMnist,
    /// CIFAR-10 colour images, read by [`Cifar10`].
    Cifar10,
}

impl ImageDataset {
    /// Loads `split` from `dir` with the data set's reader.
    ///
    /// # Errors
    /// Those of [`Mnist::load`], [`FashionMnist::load`] or [`Cifar10::load`].
    pub fn load(self, dir: &Path, split: Split) -> Result<ImageSet> {
        match self {
            ImageDataset::Mnist => Mnist::load(dir, split),
            ImageDataset::FashionMnist => FashionMnist::load(dir, split),
            ImageDataset::Cifar10 => Cifar10::load(dir, split),
        }
    }

    /// Returns the directory where a system package installs the data set, if there is one.
    pub fn default_dir(self) -> Option<&'static str> {
        match self {
            ImageDataset::FashionMnist => Some(FashionMnist::DEFAULT_DIR),
            ImageDataset::Mnist | ImageDataset::Cifar10 => None,
        }
    }

    /// Returns the name accepted by [`FromStr`] and printed by [`fmt::Display`].
    pub fn name(self) -> &'static str {
        match self {
            ImageDataset::Mnist => "mnist",
            ImageDataset::FashionMnist => "fashion-mnist",
            ImageDataset::Cifar10 => "cifar10",
        }
    }
}

impl fmt::Display for ImageDataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ImageDataset {
    type Err = DatasetError;

    /// Parses `mnist`, `fashion-mnist` (or `fashion_mnist`, `fashionmnist`) and `cifar10` (or
    /// `cifar-10`), ignoring case.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "mnist" => Ok(ImageDataset::Mnist),
            "fashion-mnist" | "fashion_mnist" | "fashionmnist" => Ok(ImageDataset::FashionMnist),
            "cifar10" | "cifar-10" => Ok(ImageDataset::Cifar10),
            _ => Err(DatasetError::invalid(
                "ImageDataset::from_str",
                format!("unknown image data set {s:?}; expected mnist, fashion-mnist or cifar10"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for dataset in [
            ImageDataset::Mnist,
            ImageDataset::FashionMnist,
            ImageDataset::Cifar10,
        ] {
            assert_eq!(dataset.name().parse::<ImageDataset>().unwrap(), dataset);
        }
        assert_eq!(
            "CIFAR-10".parse::<ImageDataset>().unwrap(),
            ImageDataset::Cifar10
        );
        assert!("imagenet".parse::<ImageDataset>().is_err());
    }

    #[test]
    fn split_names() {
        assert_eq!("validation".parse::<Split>().unwrap(), Split::Valid);
        assert_eq!("TEST".parse::<Split>().unwrap(), Split::Test);
        assert!("dev".parse::<Split>().is_err());
    }
}
