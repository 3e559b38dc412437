//! Keeping worker threads awake between the small parallel operations of a training step.
//!
//! Operations split their work over rayon's worker threads. A worker that finds no work spins
//! briefly (an estimate: tens of microseconds) and then sleeps. The next operation has to wake
//! it, which on a virtual machine costs tens to hundreds of microseconds, because it takes a
//! system call and an interrupt to the sleeping core. A training step of a recurrent network runs hundreds of products that each
//! take 10-200 microseconds, with serial work in between, so the workers fall asleep between
//! almost every pair of them and waking them costs more than the split saves.
//!
//! [`with_spinning_workers`] runs a closure while the other workers of the pool wait actively:
//! each one loops, taking any work that appears at once, as OpenMP runtimes do by default.
//! Between checks a worker calls `std::thread::yield_now`, which hands the core to any other
//! runnable process and returns at once when there is none, so a busy machine loses little.
//! (Pure spinning measured 2x slower than yield-and-check when another process competed for
//! the cores, and no faster on an idle machine.) While it runs, [`workers_spinning`] returns
//! true and the GEMM splits much smaller products over threads (see
//! [`crate::matmul::PARALLEL_MIN_MULADDS`]).
//!
//! The price is CPU time: a waiting worker keeps its core busy even when there is nothing to
//! do. A worker that has found no work for [`SPIN_BEFORE_BACKOFF`] sleeps in short naps instead,
//! so long serial phases (loading data, writing files) do not burn a core. Set the environment
//! variable `TENSOR_SPIN_WAIT=0` to turn the active wait off.
//!
//! ```
//! let c = tensor::threads::with_spinning_workers(|| {
//!     let a = tensor::Tensor::<f32>::ones(&[64, 64]);
//!     a.matmul(&a)
//! })
//! .unwrap();
//! assert_eq!(c.shape(), &[64, 64]);
//! ```

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a spinning worker keeps spinning after its last piece of work before it starts to
/// nap between checks.
pub const SPIN_BEFORE_BACKOFF: Duration = Duration::from_millis(2);

/// Length of one nap of a worker that has been idle for [`SPIN_BEFORE_BACKOFF`].
const NAP: Duration = Duration::from_micros(50);

/// True while a [`with_spinning_workers`] call is running anywhere in the process.
static SPINNING: AtomicBool = AtomicBool::new(false);

/// Returns true while [`with_spinning_workers`] keeps the pool's workers awake.
pub fn workers_spinning() -> bool {
    SPINNING.load(Ordering::Relaxed)
}

/// Returns false when the environment variable `TENSOR_SPIN_WAIT` is `0`, `false` or `off`.
fn spin_wait_enabled() -> bool {
    match std::env::var("TENSOR_SPIN_WAIT") {
        Ok(value) => !matches!(value.trim(), "0" | "false" | "off"),
        Err(_) => true,
    }
}

/// Runs `f` on a worker thread of a rayon pool while the pool's other workers spin, waiting
/// for work, and returns its result.
///
/// Called from a thread outside any pool, it builds a pool of the default size
/// (`RAYON_NUM_THREADS` or the number of cores) and runs `f` there. The thread that starts
/// parallel work is then a worker itself and never has to be woken. Called inside a pool, it
/// uses that pool. Nested calls, one-thread pools and `TENSOR_SPIN_WAIT=0` run `f` directly.
pub fn with_spinning_workers<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if !spin_wait_enabled() || workers_spinning() {
        return f();
    }
    if rayon::current_thread_index().is_some() {
        return spin_around(f);
    }
    match rayon::ThreadPoolBuilder::new().build() {
        Ok(pool) => pool.install(|| spin_around(f)),
        // No threads could be started: run on this thread, which is always correct.
        Err(_) => f(),
    }
}

/// Runs `f` on the current worker while every other worker of its pool spins.
fn spin_around<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_num_threads() <= 1
        || SPINNING
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
    {
        return f();
    }
    let helpers = rayon::current_num_threads() - 1;
    let gate = Gate::default();
    let caller = rayon::current_thread_index();
    let result = rayon::scope(|scope| {
        // Every worker gets one copy of the job; the caller's copy returns at once, since the
        // caller is busy running `f`.
        scope.spawn_broadcast(|_, context| {
            if Some(context.index()) != caller && gate.enter() {
                spin_until(&gate.stop);
            }
        });
        gate.wait_and_close(helpers);
        let result = f();
        gate.stop.store(true, Ordering::SeqCst);
        result
    });
    SPINNING.store(false, Ordering::Release);
    result
}

/// How long the caller waits for the other workers to start waiting actively.
const GATE_TIMEOUT: Duration = Duration::from_millis(20);

/// The start and stop signals of the waiting workers of one [`spin_around`] call.
///
/// A waiting worker must start before the caller pushes any work. A worker that is running a
/// piece of `f`'s work and, while it waits inside it, picks up its waiting job would wait
/// there until `f` returns, and `f` would never return, because it waits for that piece. So
/// the caller waits until every worker has entered (or [`GATE_TIMEOUT`] has passed), then
/// closes the gate. A worker that arrives after that returns at once.
// NOTE: the gate assumes no other work runs on the same pool during the call. A worker busy
// with such work when the call starts could still pick up its waiting job inside it.
#[derive(Default)]
struct Gate {
    entered: AtomicUsize,
    closed: AtomicBool,
    stop: AtomicBool,
}

impl Gate {
    /// Registers a worker; returns false when the gate is already closed.
    fn enter(&self) -> bool {
        self.entered.fetch_add(1, Ordering::SeqCst);
        !self.closed.load(Ordering::SeqCst)
    }

    /// Waits until `helpers` workers entered or the timeout passed, then closes the gate.
    fn wait_and_close(&self, helpers: usize) {
        let start = Instant::now();
        while self.entered.load(Ordering::SeqCst) < helpers && start.elapsed() < GATE_TIMEOUT {
            std::thread::yield_now();
        }
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// Takes work from the pool until `stop` is set; naps after a long idle spell.
fn spin_until(stop: &AtomicBool) {
    let mut last_work = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => last_work = Instant::now(),
            _ if last_work.elapsed() < SPIN_BEFORE_BACKOFF => std::thread::yield_now(),
            _ => std::thread::sleep(NAP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn returns_the_result_and_sets_the_flag_inside() {
        let sum = with_spinning_workers(|| {
            if rayon::current_num_threads() > 1 && spin_wait_enabled() {
                assert!(workers_spinning());
            }
            (0..1000u64).into_par_iter().sum::<u64>()
        });
        assert_eq!(sum, 499_500);
    }

    #[test]
    fn split_ops_match_serial_ops() {
        // 40,000 elements: above the element threshold while workers wait actively, below it
        // otherwise, so the two runs take different paths.
        let x = crate::Tensor::<f32>::linspace(-3.0, 3.0, 40_000);
        let y = x.mul_scalar(0.5);
        let serial = (x.exp(), x.add(&y).expect("same shapes"));
        let split = with_spinning_workers(|| (x.exp(), x.add(&y).expect("same shapes")));
        assert_eq!(serial.0.to_vec(), split.0.to_vec());
        assert_eq!(serial.1.to_vec(), split.1.to_vec());
    }

    #[test]
    fn repeated_calls_with_parallel_work_finish() {
        // Entering and leaving many times while products split over threads once let a
        // worker pick up its waiting job inside a piece of the product and wait forever.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("two threads start");
        let a = crate::Tensor::<f32>::ones(&[128, 384]);
        let w = crate::Tensor::<f32>::ones(&[384, 384]);
        pool.install(|| {
            for _ in 0..300 {
                let c = with_spinning_workers(|| a.matmul(&w).expect("shapes chain"));
                assert_eq!(c.shape(), &[128, 384]);
            }
        });
    }

    #[test]
    fn nested_calls_run_directly() {
        let value = with_spinning_workers(|| with_spinning_workers(|| 7));
        assert_eq!(value, 7);
    }

    #[test]
    fn parallel_work_inside_completes() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("two threads start");
        let total = pool.install(|| {
            with_spinning_workers(|| {
                (0..50)
                    .map(|_| (0..10_000u64).into_par_iter().map(|x| x % 7).sum::<u64>())
                    .sum::<u64>()
            })
        });
        let one: u64 = (0..10_000u64).map(|x| x % 7).sum();
        assert_eq!(total, 50 * one);
    }
}
