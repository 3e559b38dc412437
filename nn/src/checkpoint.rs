//! Checkpoints in the safetensors format, readable by PyTorch, candle and the Python
//! `safetensors` package.
//!
//! # File layout
//!
//! ```text
//! [8 bytes]  N, the header length, as a little-endian u64
//! [N bytes]  JSON header, padded with spaces to a multiple of 8 bytes:
//!            { "__metadata__": { "lr": "0.001", ... },
//!              "encoder.weight": { "dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48] }, ... }
//! [rest]     raw little-endian tensor data; offsets are relative to the end of the header
//! ```
//!
//! Tensors are written in name order, back to back, so the offsets cover the data without gaps
//! (the Python reader checks that). The scalars of a [`StateDict`] (learning rate, step counts,
//! epoch) go into `__metadata__` as decimal text that parses back to the same `f64`.
//!
//! [`save_safetensors`] writes to a temporary file in the same folder and renames it over the
//! target, so a crash or an error mid-write leaves any existing checkpoint intact.
//! [`load_safetensors`] validates the whole file before returning anything.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};
use tensor::{DType, Element, Tensor};

use crate::{Module, ModuleExt, NnError, Optimizer, Result, StateDict};

/// Largest header accepted on load, as in the reference implementation (100 MB); a larger value
/// means a corrupt length field.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Returns the safetensors name of an element type.
fn dtype_tag(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "F32",
        DType::F64 => "F64",
    }
}

/// Appends the little-endian bytes of every element of `tensor` to `out`.
fn push_le_bytes<T: Element>(tensor: &Tensor<T>, out: &mut Vec<u8>) {
    match T::DTYPE {
        DType::F32 => tensor
            .iter()
            .for_each(|v| out.extend_from_slice(&(v.to_f64() as f32).to_le_bytes())),
        DType::F64 => tensor
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_f64().to_le_bytes())),
    }
}

/// Decodes little-endian bytes of type `T` (whose length was checked by the caller).
fn read_le_values<T: Element>(bytes: &[u8]) -> Vec<T> {
    match T::DTYPE {
        DType::F32 => bytes
            .chunks_exact(4)
            .map(|c| T::from_f64(f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64))
            .collect(),
        DType::F64 => bytes
            .chunks_exact(8)
            .map(|c| {
                T::from_f64(f64::from_le_bytes(
                    c.try_into().expect("chunks_exact(8) yields 8 bytes"),
                ))
            })
            .collect(),
    }
}

/// Writes `state` to `path` in the safetensors format (see the module doc).
///
/// # Errors
/// [`NnError::Io`] when the temporary file cannot be written or renamed; an existing file at
/// `path` is unchanged then. [`NnError::InvalidArgument`] for a tensor named `__metadata__`.
pub fn save_safetensors<T: Element>(path: impl AsRef<Path>, state: &StateDict<T>) -> Result<()> {
    let path = path.as_ref();
    if state.tensors.contains_key("__metadata__") {
        return Err(NnError::invalid(
            "save_safetensors",
            "`__metadata__` is reserved and cannot name a tensor",
        ));
    }

    // Header and data, tensors in name order (BTreeMap order), back to back.
    let mut header = Map::new();
    let metadata: Map<String, Value> = state
        .scalars
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(format!("{v:?}"))))
        .collect();
    header.insert("__metadata__".into(), Value::Object(metadata));
    let mut data = Vec::new();
    for (name, tensor) in &state.tensors {
        let begin = data.len();
        push_le_bytes(tensor, &mut data);
        let entry = json!({ "dtype": dtype_tag(T::DTYPE), "shape": tensor.shape(), "data_offsets": [begin, data.len()] });
        header.insert(name.clone(), entry);
    }
    let mut header_bytes = serde_json::to_vec(&Value::Object(header))
        .expect("a JSON map of strings and numbers always serialises");
    while !header_bytes.len().is_multiple_of(8) {
        header_bytes.push(b' ');
    }

    let io_error = |source| NnError::Io {
        op: "save_safetensors",
        path: path.to_path_buf(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(&(header_bytes.len() as u64).to_le_bytes())?;
        file.write_all(&header_bytes)?;
        file.write_all(&data)?;
        file.sync_all()
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&temp);
        return Err(io_error(e));
    }
    fs::rename(&temp, path).map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(e)
    })
}

/// Reads a safetensors file whose tensors all have element type `T`.
///
/// Metadata values that parse as numbers become scalars; other metadata (such as the
/// `"format": "pt"` entry PyTorch writes) is ignored.
///
/// # Errors
/// [`NnError::Io`] when the file cannot be read; [`NnError::CorruptCheckpoint`] when its length
/// field, header or offsets are invalid; [`NnError::CheckpointMismatch`] listing every tensor
/// whose element type is not `T`.
pub fn load_safetensors<T: Element>(path: impl AsRef<Path>) -> Result<StateDict<T>> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|source| NnError::Io {
        op: "load_safetensors",
        path: path.to_path_buf(),
        source,
    })?;
    let corrupt = |message: String| NnError::CorruptCheckpoint {
        op: "load_safetensors",
        path: path.to_path_buf(),
        message,
    };

    // Length field and header.
    if bytes.len() < 8 {
        return Err(corrupt(format!(
            "the file has {} bytes, fewer than the 8-byte length field",
            bytes.len()
        )));
    }
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("the slice has 8 bytes"));
    if header_len > MAX_HEADER_BYTES || header_len > (bytes.len() - 8) as u64 {
        return Err(corrupt(format!(
            "the header length field says {header_len} bytes but the file has {} bytes after it",
            bytes.len() - 8
        )));
    }
    let header_end = 8 + header_len as usize;
    let header: Map<String, Value> = match serde_json::from_slice(&bytes[8..header_end]) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(corrupt("the header is not a JSON object".into())),
        Err(e) => return Err(corrupt(format!("the header is not valid JSON: {e}"))),
    };
    let data = &bytes[header_end..];

    let mut state = StateDict::new();
    let mut mismatches = Vec::new();
    let mut spans = Vec::new();
    for (name, entry) in &header {
        if name == "__metadata__" {
            read_metadata(entry, &mut state).map_err(corrupt)?;
            continue;
        }
        let info = parse_entry(name, entry, data.len()).map_err(corrupt)?;
        spans.push((info.begin, info.end, name.clone()));
        if info.dtype != dtype_tag(T::DTYPE) {
            mismatches.push(format!(
                "tensor `{name}` has dtype {} but {} was requested",
                info.dtype,
                dtype_tag(T::DTYPE)
            ));
            continue;
        }
        let values = read_le_values::<T>(&data[info.begin..info.end]);
        state
            .tensors
            .insert(name.clone(), Tensor::from_vec(values, &info.shape)?);
    }
    check_coverage(&mut spans, data.len()).map_err(corrupt)?;

    if mismatches.is_empty() {
        Ok(state)
    } else {
        Err(NnError::CheckpointMismatch {
            op: "load_safetensors",
            mismatches,
        })
    }
}

/// Copies the numeric metadata entries into the scalars of `state`.
fn read_metadata<T: Element>(
    entry: &Value,
    state: &mut StateDict<T>,
) -> std::result::Result<(), String> {
    let Value::Object(map) = entry else {
        return Err("`__metadata__` is not a JSON object".into());
    };
    for (key, value) in map {
        let Value::String(text) = value else {
            return Err(format!("metadata `{key}` is not a string"));
        };
        if let Ok(number) = text.parse::<f64>() {
            state.scalars.insert(key.clone(), number);
        }
    }
    Ok(())
}

/// One validated header entry.
struct EntryInfo {
    dtype: String,
    shape: Vec<usize>,
    begin: usize,
    end: usize,
}

/// Validates one tensor entry of the header against the data length.
fn parse_entry(
    name: &str,
    entry: &Value,
    data_len: usize,
) -> std::result::Result<EntryInfo, String> {
    let dtype = entry
        .get("dtype")
        .and_then(Value::as_str)
        .ok_or(format!("tensor `{name}` has no string `dtype`"))?;
    let as_usizes = |key: &str| -> Option<Vec<usize>> {
        entry
            .get(key)?
            .as_array()?
            .iter()
            .map(|v| v.as_u64().map(|x| x as usize))
            .collect()
    };
    let shape = as_usizes("shape").ok_or(format!("tensor `{name}` has no valid `shape`"))?;
    let offsets =
        as_usizes("data_offsets").ok_or(format!("tensor `{name}` has no valid `data_offsets`"))?;
    let [begin, end] = offsets[..] else {
        return Err(format!(
            "tensor `{name}`: `data_offsets` must have 2 entries, got {offsets:?}"
        ));
    };
    if begin > end || end > data_len {
        return Err(format!(
            "tensor `{name}`: data_offsets [{begin}, {end}] fall outside the {data_len} data bytes"
        ));
    }

    let element_size = match dtype {
        "F32" => 4,
        "F64" => 8,
        // Valid safetensors types this crate does not compute in: reported as a dtype mismatch.
        "F16" | "BF16" | "F8_E4M3" | "F8_E5M2" | "I64" | "U64" | "I32" | "U32" | "I16" | "U16"
        | "I8" | "U8" | "BOOL" => 0,
        other => return Err(format!("tensor `{name}` has unknown dtype `{other}`")),
    };
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or(format!("tensor `{name}`: shape {shape:?} overflows"))?;
    if element_size != 0 && count.checked_mul(element_size) != Some(end - begin) {
        return Err(format!(
            "tensor `{name}`: shape {shape:?} of {dtype} needs {} bytes but data_offsets [{begin}, {end}] give {}",
            count.saturating_mul(element_size),
            end - begin
        ));
    }
    Ok(EntryInfo {
        dtype: dtype.to_string(),
        shape,
        begin,
        end,
    })
}

/// Checks that the tensors' byte ranges tile the data section without gaps or overlaps.
fn check_coverage(
    spans: &mut [(usize, usize, String)],
    data_len: usize,
) -> std::result::Result<(), String> {
    spans.sort();
    let mut position = 0;
    for (begin, end, name) in spans.iter() {
        if *begin != position {
            return Err(format!(
                "tensor `{name}` starts at byte {begin} but the previous one ends at {position}"
            ));
        }
        position = *end;
    }
    if position != data_len {
        return Err(format!(
            "the tensors cover {position} bytes but the data section has {data_len}"
        ));
    }
    Ok(())
}

/// Saves a model, its optimizer and training metadata (epoch, step, schedule state, ...) in
/// one safetensors file: parameters under `model.`, optimizer state under `optim.`, metadata
/// scalars under `meta.`.
///
/// # Errors
/// As [`save_safetensors`].
pub fn save_checkpoint<T, M, O>(
    path: impl AsRef<Path>,
    model: &M,
    optimizer: &O,
    metadata: &BTreeMap<String, f64>,
) -> Result<()>
where
    T: Element,
    M: Module<T> + ?Sized,
    O: Optimizer<T> + ?Sized,
{
    let mut state = StateDict::new();
    state.insert_prefixed("model.", model.state_dict());
    state.insert_prefixed("optim.", optimizer.state_dict());
    let meta = StateDict {
        tensors: BTreeMap::new(),
        scalars: metadata.clone(),
    };
    state.insert_prefixed("meta.", meta);
    save_safetensors(path, &state)
}

/// Restores a model and its optimizer from a file written by [`save_checkpoint`] and returns
/// the metadata scalars.
///
/// # Errors
/// As [`load_safetensors`], plus [`NnError::CheckpointMismatch`] listing every parameter or
/// optimizer entry that is missing, unexpected or has another shape. Model and optimizer are
/// both unchanged on error.
pub fn load_checkpoint<T, M, O>(
    path: impl AsRef<Path>,
    model: &mut M,
    optimizer: &mut O,
) -> Result<BTreeMap<String, f64>>
where
    T: Element,
    M: Module<T> + ?Sized,
    O: Optimizer<T> + ?Sized,
{
    let state: StateDict<T> = load_safetensors(path)?;
    let before = model.state_dict();
    model.load_state_dict(&state.sub_dict("model."))?;
    if let Err(e) = optimizer.load_state_dict(&state.sub_dict("optim.")) {
        model
            .load_state_dict(&before)
            .expect("the model's own state dict always matches it");
        return Err(e);
    }
    Ok(state.sub_dict("meta.").scalars)
}
