//! The tokenizer, the vocabulary, the WikiText loader and the language-modelling batches, on
//! small files written by the tests.

mod common;

use common::write_file;
use datasets::{DatasetError, LmBatches, Split, TokenStream, Vocabulary, WikiText};

/// Writes three small splits under the given naming scheme.
fn write_corpus(dir: &std::path::Path, official_names: bool) {
    let name = |split: &str| {
        if official_names {
            format!("wiki.{split}.tokens")
        } else {
            format!("{split}.txt")
        }
    };
    write_file(dir, &name("train"), b" = Title = \n\n the cat sat <unk> \n");
    write_file(dir, &name("valid"), b"the dog sat\n");
    write_file(dir, &name("test"), b"a cat");
}

#[test]
fn eos_after_every_line() {
    let text = " = Title = \n\n the cat sat <unk> \n";
    let (vocab, stream) = Vocabulary::build_from_reader(text.as_bytes(), "train").unwrap();

    // Lines: "= Title =" (3 words), "" (0 words), "the cat sat <unk>" (4 words), + 3 <eos>.
    assert_eq!(stream.len(), 10);
    assert_eq!(stream.lines(), 3);
    let words: Vec<&str> = stream
        .ids()
        .iter()
        .map(|&id| vocab.word(id).unwrap())
        .collect();
    assert_eq!(
        words,
        ["=", "Title", "=", "<eos>", "<eos>", "the", "cat", "sat", "<unk>", "<eos>"]
    );
    // <unk>, <eos>, =, Title, the, cat, sat.
    assert_eq!(vocab.len(), 7);
    assert_eq!(vocab.id("<unk>"), Some(Vocabulary::UNK_ID));
    assert_eq!(vocab.id("="), Some(2));
    assert_eq!(stream.unk_count(), 1);
    assert_eq!(stream.oov_count(), 0);
}

#[test]
fn last_line_without_newline_counts() {
    let (_, stream) = Vocabulary::build_from_reader(&b"a b\nc"[..], "t").unwrap();
    assert_eq!(stream.len(), 5);
    assert_eq!(stream.lines(), 2);
}

#[test]
fn unseen_words_become_unk() {
    let (vocab, _) = Vocabulary::build_from_reader(&b"a b c\n"[..], "train").unwrap();
    let stream = vocab.encode_reader(&b"a x <unk> y\n"[..], "valid").unwrap();

    let unk = Vocabulary::UNK_ID;
    assert_eq!(stream.ids(), &[2, unk, unk, unk, Vocabulary::EOS_ID]);
    assert_eq!(stream.unk_count(), 3);
    assert_eq!(stream.oov_count(), 2);
    assert!((stream.unk_rate() - 3.0 / 5.0).abs() < 1e-12);
}

#[test]
fn empty_vocabulary_is_an_error() {
    for text in ["", "\n\n", "   \n \t \n"] {
        let err = Vocabulary::build_from_reader(text.as_bytes(), "wiki.train.tokens").unwrap_err();
        assert!(
            matches!(err, DatasetError::EmptyVocabulary { .. }),
            "{text:?}: {err}"
        );
        assert!(err.to_string().contains("wiki.train.tokens"));
    }
}

#[test]
fn invalid_utf8_names_the_line() {
    let err = Vocabulary::build_from_reader(&b"fine\nbad \xff byte\n"[..], "t").unwrap_err();
    assert!(
        matches!(err, DatasetError::InvalidUtf8 { line: 2, .. }),
        "{err}"
    );
}

#[test]
fn load_both_naming_schemes() {
    for official in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        write_corpus(dir.path(), official);

        let corpus = WikiText::load(dir.path()).unwrap();

        assert_eq!(corpus.vocab().len(), 7);
        assert_eq!(corpus.split(Split::Train).len(), 10);
        // "the dog sat" + <eos>: dog is unseen.
        let valid = corpus.split(Split::Valid);
        assert_eq!(valid.len(), 4);
        assert_eq!(valid.oov_count(), 1);
        // "a cat" + <eos>: a is unseen.
        assert_eq!(corpus.split(Split::Test).unk_count(), 1);
    }
}

#[test]
fn missing_split_names_both_names() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "train.txt", b"a b\n");
    let message = WikiText::load(dir.path()).unwrap_err().to_string();
    assert!(message.contains("wiki.valid.tokens"), "{message}");
    assert!(message.contains("valid.txt"), "{message}");
}

#[test]
fn lm_batches_follow_columns() {
    // The example of the lm_batch module: tokens 0..13, batch 2, bptt 2.
    let stream = TokenStream::from_ids((0..13).collect());
    let batches: Vec<_> = LmBatches::new(&stream, 2, 2).unwrap().collect();

    assert_eq!(batches.len(), 3);
    assert_eq!(batches[0].inputs, vec![0, 1, 6, 7]);
    assert_eq!(batches[0].targets, vec![1, 2, 7, 8]);
    assert_eq!(batches[1].inputs, vec![2, 3, 8, 9]);
    assert_eq!(batches[1].targets, vec![3, 4, 9, 10]);
    assert_eq!(batches[2].seq_len, 1);
    assert_eq!(batches[2].inputs, vec![4, 10]);
    assert_eq!(batches[2].targets, vec![5, 11]);
    assert_eq!(batches[1].inputs_tensor().shape(), &[2, 2]);
    assert_eq!(
        batches[1].inputs_tensor().to_vec(),
        vec![2.0, 3.0, 8.0, 9.0]
    );
}

#[test]
fn lm_batches_cover_every_column_once() {
    // Token i has id i, so each row's inputs must be a run of consecutive ids.
    let stream = TokenStream::from_ids((0..1000).collect());
    let batches = LmBatches::new(&stream, 7, 35).unwrap();
    let column_len = batches.column_len();
    assert_eq!(column_len, 142); // floor(1000 / 7)
    assert_eq!(batches.len(), 5); // ceil(141 / 35)

    let mut rows = vec![Vec::new(); 7];
    for batch in batches {
        assert_eq!(batch.inputs.len(), 7 * batch.seq_len);
        for (input, target) in batch.inputs.iter().zip(&batch.targets) {
            assert_eq!(*target, input + 1);
        }
        for (row, chunk) in rows.iter_mut().zip(batch.inputs.chunks(batch.seq_len)) {
            row.extend_from_slice(chunk);
        }
    }
    for (r, row) in rows.iter().enumerate() {
        let expected: Vec<usize> = (r * column_len..(r + 1) * column_len - 1).collect();
        assert_eq!(row, &expected, "row {r}");
    }
}

#[test]
fn lm_batches_reject_bad_sizes() {
    let stream = TokenStream::from_ids(vec![1, 2, 3]);
    assert!(LmBatches::new(&stream, 0, 4).is_err());
    assert!(LmBatches::new(&stream, 1, 0).is_err());
    assert!(LmBatches::new(&stream, 2, 4).is_err()); // 1 token per row
    assert!(LmBatches::new(&stream, 1, 4).is_ok());
}

#[test]
fn token_stream_limit() {
    let stream = TokenStream::from_ids(vec![2, 0, 1, 3, 0, 1]);
    let kept = stream.limit(3);
    assert_eq!(kept.ids(), &[2, 0, 1]);
    assert_eq!(kept.unk_count(), 1);
    assert_eq!(kept.lines(), 1);
    assert_eq!(stream.limit(100), stream);
}
