//! Counters of the copies between host memory and OpenCL devices, so tests and benchmarks can
//! check that a chain of device operations stays on the device.
//!
//! The counters are global (one set per process) and count tensor data only: the small shape
//! and stride arguments of kernels are not transfers. Index lists that `index_select`,
//! `gather` and `scatter_add` send to the device are counted as uploads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

static UPLOADS: AtomicU64 = AtomicU64::new(0);
static DOWNLOADS: AtomicU64 = AtomicU64::new(0);
static BYTES_UP: AtomicU64 = AtomicU64::new(0);
static BYTES_DOWN: AtomicU64 = AtomicU64::new(0);
/// How often each operation ran on host copies of device inputs, by operation name.
static HOST_FALLBACKS: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// Copies between host and devices since the start of the process or the last
/// [`reset_transfer_stats`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransferStats {
    /// Number of host-to-device copies.
    pub uploads: u64,
    /// Number of device-to-host copies.
    pub downloads: u64,
    /// Bytes copied from host to device.
    pub bytes_up: u64,
    /// Bytes copied from device to host.
    pub bytes_down: u64,
}

/// Returns the current counters.
///
/// The counters are shared by every thread, so a test that asserts on them must not run device
/// operations on other threads at the same time.
pub fn transfer_stats() -> TransferStats {
    TransferStats {
        uploads: UPLOADS.load(Ordering::Relaxed),
        downloads: DOWNLOADS.load(Ordering::Relaxed),
        bytes_up: BYTES_UP.load(Ordering::Relaxed),
        bytes_down: BYTES_DOWN.load(Ordering::Relaxed),
    }
}

/// Returns how often each operation without a usable kernel ran on host copies of device
/// inputs, as `(operation, count)` pairs sorted by name, since the start of the process or the
/// last [`reset_transfer_stats`].
///
/// This is the place to look when [`transfer_stats`] shows copies inside a chain of device
/// operations: every entry downloaded its inputs and uploaded its result.
pub fn host_fallbacks() -> Vec<(&'static str, u64)> {
    let counts = HOST_FALLBACKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    counts.iter().map(|(&op, &count)| (op, count)).collect()
}

/// Sets every counter back to 0, the host fallbacks included.
pub fn reset_transfer_stats() {
    for counter in [&UPLOADS, &DOWNLOADS, &BYTES_UP, &BYTES_DOWN] {
        counter.store(0, Ordering::Relaxed);
    }
    HOST_FALLBACKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clear();
}

/// Records that `op` ran on host copies of device inputs.
pub(crate) fn count_host_fallback(op: &'static str) {
    let mut counts = HOST_FALLBACKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *counts.entry(op).or_insert(0) += 1;
}

/// Records one upload of `bytes` bytes.
pub(crate) fn count_upload(bytes: usize) {
    UPLOADS.fetch_add(1, Ordering::Relaxed);
    BYTES_UP.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// Records one download of `bytes` bytes.
pub(crate) fn count_download(bytes: usize) {
    DOWNLOADS.fetch_add(1, Ordering::Relaxed);
    BYTES_DOWN.fetch_add(bytes as u64, Ordering::Relaxed);
}
