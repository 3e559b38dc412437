//! Packing: copying a block of A or B into the order the microkernel reads it.
//!
//! A block of A (`mc x kc`) is cut into slivers of `mr` rows. Each sliver is stored column by
//! column, so the kernel reads the `mr` values of one column of A as one contiguous run:
//!
//! ```text
//!  A block, mr = 3          packed sliver 0
//!  a00 a01 a02 ...          a00 a10 a20 | a01 a11 a21 | a02 a12 a22 | ...
//!  a10 a11 a12 ...
//!  a20 a21 a22 ...
//! ```
//!
//! A panel of B (`kc x nc`) is cut into slivers of `nr` columns, each stored row by row, so one
//! row of a sliver is `nr` contiguous values. Rows or columns past the edge of the matrix are
//! filled with zeros, so the kernel always computes a full tile and the caller keeps only the
//! valid part.

use super::raw::MatPtr;
use crate::Element;

/// Packs the `mc x kc` block of A at `a` into slivers of `mr` rows at `dst`.
///
/// # Safety
/// Every element `a[i * a.rs + p * a.cs]` for `i < mc`, `p < kc` must be readable, and `dst`
/// must be writable for `mc.div_ceil(mr) * mr * kc` elements.
pub(crate) unsafe fn pack_a<T: Element>(
    mr: usize,
    mc: usize,
    kc: usize,
    a: MatPtr<T>,
    dst: *mut T,
) {
    for (sliver, row0) in (0..mc).step_by(mr).enumerate() {
        let rows = mr.min(mc - row0);
        // SAFETY: the sliver starts inside `dst`, whose length the caller guarantees.
        let out = unsafe { dst.add(sliver * mr * kc) };
        for i in 0..rows {
            let src = a.at(row0 + i, 0);
            for p in 0..kc {
                // SAFETY: `row0 + i < mc` and `p < kc` are inside the block; `p * mr + i` is
                // inside the sliver.
                unsafe { *out.add(p * mr + i) = *src.offset(p as isize * a.cs) };
            }
        }
        for p in 0..kc {
            for i in rows..mr {
                // SAFETY: inside the sliver, as above.
                unsafe { *out.add(p * mr + i) = T::ZERO };
            }
        }
    }
}

/// Packs one sliver of B: `kc` rows of `cols <= nr` columns, zero-padded to `nr`.
///
/// # Safety
/// Every element `b[p * b.rs + j * b.cs]` for `p < kc`, `j < cols` must be readable, and
/// `out` must be writable for `kc * nr` elements.
pub(crate) unsafe fn pack_b_sliver<T: Element>(
    nr: usize,
    kc: usize,
    cols: usize,
    b: MatPtr<T>,
    out: *mut T,
) {
    let cols = cols.min(nr);
    for p in 0..kc {
        let src = b.at(p, 0);
        // SAFETY: row `p` of the sliver holds `nr` elements starting at `p * nr`.
        let row = unsafe { out.add(p * nr) };
        if b.cs == 1 {
            // SAFETY: `cols` contiguous elements of row `p` are readable, and the packed row is
            // a separate buffer.
            unsafe { std::ptr::copy_nonoverlapping(src, row, cols) };
        } else {
            for j in 0..cols {
                // SAFETY: `j < cols` is inside the block.
                unsafe { *row.add(j) = *src.offset(j as isize * b.cs) };
            }
        }
        for j in cols..nr {
            // SAFETY: `j < nr` is inside the packed row.
            unsafe { *row.add(j) = T::ZERO };
        }
    }
}
