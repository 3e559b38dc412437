//! Walking a strided layout in row-major order without allocating per element.
//!
//! [`StridedIter`] yields one storage position per element. Kernels that care about speed use
//! [`for_each_run`] instead: it splits the walk into runs along the innermost axis (after
//! merging axes that are contiguous with each other) so that the inner loop is a plain loop
//! over `start, start + step, ...`, which is a slice when `step == 1`.

use crate::Layout;

/// Merges adjacent axes that can be walked as one (stride of the outer equals stride times size
/// of the inner) and drops size-1 axes. The result describes the same sequence of positions.
pub fn coalesce(shape: &[usize], strides: &[isize]) -> (Vec<usize>, Vec<isize>) {
    let mut out_shape: Vec<usize> = Vec::with_capacity(shape.len());
    let mut out_strides: Vec<isize> = Vec::with_capacity(shape.len());
    for (&size, &stride) in shape.iter().zip(strides) {
        if size == 1 {
            continue;
        }
        match (out_shape.last_mut(), out_strides.last_mut()) {
            (Some(last_size), Some(last_stride)) if *last_stride == stride * size as isize => {
                *last_size *= size;
                *last_stride = stride;
            }
            _ => {
                out_shape.push(size);
                out_strides.push(stride);
            }
        }
    }
    (out_shape, out_strides)
}

/// Calls `f(start, len, step)` once per run of the innermost (coalesced) axis, in row-major
/// order. Positions of one run are `start + i * step` for `i < len`. Nothing is called for an
/// empty layout; a scalar gives one run of length 1.
pub fn for_each_run(layout: &Layout, mut f: impl FnMut(usize, usize, isize)) {
    if layout.num_elements() == 0 {
        return;
    }
    let (shape, strides) = coalesce(layout.shape(), layout.strides());
    let offset = layout.offset() as isize;
    if shape.is_empty() {
        f(offset as usize, 1, 1);
        return;
    }
    let inner = shape.len() - 1;
    let (len, step) = (shape[inner], strides[inner]);
    let outer_shape = &shape[..inner];
    let outer_strides = &strides[..inner];
    let mut index = vec![0usize; inner];
    let mut position = offset;
    loop {
        f(position as usize, len, step);
        // Advance the outer multi-index like an odometer.
        let mut axis = inner;
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            position += outer_strides[axis];
            if index[axis] < outer_shape[axis] {
                break;
            }
            position -= outer_strides[axis] * outer_shape[axis] as isize;
            index[axis] = 0;
        }
    }
}

/// Iterator over the storage positions of a layout in row-major order.
#[derive(Clone, Debug)]
pub struct StridedIter {
    shape: Vec<usize>,
    strides: Vec<isize>,
    index: Vec<usize>,
    position: isize,
    remaining: usize,
}

impl StridedIter {
    /// Starts a walk over `layout`.
    pub fn new(layout: &Layout) -> Self {
        let (shape, strides) = coalesce(layout.shape(), layout.strides());
        StridedIter {
            index: vec![0; shape.len()],
            shape,
            strides,
            position: layout.offset() as isize,
            remaining: layout.num_elements(),
        }
    }
}

impl Iterator for StridedIter {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let current = self.position as usize;
        for axis in (0..self.shape.len()).rev() {
            self.index[axis] += 1;
            self.position += self.strides[axis];
            if self.index[axis] < self.shape[axis] {
                break;
            }
            self.position -= self.strides[axis] * self.shape[axis] as isize;
            self.index[axis] = 0;
        }
        Some(current)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for StridedIter {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iter_transposed() {
        let l = Layout::contiguous(&[2, 3]).transpose(0, 1).unwrap();
        let positions: Vec<usize> = StridedIter::new(&l).collect();
        assert_eq!(positions, vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn runs_cover_iter() {
        let l = Layout::contiguous(&[3, 4, 5])
            .slice(2, 1, 5, 2)
            .unwrap()
            .flip(0)
            .unwrap();
        let mut from_runs = Vec::new();
        for_each_run(&l, |start, len, step| {
            from_runs.extend((0..len).map(|i| (start as isize + i as isize * step) as usize))
        });
        let from_iter: Vec<usize> = StridedIter::new(&l).collect();
        assert_eq!(from_runs, from_iter);
    }

    #[test]
    fn coalesce_contiguous_is_one_axis() {
        assert_eq!(coalesce(&[2, 3, 4], &[12, 4, 1]), (vec![24], vec![1]));
    }

    #[test]
    fn scalar_has_one_position() {
        let l = Layout::contiguous(&[]);
        assert_eq!(StridedIter::new(&l).collect::<Vec<_>>(), vec![0]);
    }
}
