//! Raw strided matrix pointers, the currency of the GEMM internals.
//!
//! The loop nest works on pointers plus signed row and column strides, so any tensor view
//! (transposed, sliced, reversed, broadcast) reaches the kernels without a copy.

/// A read-only matrix: element `(i, j)` lives at `ptr + i * rs + j * cs`.
#[derive(Debug)]
pub(crate) struct MatPtr<T> {
    /// Position of element `(0, 0)`.
    pub ptr: *const T,
    /// Row stride, in elements.
    pub rs: isize,
    /// Column stride, in elements.
    pub cs: isize,
}

/// A writable matrix with the same addressing as [`MatPtr`].
#[derive(Debug)]
pub(crate) struct MatMutPtr<T> {
    /// Position of element `(0, 0)`.
    pub ptr: *mut T,
    /// Row stride, in elements.
    pub rs: isize,
    /// Column stride, in elements.
    pub cs: isize,
}

// Manual impls: deriving would require `T: Copy`, but copying a pointer never copies a `T`.
impl<T> Clone for MatPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for MatPtr<T> {}
impl<T> Clone for MatMutPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for MatMutPtr<T> {}

// SAFETY: the pointers are only dereferenced inside the GEMM, where each parallel task reads
// shared inputs and writes a part of C that no other task touches.
unsafe impl<T: Sync> Send for MatPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for MatPtr<T> {}
// SAFETY: as above; tasks write disjoint tiles of C.
unsafe impl<T: Send> Send for MatMutPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for MatMutPtr<T> {}

impl<T> MatPtr<T> {
    /// Returns the address of element `(i, j)` (wrapping arithmetic: the caller dereferences
    /// only addresses inside the matrix).
    #[inline]
    pub fn at(self, i: usize, j: usize) -> *const T {
        self.ptr
            .wrapping_offset(i as isize * self.rs + j as isize * self.cs)
    }

    /// Returns the sub-matrix starting at `(i, j)`.
    #[inline]
    pub fn shifted(self, i: usize, j: usize) -> MatPtr<T> {
        MatPtr {
            ptr: self.at(i, j),
            ..self
        }
    }

    /// Returns the transposed matrix (rows and columns swapped).
    #[inline]
    pub fn transposed(self) -> MatPtr<T> {
        MatPtr {
            ptr: self.ptr,
            rs: self.cs,
            cs: self.rs,
        }
    }
}

impl<T> MatMutPtr<T> {
    /// Returns the address of element `(i, j)`, as [`MatPtr::at`].
    #[inline]
    pub fn at(self, i: usize, j: usize) -> *mut T {
        self.ptr
            .wrapping_offset(i as isize * self.rs + j as isize * self.cs)
    }

    /// Returns the sub-matrix starting at `(i, j)`.
    #[inline]
    pub fn shifted(self, i: usize, j: usize) -> MatMutPtr<T> {
        MatMutPtr {
            ptr: self.at(i, j),
            ..self
        }
    }

    /// Returns the transposed matrix (rows and columns swapped).
    #[inline]
    pub fn transposed(self) -> MatMutPtr<T> {
        MatMutPtr {
            ptr: self.ptr,
            rs: self.cs,
            cs: self.rs,
        }
    }
}
