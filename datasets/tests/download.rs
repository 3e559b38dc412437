//! The `download` feature against a small HTTP server on the loopback interface: fetching,
//! checksum checks, the cache, unpacking, and the message when no mirror can be reached.

#![cfg(feature = "download")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use datasets::download::{download_source, Archive, RemoteFile, Source};
use datasets::{DatasetError, IdxArray, IdxData, Mnist, Split};
use md5::{Digest, Md5};

/// Serves `files` over HTTP/1.1 on 127.0.0.1 until the test ends; unknown paths get a 404.
/// Returns the base address and a counter of requests served.
fn serve(files: HashMap<String, Vec<u8>>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            // Skip the headers up to the blank line.
            let mut header = String::new();
            while reader.read_line(&mut header).unwrap() > 2 {
                header.clear();
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("/");
            let reply = match files.get(path.trim_start_matches('/')) {
                Some(body) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    [head.into_bytes(), body.clone()].concat()
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&reply);
        }
    });
    (base, requests)
}

fn md5_hex(bytes: &[u8]) -> &'static str {
    let digest = Md5::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Box::leak(hex.into_boxed_str())
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Builds a two-image MNIST test split as gzip-compressed IDX bytes.
fn mnist_test_files() -> HashMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let images = IdxArray::new(vec![2, 28, 28], IdxData::U8(vec![7; 2 * 784])).unwrap();
    let labels = IdxArray::new(vec![2], IdxData::U8(vec![3, 9])).unwrap();
    images.write(&dir.path().join("i.gz"), true).unwrap();
    labels.write(&dir.path().join("l.gz"), true).unwrap();
    HashMap::from([
        (
            "t10k-images-idx3-ubyte.gz".to_string(),
            std::fs::read(dir.path().join("i.gz")).unwrap(),
        ),
        (
            "t10k-labels-idx1-ubyte.gz".to_string(),
            std::fs::read(dir.path().join("l.gz")).unwrap(),
        ),
    ])
}

fn source_for(files: &HashMap<String, Vec<u8>>, mirrors: Vec<String>) -> Source {
    let mut remote: Vec<RemoteFile> = files
        .iter()
        .map(|(name, bytes)| RemoteFile {
            name: Box::leak(name.clone().into_boxed_str()),
            md5: md5_hex(bytes),
        })
        .collect();
    remote.sort_by_key(|f| f.name);
    let mirrors: Vec<&'static str> = mirrors
        .into_iter()
        .map(|m| &*Box::leak(m.into_boxed_str()))
        .collect();
    Source {
        dataset: "MNIST",
        mirrors: leak(mirrors).as_slice(),
        files: leak(remote).as_slice(),
        archive: None,
        subdir: "",
    }
}

#[test]
fn fetches_and_loads_files() {
    let files = mnist_test_files();
    let (base, requests) = serve(files.clone());
    let cache = tempfile::tempdir().unwrap();
    let source = source_for(&files, vec![base]);

    let dir = download_source(&source, cache.path()).unwrap();
    let test = Mnist::load(&dir, Split::Test).unwrap();
    assert_eq!(test.labels(), &[3, 9]);
    assert_eq!(requests.load(Ordering::SeqCst), 2);

    // A second call finds both files in the cache with the right checksum.
    download_source(&source, cache.path()).unwrap();
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

#[test]
fn falls_back_to_next_mirror() {
    let files = mnist_test_files();
    let (empty_base, _) = serve(HashMap::new());
    let (base, _) = serve(files.clone());
    let cache = tempfile::tempdir().unwrap();
    let source = source_for(&files, vec![empty_base, base]);

    let dir = download_source(&source, cache.path()).unwrap();
    assert_eq!(Mnist::load(&dir, Split::Test).unwrap().len(), 2);
}

#[test]
fn checksum_mismatch_is_an_error() {
    let files = mnist_test_files();
    let mut corrupt = files.clone();
    corrupt.get_mut("t10k-labels-idx1-ubyte.gz").unwrap()[12] ^= 0xff;
    let (base, _) = serve(corrupt);
    let cache = tempfile::tempdir().unwrap();

    let err = download_source(&source_for(&files, vec![base]), cache.path()).unwrap_err();
    assert!(
        matches!(err, DatasetError::ChecksumMismatch { .. }),
        "{err}"
    );
    assert!(!cache.path().join("t10k-labels-idx1-ubyte.gz").exists());
    assert!(!cache.path().join("t10k-labels-idx1-ubyte.gz.part").exists());
}

#[test]
fn http_error_status_is_reported() {
    let files = mnist_test_files();
    let (base, _) = serve(HashMap::new());
    let cache = tempfile::tempdir().unwrap();

    let err = download_source(&source_for(&files, vec![base]), cache.path()).unwrap_err();
    assert!(err.to_string().contains("HTTP status 404"), "{err}");
}

#[test]
fn unreachable_mirror_says_no_network() {
    // Bind and release a port, so that nothing listens on it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let files = mnist_test_files();
    let cache = tempfile::tempdir().unwrap();
    let source = source_for(&files, vec![format!("http://127.0.0.1:{port}/")]);

    let err = download_source(&source, cache.path()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DatasetError::NoNetwork { .. }), "{message}");
    assert!(message.contains("no network access"), "{message}");
    assert!(message.contains("t10k-images-idx3-ubyte.gz"), "{message}");
    assert!(
        message.contains(&cache.path().display().to_string()),
        "{message}"
    );
}

#[test]
fn tar_archive_is_unpacked() {
    // A tar.gz holding cifar-10-batches-bin/test_batch.bin with one record.
    let mut record = vec![4u8];
    record.extend(vec![0u8; 3072]);
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(record.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(
            &mut header,
            "cifar-10-batches-bin/test_batch.bin",
            record.as_slice(),
        )
        .unwrap();
    let tar_bytes = builder.into_inner().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&tar_bytes).unwrap();
    let archive = encoder.finish().unwrap();

    let files = HashMap::from([("cifar-10-binary.tar.gz".to_string(), archive)]);
    let (base, _) = serve(files.clone());
    let cache = tempfile::tempdir().unwrap();
    let mut source = source_for(&files, vec![base]);
    source.archive = Some(Archive::TarGz);
    source.subdir = "cifar-10-batches-bin";

    let dir = download_source(&source, cache.path()).unwrap();
    assert_eq!(dir, cache.path().join("cifar-10-batches-bin"));
    let test = datasets::Cifar10::load(cache.path(), Split::Test).unwrap();
    assert_eq!(test.labels(), &[4]);
}

#[test]
fn zip_archive_is_unpacked() {
    // A zip holding wikitext-2/wiki.{train,valid,test}.tokens, stored uncompressed.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (split, text) in [("train", "a b c\n"), ("valid", "a b\n"), ("test", "c d\n")] {
        writer
            .start_file(format!("wikitext-2/wiki.{split}.tokens"), options)
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    let archive = writer.finish().unwrap().into_inner();

    let files = HashMap::from([("wikitext-2-v1.zip".to_string(), archive)]);
    let (base, _) = serve(files.clone());
    let cache = tempfile::tempdir().unwrap();
    let mut source = source_for(&files, vec![base]);
    source.archive = Some(Archive::Zip);
    source.subdir = "wikitext-2";

    let dir = download_source(&source, cache.path()).unwrap();
    let corpus = datasets::WikiText::load(&dir).unwrap();
    assert_eq!(corpus.split(Split::Train).len(), 4);
    assert_eq!(corpus.split(Split::Test).oov_count(), 1); // "d" is unseen
}
