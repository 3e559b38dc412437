//! Holdout, limit, seeded shuffled batches and normalisation over small in-memory data sets.

use datasets::{BatchConfig, DatasetError, ImageSet, Normalization, SequenceDataset, SequenceSet};

/// `count` 2 x 3 single-channel images; image `i` has every pixel equal to `i`, label `i % 4`.
fn images(count: usize) -> ImageSet {
    let pixels = (0..count).flat_map(|i| vec![i as u8; 6]).collect();
    let labels = (0..count).map(|i| (i % 4) as u8).collect();
    let names = ["a", "b", "c", "d"].map(String::from).to_vec();
    ImageSet::new(pixels, labels, (2, 3, 1), names).unwrap()
}

fn config(batch_size: usize, shuffle: bool, seed: u64) -> BatchConfig {
    BatchConfig {
        batch_size,
        shuffle,
        seed,
        drop_last: false,
    }
}

#[test]
fn holdout_takes_last_examples() {
    let (train, validation) = images(10).holdout(0.2).unwrap();
    assert_eq!(train.len(), 8);
    assert_eq!(validation.len(), 2);
    assert_eq!(validation.pixels(0).unwrap()[0], 8);
    assert_eq!(validation.pixels(1).unwrap()[0], 9);
    assert_eq!(train.pixels(7).unwrap()[0], 7);
}

#[test]
fn holdout_rejects_bad_fraction() {
    let data = images(10);
    for fraction in [1.0, 1.5, -0.1, f64::NAN, 0.99] {
        let err = data.holdout(fraction).unwrap_err();
        assert!(
            matches!(err, DatasetError::InvalidArgument { .. }),
            "{fraction}: {err}"
        );
    }
}

#[test]
fn limit_keeps_first_examples() {
    let data = images(10);
    assert_eq!(data.limit(3).unwrap().labels(), &[0, 1, 2]);
    assert_eq!(data.limit(100).unwrap().len(), 10);
    assert_eq!(data.limit(0).unwrap().len(), 0);
}

#[test]
fn batches_in_order_without_shuffle() {
    let data = images(5);
    let batches: Vec<_> = data.batches(&config(2, false, 0), 0).unwrap().collect();

    assert_eq!(batches.len(), 3);
    assert_eq!(batches[0].inputs.shape(), &[2, 2, 3]);
    assert_eq!(batches[2].inputs.shape(), &[1, 2, 3]);
    assert_eq!(batches[1].indices, vec![2, 3]);
    assert_eq!(batches[1].targets, vec![2, 3]);
    assert_eq!(batches[1].target_len, 1);
    // Image 3 has every pixel 3, scaled to 3 / 255.
    assert_eq!(batches[1].inputs.get(&[1, 1, 2]).unwrap(), 3.0 / 255.0);
}

#[test]
fn shuffle_is_seeded_and_changes_per_epoch() {
    let data = images(50);
    let order = |seed, epoch| {
        let batches = data.batches(&config(8, true, seed), epoch).unwrap();
        batches.order().to_vec()
    };

    assert_eq!(order(7, 0), order(7, 0));
    assert_ne!(order(7, 0), order(7, 1));
    assert_ne!(order(7, 0), order(8, 0));

    let mut sorted = order(7, 3);
    sorted.sort_unstable();
    assert_eq!(sorted, (0..50).collect::<Vec<_>>());
}

#[test]
fn shuffled_batches_match_their_indices() {
    let data = images(20);
    for batch in data.batches(&config(6, true, 1), 0).unwrap() {
        for (row, &index) in batch.indices.iter().enumerate() {
            assert_eq!(batch.targets[row], index % 4);
            let value = batch.inputs.get(&[row, 0, 0]).unwrap();
            assert_eq!(value, index as f32 / 255.0);
        }
    }
}

#[test]
fn drop_last_skips_partial_batch() {
    let data = images(10);
    let mut config = config(4, true, 3);
    config.drop_last = true;
    let batches: Vec<_> = data.batches(&config, 0).unwrap().collect();
    assert_eq!(batches.len(), 2);
    assert!(batches.iter().all(|b| b.len() == 4));
}

#[test]
fn zero_batch_size_is_an_error() {
    let err = images(3).batches(&config(0, false, 0), 0).unwrap_err();
    assert!(err.to_string().contains("batch size"), "{err}");
}

#[test]
fn standardisation_uses_channel_stats() {
    // Two 1 x 1 RGB images: (0, 51, 255) and (255, 51, 255).
    let names = vec!["x".to_string()];
    let data = ImageSet::new(vec![0, 51, 255, 255, 51, 255], vec![0, 0], (1, 1, 3), names).unwrap();

    let (mean, std) = data.channel_stats();
    // Red: values 0 and 1, mean 0.5, std 0.5. Green and blue are constant, so std falls back to 1.
    assert_eq!(mean, vec![0.5, 0.2, 1.0]);
    assert_eq!(std, vec![0.5, 1.0, 1.0]);

    let data = data
        .with_normalization(Normalization::Standardize { mean, std })
        .unwrap();
    // (0 - 0.5) / 0.5 = -1, (0.2 - 0.2) / 1 = 0, (1 - 1) / 1 = 0.
    assert_eq!(data.image(0).unwrap().to_vec(), vec![-1.0, 0.0, 0.0]);
    assert_eq!(data.image(1).unwrap().to_vec(), vec![1.0, 0.0, 0.0]);
}

#[test]
fn standardisation_rejects_bad_values() {
    let data = images(2);
    let zero_std = Normalization::Standardize {
        mean: vec![0.0],
        std: vec![0.0],
    };
    assert!(data.clone().with_normalization(zero_std).is_err());
    let wrong_channels = Normalization::Standardize {
        mean: vec![0.0; 3],
        std: vec![1.0; 3],
    };
    assert!(data.with_normalization(wrong_channels).is_err());
}

#[test]
fn image_set_rejects_inconsistent_input() {
    let names = vec!["x".to_string(), "y".to_string()];
    assert!(ImageSet::new(vec![0; 5], vec![0], (2, 3, 1), names.clone()).is_err());
    assert!(ImageSet::new(vec![0; 6], vec![0], (0, 3, 1), names.clone()).is_err());
    assert!(ImageSet::new(vec![0; 6], vec![0], (2, 3, 1), vec![]).is_err());
    let err = ImageSet::new(vec![0; 6], vec![2], (2, 3, 1), names).unwrap_err();
    assert!(
        matches!(err, DatasetError::LabelOutOfRange { label: 2, .. }),
        "{err}"
    );
}

#[test]
fn sequence_set_batches_carry_all_targets() {
    // Two examples of 2 steps x 1 feature and 2 targets each.
    let set = SequenceSet::new(vec![1.0, 2.0, 3.0, 4.0], vec![0, 1, 2, 0], 2, 1, 2, 3).unwrap();
    let batch = set
        .batches(&config(2, false, 0), 0)
        .unwrap()
        .next()
        .unwrap();
    assert_eq!(batch.inputs.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(batch.targets, vec![0, 1, 2, 0]);
    assert_eq!(batch.target_len, 2);

    assert!(SequenceSet::new(vec![1.0; 3], vec![0, 1], 2, 1, 2, 3).is_err());
    assert!(SequenceSet::new(vec![1.0; 2], vec![0, 3], 2, 1, 2, 3).is_err());
}

#[test]
fn write_example_checks_arguments() {
    let data = images(2);
    let mut targets = Vec::new();
    assert!(data.write_example(2, &mut [0.0; 6], &mut targets).is_err());
    assert!(data.write_example(0, &mut [0.0; 5], &mut targets).is_err());
    assert!(data.select(&[0, 2]).is_err());
}
