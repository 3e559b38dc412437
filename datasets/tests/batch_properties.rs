//! Properties of the batchers over random sizes: every example or token position is visited
//! exactly once per epoch, and batch shapes agree with the settings.

use datasets::{BatchConfig, LmBatches, SequenceDataset, SequenceSet, TokenStream};
use proptest::prelude::*;

/// `count` examples of 2 steps x 1 feature; example `i` has inputs `[i, i]` and target `i`.
fn numbered(count: usize) -> SequenceSet {
    let inputs = (0..count).flat_map(|i| [i as f32, i as f32]).collect();
    let targets = (0..count).collect();
    SequenceSet::new(inputs, targets, 2, 1, 1, count.max(1)).unwrap()
}

proptest! {
    #[test]
    fn epoch_visits_every_example_once(
        count in 0usize..60,
        batch_size in 1usize..17,
        seed in any::<u64>(),
        epoch in 0u64..4,
        shuffle in any::<bool>(),
        drop_last in any::<bool>(),
    ) {
        let data = numbered(count);
        let config = BatchConfig { batch_size, shuffle, seed, drop_last };
        let batches = data.batches(&config, epoch).unwrap();
        let expected_batches = if drop_last { count / batch_size } else { count.div_ceil(batch_size) };
        prop_assert_eq!(batches.len(), expected_batches);

        let mut seen = Vec::new();
        for batch in batches {
            prop_assert!(batch.len() <= batch_size);
            if drop_last {
                prop_assert_eq!(batch.len(), batch_size);
            }
            prop_assert_eq!(batch.inputs.shape(), &[batch.len(), 2, 1][..]);
            // Targets and inputs belong to the example named in `indices`.
            prop_assert_eq!(&batch.targets, &batch.indices);
            let firsts: Vec<f32> = batch.inputs.to_vec().into_iter().step_by(2).collect();
            let expected: Vec<f32> = batch.indices.iter().map(|&i| i as f32).collect();
            prop_assert_eq!(firsts, expected);
            seen.extend(batch.indices);
        }

        let visited = if drop_last { expected_batches * batch_size } else { count };
        prop_assert_eq!(seen.len(), visited);
        seen.sort_unstable();
        seen.dedup();
        prop_assert_eq!(seen.len(), visited, "an example appeared twice");
        prop_assert!(seen.iter().all(|&i| i < count));
    }

    #[test]
    fn lm_batches_walk_each_row(
        len in 2usize..400,
        batch_size in 1usize..9,
        bptt in 1usize..40,
    ) {
        let stream = TokenStream::from_ids((0..len as u32).collect());
        let Ok(batches) = LmBatches::new(&stream, batch_size, bptt) else {
            // Only too few tokens per row is rejected.
            prop_assert!(len / batch_size < 2);
            return Ok(());
        };
        let column_len = len / batch_size;
        let mut rows = vec![Vec::new(); batch_size];
        for batch in batches {
            prop_assert!(batch.seq_len >= 1 && batch.seq_len <= bptt);
            prop_assert_eq!(batch.inputs.len(), batch_size * batch.seq_len);
            for (input, target) in batch.inputs.iter().zip(&batch.targets) {
                prop_assert_eq!(*target, input + 1);
            }
            for (row, chunk) in rows.iter_mut().zip(batch.inputs.chunks(batch.seq_len)) {
                row.extend_from_slice(chunk);
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let expected: Vec<usize> = (r * column_len..(r + 1) * column_len - 1).collect();
            prop_assert_eq!(row, &expected);
        }
    }
}
