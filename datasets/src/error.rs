//! The error type of the crate: every reader and batcher returns [`Result`].
//!
//! Each variant names the file (or the operation) and the values that were wrong, so that a
//! corrupt download or a wrong directory can be fixed from the message alone.

use std::path::PathBuf;

/// A shorthand for `Result<T, DatasetError>`.
pub type Result<T> = std::result::Result<T, DatasetError>;

/// Everything that can go wrong while reading a data set or cutting it into batches.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    // ---- files ----
    /// A file that a loader needs does not exist.
    #[error("{dataset}: file not found: {path}; {hint}")]
    MissingFile {
        /// The data set being loaded, for example `"MNIST"`.
        dataset: &'static str,
        /// The path that was tried (the first candidate name when several are accepted).
        path: PathBuf,
        /// Advice on where to get the file and where to put it.
        hint: String,
    },
    /// Reading a file failed for a reason other than a missing file.
    #[error("failed to read {path}: {source}")]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A gzip-compressed file could not be decompressed.
    #[error("{file}: gzip decompression failed ({source}); the file is corrupt or truncated, download it again")]
    Gzip {
        /// The file being read.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Writing a file failed.
    #[error("failed to write {path}: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    // ---- download (feature `download`) ----
    /// No mirror of a data set could be reached.
    #[error("{dataset}: no network access: could not reach any mirror ({tried}); {manual}")]
    NoNetwork {
        /// The data set being fetched.
        dataset: &'static str,
        /// Each address tried, with the reason it failed.
        tried: String,
        /// Instructions naming the files to fetch by hand and where to put them.
        manual: String,
    },
    /// A mirror replied, but the download failed.
    #[error("download of {url} failed: {reason}")]
    DownloadFailed {
        /// The address fetched.
        url: String,
        /// The HTTP status or transfer error.
        reason: String,
    },
    /// A downloaded file's MD5 differs from the published checksum.
    #[error("{url}: MD5 checksum {found} does not match the published checksum {expected}; the mirror served a different or corrupt file, so try again or fetch it from another mirror")]
    ChecksumMismatch {
        /// The address fetched.
        url: String,
        /// The published checksum.
        expected: &'static str,
        /// The checksum of the received bytes.
        found: String,
    },
    /// A downloaded archive could not be unpacked.
    #[error("failed to unpack {path}: {reason}; delete the file and download it again")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// The unpacker's error.
        reason: String,
    },

    // ---- IDX (MNIST) format ----
    /// The first two bytes of an IDX file are not zero.
    #[error("{file}: invalid IDX magic number {found:02x?}; an IDX file starts with two zero bytes, a type code and a dimension count")]
    IdxMagic {
        /// The file being parsed.
        file: String,
        /// The first four bytes found (fewer when the file is shorter).
        found: Vec<u8>,
    },
    /// The IDX type code is not one of the six defined ones.
    #[error("{file}: unknown IDX element type code 0x{code:02x}; valid codes are 0x08 (u8), 0x09 (i8), 0x0b (i16), 0x0c (i32), 0x0d (f32) and 0x0e (f64)")]
    IdxElementType {
        /// The file being parsed.
        file: String,
        /// The type code found.
        code: u8,
    },
    /// An IDX file contains a different element type than its loader needs.
    #[error("{file}: expected IDX element type {expected}, found {found}")]
    IdxWrongElementType {
        /// The file being parsed.
        file: String,
        /// The element type the loader needs.
        expected: &'static str,
        /// The element type in the header.
        found: &'static str,
    },
    /// An IDX file has the wrong number of dimensions for its role.
    #[error(
        "{file}: expected an IDX array with {expected} dimensions, found {found} (dims {dims:?})"
    )]
    IdxRank {
        /// The file being parsed.
        file: String,
        /// The number of dimensions the loader needs.
        expected: usize,
        /// The number of dimensions in the header.
        found: usize,
        /// The dimension sizes, as far as they could be read.
        dims: Vec<usize>,
    },
    /// A file ends before the data its header announces.
    #[error("{file}: truncated {what}: expected {expected} bytes, found {found}; download the file again")]
    Truncated {
        /// The file being parsed.
        file: String,
        /// The part that is cut short, for example `"IDX header"`.
        what: &'static str,
        /// Number of bytes needed.
        expected: u64,
        /// Number of bytes present.
        found: u64,
    },
    /// A file contains more bytes than its header announces.
    #[error("{file}: {extra} bytes after the end of the {what}; the file is corrupt or not in this format")]
    TrailingBytes {
        /// The file being parsed.
        file: String,
        /// The part that should end the file.
        what: &'static str,
        /// Number of unexpected bytes.
        extra: u64,
    },
    /// The header's dimension sizes multiply to more elements than memory can address.
    #[error("{file}: dimension sizes {dims:?} describe more elements than can be addressed")]
    TooLarge {
        /// The file being parsed.
        file: String,
        /// The dimension sizes in the header.
        dims: Vec<usize>,
    },

    // ---- contents ----
    /// An image file and its label file disagree on the number of examples.
    #[error("{dataset} {split}: {images} images but {labels} labels; the image and label files do not belong together")]
    CountMismatch {
        /// The data set being loaded.
        dataset: &'static str,
        /// The split being loaded.
        split: String,
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },
    /// A label is not a valid class index.
    #[error("{file}: label {label} of example {index} is out of range for {num_classes} classes")]
    LabelOutOfRange {
        /// The file being parsed.
        file: String,
        /// Position of the example in the file.
        index: usize,
        /// The label found.
        label: usize,
        /// Number of classes of the data set.
        num_classes: usize,
    },
    /// A CIFAR-10 binary file's size is not a whole number of records.
    #[error("{file}: size {len} bytes is not a multiple of the CIFAR-10 record size {record} (1 label byte + 3072 pixel bytes)")]
    CifarRecordSize {
        /// The file being parsed.
        file: String,
        /// The file size in bytes.
        len: u64,
        /// The record size in bytes.
        record: usize,
    },
    /// An image has a different size than the other images of its data set.
    #[error(
        "{file}: images are {found:?} (rows, columns, channels) but {expected:?} was expected"
    )]
    ImageSize {
        /// The file being parsed.
        file: String,
        /// The image size the loader needs.
        expected: (usize, usize, usize),
        /// The image size found.
        found: (usize, usize, usize),
    },
    /// A text file contains bytes that are not valid UTF-8.
    #[error("{file}: line {line} is not valid UTF-8; word-level token files must be UTF-8 text")]
    InvalidUtf8 {
        /// The file being parsed.
        file: String,
        /// The 1-based line number.
        line: usize,
    },
    /// A training token file contains no words, so no vocabulary can be built.
    #[error("{file}: the vocabulary is empty because the file contains no words; check that it is the training split of a word-level corpus")]
    EmptyVocabulary {
        /// The file the vocabulary was built from.
        file: String,
    },

    // ---- arguments ----
    /// An argument is outside its valid range.
    #[error("{op}: {message}")]
    InvalidArgument {
        /// The operation that failed.
        op: &'static str,
        /// Description of the invalid value and of the valid range.
        message: String,
    },
    /// Building a tensor failed (an internal shape bug if it ever happens).
    #[error(transparent)]
    Tensor(#[from] tensor::TensorError),
}

impl DatasetError {
    /// Builds a [`DatasetError::InvalidArgument`].
    pub fn invalid(op: &'static str, message: impl Into<String>) -> Self {
        DatasetError::InvalidArgument {
            op,
            message: message.into(),
        }
    }
}
