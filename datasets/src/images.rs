//! Labelled images viewed as sequences, the way recurrent models read them.
//!
//! An [`ImageSet`] keeps the raw 8-bit pixels (channels interleaved, `[n, rows, columns,
//! channels]`), so MNIST's 60,000 training images cost 47 MB instead of 188 MB as `f32`. A model
//! reads image `i` row by row: the image becomes `rows` time steps of `columns * channels`
//! features, 28 x 28 for MNIST and 32 x 96 for CIFAR-10 (32 pixels of R, G, B each).
//!
//! Pixel values are scaled to `[0, 1]` by dividing by 255. [`Normalization::Standardize`]
//! then subtracts a per-channel mean and divides by a per-channel standard deviation. Compute
//! those on the training split with [`ImageSet::channel_stats`], and apply the same values to
//! every split.

use tensor::Tensor;

use crate::dataset::{check_example_args, check_indices, SequenceDataset};
use crate::error::{DatasetError, Result};

/// The mapping from raw pixel bytes to model inputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Normalization {
    /// `x / 255`, in `[0, 1]`.
    #[default]
    UnitRange,
    /// `(x / 255 - mean[c]) / std[c]` for channel `c`.
    Standardize {
        /// Per-channel mean of the `[0, 1]`-scaled pixels.
        mean: Vec<f32>,
        /// Per-channel standard deviation of the `[0, 1]`-scaled pixels.
        std: Vec<f32>,
    },
}

/// Image size as `(rows, columns, channels)`.
pub type ImageSize = (usize, usize, usize);

/// A set of labelled 8-bit images; see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    pixels: Vec<u8>,
    labels: Vec<u8>,
    size: ImageSize,
    class_names: Vec<String>,
    normalization: Normalization,
}

impl ImageSet {
    /// Creates an image set from interleaved pixels `[n, rows, columns, channels]`, one label per
    /// image and the class names (their count is the number of classes).
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when a size is zero, when the pixel count is not
    /// `labels.len() * rows * columns * channels`, or when there are no classes or more than
    /// 256; [`DatasetError::LabelOutOfRange`] when a label is not below the number of classes.
    pub fn new(
        pixels: Vec<u8>,
        labels: Vec<u8>,
        size: ImageSize,
        class_names: Vec<String>,
    ) -> Result<Self> {
        let (rows, columns, channels) = size;
        if rows == 0 || columns == 0 || channels == 0 {
            return Err(DatasetError::invalid(
                "ImageSet::new",
                format!("image size {size:?} (rows, columns, channels) has a zero"),
            ));
        }
        let per_image = rows * columns * channels;
        if pixels.len() != labels.len() * per_image {
            return Err(DatasetError::invalid(
                "ImageSet::new",
                format!(
                    "{} pixel bytes do not make {} images of {size:?}, which need {}",
                    pixels.len(),
                    labels.len(),
                    labels.len() * per_image
                ),
            ));
        }
        let num_classes = class_names.len();
        if num_classes == 0 || num_classes > 256 {
            return Err(DatasetError::invalid(
                "ImageSet::new",
                format!("{num_classes} class names given; 8-bit labels need 1 to 256 classes"),
            ));
        }
        check_labels("ImageSet::new", &labels, num_classes)?;
        Ok(ImageSet {
            pixels,
            labels,
            size,
            class_names,
            normalization: Normalization::UnitRange,
        })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Returns whether the set contains no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image size as `(rows, columns, channels)`.
    pub fn size(&self) -> ImageSize {
        self.size
    }

    /// Returns the label of every image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Returns the name of every class, indexed by label.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Number of images of each class, indexed by label.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.class_names.len()];
        for &label in &self.labels {
            counts[usize::from(label)] += 1;
        }
        counts
    }

    /// Returns the raw pixels of image `index`, `[rows, columns, channels]` row-major, or `None` when
    /// `index` is out of range.
    pub fn pixels(&self, index: usize) -> Option<&[u8]> {
        let per_image = self.pixels_per_image();
        self.pixels.get(index * per_image..(index + 1) * per_image)
    }

    /// Returns the normalisation applied by [`ImageSet::image`] and the batches.
    pub fn normalization(&self) -> &Normalization {
        &self.normalization
    }

    /// Sets the normalisation.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `Standardize` has not one mean and one positive,
    /// finite standard deviation per channel.
    pub fn with_normalization(mut self, normalization: Normalization) -> Result<Self> {
        if let Normalization::Standardize { mean, std } = &normalization {
            let channels = self.size.2;
            let valid_std = std.iter().all(|s| s.is_finite() && *s > 0.0);
            let valid_mean = mean.iter().all(|m| m.is_finite());
            if mean.len() != channels || std.len() != channels || !valid_std || !valid_mean {
                return Err(DatasetError::invalid(
                    "with_normalization",
                    format!(
                        "standardisation needs {channels} finite means and {channels} positive finite standard deviations, got mean {mean:?} and std {std:?}"
                    ),
                ));
            }
        }
        self.normalization = normalization;
        Ok(self)
    }

    /// Per-channel mean and population standard deviation of the `[0, 1]`-scaled pixels of the
    /// whole set, for [`Normalization::Standardize`]. A channel with zero spread gets a standard
    /// deviation of 1 so that standardising never divides by zero.
    pub fn channel_stats(&self) -> (Vec<f32>, Vec<f32>) {
        let channels = self.size.2;
        let mut sum = vec![0.0f64; channels];
        let mut sum_sq = vec![0.0f64; channels];
        for pixel in self.pixels.chunks_exact(channels) {
            for (c, &value) in pixel.iter().enumerate() {
                let x = f64::from(value) / 255.0;
                sum[c] += x;
                sum_sq[c] += x * x;
            }
        }
        let count = (self.pixels.len() / channels).max(1) as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / count).collect();
        let std = sum_sq
            .iter()
            .zip(&mean)
            .map(|(sq, m)| {
                let var = (sq / count - m * m).max(0.0);
                if var > 0.0 {
                    var.sqrt() as f32
                } else {
                    1.0
                }
            })
            .collect();
        (mean.iter().map(|&m| m as f32).collect(), std)
    }

    /// Image `index` as a `[rows, columns * channels]` tensor, normalised.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `index` is out of range.
    pub fn image(&self, index: usize) -> Result<Tensor<f32>> {
        let (rows, columns, channels) = self.size;
        let mut values = vec![0.0; self.pixels_per_image()];
        let mut targets = Vec::with_capacity(1);
        self.write_example(index, &mut values, &mut targets)?;
        Ok(Tensor::from_vec(values, &[rows, columns * channels])?)
    }

    fn pixels_per_image(&self) -> usize {
        self.size.0 * self.size.1 * self.size.2
    }
}

impl SequenceDataset for ImageSet {
    fn len(&self) -> usize {
        self.labels.len()
    }

    fn time_steps(&self) -> usize {
        self.size.0
    }

    fn features(&self) -> usize {
        self.size.1 * self.size.2
    }

    fn target_len(&self) -> usize {
        1
    }

    fn num_classes(&self) -> usize {
        self.class_names.len()
    }

    fn write_example(
        &self,
        index: usize,
        inputs: &mut [f32],
        targets: &mut Vec<usize>,
    ) -> Result<()> {
        let per_image = self.pixels_per_image();
        check_example_args("write_example", index, self.len(), inputs.len(), per_image)?;
        let pixels = &self.pixels[index * per_image..(index + 1) * per_image];

        match &self.normalization {
            Normalization::UnitRange => {
                for (x, &p) in inputs.iter_mut().zip(pixels) {
                    *x = f32::from(p) / 255.0;
                }
            }
            Normalization::Standardize { mean, std } => {
                let channels = self.size.2;
                for (i, (x, &p)) in inputs.iter_mut().zip(pixels).enumerate() {
                    let c = i % channels;
                    *x = (f32::from(p) / 255.0 - mean[c]) / std[c];
                }
            }
        }
        targets.push(usize::from(self.labels[index]));
        Ok(())
    }

    fn select(&self, indices: &[usize]) -> Result<Self> {
        check_indices("select", indices, self.len())?;
        let per_image = self.pixels_per_image();
        let mut pixels = Vec::with_capacity(indices.len() * per_image);
        for &i in indices {
            pixels.extend_from_slice(&self.pixels[i * per_image..(i + 1) * per_image]);
        }
        Ok(ImageSet {
            pixels,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            size: self.size,
            class_names: self.class_names.clone(),
            normalization: self.normalization.clone(),
        })
    }
}

/// Checks that every label is below `num_classes`.
pub(crate) fn check_labels(file: &str, labels: &[u8], num_classes: usize) -> Result<()> {
    match labels.iter().position(|&l| usize::from(l) >= num_classes) {
        Some(index) => Err(DatasetError::LabelOutOfRange {
            file: file.to_string(),
            index,
            label: usize::from(labels[index]),
            num_classes,
        }),
        None => Ok(()),
    }
}
