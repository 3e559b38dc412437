//! Safetensors checkpoints: round trip, interoperability with the Python `safetensors` package,
//! corrupt files and atomic saves.

use std::path::PathBuf;

use nn::{load_safetensors, save_safetensors, NnError, StateDict};
use tensor::Tensor;

/// Returns a path in cargo's temp folder for integration tests.
fn temp_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Builds the state of the round-trip test. `tests/reference/safetensors_interop.py read`
/// checks the same names and values from Python.
fn sample_state() -> StateDict<f32> {
    let mut state = StateDict::new();
    // [[1, 2, 3], [4, 5, 6]] / 8, exact in binary.
    let weight = Tensor::from_vec(vec![0.125, 0.25, 0.375, 0.5, 0.625, 0.75], &[2, 3]).unwrap();
    state.tensors.insert("layer.weight".into(), weight);
    state.tensors.insert(
        "layer.bias".into(),
        Tensor::from_vec(vec![0.1, -0.2], &[2]).unwrap(),
    );
    state.scalars.insert("lr".into(), 0.001);
    state.scalars.insert("epoch".into(), 7.0);
    state
}

#[test]
fn round_trip_keeps_names_shapes_values_and_scalars() {
    let path = temp_path("nn_round_trip.safetensors");
    let state = sample_state();
    save_safetensors(&path, &state).unwrap();

    let loaded: StateDict<f32> = load_safetensors(&path).unwrap();
    assert_eq!(loaded.tensors.len(), 2);
    for (name, tensor) in &state.tensors {
        assert_eq!(loaded.tensors[name].shape(), tensor.shape(), "{name}");
        assert_eq!(loaded.tensors[name].to_vec(), tensor.to_vec(), "{name}");
    }
    assert_eq!(loaded.scalars, state.scalars);
}

#[test]
fn scalars_survive_bit_for_bit() {
    let path = temp_path("nn_scalars.safetensors");
    let mut state = StateDict::<f64>::new();
    for (i, v) in [0.1 + 0.2, 1e-300, f64::INFINITY, -0.0, 123456789.12345679]
        .iter()
        .enumerate()
    {
        state.scalars.insert(format!("s{i}"), *v);
    }
    save_safetensors(&path, &state).unwrap();
    let loaded: StateDict<f64> = load_safetensors(&path).unwrap();
    for (name, v) in &state.scalars {
        assert_eq!(loaded.scalars[name].to_bits(), v.to_bits(), "{name}");
    }
}

#[test]
fn header_is_padded_and_offsets_are_contiguous() {
    let path = temp_path("nn_layout.safetensors");
    save_safetensors(&path, &sample_state()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(header_len % 8, 0);
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    // Name order: layer.bias (2 floats = 8 bytes) first, then layer.weight (24 bytes).
    assert!(
        header.contains(r#""layer.bias":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}"#),
        "{header}"
    );
    assert!(header.contains(r#""data_offsets":[8,32]"#), "{header}");
    assert_eq!(bytes.len(), 8 + header_len + 32);
}

#[test]
fn loads_file_written_by_python() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/python_written.safetensors");
    let loaded: StateDict<f32> = load_safetensors(&path).unwrap();
    let weight = &loaded.tensors["encoder.weight"];
    assert_eq!(weight.shape(), &[2, 3]);
    assert_eq!(weight.to_vec(), vec![0.0, 0.25, 0.5, 0.75, 1.0, 1.25]);
    assert_eq!(loaded.tensors["encoder.bias"].to_vec(), vec![-1.5, 2.25]);
    assert_eq!(loaded.scalars["epoch"], 3.0);
    // Non-numeric metadata ("format": "np") is ignored.
    assert_eq!(loaded.scalars.len(), 1);
}

#[test]
fn wrong_dtype_lists_every_tensor() {
    let path = temp_path("nn_dtype.safetensors");
    save_safetensors(&path, &sample_state()).unwrap();
    let err = load_safetensors::<f64>(&path).unwrap_err();
    let NnError::CheckpointMismatch { mismatches, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(mismatches.len(), 2, "{err}");
    assert!(
        err.to_string()
            .contains("`layer.weight` has dtype F32 but F64"),
        "{err}"
    );
}

/// Writes `bytes` to a fresh file and returns the load error.
fn load_error(name: &str, bytes: &[u8]) -> String {
    let path = temp_path(name);
    std::fs::write(&path, bytes).unwrap();
    let err = load_safetensors::<f32>(&path).unwrap_err();
    assert!(matches!(err, NnError::CorruptCheckpoint { .. }), "{err}");
    err.to_string()
}

#[test]
fn corrupt_files_give_clear_errors() {
    let path = temp_path("nn_good.safetensors");
    save_safetensors(&path, &sample_state()).unwrap();
    let good = std::fs::read(&path).unwrap();

    let short = load_error("nn_short.safetensors", &good[..5]);
    assert!(
        short.contains("fewer than the 8-byte length field"),
        "{short}"
    );

    let truncated = load_error("nn_truncated.safetensors", &good[..good.len() - 4]);
    assert!(
        truncated.contains("fall outside the 28 data bytes"),
        "{truncated}"
    );

    let mut huge = good.clone();
    huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    let huge = load_error("nn_huge.safetensors", &huge);
    assert!(huge.contains("header length field"), "{huge}");

    let mut garbage = good.clone();
    garbage[8] = b'#';
    let garbage = load_error("nn_garbage.safetensors", &garbage);
    assert!(garbage.contains("not valid JSON"), "{garbage}");
}

#[test]
fn gap_between_tensors_is_rejected() {
    let header = br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&[0u8; 12]);
    let message = load_error("nn_gap.safetensors", &bytes);
    assert!(
        message.contains("tensor `b` starts at byte 8 but the previous one ends at 4"),
        "{message}"
    );
}

#[test]
fn offsets_outside_data_are_rejected() {
    let header = br#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&[0u8; 8]);
    let message = load_error("nn_offsets.safetensors", &bytes);
    assert!(message.contains("outside the 8 data bytes"), "{message}");
}

#[test]
fn failed_save_leaves_existing_file_untouched() {
    let path = temp_path("nn_existing.safetensors");
    save_safetensors(&path, &sample_state()).unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut bad = StateDict::<f32>::new();
    bad.tensors
        .insert("__metadata__".into(), Tensor::zeros(&[1]));
    assert!(save_safetensors(&path, &bad).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A save into a missing folder fails with the path in the message and writes nothing.
    let missing = temp_path("no_such_folder/x.safetensors");
    let err = save_safetensors(&missing, &sample_state()).unwrap_err();
    assert!(matches!(err, NnError::Io { .. }));
    assert!(err.to_string().contains("no_such_folder"), "{err}");
}
