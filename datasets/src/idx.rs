//! The IDX file format, in which MNIST and Fashion-MNIST are published.
//!
//! An IDX file is a header followed by the array in row-major order, all numbers big-endian:
//!
//! ```text
//! bytes 0-1   0x00 0x00                 (magic: two zero bytes)
//! byte  2     element type code         0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32, 0x0e f64
//! byte  3     number of dimensions d
//! then        d sizes, each a u32
//! then        the elements
//! ```
//!
//! The MNIST image file `t10k-images-idx3-ubyte` therefore starts with `00 00 08 03`, then the
//! sizes 10000, 28, 28. Files may be gzip-compressed; [`IdxArray::read`] detects that from the
//! content. The reader checks the header against the file length before it allocates anything,
//! so a corrupt header yields an error, never a huge allocation or an out-of-bounds read.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::{DatasetError, Result};
use crate::files::{decompress_if_gzip, display_name, read_maybe_gzip};

/// The element type of an IDX array, as given by the third header byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdxElement {
    /// Unsigned byte, code `0x08`.
    U8,
    /// Signed byte, code `0x09`.
    I8,
    /// Big-endian 16-bit signed integer, code `0x0b`.
    I16,
    /// Big-endian 32-bit signed integer, code `0x0c`.
    I32,
    /// Big-endian IEEE 754 single-precision float, code `0x0d`.
    F32,
    /// Big-endian IEEE 754 double-precision float, code `0x0e`.
    F64,
}

impl IdxElement {
    /// Maps a header type code to its element type, or `None` for an undefined code.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0x08 => Some(IdxElement::U8),
            0x09 => Some(IdxElement::I8),
            0x0b => Some(IdxElement::I16),
            0x0c => Some(IdxElement::I32),
            0x0d => Some(IdxElement::F32),
            0x0e => Some(IdxElement::F64),
            _ => None,
        }
    }

    /// Returns the header type code.
    pub fn code(self) -> u8 {
        match self {
            IdxElement::U8 => 0x08,
            IdxElement::I8 => 0x09,
            IdxElement::I16 => 0x0b,
            IdxElement::I32 => 0x0c,
            IdxElement::F32 => 0x0d,
            IdxElement::F64 => 0x0e,
        }
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            IdxElement::U8 | IdxElement::I8 => 1,
            IdxElement::I16 => 2,
            IdxElement::I32 | IdxElement::F32 => 4,
            IdxElement::F64 => 8,
        }
    }

    /// Returns the Rust name of the element type, for messages.
    pub fn name(self) -> &'static str {
        match self {
            IdxElement::U8 => "u8",
            IdxElement::I8 => "i8",
            IdxElement::I16 => "i16",
            IdxElement::I32 => "i32",
            IdxElement::F32 => "f32",
            IdxElement::F64 => "f64",
        }
    }
}

/// The elements of an IDX array, in row-major order, converted to native byte order.
#[derive(Debug, Clone, PartialEq)]
pub enum IdxData {
    /// Elements of type code `0x08`.
    U8(Vec<u8>),
    /// Elements of type code `0x09`.
    I8(Vec<i8>),
    /// Elements of type code `0x0b`.
    I16(Vec<i16>),
    /// Elements of type code `0x0c`.
    I32(Vec<i32>),
    /// Elements of type code `0x0d`.
    F32(Vec<f32>),
    /// Elements of type code `0x0e`.
    F64(Vec<f64>),
}

impl IdxData {
    /// Returns the element type.
    pub fn element(&self) -> IdxElement {
        match self {
            IdxData::U8(_) => IdxElement::U8,
            IdxData::I8(_) => IdxElement::I8,
            IdxData::I16(_) => IdxElement::I16,
            IdxData::I32(_) => IdxElement::I32,
            IdxData::F32(_) => IdxElement::F32,
            IdxData::F64(_) => IdxElement::F64,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            IdxData::U8(v) => v.len(),
            IdxData::I8(v) => v.len(),
            IdxData::I16(v) => v.len(),
            IdxData::I32(v) => v.len(),
            IdxData::F32(v) => v.len(),
            IdxData::F64(v) => v.len(),
        }
    }

    /// Returns whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the elements to `out` as big-endian bytes.
    fn write_be(&self, out: &mut Vec<u8>) {
        match self {
            IdxData::U8(v) => out.extend_from_slice(v),
            IdxData::I8(v) => out.extend(v.iter().map(|x| x.to_be_bytes()[0])),
            IdxData::I16(v) => v.iter().for_each(|x| out.extend(x.to_be_bytes())),
            IdxData::I32(v) => v.iter().for_each(|x| out.extend(x.to_be_bytes())),
            IdxData::F32(v) => v.iter().for_each(|x| out.extend(x.to_be_bytes())),
            IdxData::F64(v) => v.iter().for_each(|x| out.extend(x.to_be_bytes())),
        }
    }

    /// Decodes `count` big-endian elements of type `element` from `bytes`, which must hold
    /// exactly `count * element.size()` bytes (checked by the caller).
    fn read_be(element: IdxElement, bytes: &[u8]) -> IdxData {
        fn decode<const N: usize, T>(bytes: &[u8], f: impl Fn([u8; N]) -> T) -> Vec<T> {
            bytes
                .chunks_exact(N)
                .map(|c| f(c.try_into().expect("chunks_exact yields N-byte chunks")))
                .collect()
        }
        match element {
            IdxElement::U8 => IdxData::U8(bytes.to_vec()),
            IdxElement::I8 => IdxData::I8(decode(bytes, i8::from_be_bytes)),
            IdxElement::I16 => IdxData::I16(decode(bytes, i16::from_be_bytes)),
            IdxElement::I32 => IdxData::I32(decode(bytes, i32::from_be_bytes)),
            IdxElement::F32 => IdxData::F32(decode(bytes, f32::from_be_bytes)),
            IdxElement::F64 => IdxData::F64(decode(bytes, f64::from_be_bytes)),
        }
    }
}

/// An n-dimensional array read from or written to an IDX file.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxArray {
    dims: Vec<usize>,
    data: IdxData,
}

impl IdxArray {
    /// Creates an array from its dimension sizes and row-major elements.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when the element count is not the product of `dims`,
    /// when there are more than 255 dimensions or when a size does not fit in a `u32`.
    pub fn new(dims: Vec<usize>, data: IdxData) -> Result<Self> {
        let expected: usize = dims.iter().product();
        if data.len() != expected {
            return Err(DatasetError::invalid(
                "IdxArray::new",
                format!(
                    "{} elements cannot fill dims {dims:?}, which need {expected}",
                    data.len()
                ),
            ));
        }
        if dims.len() > usize::from(u8::MAX) || dims.iter().any(|&d| u32::try_from(d).is_err()) {
            return Err(DatasetError::invalid(
                "IdxArray::new",
                format!("dims {dims:?} do not fit the IDX header (at most 255 sizes below 2^32)"),
            ));
        }
        Ok(IdxArray { dims, data })
    }

    /// Returns the dimension sizes, outermost first.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Returns the elements in row-major order.
    pub fn data(&self) -> &IdxData {
        &self.data
    }

    /// Splits the array into its dimension sizes and elements.
    pub fn into_parts(self) -> (Vec<usize>, IdxData) {
        (self.dims, self.data)
    }

    /// Reads an IDX file, plain or gzip-compressed.
    ///
    /// # Errors
    /// [`DatasetError::Io`] when the file cannot be read, [`DatasetError::Gzip`] for a corrupt
    /// gzip stream, and the errors of [`IdxArray::parse`].
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = read_maybe_gzip(path)?;
        Self::parse(&bytes, &display_name(path))
    }

    /// Parses the bytes of an IDX file; gzip-compressed bytes are decompressed first. `file`
    /// names the source in error messages.
    ///
    /// # Errors
    /// [`DatasetError::IdxMagic`], [`DatasetError::IdxElementType`], [`DatasetError::Truncated`]
    /// (header or data shorter than announced), [`DatasetError::TrailingBytes`],
    /// [`DatasetError::TooLarge`] and [`DatasetError::Gzip`].
    pub fn parse(bytes: &[u8], file: &str) -> Result<Self> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let plain = decompress_if_gzip(bytes.to_vec(), file)?;
            return Self::parse_plain(&plain, file);
        }
        Self::parse_plain(bytes, file)
    }

    /// Parses uncompressed IDX bytes.
    fn parse_plain(bytes: &[u8], file: &str) -> Result<Self> {
        let truncated = |what, expected: usize, found: usize| DatasetError::Truncated {
            file: file.to_string(),
            what,
            expected: expected as u64,
            found: found as u64,
        };

        // Magic number: two zero bytes, the type code and the dimension count.
        if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
            if bytes.len() < 4 && bytes.iter().all(|&b| b == 0) {
                return Err(truncated("IDX header", 4, bytes.len()));
            }
            return Err(DatasetError::IdxMagic {
                file: file.to_string(),
                found: bytes[..bytes.len().min(4)].to_vec(),
            });
        }
        let element = IdxElement::from_code(bytes[2]).ok_or(DatasetError::IdxElementType {
            file: file.to_string(),
            code: bytes[2],
        })?;
        let rank = usize::from(bytes[3]);

        // Dimension sizes, then the element count they imply.
        let header_len = 4 + 4 * rank;
        if bytes.len() < header_len {
            return Err(truncated("IDX header", header_len, bytes.len()));
        }
        let dims: Vec<usize> = bytes[4..header_len]
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .collect();
        let data_len = dims
            .iter()
            .try_fold(element.size(), |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| DatasetError::TooLarge {
                file: file.to_string(),
                dims: dims.clone(),
            })?;

        // The data must fill the rest of the file exactly.
        let body = &bytes[header_len..];
        if body.len() < data_len {
            return Err(truncated("IDX data", data_len, body.len()));
        }
        if body.len() > data_len {
            return Err(DatasetError::TrailingBytes {
                file: file.to_string(),
                what: "IDX data",
                extra: (body.len() - data_len) as u64,
            });
        }
        let data = IdxData::read_be(element, body);
        Ok(IdxArray { dims, data })
    }

    /// Encodes the array as IDX bytes (uncompressed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let element = self.data.element();
        let mut out =
            Vec::with_capacity(4 + 4 * self.dims.len() + self.data.len() * element.size());
        // `new` guarantees at most 255 dims, each below 2^32.
        out.extend([0, 0, element.code(), self.dims.len() as u8]);
        for &d in &self.dims {
            out.extend((d as u32).to_be_bytes());
        }
        self.data.write_be(&mut out);
        out
    }

    /// Writes the array to `path` as an IDX file, gzip-compressed when `gzip` is true.
    ///
    /// # Errors
    /// [`DatasetError::Write`] when the file cannot be created or written.
    pub fn write(&self, path: &Path, gzip: bool) -> Result<()> {
        let bytes = self.to_bytes();
        let write_err = |source| DatasetError::Write {
            path: path.to_path_buf(),
            source,
        };
        let file = File::create(path).map_err(write_err)?;
        if gzip {
            let mut encoder = GzEncoder::new(file, Compression::default());
            encoder.write_all(&bytes).map_err(write_err)?;
            encoder.finish().map_err(write_err)?;
        } else {
            let mut file = file;
            file.write_all(&bytes).map_err(write_err)?;
        }
        Ok(())
    }

    /// Checks that the array has `expected` dimensions.
    ///
    /// # Errors
    /// [`DatasetError::IdxRank`] naming `file` otherwise.
    pub fn check_rank(&self, file: &str, expected: usize) -> Result<()> {
        if self.dims.len() == expected {
            return Ok(());
        }
        Err(DatasetError::IdxRank {
            file: file.to_string(),
            expected,
            found: self.dims.len(),
            dims: self.dims.clone(),
        })
    }

    /// Returns the elements as bytes when the element type is `u8`, the type of every MNIST file.
    ///
    /// # Errors
    /// [`DatasetError::IdxWrongElementType`] for any other element type.
    pub fn into_u8(self, file: &str) -> Result<Vec<u8>> {
        match self.data {
            IdxData::U8(v) => Ok(v),
            other => Err(DatasetError::IdxWrongElementType {
                file: file.to_string(),
                expected: "u8",
                found: other.element().name(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_of_mnist_labels() {
        // 00 00 08 01 | 00 00 00 03 | 7 2 1: three u8 labels.
        let bytes = [0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1];
        let array = IdxArray::parse(&bytes, "labels").unwrap();
        assert_eq!(array.dims(), &[3]);
        assert_eq!(array.data(), &IdxData::U8(vec![7, 2, 1]));
    }

    #[test]
    fn big_endian_i16() {
        // 0x0102 = 258 and 0xfffe = -2 as big-endian i16.
        let bytes = [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe];
        let array = IdxArray::parse(&bytes, "i16").unwrap();
        assert_eq!(array.data(), &IdxData::I16(vec![258, -2]));
    }

    #[test]
    fn overflowing_dims_are_rejected() {
        // Three sizes of 2^32 - 1 f64 elements: 8 * (2^32 - 1)^3 bytes overflows a u64.
        let mut bytes = vec![0, 0, 0x0e, 3];
        bytes.extend([0xff; 12]);
        let err = IdxArray::parse(&bytes, "huge").unwrap_err();
        assert!(matches!(err, DatasetError::TooLarge { .. }), "{err}");
    }
}
