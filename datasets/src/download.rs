//! Download of the standard files into a cache directory (cargo feature `download`, off by
//! default).
//!
//! [`download`] fetches every file of a data set from its usual public mirrors, checks each
//! file's MD5 against the published checksum, unpacks archives, and returns the directory to
//! pass to the data set's loader. Files already in the cache with the right checksum are not
//! fetched again. When no mirror can be reached, the error states that there is no network
//! access and which files to put where by hand.
//!
//! ```no_run
//! use std::path::Path;
//! use datasets::download::{download, RemoteDataset};
//! use datasets::{Mnist, Split};
//!
//! let dir = download(RemoteDataset::Mnist, Path::new("data/mnist"))?;
//! let test = Mnist::load(&dir, Split::Test)?;
//! # Ok::<(), datasets::DatasetError>(())
//! ```

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use md5::{Digest, Md5};

use crate::error::{DatasetError, Result};

/// A file of a data set with its published MD5 checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteFile {
    /// File name, appended to a mirror's base address.
    pub name: &'static str,
    /// Published MD5 checksum, lower-case hexadecimal.
    pub md5: &'static str,
}

/// Archive formats that [`download`] unpacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// A gzip-compressed tar file.
    TarGz,
    /// A zip file.
    Zip,
}

/// The mirrors, files and archive format of a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The data set's name, for messages.
    pub dataset: &'static str,
    /// Base addresses, tried in order; each ends with `/`.
    pub mirrors: &'static [&'static str],
    /// The files to fetch.
    pub files: &'static [RemoteFile],
    /// The archive format, when `files` is one archive to unpack.
    pub archive: Option<Archive>,
    /// Subdirectory of the cache that contains the unpacked files (empty when not an archive).
    pub subdir: &'static str,
}

/// The data sets that [`download`] can fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemoteDataset {
    /// MNIST, four gzip-compressed IDX files.
    Mnist,
    /// Fashion-MNIST, four gzip-compressed IDX files.
    FashionMnist,
    /// CIFAR-10, binary version, one tar.gz archive.
    Cifar10,
    /// WikiText-2, word level, one zip archive.
    WikiText2,
    /// WikiText-103, word level, one zip archive.
    WikiText103,
}

// Checksums as published with each data set and used by torchvision and torchtext.
const MNIST_FILES: &[RemoteFile] = &[
    RemoteFile {
        name: "train-images-idx3-ubyte.gz",
        md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    },
    RemoteFile {
        name: "train-labels-idx1-ubyte.gz",
        md5: "d53e105ee54ea40749a09fcbcd1e9432",
    },
    RemoteFile {
        name: "t10k-images-idx3-ubyte.gz",
        md5: "9fb629c4189551a2d022fa330f9573f3",
    },
    RemoteFile {
        name: "t10k-labels-idx1-ubyte.gz",
        md5: "ec29112dd5afa0611ce80d1b7f02629c",
    },
];
const FASHION_FILES: &[RemoteFile] = &[
    RemoteFile {
        name: "train-images-idx3-ubyte.gz",
        md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    },
    RemoteFile {
        name: "train-labels-idx1-ubyte.gz",
        md5: "25c81989df183df01b3e8a0aad5dffbe",
    },
    RemoteFile {
        name: "t10k-images-idx3-ubyte.gz",
        md5: "bef4ecab320f06d8554ea6380940ec79",
    },
    RemoteFile {
        name: "t10k-labels-idx1-ubyte.gz",
        md5: "bb300cfdad3c16e7a12a480ee83cd310",
    },
];
const CIFAR_FILES: &[RemoteFile] = &[RemoteFile {
    name: "cifar-10-binary.tar.gz",
    md5: "c32a1d4ab5d03f1284b67883e8d87530",
}];
const WIKITEXT2_FILES: &[RemoteFile] = &[RemoteFile {
    name: "wikitext-2-v1.zip",
    md5: "542ccefacc6c27f945fb54453812b3cd",
}];
const WIKITEXT103_FILES: &[RemoteFile] = &[RemoteFile {
    name: "wikitext-103-v1.zip",
    md5: "9ddaacaf6af0710eda8c456decff7832",
}];

impl RemoteDataset {
    /// Returns the mirrors, files and archive format of the data set.
    // NOTE: these mirrors could not be tried from the offline machine this was written on. A
    // mirror that has gone offline costs one failed request before the next one is tried.
    pub fn source(self) -> Source {
        match self {
            RemoteDataset::Mnist => Source {
                dataset: "MNIST",
                mirrors: &[
                    "https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "http://yann.lecun.com/exdb/mnist/",
                ],
                files: MNIST_FILES,
                archive: None,
                subdir: "",
            },
            RemoteDataset::FashionMnist => Source {
                dataset: "Fashion-MNIST",
                mirrors: &[
                    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
                ],
                files: FASHION_FILES,
                archive: None,
                subdir: "",
            },
            RemoteDataset::Cifar10 => Source {
                dataset: "CIFAR-10",
                mirrors: &["https://www.cs.toronto.edu/~kriz/"],
                files: CIFAR_FILES,
                archive: Some(Archive::TarGz),
                subdir: "cifar-10-batches-bin",
            },
            RemoteDataset::WikiText2 => Source {
                dataset: "WikiText-2",
                mirrors: &["https://s3.amazonaws.com/research.metamind.io/wikitext/"],
                files: WIKITEXT2_FILES,
                archive: Some(Archive::Zip),
                subdir: "wikitext-2",
            },
            RemoteDataset::WikiText103 => Source {
                dataset: "WikiText-103",
                mirrors: &["https://s3.amazonaws.com/research.metamind.io/wikitext/"],
                files: WIKITEXT103_FILES,
                archive: Some(Archive::Zip),
                subdir: "wikitext-103",
            },
        }
    }
}

/// Fetches a data set into `cache_dir` and returns the directory to pass to its loader.
///
/// # Errors
/// As [`download_source`].
pub fn download(dataset: RemoteDataset, cache_dir: &Path) -> Result<PathBuf> {
    download_source(&dataset.source(), cache_dir)
}

/// Fetches the files of `source` into `cache_dir`, checks their checksums, unpacks the archive
/// if there is one, and returns the directory that contains the data files.
///
/// # Errors
/// [`DatasetError::NoNetwork`] when no mirror can be reached, [`DatasetError::DownloadFailed`]
/// when a mirror replies with an error, [`DatasetError::ChecksumMismatch`] when the fetched bytes
/// differ from the published ones, [`DatasetError::Archive`] when unpacking fails, and
/// [`DatasetError::Write`] when the cache cannot be written.
pub fn download_source(source: &Source, cache_dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(cache_dir).map_err(|e| write_error(cache_dir, e))?;
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(15))
        .timeout_read(Duration::from_secs(60))
        .build();

    for file in source.files {
        let path = cache_dir.join(file.name);
        if path.is_file() && file_md5(&path)? == file.md5 {
            continue;
        }
        fetch_file(&agent, source, file, cache_dir)?;
    }

    match source.archive {
        None => Ok(cache_dir.to_path_buf()),
        Some(archive) => {
            let target = cache_dir.join(source.subdir);
            if !target.is_dir() {
                let archive_path = cache_dir.join(source.files[0].name);
                unpack(archive, &archive_path, cache_dir)?;
            }
            Ok(target)
        }
    }
}

/// Tries each mirror in turn until one delivers `file` with the right checksum.
fn fetch_file(agent: &ureq::Agent, source: &Source, file: &RemoteFile, dir: &Path) -> Result<()> {
    let mut unreachable = Vec::new();
    let mut last_error = None;

    for mirror in source.mirrors {
        let url = format!("{mirror}{}", file.name);
        match fetch_url(agent, &url, file, dir) {
            Ok(()) => return Ok(()),
            Err(FetchError::Unreachable(reason)) => unreachable.push(format!("{url} ({reason})")),
            Err(FetchError::Failed(err)) => last_error = Some(err),
        }
    }

    if let Some(err) = last_error {
        return Err(err);
    }
    Err(DatasetError::NoNetwork {
        dataset: source.dataset,
        tried: unreachable.join("; "),
        manual: manual_hint(source, dir),
    })
}

/// The reason one mirror did not deliver a file.
enum FetchError {
    /// The host could not be reached (name resolution, connection or TLS failure).
    Unreachable(String),
    /// The host replied, but with an error status, a broken transfer or the wrong bytes.
    Failed(DatasetError),
}

/// Downloads `url` to `dir/file.name`, through a temporary file so that a broken transfer
/// never leaves a file under the final name.
fn fetch_url(
    agent: &ureq::Agent,
    url: &str,
    file: &RemoteFile,
    dir: &Path,
) -> std::result::Result<(), FetchError> {
    let response = match agent.get(url).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(code, _)) => {
            return Err(FetchError::Failed(DatasetError::DownloadFailed {
                url: url.to_string(),
                reason: format!("the server returned HTTP status {code}"),
            }))
        }
        Err(ureq::Error::Transport(transport)) => {
            return Err(FetchError::Unreachable(transport.to_string()))
        }
    };

    let partial = dir.join(format!("{}.part", file.name));
    let found = copy_with_md5(&mut response.into_reader(), &partial).map_err(|err| {
        let _ = fs::remove_file(&partial);
        FetchError::Failed(err.into_download_error(url, &partial))
    })?;
    if found != file.md5 {
        let _ = fs::remove_file(&partial);
        return Err(FetchError::Failed(DatasetError::ChecksumMismatch {
            url: url.to_string(),
            expected: file.md5,
            found,
        }));
    }

    let path = dir.join(file.name);
    fs::rename(&partial, &path).map_err(|e| FetchError::Failed(write_error(&path, e)))
}

/// A failure while streaming a response to disk: reading the network or writing the file.
enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

impl CopyError {
    fn into_download_error(self, url: &str, path: &Path) -> DatasetError {
        match self {
            CopyError::Read(e) => DatasetError::DownloadFailed {
                url: url.to_string(),
                reason: format!("the transfer broke off: {e}"),
            },
            CopyError::Write(e) => write_error(path, e),
        }
    }
}

/// Streams `reader` into a new file at `path` and returns the MD5 of the bytes.
fn copy_with_md5(reader: &mut impl Read, path: &Path) -> std::result::Result<String, CopyError> {
    let mut out = File::create(path).map_err(CopyError::Write)?;
    let mut hasher = Md5::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buffer).map_err(CopyError::Read)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n]).map_err(CopyError::Write)?;
    }
    out.flush().map_err(CopyError::Write)?;
    Ok(to_hex(&hasher.finalize()))
}

/// Returns the MD5 of a file's contents in lower-case hexadecimal.
fn file_md5(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut hasher = Md5::new();
    io::copy(&mut file, &mut hasher).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(to_hex(&hasher.finalize()))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Unpacks an archive into `dir`. Only archives whose MD5 matched the published checksum get
/// here, so their entry paths are the publishers' own.
fn unpack(archive: Archive, path: &Path, dir: &Path) -> Result<()> {
    let file = File::open(path).map_err(|source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let archive_error = |reason: String| DatasetError::Archive {
        path: path.to_path_buf(),
        reason,
    };
    match archive {
        Archive::TarGz => {
            let decoder = flate2::read::GzDecoder::new(file);
            tar::Archive::new(decoder)
                .unpack(dir)
                .map_err(|e| archive_error(e.to_string()))
        }
        Archive::Zip => zip::ZipArchive::new(file)
            .and_then(|mut zip| zip.extract(dir))
            .map_err(|e| archive_error(e.to_string())),
    }
}

/// Builds the manual alternative: which files to fetch and where to put them.
fn manual_hint(source: &Source, dir: &Path) -> String {
    let names: Vec<&str> = source.files.iter().map(|f| f.name).collect();
    let mirror = source.mirrors.first().copied().unwrap_or("");
    let unpack = match source.archive {
        Some(_) => format!(" and unpack it there (it creates {}/)", source.subdir),
        None => String::new(),
    };
    format!(
        "download {} (for example from {mirror}) on a machine with network access, put the files in {}{unpack}",
        names.join(", "),
        dir.display()
    )
}

fn write_error(path: &Path, source: io::Error) -> DatasetError {
    DatasetError::Write {
        path: path.to_path_buf(),
        source,
    }
}
