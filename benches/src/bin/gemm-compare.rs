//! `gemm-compare`: median GFLOP/s of our GEMM and of the `matrixmultiply` crate, side by side,
//! with the machine's FMA peak for scale.
//!
//! ```text
//! gemm-compare [--sizes 256,512,1024] [--shapes training] [--threads 1,2] [--dtype f32,f64]
//!              [--json] [--quick] [--cpu-time] [--pause-us N]
//! ```
//!
//! `matrixmultiply` reads its thread count from `MATMUL_NUM_THREADS` once per process, so the
//! tool runs one child process per thread count. Each child times both libraries in turns
//! (ours, theirs, ours, ...), so that load from other processes hits both alike.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use benches::peak;
use benches::reference::{MatRef, MatrixMultiply};
use benches::shapes::{training_shapes, MatmulShape};
use benches::timing::{self, Clock};
use tensor::{Element, Tensor};

/// Command-line options.
#[derive(Clone, Debug)]
struct Options {
    sizes: Vec<usize>,
    training: bool,
    threads: Vec<usize>,
    dtypes: Vec<String>,
    json: bool,
    quick: bool,
    /// Time single-threaded runs by thread CPU time.
    cpu_time: bool,
    /// Microseconds of pause before every timed call (0: calls back to back).
    pause_us: u64,
    /// Internal: run the measurements for one thread count and print JSON lines.
    worker: bool,
}

const USAGE: &str = "usage: gemm-compare [--sizes 256,512,1024] [--shapes training] [--threads 1,2] [--dtype f32,f64] [--json] [--quick] [--cpu-time] [--pause-us N]
  --sizes    square sizes n (n x n x n products), comma-separated
  --shapes   'training': the products of training and their transposed backward forms
  --threads  thread counts, comma-separated (default 1,2)
  --dtype    element types: f32, f64 or both (default f32)
  --json     print one JSON object per line instead of a table
  --quick    fewer repetitions (about 0.4 s per product and library)
  --cpu-time time 1-thread runs by the thread's CPU time instead of wall time (Linux), which
             leaves out waits for a core on a machine shared with other processes
  --pause-us wait this many microseconds before every timed call, as the serial work between
             two products of a training step does, so idle worker threads fall asleep";

fn parse_list<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<Vec<T>, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .split(',')
        .map(|item| {
            item.trim()
                .parse()
                .map_err(|_| format!("{flag}: '{item}' is not a valid value"))
        })
        .collect()
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        sizes: Vec::new(),
        training: false,
        threads: vec![1, 2],
        dtypes: vec!["f32".into()],
        json: false,
        quick: false,
        cpu_time: false,
        pause_us: 0,
        worker: false,
    };
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--sizes" => options.sizes = parse_list(&flag, args.next())?,
            "--threads" => options.threads = parse_list(&flag, args.next())?,
            "--dtype" => options.dtypes = parse_list(&flag, args.next())?,
            "--shapes" => match args.next().as_deref() {
                Some("training") => options.training = true,
                other => return Err(format!("--shapes: expected 'training', got {other:?}")),
            },
            "--json" => options.json = true,
            "--quick" => options.quick = true,
            "--cpu-time" => options.cpu_time = true,
            "--pause-us" => {
                options.pause_us = parse_list::<u64>(&flag, args.next())?
                    .first()
                    .copied()
                    .unwrap_or(0)
            }
            "--worker" => options.worker = true,
            "--help" | "-h" => return Err(String::new()),
            _ => return Err(format!("unknown argument '{flag}'")),
        }
    }
    if let Some(bad) = options.dtypes.iter().find(|d| *d != "f32" && *d != "f64") {
        return Err(format!("--dtype: '{bad}' is not f32 or f64"));
    }
    if options.threads.contains(&0) {
        return Err("--threads: thread counts must be at least 1".into());
    }
    if options.sizes.is_empty() && !options.training {
        options.sizes = vec![256, 512, 1024];
    }
    Ok(options)
}

/// Returns the products to measure, squares first.
fn shapes(options: &Options) -> Vec<MatmulShape> {
    let mut out: Vec<MatmulShape> = options
        .sizes
        .iter()
        .map(|&n| MatmulShape::square(n))
        .collect();
    if options.training {
        out.extend(training_shapes());
    }
    out
}

/// One measured result.
#[derive(Clone, Debug)]
struct Record {
    implementation: String,
    shape: MatmulShape,
    threads: usize,
    dtype: String,
    gflops: f64,
}

impl Record {
    fn to_json(&self) -> String {
        format!(
            "{{\"impl\":\"{}\",\"m\":{},\"k\":{},\"n\":{},\"threads\":{},\"dtype\":\"{}\",\"gflops_median\":{:.3},\"shape\":\"{}\"}}",
            self.implementation, self.shape.m, self.shape.k, self.shape.n, self.threads, self.dtype, self.gflops,
            self.shape.label()
        )
    }

    /// Parses a line written by [`Record::to_json`].
    fn from_json(line: &str) -> Option<Record> {
        let field = |name: &str| -> Option<&str> {
            let key = format!("\"{name}\":");
            let start = line.find(&key)? + key.len();
            let rest = &line[start..];
            let end = rest.find([',', '}'])?;
            Some(rest[..end].trim_matches('"'))
        };
        let label = field("shape")?;
        Some(Record {
            implementation: field("impl")?.to_string(),
            shape: MatmulShape {
                m: field("m")?.parse().ok()?,
                k: field("k")?.parse().ok()?,
                n: field("n")?.parse().ok()?,
                a_transposed: label.contains("-At"),
                b_transposed: label.contains("-Bt"),
            },
            threads: field("threads")?.parse().ok()?,
            dtype: field("dtype")?.to_string(),
            gflops: field("gflops_median")?.parse().ok()?,
        })
    }
}

/// Returns a deterministic `rows x cols` row-major matrix.
fn filled<T: Element>(rows: usize, cols: usize, seed: usize) -> Vec<T> {
    (0..rows * cols)
        .map(|i| T::from_f64((((i * 7919 + seed * 104_729) % 1000) as f64) / 500.0 - 1.0))
        .collect()
}

/// Shortest timed sample; shorter products repeat inside one sample.
const MIN_SAMPLE: Duration = Duration::from_micros(50);

/// Times ours and `matrixmultiply` in turns on one shape; returns their median GFLOP/s.
fn measure_shape<T: MatrixMultiply>(
    shape: MatmulShape,
    options: &Options,
    clock: Clock,
) -> (f64, f64) {
    let quick = options.quick;
    let pause = Duration::from_micros(options.pause_us);
    let MatmulShape { m, k, n, .. } = shape;
    let (a_rows, a_cols) = if shape.a_transposed { (k, m) } else { (m, k) };
    let (b_rows, b_cols) = if shape.b_transposed { (n, k) } else { (k, n) };
    let a_data: Vec<T> = filled(a_rows, a_cols, 1);
    let b_data: Vec<T> = filled(b_rows, b_cols, 2);

    let a_tensor =
        Tensor::from_slice(&a_data, &[a_rows, a_cols]).expect("A has rows * cols elements");
    let b_tensor =
        Tensor::from_slice(&b_data, &[b_rows, b_cols]).expect("B has rows * cols elements");
    let a_tensor = if shape.a_transposed {
        a_tensor.t().expect("2-D")
    } else {
        a_tensor
    };
    let b_tensor = if shape.b_transposed {
        b_tensor.t().expect("2-D")
    } else {
        b_tensor
    };
    let mut c_tensor = Tensor::<T>::zeros(&[m, n]);

    let a_ref = if shape.a_transposed {
        MatRef {
            data: &a_data,
            rs: 1,
            cs: m,
        }
    } else {
        MatRef {
            data: &a_data,
            rs: k,
            cs: 1,
        }
    };
    let b_ref = if shape.b_transposed {
        MatRef {
            data: &b_data,
            rs: 1,
            cs: k,
        }
    } else {
        MatRef {
            data: &b_data,
            rs: n,
            cs: 1,
        }
    };
    let mut c_data = vec![T::ZERO; m * n];

    let mut ours = || {
        tensor::matmul::gemm(T::ONE, &a_tensor, &b_tensor, T::ZERO, &mut c_tensor)
            .expect("shapes chain");
    };
    let mut theirs = || T::matrixmultiply(m, k, n, a_ref, b_ref, &mut c_data);

    // Warm up both (thread pools, buffers, caches) and size the number of turns.
    let start = Instant::now();
    ours();
    theirs();
    ours();
    theirs();
    let per_pair = start.elapsed() / 2;
    // Small products run several times per timed sample, so that the clock's own cost (a
    // system call for thread CPU time) stays below one percent of the sample.
    let calls = (MIN_SAMPLE.as_secs_f64() / per_pair.as_secs_f64().max(1e-9)).ceil() as usize;
    // With a pause, every call is timed alone: the pause must come before each one.
    let calls = if pause.is_zero() {
        calls.clamp(1, 1_000_000)
    } else {
        1
    };
    let budget = Duration::from_millis(if quick { 400 } else { 2000 });
    let turns = timing::repeats_for(
        budget,
        per_pair * calls as u32,
        5,
        if quick { 200 } else { 2000 },
    );

    let flops = (shape.flops() * calls as u64) as f64;
    let (mut ours_gflops, mut theirs_gflops) = (Vec::new(), Vec::new());
    for _ in 0..turns {
        pause_for(pause);
        // Ours runs as the training loop runs it: with the other workers spinning, which
        // lets products from 96^3 multiply-adds use threads. The spinning stops before the
        // other library's turn, so that it does not compete for the cores.
        let seconds = if rayon::current_num_threads() > 1 {
            tensor::threads::with_spinning_workers(|| {
                clock.seconds(|| (0..calls).for_each(|_| ours()))
            })
        } else {
            clock.seconds(|| (0..calls).for_each(|_| ours()))
        };
        ours_gflops.push(flops / seconds / 1e9);
        pause_for(pause);
        theirs_gflops.push(flops / clock.seconds(|| (0..calls).for_each(|_| theirs())) / 1e9);
    }
    (
        timing::median(&mut ours_gflops),
        timing::median(&mut theirs_gflops),
    )
}

/// Waits `pause` on the calling thread without sleeping it, as serial work would.
fn pause_for(pause: Duration) {
    let start = Instant::now();
    while start.elapsed() < pause {
        std::hint::spin_loop();
    }
}

/// Child process: measures every shape and dtype on `threads` threads, prints JSON lines.
fn run_worker(options: &Options) -> Result<(), String> {
    let threads = options.threads[0];
    let clock = if options.cpu_time && threads == 1 {
        Clock::ThreadCpu
    } else {
        Clock::Wall
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("failed to start {threads} threads: {e}"))?;
    for dtype in &options.dtypes {
        for shape in shapes(options) {
            let (ours, theirs) = pool.install(|| match dtype.as_str() {
                "f32" => measure_shape::<f32>(shape, options, clock),
                _ => measure_shape::<f64>(shape, options, clock),
            });
            for (implementation, gflops) in [("ours", ours), ("matrixmultiply", theirs)] {
                let record = Record {
                    implementation: implementation.into(),
                    shape,
                    threads,
                    dtype: dtype.clone(),
                    gflops,
                };
                println!("{}", record.to_json());
            }
        }
    }
    Ok(())
}

/// Starts one worker per thread count and collects its records.
fn run_workers(options: &Options) -> Result<Vec<Record>, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find this program's path: {e}"))?;
    let mut records = Vec::new();
    for &threads in &options.threads {
        let mut command = Command::new(&exe);
        command
            .env("MATMUL_NUM_THREADS", threads.to_string())
            .args(["--worker", "--threads", &threads.to_string()])
            .args(["--dtype", &options.dtypes.join(",")]);
        if !options.sizes.is_empty() {
            let sizes: Vec<String> = options.sizes.iter().map(usize::to_string).collect();
            command.args(["--sizes", &sizes.join(",")]);
        }
        if options.training {
            command.args(["--shapes", "training"]);
        }
        if options.quick {
            command.arg("--quick");
        }
        if options.cpu_time {
            command.arg("--cpu-time");
        }
        command.args(["--pause-us", &options.pause_us.to_string()]);
        let output = command
            .output()
            .map_err(|e| format!("failed to start a worker: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "the worker for {threads} threads failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        records.extend(stdout.lines().filter_map(Record::from_json));
    }
    Ok(records)
}

/// Prints the FMA peak for every dtype and thread count; returns `(dtype, threads, gflops)`.
fn report_peak(options: &Options) -> Vec<(String, usize, f64)> {
    let iterations = if options.quick {
        20_000_000
    } else {
        50_000_000
    };
    let mut peaks = Vec::new();
    for dtype in &options.dtypes {
        for &threads in &options.threads {
            let clock = if options.cpu_time && threads == 1 {
                Clock::ThreadCpu
            } else {
                Clock::Wall
            };
            let gflops = peak::measure_gflops(dtype == "f64", threads, iterations, 5, clock);
            let line = format!(
                "FMA peak ({}, {dtype}, {threads} thread{}): {gflops:.1} GFLOP/s",
                peak::instruction_set(),
                if threads == 1 { "" } else { "s" }
            );
            if options.json {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            peaks.push((dtype.clone(), threads, gflops));
        }
    }
    peaks
}

fn print_table(records: &[Record], peaks: &[(String, usize, f64)]) {
    println!();
    println!(
        "{:<5} {:<16} {:>7} {:>10} {:>10} {:>7} {:>9}",
        "dtype", "shape", "threads", "ours", "mm", "ratio", "% peak"
    );
    for ours in records.iter().filter(|r| r.implementation == "ours") {
        let Some(theirs) = records.iter().find(|r| {
            r.implementation == "matrixmultiply"
                && r.shape == ours.shape
                && r.threads == ours.threads
                && r.dtype == ours.dtype
        }) else {
            continue;
        };
        let peak = peaks
            .iter()
            .find(|(d, t, _)| *d == ours.dtype && *t == ours.threads)
            .map_or(f64::NAN, |p| p.2);
        println!(
            "{:<5} {:<16} {:>7} {:>10.1} {:>10.1} {:>6.2}x {:>8.1}%",
            ours.dtype,
            ours.shape.label(),
            ours.threads,
            ours.gflops,
            theirs.gflops,
            ours.gflops / theirs.gflops,
            100.0 * ours.gflops / peak
        );
    }
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("gemm-compare: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if options.worker {
        return match run_worker(&options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("gemm-compare worker: {message}");
                ExitCode::FAILURE
            }
        };
    }

    let peaks = report_peak(&options);
    let records = match run_workers(&options) {
        Ok(records) => records,
        Err(message) => {
            eprintln!("gemm-compare: {message}");
            return ExitCode::FAILURE;
        }
    };
    if options.json {
        for record in &records {
            println!("{}", record.to_json());
        }
    } else {
        print_table(&records, &peaks);
    }
    ExitCode::SUCCESS
}
