//! `Display` and `Debug` for tensors, in the style of NumPy and PyTorch.
//!
//! ```text
//! Tensor([[ 1.0000, -2.5000],
//!         [ 3.0000,  4.0000]], shape=[2, 2], dtype=f32)
//! ```
//!
//! - Values are right-aligned to one common width, so columns line up.
//! - Four decimals by default; `{:.N}` prints N decimals instead. Without a precision, a tensor
//!   of whole numbers prints them as `3.`, as NumPy does.
//! - Scientific notation (`1.0000e-05`) is used when the finite non-zero magnitudes span more
//!   than three orders of magnitude, or any of them is at least 1e8 or below 1e-4.
//! - A tensor of more than [`SUMMARY_THRESHOLD`] elements is summarised: every axis longer than
//!   `2 * EDGE_ITEMS` shows its first and last [`EDGE_ITEMS`] entries around `...`.
//! - Rows wider than [`LINE_WIDTH`] characters wrap onto several lines.
//! - `Debug` prints the same, followed by the strides and the storage offset.

use std::fmt;

use crate::{Element, Tensor};

/// Element count above which a tensor is printed in summary.
pub const SUMMARY_THRESHOLD: usize = 1000;
/// Number of entries shown at each end of a summarised axis.
pub const EDGE_ITEMS: usize = 3;
/// Maximum width of a printed line of values, in characters.
pub const LINE_WIDTH: usize = 80;
/// Decimals printed when the format gives no precision.
const DEFAULT_PRECISION: usize = 4;
/// The text that opens a printed tensor; nested rows are indented by its length.
const PREFIX: &str = "Tensor(";

/// The notation of every value of one tensor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notation {
    /// Whole numbers as `3.`, when every value is one and no precision was given.
    Integer,
    /// `3.1416` with the precision as the number of decimals.
    Fixed,
    /// `3.1416e+00` with the precision as the number of decimals.
    Scientific,
}

/// The notation and precision shared by every value of one tensor.
struct NumberFormat {
    precision: usize,
    notation: Notation,
}

impl NumberFormat {
    /// Chooses the notation from the finite values shown; `precision` is `None` when the
    /// format string gives none.
    fn choose(values: &[f64], precision: Option<usize>) -> Self {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let magnitudes: Vec<f64> = finite
            .iter()
            .filter(|v| **v != 0.0)
            .map(|v| v.abs())
            .collect();
        let max = magnitudes.iter().copied().fold(0.0, f64::max);
        let min = magnitudes.iter().copied().fold(f64::INFINITY, f64::min);

        let whole = finite.iter().all(|v| v.fract() == 0.0);
        let notation = if precision.is_none() && whole && max < 1e8 {
            Notation::Integer
        } else if !magnitudes.is_empty() && (max >= 1e8 || min < 1e-4 || max / min > 1e3) {
            Notation::Scientific
        } else {
            Notation::Fixed
        };
        NumberFormat {
            precision: precision.unwrap_or(DEFAULT_PRECISION),
            notation,
        }
    }

    /// Writes one value: `nan`, `inf` and `-inf` as NumPy spells them, and scientific
    /// exponents with a sign and at least two digits (`1.0000e-05`).
    fn write(&self, value: f64) -> String {
        if value.is_nan() {
            return "nan".to_string();
        }
        if value.is_infinite() {
            return if value > 0.0 { "inf" } else { "-inf" }.to_string();
        }
        match self.notation {
            Notation::Integer => format!("{value:.0}."),
            Notation::Fixed => format!("{value:.*}", self.precision),
            Notation::Scientific => {
                let text = format!("{value:.*e}", self.precision);
                let (mantissa, exponent) = text
                    .split_once('e')
                    .expect("Rust's `e` format always writes an exponent");
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exponent),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
        }
    }
}

/// One position along an axis in the printout: an index, or the `...` of a summary.
#[derive(Clone, Copy)]
enum Entry {
    Index(usize),
    Ellipsis,
}

/// Returns the entries printed for an axis of `size` elements.
fn axis_entries(size: usize, summarise: bool) -> Vec<Entry> {
    if summarise && size > 2 * EDGE_ITEMS {
        let head = (0..EDGE_ITEMS).map(Entry::Index);
        let tail = (size - EDGE_ITEMS..size).map(Entry::Index);
        head.chain(std::iter::once(Entry::Ellipsis))
            .chain(tail)
            .collect()
    } else {
        (0..size).map(Entry::Index).collect()
    }
}

/// Writes the nested brackets of a tensor of rank at least 1.
struct Printer<'a, T: Element> {
    tensor: &'a Tensor<T>,
    summarise: bool,
    format: NumberFormat,
    width: usize,
}

impl<'a, T: Element> Printer<'a, T> {
    /// Measures the values that will be shown and picks their format and width.
    fn new(tensor: &'a Tensor<T>, precision: Option<usize>) -> Self {
        let summarise = tensor.num_elements() > SUMMARY_THRESHOLD;
        let mut printed = Vec::new();
        let mut index = Vec::with_capacity(tensor.rank());
        collect_printed(tensor, summarise, &mut index, &mut printed);
        let format = NumberFormat::choose(&printed, precision);
        let width = printed
            .iter()
            .map(|&v| format.write(v).len())
            .max()
            .unwrap_or(0);
        Printer {
            tensor,
            summarise,
            format,
            width,
        }
    }

    /// Appends the block at `index` (its first `index.len()` coordinates fixed).
    fn write_block(&self, out: &mut String, index: &mut Vec<usize>) {
        let depth = index.len();
        let rank = self.tensor.rank();
        let entries = axis_entries(self.tensor.shape()[depth], self.summarise);
        if depth + 1 == rank {
            self.write_row(out, index, &entries);
            return;
        }

        // Blocks of rank k are separated by k - 1 blank lines, then indented under the `[`.
        let blank_lines = "\n".repeat(rank - depth - 2);
        let indent = " ".repeat(PREFIX.len() + depth + 1);
        out.push('[');
        for (n, entry) in entries.iter().enumerate() {
            if n > 0 {
                out.push_str(",\n");
                out.push_str(&blank_lines);
                out.push_str(&indent);
            }
            match *entry {
                Entry::Index(i) => {
                    index.push(i);
                    self.write_block(out, index);
                    index.pop();
                }
                Entry::Ellipsis => out.push_str("..."),
            }
        }
        out.push(']');
    }

    /// Appends one innermost row, wrapping it at [`LINE_WIDTH`].
    fn write_row(&self, out: &mut String, index: &mut Vec<usize>, entries: &[Entry]) {
        let indent = PREFIX.len() + index.len() + 1;
        let per_line = (LINE_WIDTH.saturating_sub(indent) / (self.width + 2)).max(1);
        out.push('[');
        for (n, entry) in entries.iter().enumerate() {
            if n > 0 {
                out.push(',');
                if n % per_line == 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                } else {
                    out.push(' ');
                }
            }
            match *entry {
                Entry::Index(i) => {
                    index.push(i);
                    let text = self.format.write(self.value_at(index));
                    index.pop();
                    out.push_str(&format!("{text:>width$}", width = self.width));
                }
                Entry::Ellipsis => out.push_str("..."),
            }
        }
        out.push(']');
    }

    /// Reads the element at a full multi-index as `f64`.
    fn value_at(&self, index: &[usize]) -> f64 {
        let position = self.tensor.layout().position(index);
        self.tensor.storage()[position].to_f64()
    }
}

/// Pushes the values the printout will show, in order, onto `printed`.
fn collect_printed<T: Element>(
    tensor: &Tensor<T>,
    summarise: bool,
    index: &mut Vec<usize>,
    printed: &mut Vec<f64>,
) {
    if index.len() == tensor.rank() {
        let position = tensor.layout().position(index);
        printed.push(tensor.storage()[position].to_f64());
        return;
    }
    for entry in axis_entries(tensor.shape()[index.len()], summarise) {
        if let Entry::Index(i) = entry {
            index.push(i);
            collect_printed(tensor, summarise, index, printed);
            index.pop();
        }
    }
}

/// Writes `Tensor(values, shape=[..], dtype=..` without the closing parenthesis.
fn write_values<T: Element>(tensor: &Tensor<T>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let precision = f.precision();
    let mut out = String::from(PREFIX);
    if tensor.rank() == 0 {
        let value = tensor.storage()[tensor.offset()].to_f64();
        let format = NumberFormat::choose(&[value], precision);
        out.push_str(&format.write(value));
    } else {
        let printer = Printer::new(tensor, precision);
        printer.write_block(&mut out, &mut Vec::with_capacity(tensor.rank()));
    }
    write!(f, "{out}, shape={:?}, dtype={}", tensor.shape(), T::DTYPE)
}

impl<T: Element> fmt::Display for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_values(self, f)?;
        f.write_str(")")
    }
}

impl<T: Element> fmt::Debug for Tensor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_values(self, f)?;
        write!(
            f,
            ", strides={:?}, offset={})",
            self.strides(),
            self.offset()
        )
    }
}
