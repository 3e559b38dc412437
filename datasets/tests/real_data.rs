//! Tests on the published data sets. Each one fails, naming the missing file, when its data is
//! absent, so that a machine without the data cannot report success.

mod common;

use common::{require, shared_datasets};
use datasets::{FashionMnist, Mnist, Split, Vocabulary};

#[test]
fn mnist_test_set_counts() {
    let dir = shared_datasets().join("mnist-t10k");
    require(
        dir.join("t10k-images-idx3-ubyte.gz"),
        "it is the MNIST test image file",
    );
    require(
        dir.join("t10k-labels-idx1-ubyte.gz"),
        "it is the MNIST test label file",
    );

    let test = Mnist::load(&dir, Split::Test).unwrap();

    assert_eq!(test.len(), 10_000);
    assert_eq!(test.size(), (28, 28, 1));
    assert_eq!(
        test.class_counts(),
        vec![980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert_eq!(&test.labels()[..10], &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
}

#[test]
fn mnist_test_set_pixels() {
    let dir = shared_datasets().join("mnist-t10k");
    require(dir.join("t10k-images-idx3-ubyte.gz"), "MNIST test images");
    let test = Mnist::load(&dir, Split::Test).unwrap();

    // Reference values from Python's gzip module on the same file:
    // sum(image 0) = 18454; row 7 of image 0 starts with six zeros, then 84, 185, 159.
    let first = test.pixels(0).unwrap();
    assert_eq!(first.iter().map(|&p| u32::from(p)).sum::<u32>(), 18454);
    assert_eq!(&first[7 * 28 + 6..7 * 28 + 9], &[84, 185, 159]);

    let image = test.image(0).unwrap();
    assert_eq!(image.shape(), &[28, 28]);
    assert_eq!(image.get(&[7, 6]).unwrap(), 84.0 / 255.0);

    // Mean 0.1325146 and population std 0.3104802 of all pixels / 255 (same script).
    let (mean, std) = test.channel_stats();
    assert!((mean[0] - 0.132_514_6).abs() < 1e-5, "mean {mean:?}");
    assert!((std[0] - 0.310_480_2).abs() < 1e-5, "std {std:?}");
}

#[test]
fn fashion_mnist_counts() {
    let dir = std::path::Path::new(FashionMnist::DEFAULT_DIR);
    let install = "run `apt-get install dataset-fashion-mnist`";
    require(dir.join("train-images-idx3-ubyte.gz"), install);
    require(dir.join("t10k-images-idx3-ubyte.gz"), install);

    let train = FashionMnist::load_default(Split::Train).unwrap();
    let test = FashionMnist::load_default(Split::Test).unwrap();

    assert_eq!(train.len(), 60_000);
    assert_eq!(test.len(), 10_000);
    assert_eq!(train.class_counts(), vec![6000; 10]);
    assert_eq!(test.class_counts(), vec![1000; 10]);
    // First labels, read with Python's gzip module: 9 (ankle boot), 0, 0, 3, 0.
    assert_eq!(&train.labels()[..5], &[9, 0, 0, 3, 0]);
    assert_eq!(train.class_names()[9], "Ankle boot");
}

#[test]
fn wikitext2_valid_token_count() {
    let path = require(
        shared_datasets().join("wikitext-2").join("valid.txt"),
        "it is the WikiText-2 validation split",
    );

    let (vocab, valid) = Vocabulary::build_from_file(&path).unwrap();

    // Counts from Python: sum(len(line.split()) + 1 for line in open("valid.txt")).
    assert_eq!(valid.len(), 217_646);
    assert_eq!(valid.lines(), 3760);
    assert_eq!(vocab.len(), 13_777); // 13,776 distinct words plus <eos>
    assert_eq!(valid.unk_count(), 11_718); // <unk> tokens written in the text
    assert_eq!(valid.oov_count(), 0);
}

#[test]
fn wikitext2_test_with_valid_vocabulary() {
    let data = shared_datasets().join("wikitext-2");
    let valid_path = require(data.join("valid.txt"), "WikiText-2 validation split");
    let test_path = require(data.join("test.txt"), "WikiText-2 test split");

    let (vocab, _) = Vocabulary::build_from_file(&valid_path).unwrap();
    let test = vocab.encode_file(&test_path).unwrap();

    assert_eq!(test.len(), 245_569);
    assert_eq!(test.lines(), 4358);
    assert!(
        test.oov_count() > 0,
        "the test split has words the validation split lacks"
    );
    // Python: 15,218 literal <unk> tokens; unseen words add to them.
    assert_eq!(test.unk_count(), 15_218 + test.oov_count());
    let rate = test.unk_rate();
    assert!((rate - test.unk_count() as f64 / 245_569.0).abs() < 1e-12);
}

#[test]
fn mnist_train_split_missing_names_file() {
    // The shared folder holds only the test split, so loading train must name the missing file.
    let dir = shared_datasets().join("mnist-t10k");
    let err = Mnist::load(&dir, Split::Train).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("train-images-idx3-ubyte"), "{message}");
    assert!(message.contains("not found"), "{message}");
}
