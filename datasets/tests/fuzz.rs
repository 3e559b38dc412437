//! Random and truncated bytes fed to every parser: each must return a value or an error, never
//! panic or read out of bounds.

mod common;

use common::write_file;
use datasets::{Cifar10, IdxArray, IdxData, Mnist, Split, Vocabulary};
use proptest::prelude::*;

/// Encodes a valid IDX file of u8 elements with the given dims, element `i` equal to `i % 251`.
fn idx_bytes(dims: &[usize]) -> Vec<u8> {
    let count = dims.iter().product();
    let data = (0..count).map(|i| (i % 251) as u8).collect();
    IdxArray::new(dims.to_vec(), IdxData::U8(data))
        .unwrap()
        .to_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn idx_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = IdxArray::parse(&bytes, "random");
    }

    #[test]
    fn idx_random_header_then_data(
        code in prop::sample::select(vec![0x08u8, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0xff]),
        rank in 0u8..5,
        tail in proptest::collection::vec(any::<u8>(), 0..128),
    ) {
        let mut bytes = vec![0, 0, code, rank];
        bytes.extend(tail);
        if let Ok(array) = IdxArray::parse(&bytes, "header") {
            // Accepted input must round-trip byte for byte.
            prop_assert_eq!(array.to_bytes(), bytes);
        }
    }

    #[test]
    fn idx_truncated_is_an_error(cut in 0usize..(4 + 12 + 2 * 3 * 4)) {
        let bytes = idx_bytes(&[2, 3, 4]);
        prop_assert!(IdxArray::parse(&bytes[..cut], "cut").is_err());
    }

    #[test]
    fn idx_gzip_random_tail(tail in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = vec![0x1f, 0x8b];
        bytes.extend(tail);
        prop_assert!(IdxArray::parse(&bytes, "gz").is_err());
    }

    #[test]
    fn cifar_random_bytes(len in 0usize..(2 * 3073 + 5), fill in any::<u8>()) {
        let bytes = vec![fill; len];
        let result = Cifar10::parse_records(&bytes, "random");
        if len % 3073 != 0 || (len > 0 && fill >= 10) {
            prop_assert!(result.is_err());
        } else {
            prop_assert_eq!(result.unwrap().1.len(), len / 3073);
        }
    }

    #[test]
    fn tokenizer_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok((vocab, stream)) = Vocabulary::build_from_reader(bytes.as_slice(), "random") {
            prop_assert!(stream.ids().iter().all(|&id| (id as usize) < vocab.len()));
            let again = vocab.encode_reader(bytes.as_slice(), "random").unwrap();
            prop_assert_eq!(again, stream);
        }
    }

    #[test]
    fn tokenizer_random_text(text in "[a-c <>\n\t]{0,80}") {
        let lines = text.split_inclusive('\n').count();
        match Vocabulary::build_from_reader(text.as_bytes(), "text") {
            Ok((_, stream)) => prop_assert_eq!(stream.lines(), lines),
            Err(err) => prop_assert!(err.to_string().contains("vocabulary is empty")),
        }
    }
}

proptest! {
    // Each case writes files, so fewer cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mnist_loader_random_files(
        images in proptest::collection::vec(any::<u8>(), 0..48),
        labels in proptest::collection::vec(any::<u8>(), 0..24),
        cut in 0usize..(16 + 2 * 784),
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "t10k-images-idx3-ubyte", &images);
        write_file(dir.path(), "t10k-labels-idx1-ubyte", &labels);
        prop_assert!(Mnist::load(dir.path(), Split::Test).is_err());

        // A valid image file cut short, with valid labels.
        let valid = idx_bytes(&[2, 28, 28]);
        write_file(dir.path(), "t10k-images-idx3-ubyte", &valid[..cut]);
        write_file(dir.path(), "t10k-labels-idx1-ubyte", &[0, 0, 8, 1, 0, 0, 0, 2, 1, 1]);
        prop_assert!(Mnist::load(dir.path(), Split::Test).is_err());
    }
}
