//! Round trips and malformed-input errors of the CIFAR-10 binary reader.

mod common;

use common::write_file;
use datasets::{Cifar10, DatasetError, SequenceDataset, Split};

const RECORD: usize = 3073;

/// Builds one record whose red plane is all `r`, green all `g`, blue all `b`.
fn record(label: u8, r: u8, g: u8, b: u8) -> Vec<u8> {
    let mut bytes = vec![label];
    for value in [r, g, b] {
        bytes.extend(std::iter::repeat(value).take(1024));
    }
    bytes
}

#[test]
fn planes_become_interleaved_rows() {
    // A record whose plane c contains value 100 * c + (pixel position % 100).
    let mut bytes = vec![3u8];
    for c in 0..3 {
        bytes.extend((0..1024).map(|p| (100 * c + p % 100) as u8));
    }

    let (pixels, labels) = Cifar10::parse_records(&bytes, "one").unwrap();

    assert_eq!(labels, vec![3]);
    // Pixel 33 (row 1, column 1): red 33, green 133, blue 233.
    assert_eq!(&pixels[33 * 3..33 * 3 + 3], &[33, 133, 233]);
    assert_eq!(Cifar10::encode_records(&pixels, &labels).unwrap(), bytes);
}

#[test]
fn load_train_and_test_splits() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("cifar-10-batches-bin");
    std::fs::create_dir(&nested).unwrap();
    for i in 1..=5u8 {
        let mut bytes = record(i, i, 0, 0);
        bytes.extend(record(i + 1, 0, i, 255));
        write_file(&nested, &format!("data_batch_{i}.bin"), &bytes);
    }
    write_file(&nested, "test_batch.bin", &record(9, 1, 2, 3));

    let train = Cifar10::load(dir.path(), Split::Train).unwrap();
    let test = Cifar10::load(dir.path(), Split::Test).unwrap();

    assert_eq!(train.len(), 10);
    assert_eq!(train.labels(), &[1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    assert_eq!(train.size(), (32, 32, 3));
    assert_eq!(train.time_steps(), 32);
    assert_eq!(train.features(), 96);
    assert_eq!(test.labels(), &[9]);
    assert_eq!(train.class_names()[0], "airplane");

    // Image 3 comes from data_batch_2's second record: R 0, G 2, B 255 at every pixel.
    let image = train.image(3).unwrap();
    assert_eq!(image.shape(), &[32, 96]);
    assert_eq!(image.get(&[5, 1]).unwrap(), 2.0 / 255.0);
    assert_eq!(image.get(&[5, 2]).unwrap(), 1.0);
}

#[test]
fn class_names_from_meta_file() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "test_batch.bin", &record(0, 0, 0, 0));
    let names: String = (0..10).map(|i| format!("class{i}\n")).collect();
    write_file(
        dir.path(),
        "batches.meta.txt",
        format!("{names}\n").as_bytes(),
    );

    let test = Cifar10::load(dir.path(), Split::Test).unwrap();
    assert_eq!(test.class_names()[7], "class7");

    write_file(dir.path(), "batches.meta.txt", b"cat\ndog\n");
    let err = Cifar10::load(dir.path(), Split::Test).unwrap_err();
    assert!(err.to_string().contains("lists 2 class names"), "{err}");
}

#[test]
fn record_size_error() {
    let mut bytes = record(1, 0, 0, 0);
    bytes.push(0);
    let err = Cifar10::parse_records(&bytes, "data_batch_1.bin").unwrap_err();
    assert!(
        matches!(err, DatasetError::CifarRecordSize { len, record: RECORD, .. } if len == 3074),
        "{err}"
    );
    assert!(err
        .to_string()
        .contains("multiple of the CIFAR-10 record size 3073"));
}

#[test]
fn label_out_of_range() {
    let mut bytes = record(0, 0, 0, 0);
    bytes.extend(record(10, 0, 0, 0));
    let err = Cifar10::parse_records(&bytes, "test_batch.bin").unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::LabelOutOfRange {
                index: 1,
                label: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn missing_batch_file() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "data_batch_1.bin", &record(0, 0, 0, 0));
    let message = Cifar10::load(dir.path(), Split::Train)
        .unwrap_err()
        .to_string();
    assert!(message.contains("data_batch_2.bin"), "{message}");
    assert!(message.contains("cifar-10-binary.tar.gz"), "{message}");
}
