//! The synthetic memory tasks: shapes, determinism, and that every target can be derived from
//! the inputs (so the task is solvable and the encoding is as documented).

use datasets::{AssociativeRecall, CopyTask, SequenceDataset};

/// Index of the 1 in a one-hot slice, or `None` when the slice is all zeros.
fn hot(slice: &[f32]) -> Option<usize> {
    slice.iter().position(|&x| x == 1.0)
}

#[test]
fn associative_recall_targets_follow_from_inputs() {
    let task = AssociativeRecall {
        num_pairs: 3,
        num_keys: 5,
        num_values: 4,
    };
    let set = task.generate(200, 11).unwrap();
    let (steps, features) = (7, 10);
    assert_eq!(
        (set.len(), set.time_steps(), set.features()),
        (200, steps, features)
    );
    assert_eq!(set.num_classes(), 4);

    for (example, &target) in set.inputs().chunks(steps * features).zip(set.targets()) {
        let step = |t: usize| &example[t * features..(t + 1) * features];
        let query = step(steps - 1);
        assert_eq!(query[9], 1.0, "query flag on the last step");
        let queried_key = hot(&query[..5]).unwrap();

        let mut keys = Vec::new();
        let mut answer = None;
        for pair in 0..3 {
            let key = hot(&step(2 * pair)[..5]).unwrap();
            let value = hot(&step(2 * pair + 1)[5..9]).unwrap();
            keys.push(key);
            if key == queried_key {
                answer = Some(value);
            }
        }
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 3, "keys are distinct");
        assert_eq!(answer, Some(target));
    }
}

#[test]
fn copy_task_targets_follow_from_inputs() {
    let task = CopyTask {
        length: 3,
        delay: 2,
        num_symbols: 4,
    };
    let set = task.generate(50, 5).unwrap();
    let (steps, features) = (8, 5);
    assert_eq!(
        (set.time_steps(), set.features(), set.target_len()),
        (steps, features, 3)
    );

    for (example, targets) in set
        .inputs()
        .chunks(steps * features)
        .zip(set.targets().chunks(3))
    {
        let step = |t: usize| &example[t * features..(t + 1) * features];
        let shown: Vec<usize> = (0..3).map(|t| hot(&step(t)[..4]).unwrap()).collect();
        assert_eq!(shown, targets);
        assert!(
            step(3).iter().chain(step(4)).all(|&x| x == 0.0),
            "blank delay"
        );
        for t in 5..8 {
            assert_eq!(step(t), &[0.0, 0.0, 0.0, 0.0, 1.0], "recall flag only");
        }
    }
}

#[test]
fn same_seed_same_data() {
    let task = AssociativeRecall::default();
    assert_eq!(task.generate(20, 3).unwrap(), task.generate(20, 3).unwrap());
    assert_ne!(task.generate(20, 3).unwrap(), task.generate(20, 4).unwrap());
    let copy = CopyTask::default();
    assert_eq!(copy.generate(20, 3).unwrap(), copy.generate(20, 3).unwrap());
}

#[test]
fn targets_use_every_class() {
    let set = AssociativeRecall::default().generate(500, 0).unwrap();
    let mut counts = [0usize; 8];
    for &t in set.targets() {
        counts[t] += 1;
    }
    assert!(counts.iter().all(|&c| c > 20), "{counts:?}");
}

#[test]
fn invalid_settings_are_errors() {
    let too_few_keys = AssociativeRecall {
        num_pairs: 5,
        num_keys: 4,
        num_values: 3,
    };
    assert!(too_few_keys.generate(1, 0).is_err());
    let no_symbols = CopyTask {
        length: 2,
        delay: 0,
        num_symbols: 0,
    };
    assert!(no_symbols.generate(1, 0).is_err());
}
