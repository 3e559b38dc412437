//! Walking several layouts of one shape together, in row-major order, as runs of the innermost
//! axis.
//!
//! Binary operations broadcast both inputs to the output shape (broadcast axes get stride 0) and
//! then read them side by side. [`ZipPlan`] merges the axes that every layout can walk as
//! one, drops size-1 axes, and calls a closure once per run of the innermost remaining axis with
//! the start position and step of each layout. The inner loop of a kernel is then a plain loop,
//! and a slice loop when a step is 1.

use crate::Layout;

/// The axes left after merging, shared by all layouts, plus one stride list per layout.
#[derive(Clone, Debug)]
pub(crate) struct ZipPlan<const N: usize> {
    /// Sizes of the merged axes (empty for a scalar or a single run).
    shape: Vec<usize>,
    /// Strides of each layout along the merged axes.
    strides: [Vec<isize>; N],
    /// Storage position of the first element of each layout.
    offsets: [isize; N],
    /// Number of elements of the shape.
    num_elements: usize,
}

impl<const N: usize> ZipPlan<N> {
    /// Plans a joint walk over `layouts`, which must all have the same shape.
    pub(crate) fn new(layouts: [&Layout; N]) -> Self {
        let shape = layouts[0].shape();
        debug_assert!(
            layouts.iter().all(|l| l.shape() == shape),
            "zip plan needs layouts of one shape"
        );
        let mut merged: Vec<usize> = Vec::with_capacity(shape.len());
        let mut strides: [Vec<isize>; N] = std::array::from_fn(|_| Vec::new());
        for (axis, &size) in shape.iter().enumerate() {
            if size == 1 {
                continue;
            }
            // An axis merges into the previous one when, for every layout, one step of the
            // previous axis equals `size` steps of this one.
            let can_merge = !merged.is_empty()
                && (0..N).all(|k| {
                    let s = layouts[k].strides()[axis];
                    *strides[k].last().expect("merged is non-empty") == s * size as isize
                });
            if can_merge {
                *merged.last_mut().expect("merged is non-empty") *= size;
                for k in 0..N {
                    *strides[k].last_mut().expect("merged is non-empty") =
                        layouts[k].strides()[axis];
                }
            } else {
                merged.push(size);
                for k in 0..N {
                    strides[k].push(layouts[k].strides()[axis]);
                }
            }
        }
        ZipPlan {
            num_elements: layouts[0].num_elements(),
            shape: merged,
            strides,
            offsets: std::array::from_fn(|k| layouts[k].offset() as isize),
        }
    }

    /// Length of one run (the size of the innermost merged axis, 1 for a scalar).
    pub(crate) fn run_len(&self) -> usize {
        self.shape.last().copied().unwrap_or(1)
    }

    /// Number of runs; `num_runs() * run_len()` is the element count.
    #[cfg(test)]
    pub(crate) fn num_runs(&self) -> usize {
        if self.num_elements == 0 {
            return 0;
        }
        self.num_elements / self.run_len()
    }

    /// Step of each layout along a run.
    pub(crate) fn run_steps(&self) -> [isize; N] {
        std::array::from_fn(|k| self.strides[k].last().copied().unwrap_or(1))
    }

    /// Calls `f(starts)` for runs `first..last` (numbered in row-major order), where `starts`
    /// holds the storage position of the first element of the run in each layout.
    pub(crate) fn for_runs(&self, first: usize, last: usize, mut f: impl FnMut([usize; N])) {
        if first >= last {
            return;
        }
        let outer = self.shape.len().saturating_sub(1);
        let outer_shape = &self.shape[..outer];

        // Turn the run number into a multi-index over the outer axes and a start position.
        let mut index = vec![0usize; outer];
        let mut rest = first;
        for axis in (0..outer).rev() {
            index[axis] = rest % outer_shape[axis];
            rest /= outer_shape[axis];
        }
        let mut position: [isize; N] = std::array::from_fn(|k| {
            let steps = index.iter().zip(&self.strides[k]);
            self.offsets[k] + steps.map(|(&i, &s)| i as isize * s).sum::<isize>()
        });

        for _ in first..last {
            f(std::array::from_fn(|k| position[k] as usize));
            // Advance the outer multi-index like an odometer.
            let mut axis = outer;
            while axis > 0 {
                axis -= 1;
                index[axis] += 1;
                for (p, strides) in position.iter_mut().zip(&self.strides) {
                    *p += strides[axis];
                }
                if index[axis] < outer_shape[axis] {
                    break;
                }
                for (p, strides) in position.iter_mut().zip(&self.strides) {
                    *p -= strides[axis] * outer_shape[axis] as isize;
                }
                index[axis] = 0;
            }
        }
    }
    /// Calls `f(out_index, starts, len)` for the pieces of runs that cover output positions
    /// `begin..end` (row-major element numbers). `starts` contains the storage position of the
    /// piece's first element in each layout, and the piece continues with [`Self::run_steps`].
    /// Splitting by output position lets parallel callers hand disjoint output chunks to threads
    /// even when the whole tensor is one long run.
    pub(crate) fn for_segments(
        &self,
        begin: usize,
        end: usize,
        mut f: impl FnMut(usize, [usize; N], usize),
    ) {
        let end = end.min(self.num_elements);
        if begin >= end {
            return;
        }
        let len = self.run_len();
        let steps = self.run_steps();
        let first = begin / len;
        let last = end.div_ceil(len);
        let mut run = first;
        self.for_runs(first, last, |starts| {
            let run_begin = run * len;
            let piece_begin = begin.max(run_begin);
            let piece_end = end.min(run_begin + len);
            let skip = (piece_begin - run_begin) as isize;
            let piece_starts =
                std::array::from_fn(|k| (starts[k] as isize + skip * steps[k]) as usize);
            f(piece_begin, piece_starts, piece_end - piece_begin);
            run += 1;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strided::StridedIter;

    fn positions<const N: usize>(plan: &ZipPlan<N>, first: usize, last: usize) -> Vec<[usize; N]> {
        let len = plan.run_len();
        let steps = plan.run_steps();
        let mut out = Vec::new();
        plan.for_runs(first, last, |starts| {
            for i in 0..len {
                out.push(std::array::from_fn(|k| {
                    (starts[k] as isize + i as isize * steps[k]) as usize
                }));
            }
        });
        out
    }

    #[test]
    fn zip_matches_strided_iter() {
        let a = Layout::contiguous(&[3, 4, 5]);
        let b = Layout::contiguous(&[5, 4, 3]).permute(&[2, 1, 0]).unwrap();
        let c = Layout::contiguous(&[4, 1])
            .broadcast_to(&[3, 4, 5])
            .unwrap()
            .flip(1)
            .unwrap();
        let plan = ZipPlan::new([&a, &b, &c]);
        let got = positions(&plan, 0, plan.num_runs());
        let want: Vec<[usize; 3]> = StridedIter::new(&a)
            .zip(StridedIter::new(&b))
            .zip(StridedIter::new(&c))
            .map(|((x, y), z)| [x, y, z])
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn zip_run_range_resumes_midway() {
        let a = Layout::contiguous(&[4, 3, 2]).transpose(0, 2).unwrap();
        let plan = ZipPlan::new([&a]);
        let whole = positions(&plan, 0, plan.num_runs());
        let mut parts = positions(&plan, 0, 3);
        parts.extend(positions(&plan, 3, plan.num_runs()));
        assert_eq!(whole, parts);
    }

    #[test]
    fn contiguous_pair_is_one_run() {
        let a = Layout::contiguous(&[2, 3, 4]);
        let plan = ZipPlan::new([&a, &a]);
        assert_eq!(plan.num_runs(), 1);
        assert_eq!(plan.run_len(), 24);
    }

    #[test]
    fn scalar_and_empty() {
        let s = Layout::contiguous(&[]);
        let plan = ZipPlan::new([&s]);
        assert_eq!((plan.num_runs(), plan.run_len()), (1, 1));
        let e = Layout::contiguous(&[2, 0, 3]);
        let plan = ZipPlan::new([&e]);
        assert_eq!(plan.num_runs(), 0);
    }
}
