//! Median timing of repeated runs.

use std::time::{Duration, Instant};

/// Runs `f` once to warm up, then `repeats` times, and returns the median duration.
pub fn median_time(repeats: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Returns how many runs of about `per_run` fit in `budget`, at least `min` and at most `max`.
pub fn repeats_for(budget: Duration, per_run: Duration, min: usize, max: usize) -> usize {
    let per_run = per_run.as_secs_f64().max(1e-9);
    ((budget.as_secs_f64() / per_run) as usize).clamp(min, max)
}

/// A clock for one measured run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time.
    Wall,
    /// CPU time of the calling thread (Linux only): on a machine shared with other processes it
    /// leaves out the time the thread waited for a core. Meaningful for single-threaded runs.
    ThreadCpu,
}

impl Clock {
    /// Returns the seconds `f` takes by this clock.
    pub fn seconds(self, f: impl FnOnce()) -> f64 {
        match self {
            Clock::Wall => {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            }
            Clock::ThreadCpu => {
                let start = thread_cpu_seconds();
                f();
                thread_cpu_seconds() - start
            }
        }
    }
}

/// Returns the CPU time of the calling thread in seconds.
#[cfg(target_os = "linux")]
fn thread_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    /// `CLOCK_THREAD_CPUTIME_ID` from `<time.h>` on Linux.
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` (two 64-bit fields on 64-bit Linux) into
    // the valid pointer.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    time.seconds as f64 + time.nanoseconds as f64 * 1e-9
}

/// Falls back to wall-clock time where thread CPU time is not wired up.
#[cfg(not(target_os = "linux"))]
fn thread_cpu_seconds() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Returns the median of a list of values (the upper median for an even count).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 3.0);
    }

    #[test]
    fn repeats_are_clamped() {
        let ms = Duration::from_millis(1);
        assert_eq!(repeats_for(Duration::from_millis(100), ms, 3, 50), 50);
        assert_eq!(repeats_for(Duration::from_millis(10), ms, 3, 50), 10);
        assert_eq!(repeats_for(Duration::ZERO, ms, 3, 50), 3);
    }
}
