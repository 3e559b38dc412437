//! Round trips and malformed-input errors of the IDX reader and the MNIST loaders, on small
//! files written by the tests.

mod common;

use std::path::Path;

use common::write_file;
use datasets::{DatasetError, FashionMnist, IdxArray, IdxData, Mnist, Split};

/// Writes an MNIST-style split with `count` images of `rows x cols` to `dir`.
fn write_split(dir: &Path, prefix: &str, images: &IdxArray, labels: &IdxArray, gzip: bool) {
    let suffix = if gzip { ".gz" } else { "" };
    images
        .write(
            &dir.join(format!("{prefix}-images-idx3-ubyte{suffix}")),
            gzip,
        )
        .unwrap();
    labels
        .write(
            &dir.join(format!("{prefix}-labels-idx1-ubyte{suffix}")),
            gzip,
        )
        .unwrap();
}

/// `count` 28 x 28 images where image `i` has every pixel equal to `i`, and labels `i % 10`.
fn digits(count: usize) -> (IdxArray, IdxArray) {
    let pixels = (0..count).flat_map(|i| vec![i as u8; 784]).collect();
    let images = IdxArray::new(vec![count, 28, 28], IdxData::U8(pixels)).unwrap();
    let labels = (0..count).map(|i| (i % 10) as u8).collect();
    let labels = IdxArray::new(vec![count], IdxData::U8(labels)).unwrap();
    (images, labels)
}

#[test]
fn idx_round_trip_every_element_type() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = [
        IdxArray::new(vec![2, 3], IdxData::U8(vec![0, 1, 2, 253, 254, 255])).unwrap(),
        IdxArray::new(vec![3], IdxData::I8(vec![-128, 0, 127])).unwrap(),
        IdxArray::new(vec![1, 2], IdxData::I16(vec![-32768, 32767])).unwrap(),
        IdxArray::new(vec![2], IdxData::I32(vec![i32::MIN, 123_456_789])).unwrap(),
        IdxArray::new(vec![2, 1], IdxData::F32(vec![-1.5, f32::MAX])).unwrap(),
        IdxArray::new(vec![1], IdxData::F64(vec![std::f64::consts::PI])).unwrap(),
        IdxArray::new(vec![0, 5], IdxData::U8(vec![])).unwrap(),
    ];
    for (i, array) in arrays.iter().enumerate() {
        for gzip in [false, true] {
            let path = dir.path().join(format!("array{i}-{gzip}"));
            array.write(&path, gzip).unwrap();
            assert_eq!(
                &IdxArray::read(&path).unwrap(),
                array,
                "array {i}, gzip {gzip}"
            );
        }
    }
}

#[test]
fn idx_bytes_are_big_endian() {
    // 00 00 0c 01 | 00 00 00 01 | 00 00 01 02: one i32 of value 0x0102 = 258.
    let array = IdxArray::new(vec![1], IdxData::I32(vec![258])).unwrap();
    assert_eq!(
        array.to_bytes(),
        vec![0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 1, 2]
    );
}

#[test]
fn idx_errors_name_the_problem() {
    let cases: Vec<(&[u8], &str)> = vec![
        (&[1, 0, 8, 1, 0, 0, 0, 0], "magic"),
        (&[0, 0, 0x07, 1, 0, 0, 0, 0], "element type code 0x07"),
        (&[0, 0, 8, 2, 0, 0, 0, 1], "truncated IDX header"),
        (
            &[0, 0, 8, 1, 0, 0, 0, 3, 1, 2],
            "truncated IDX data: expected 3 bytes, found 2",
        ),
        (&[0, 0, 8, 1, 0, 0, 0, 1, 1, 2], "1 bytes after the end"),
        (&[0, 0], "truncated IDX header"),
        (&[], "truncated IDX header"),
    ];
    for (bytes, expected) in cases {
        let message = IdxArray::parse(bytes, "sample").unwrap_err().to_string();
        assert!(message.contains(expected), "{bytes:?}: {message}");
        assert!(message.starts_with("sample"), "{message}");
    }
}

#[test]
fn idx_truncated_gzip_is_an_error() {
    let array = IdxArray::new(vec![100], IdxData::U8((0..100).collect())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.gz");
    array.write(&path, true).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let err = IdxArray::parse(&bytes[..bytes.len() / 2], "a.gz").unwrap_err();
    assert!(matches!(err, DatasetError::Gzip { .. }), "{err}");
}

#[test]
fn mnist_round_trip_plain_and_gzip() {
    for gzip in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (images, labels) = digits(12);
        write_split(dir.path(), "train", &images, &labels, gzip);

        let train = Mnist::load(dir.path(), Split::Train).unwrap();

        assert_eq!(train.len(), 12);
        assert_eq!(train.labels()[11], 1);
        assert_eq!(train.pixels(5).unwrap(), &[5u8; 784][..]);
        assert_eq!(train.class_counts(), vec![2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
        let image = train.image(3).unwrap();
        assert_eq!(image.shape(), &[28, 28]);
        assert_eq!(image.get(&[27, 27]).unwrap(), 3.0 / 255.0);
    }
}

#[test]
fn mnist_accepts_dotted_names() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = digits(3);
    images
        .write(&dir.path().join("t10k-images.idx3-ubyte"), false)
        .unwrap();
    labels
        .write(&dir.path().join("t10k-labels.idx1-ubyte"), false)
        .unwrap();
    assert_eq!(Mnist::load(dir.path(), Split::Test).unwrap().len(), 3);
}

#[test]
fn mnist_count_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let (images, _) = digits(4);
    let (_, labels) = digits(3);
    write_split(dir.path(), "t10k", &images, &labels, false);

    let err = Mnist::load(dir.path(), Split::Test).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::CountMismatch {
                images: 4,
                labels: 3,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn mnist_label_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let (images, _) = digits(3);
    let labels = IdxArray::new(vec![3], IdxData::U8(vec![1, 10, 2])).unwrap();
    write_split(dir.path(), "t10k", &images, &labels, false);

    let err = Mnist::load(dir.path(), Split::Test).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::LabelOutOfRange {
                index: 1,
                label: 10,
                num_classes: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn mnist_wrong_rank_and_type_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = digits(2);

    // Labels stored as a 2-D array.
    let flat = IdxArray::new(vec![2, 1], IdxData::U8(vec![0, 1])).unwrap();
    write_split(dir.path(), "t10k", &images, &flat, false);
    let err = Mnist::load(dir.path(), Split::Test).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::IdxRank {
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{err}"
    );

    // Images stored as i16.
    let wide = IdxArray::new(vec![2, 28, 28], IdxData::I16(vec![0; 2 * 784])).unwrap();
    write_split(dir.path(), "t10k", &wide, &labels, false);
    let err = Mnist::load(dir.path(), Split::Test).unwrap_err();
    assert!(
        matches!(err, DatasetError::IdxWrongElementType { found: "i16", .. }),
        "{err}"
    );

    // Images of 32 x 32.
    let large = IdxArray::new(vec![2, 32, 32], IdxData::U8(vec![0; 2 * 1024])).unwrap();
    write_split(dir.path(), "t10k", &large, &labels, false);
    let err = Mnist::load(dir.path(), Split::Test).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::ImageSize {
                found: (32, 32, 1),
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn mnist_corrupt_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = digits(2);
    write_split(dir.path(), "t10k", &images, &labels, false);
    let mut bytes = images.to_bytes();
    bytes.truncate(bytes.len() - 1);
    write_file(dir.path(), "t10k-images-idx3-ubyte", &bytes);

    let message = Mnist::load(dir.path(), Split::Test)
        .unwrap_err()
        .to_string();
    assert!(message.contains("t10k-images-idx3-ubyte"), "{message}");
    assert!(message.contains("truncated IDX data"), "{message}");
}

#[test]
fn missing_files_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();

    let message = FashionMnist::load(dir.path(), Split::Train)
        .unwrap_err()
        .to_string();
    assert!(message.contains("train-images-idx3-ubyte"), "{message}");
    assert!(
        message.contains("apt-get install dataset-fashion-mnist"),
        "{message}"
    );
    assert!(
        message.contains("/usr/share/datasets/fashion-mnist/"),
        "{message}"
    );

    let message = Mnist::load(dir.path(), Split::Test)
        .unwrap_err()
        .to_string();
    assert!(message.contains("t10k-images-idx3-ubyte.gz"), "{message}");

    let err = Mnist::load(dir.path(), Split::Valid).unwrap_err();
    assert!(err.to_string().contains("holdout"), "{err}");
}
