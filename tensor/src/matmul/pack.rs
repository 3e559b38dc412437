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
        let src = a.shifted(row0, 0);
        // SAFETY: the sliver starts inside `dst`, whose length the caller guarantees, and its
        // rows are inside the block.
        unsafe {
            let out = dst.add(sliver * mr * kc);
            // The tile sizes of the kernels get code with a constant sliver width.
            match (mr, rows == mr) {
                (12, true) => pack_full::<T, 12>(kc, src, out),
                (6, true) => pack_full::<T, 6>(kc, src, out),
                (4, true) => pack_full::<T, 4>(kc, src, out),
                _ => pack_partial(mr, rows, kc, src, out),
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
    // A sliver of B is a sliver of B^T packed like A: `nr` "rows" (columns of B) of `kc`.
    let bt = b.transposed();
    // SAFETY: forwarded contract.
    unsafe {
        match (nr, cols == nr) {
            (32, true) => pack_full::<T, 32>(kc, bt, out),
            (16, true) => pack_full::<T, 16>(kc, bt, out),
            (8, true) => pack_full::<T, 8>(kc, bt, out),
            (4, true) => pack_full::<T, 4>(kc, bt, out),
            _ => pack_partial(nr, cols, kc, bt, out),
        }
    }
}

/// Packs `W` full rows of `src` (`W x kc`) column by column: `out[p * W + i] = src(i, p)`.
///
/// # Safety
/// Every `src.at(i, p)` for `i < W`, `p < kc` must be readable and `out` writable for
/// `W * kc` elements.
#[inline]
unsafe fn pack_full<T: Element, const W: usize>(kc: usize, src: MatPtr<T>, out: *mut T) {
    // SAFETY: every read is `src.at(i, p)` with `i < W`, `p < kc`, and every write is inside
    // the `W * kc` elements of `out`.
    unsafe {
        if src.rs == 1 {
            // Each column of the sliver is contiguous: copy `W` values per step.
            for p in 0..kc {
                std::ptr::copy_nonoverlapping(src.at(0, p), out.add(p * W), W);
            }
        } else if transposed_f32_with_avx::<T, W>(src) {
            // Rows are contiguous (a transposed B): transpose 8 x 8 blocks in registers.
            #[cfg(target_arch = "x86_64")]
            super::pack_x86::pack_rows_transposed_f32::<W>(
                kc,
                MatPtr {
                    ptr: src.ptr.cast::<f32>(),
                    rs: src.rs,
                    cs: src.cs,
                },
                out.cast::<f32>(),
            );
        } else {
            // One pointer per row, read along the row, written across the packed column:
            // about one element per cycle, as each value comes from a different row.
            let rows: [*const T; W] = std::array::from_fn(|i| src.at(i, 0));
            for p in 0..kc {
                let offset = p as isize * src.cs;
                let column = out.add(p * W);
                for (i, row) in rows.iter().enumerate() {
                    *column.add(i) = *row.offset(offset);
                }
            }
        }
    }
}

/// Returns true when [`pack_full`] can use the AVX transposing copy: `f32` values, rows that
/// are contiguous (`src.cs == 1`), a width that is a multiple of 8 and a CPU with AVX.
fn transposed_f32_with_avx<T: Element, const W: usize>(src: MatPtr<T>) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        T::DTYPE == crate::DType::F32
            && src.cs == 1
            && W.is_multiple_of(8)
            && super::pack_x86::has_avx()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = src;
        false
    }
}

/// Packs `rows < width` rows of `src` like [`pack_full`] and fills the other rows with zeros.
///
/// # Safety
/// As [`pack_full`] for `rows` rows, with `out` writable for `width * kc` elements.
unsafe fn pack_partial<T: Element>(
    width: usize,
    rows: usize,
    kc: usize,
    src: MatPtr<T>,
    out: *mut T,
) {
    for p in 0..kc {
        for i in 0..width {
            let value = if i < rows {
                // SAFETY: `i < rows`, `p < kc` is inside the block.
                unsafe { *src.at(i, p) }
            } else {
                T::ZERO
            };
            // SAFETY: inside the `width * kc` elements of `out`.
            unsafe { *out.add(p * width + i) = value };
        }
    }
}
