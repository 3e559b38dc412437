//! Splitting the batch rows of a sequence across threads, once per sequence.
//!
//! The rows of a batch never interact inside a recurrent layer, so each thread can run every
//! time step for its own range of rows without waiting for the others. A per-step split pays a
//! fork-join at every step, twice (the matmul and the gate math), and thread hand-off was a
//! large share of the step in profiles of that design.
//!
//! The buffers of the sequence node are time-major: `blocks` consecutive blocks (one per step)
//! of `batch` rows each. [`split_blocks`] and [`split_blocks_mut`] cut such a buffer into one
//! list per task, holding that task's rows of every block.

use std::ops::Range;

/// Rows per task below which a sequence is not split further.
const MIN_ROWS_PER_TASK: usize = 8;

/// Multiply-adds of the recurrent products of a whole sequence below which it runs on one
/// thread, because a fork-join costs more than the second thread saves.
// NOTE: an estimate (a fork-join costs some microseconds, about 1e5 multiply-adds); the
// benchmark shapes (batch 128, hidden 64 or 128) are far above it.
const PARALLEL_MIN_MULADDS: usize = 1 << 18;

/// Returns the row range of each task for a sequence of `batch` rows whose recurrent products
/// take `muladds` multiply-adds in all, for `threads` threads.
pub(crate) fn task_ranges(batch: usize, muladds: usize, threads: usize) -> Vec<Range<usize>> {
    let tasks = if muladds < PARALLEL_MIN_MULADDS {
        1
    } else {
        threads.min(batch / MIN_ROWS_PER_TASK).max(1)
    };
    (0..tasks)
        .map(|k| k * batch / tasks..(k + 1) * batch / tasks)
        .collect()
}

/// Cuts `buffer`, `blocks` blocks of `batch` rows, into each task's rows of every block.
///
/// An empty buffer (a state part the cell does not have) gives empty slices.
pub(crate) fn split_blocks<'a, T>(
    buffer: &'a [T],
    blocks: usize,
    batch: usize,
    ranges: &[Range<usize>],
) -> Vec<Vec<&'a [T]>> {
    let row_len = row_length(buffer.len(), blocks, batch);
    let mut out: Vec<Vec<&[T]>> = ranges.iter().map(|_| Vec::with_capacity(blocks)).collect();
    let mut rest = buffer;
    for _ in 0..blocks {
        let (mut block, tail) = rest.split_at(batch * row_len);
        rest = tail;
        for (task, range) in out.iter_mut().zip(ranges) {
            let (head, tail) = block.split_at(range.len() * row_len);
            task.push(head);
            block = tail;
        }
    }
    out
}

/// Mutable version of [`split_blocks`].
pub(crate) fn split_blocks_mut<'a, T>(
    buffer: &'a mut [T],
    blocks: usize,
    batch: usize,
    ranges: &[Range<usize>],
) -> Vec<Vec<&'a mut [T]>> {
    let row_len = row_length(buffer.len(), blocks, batch);
    let mut out: Vec<Vec<&mut [T]>> = ranges.iter().map(|_| Vec::with_capacity(blocks)).collect();
    let mut rest = buffer;
    for _ in 0..blocks {
        let (mut block, tail) = std::mem::take(&mut rest).split_at_mut(batch * row_len);
        rest = tail;
        for (task, range) in out.iter_mut().zip(ranges) {
            let (head, tail) = std::mem::take(&mut block).split_at_mut(range.len() * row_len);
            task.push(head);
            block = tail;
        }
    }
    out
}

/// Returns the values per row of a buffer of `blocks` blocks of `batch` rows.
fn row_length(len: usize, blocks: usize, batch: usize) -> usize {
    let rows = blocks * batch;
    debug_assert!(len.is_multiple_of(rows.max(1)), "buffer is not whole rows");
    len.checked_div(rows).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ranges_cover_batch() {
        assert_eq!(task_ranges(128, 1 << 20, 2), vec![0..64, 64..128]);
        assert_eq!(task_ranges(17, 1 << 20, 3), vec![0..8, 8..17]);
        assert_eq!(task_ranges(128, 100, 2), vec![0..128]);
        assert_eq!(task_ranges(3, 1 << 20, 4), vec![0..3]);
    }

    #[test]
    fn split_blocks_takes_rows_of_every_block() {
        // 2 blocks of 3 rows of 2 values; tasks own rows 0..1 and 1..3.
        let data: Vec<u32> = (0..12).collect();
        let parts = split_blocks(&data, 2, 3, &[0..1, 1..3]);
        assert_eq!(parts[0], vec![&data[0..2], &data[6..8]]);
        assert_eq!(parts[1], vec![&data[2..6], &data[8..12]]);
    }

    #[test]
    fn split_blocks_mut_matches_split_blocks() {
        let mut data: Vec<u32> = (0..12).collect();
        let expected: Vec<Vec<Vec<u32>>> = split_blocks(&data.clone(), 2, 3, &[0..2, 2..3])
            .into_iter()
            .map(|task| task.into_iter().map(<[u32]>::to_vec).collect())
            .collect();
        let parts = split_blocks_mut(&mut data, 2, 3, &[0..2, 2..3]);
        let got: Vec<Vec<Vec<u32>>> = parts
            .into_iter()
            .map(|task| task.into_iter().map(|s| s.to_vec()).collect())
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn split_blocks_of_empty_buffer_gives_empty_slices() {
        let empty: [u32; 0] = [];
        let parts = split_blocks(&empty, 3, 4, &[0..2, 2..4]);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|task| task.len() == 3));
        assert!(parts.iter().flatten().all(|s| s.is_empty()));
    }
}
