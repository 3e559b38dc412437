//! The fused multiply-add peak of this machine: the most floating-point operations per second
//! any GEMM can reach.
//!
//! The measurement runs a loop of independent vector FMAs (enough chains to cover the FMA
//! latency on every port) with the widest instructions the CPU has, on one thread or on several
//! threads at once, and counts two operations per lane per FMA.

use std::time::Instant;

use crate::timing::Clock;

/// Independent accumulator chains: FMA latency (4 cycles) times two FMA ports, with margin.
const CHAINS: usize = 12;

/// Returns the widest FMA instruction set used for the measurement, for the report.
pub fn instruction_set() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            return "avx512f";
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return "avx2+fma";
        }
    }
    "scalar"
}

/// Measures the peak in GFLOP/s for `f32` (`double = false`) or `f64` on `threads` threads
/// running at once; returns the median of `repeats` runs of about `iterations` loop steps.
///
/// With [`Clock::Wall`] the result is all operations over the wall time. With
/// [`Clock::ThreadCpu`] it is the sum over threads of each thread's operations over its own
/// CPU time, which is the rate of cores that are not shared.
pub fn measure_gflops(
    double: bool,
    threads: usize,
    iterations: u64,
    repeats: usize,
    clock: Clock,
) -> f64 {
    let mut results: Vec<f64> = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            let per_thread: Vec<(u64, f64)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads.max(1))
                    .map(|_| scope.spawn(move || timed_fma_loop(double, iterations)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("FMA loop thread panicked"))
                    .collect()
            });
            match clock {
                Clock::Wall => {
                    let flops: u64 = per_thread.iter().map(|&(flops, _)| flops).sum();
                    flops as f64 / start.elapsed().as_secs_f64() / 1e9
                }
                Clock::ThreadCpu => per_thread
                    .iter()
                    .map(|&(flops, seconds)| flops as f64 / seconds / 1e9)
                    .sum(),
            }
        })
        .collect();
    crate::timing::median(&mut results)
}

/// Runs the FMA loop; returns its operations and the CPU seconds of this thread.
fn timed_fma_loop(double: bool, iterations: u64) -> (u64, f64) {
    let mut flops = 0;
    let seconds = Clock::ThreadCpu.seconds(|| flops = fma_loop(double, iterations));
    (flops, seconds)
}

/// Runs the FMA loop on this thread and returns the operations it performed.
fn fma_loop(double: bool, iterations: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            // SAFETY: AVX-512F was detected.
            return unsafe { x86::fma_avx512(double, iterations) };
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: AVX2 and FMA were detected.
            return unsafe { x86::fma_avx2(double, iterations) };
        }
    }
    fma_scalar(iterations)
}

/// Scalar fallback: `CHAINS` independent `mul_add` chains.
fn fma_scalar(iterations: u64) -> u64 {
    let mut acc = [1.0f64; CHAINS];
    for _ in 0..iterations {
        for value in acc.iter_mut() {
            *value = value.mul_add(0.999_999, 1e-7);
        }
    }
    std::hint::black_box(acc);
    iterations * CHAINS as u64 * 2
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::CHAINS;
    use std::arch::x86_64::*;

    /// Defines a loop of `CHAINS` independent vector FMAs; returns the operations done.
    macro_rules! fma_loop {
        ($name:ident, $feature:literal, $vec:ty, $set1:ident, $fma:ident, $lanes:expr, $t:ty) => {
            #[target_feature(enable = $feature)]
            fn $name(iterations: u64) -> u64 {
                let mut acc = [$set1(1.0 as $t); CHAINS];
                let scale = $set1(0.999_999 as $t);
                let shift = $set1(1e-7 as $t);
                for _ in 0..iterations {
                    for value in acc.iter_mut() {
                        *value = $fma(*value, scale, shift);
                    }
                }
                std::hint::black_box(acc);
                iterations * (CHAINS * $lanes * 2) as u64
            }
        };
    }

    fma_loop!(
        avx512_f32,
        "avx512f",
        __m512,
        _mm512_set1_ps,
        _mm512_fmadd_ps,
        16,
        f32
    );
    fma_loop!(
        avx512_f64,
        "avx512f",
        __m512d,
        _mm512_set1_pd,
        _mm512_fmadd_pd,
        8,
        f64
    );
    fma_loop!(
        avx2_f32,
        "avx2,fma",
        __m256,
        _mm256_set1_ps,
        _mm256_fmadd_ps,
        8,
        f32
    );
    fma_loop!(
        avx2_f64,
        "avx2,fma",
        __m256d,
        _mm256_set1_pd,
        _mm256_fmadd_pd,
        4,
        f64
    );

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn fma_avx512(double: bool, iterations: u64) -> u64 {
        if double {
            avx512_f64(iterations)
        } else {
            avx512_f32(iterations)
        }
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn fma_avx2(double: bool, iterations: u64) -> u64 {
        if double {
            avx2_f64(iterations)
        } else {
            avx2_f32(iterations)
        }
    }
}
