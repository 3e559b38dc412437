//! The OpenCL GEMM against the CPU GEMM on the same operands, read through the same layouts.

use std::sync::OnceLock;

use ocl::{Buffer, OclPrm, ProQue, Program, Queue};
use proptest::prelude::*;

use super::gemm::{launch_gemm, DeviceMatrix, GEMM_SOURCE};
use crate::{Element, Layout, Tensor};

/// Relative tolerance per unit of k for f32: the error of a k-term dot product grows about
/// linearly with k, and both sides round each term once.
const F32_RTOL_PER_K: f64 = 1e-4;
/// Relative tolerance for f64.
const F64_RTOL: f64 = 1e-10;

/// One queue with the GEMM program built for f32 and, when the device has `cl_khr_fp64`, f64.
struct Env {
    queue: Queue,
    f32_program: Program,
    f64_program: Option<Program>,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let pro_que = ProQue::builder()
            .src(GEMM_SOURCE)
            .dims(1)
            .build()
            .expect("an OpenCL platform with a device is installed (for example PoCL)");
        let queue = pro_que.queue().clone();
        let device = pro_que.device();
        let build = |options: &str| {
            Program::builder()
                .src(GEMM_SOURCE)
                .devices(device)
                .cmplr_opt(options)
                .build(pro_que.context())
        };
        let f32_program = build("-D T=float").expect("GEMM builds for f32");
        let has_fp64 = device
            .info(ocl::enums::DeviceInfo::Extensions)
            .map(|e| e.to_string().contains("cl_khr_fp64"))
            .unwrap_or(false);
        let f64_program = has_fp64.then(|| build("-D T=double").expect("GEMM builds for f64"));
        Env {
            queue,
            f32_program,
            f64_program,
        }
    })
}

/// A matrix operand placed in a larger buffer: transposed storage order, a row or column gap
/// (stride step), and an offset, so the kernel's stride arithmetic is exercised.
#[derive(Clone, Copy, Debug)]
struct Placement {
    transposed: bool,
    step: usize,
    offset: usize,
}

fn placement() -> impl Strategy<Value = Placement> {
    (any::<bool>(), 1usize..=2, 0usize..=3).prop_map(|(transposed, step, offset)| Placement {
        transposed,
        step,
        offset,
    })
}

/// Builds a `rows x cols` tensor with values in [-1, 1) that lives in `place`'s layout.
fn placed<T: Element>(rows: usize, cols: usize, place: Placement, seed: u64) -> Tensor<T> {
    let (outer, inner) = if place.transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let inner_stride = place.step;
    let outer_stride = inner * place.step + 1;
    let len = place.offset + outer * outer_stride + 1;
    let data: Vec<T> = (0..len)
        .map(|i| {
            // A small linear congruential sequence: reproducible and free of structure.
            let x = (i as u64 ^ seed)
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            T::from_f64(((x >> 33) % 2000) as f64 / 1000.0 - 1.0)
        })
        .collect();
    let strides = if place.transposed {
        vec![inner_stride as isize, outer_stride as isize]
    } else {
        vec![outer_stride as isize, inner_stride as isize]
    };
    let layout = Layout::from_parts(vec![rows, cols], strides, place.offset);
    Tensor::from_storage(std::sync::Arc::new(data), layout).expect("layout fits its storage")
}

fn upload<T: OclPrm>(queue: &Queue, data: &[T]) -> Buffer<T> {
    Buffer::builder()
        .queue(queue.clone())
        .len(data.len().max(1))
        .fill_val(T::default())
        .build()
        .and_then(|buffer| {
            if !data.is_empty() {
                buffer.write(data).enq()?;
            }
            Ok(buffer)
        })
        .expect("device buffer upload")
}

fn matrix<'a, T: Element>(buffer: &'a Buffer<T>, t: &Tensor<T>) -> DeviceMatrix<'a, T> {
    DeviceMatrix {
        buffer,
        offset: t.offset(),
        row_stride: t.strides()[0],
        col_stride: t.strides()[1],
    }
}

/// Runs the product on the device and on the CPU and returns `(device C, CPU C)`, both read
/// through C's layout.
fn both<T: Element>(
    program: &Program,
    (m, k, n): (usize, usize, usize),
    alpha: T,
    places: [Placement; 3],
    beta: T,
) -> (Vec<T>, Vec<T>) {
    let queue = &env().queue;
    let a = placed::<T>(m, k, places[0], 1);
    let b = placed::<T>(k, n, places[1], 2);
    let c = placed::<T>(m, n, places[2], 3);
    let a_buffer = upload(queue, a.storage());
    let b_buffer = upload(queue, b.storage());
    let c_buffer = upload(queue, c.storage());
    launch_gemm(
        queue,
        program,
        (m, k, n),
        alpha,
        matrix(&a_buffer, &a),
        matrix(&b_buffer, &b),
        beta,
        matrix(&c_buffer, &c),
        matrix(&c_buffer, &c),
    )
    .expect("gemm launch");
    let mut c_storage = vec![T::default(); c_buffer.len()];
    c_buffer.read(&mut c_storage).enq().expect("device read");
    let device = Tensor::from_storage(
        std::sync::Arc::new(c_storage[..c.storage().len()].to_vec()),
        Layout::from_parts(c.shape().to_vec(), c.strides().to_vec(), c.offset()),
    )
    .expect("layout fits")
    .to_vec();

    let mut expected = c.clone();
    crate::matmul::gemm(alpha, &a, &b, beta, &mut expected).expect("cpu gemm");
    (device, expected.to_vec())
}

/// Asserts `|device - cpu| <= rtol * max(1, |cpu|)` element by element.
fn assert_close<T: Element>(device: &[T], cpu: &[T], rtol: f64, case: &str) {
    assert_eq!(device.len(), cpu.len(), "{case}: lengths");
    for (i, (&d, &c)) in device.iter().zip(cpu).enumerate() {
        let (d, c) = (d.to_f64(), c.to_f64());
        let bound = rtol * c.abs().max(1.0);
        assert!(
            (d - c).abs() <= bound,
            "{case}: element {i}: device {d}, cpu {c}, bound {bound}"
        );
    }
}

const PLAIN: Placement = Placement {
    transposed: false,
    step: 1,
    offset: 0,
};

#[test]
fn gemm_opencl_matches_cpu_on_odd_sizes() {
    let (m, k, n) = (17, 257, 33);
    let (device, cpu) = both::<f32>(&env().f32_program, (m, k, n), 1.0, [PLAIN; 3], 0.0);
    assert_close(&device, &cpu, F32_RTOL_PER_K * k as f64, "17 x 257 x 33");
}

#[test]
fn gemm_opencl_zero_k_scales_c() {
    // With k = 0 the product is empty: C = beta * C.
    let (device, cpu) = both::<f32>(&env().f32_program, (5, 0, 7), 2.0, [PLAIN; 3], -0.5);
    assert_close(&device, &cpu, 0.0, "k = 0");
}

#[test]
fn gemm_opencl_empty_matrices() {
    for dims in [(0, 4, 3), (3, 4, 0), (0, 0, 0)] {
        let (device, cpu) = both::<f32>(&env().f32_program, dims, 1.0, [PLAIN; 3], 1.0);
        assert_eq!(device, cpu, "{dims:?}");
    }
}

#[test]
fn gemm_opencl_beta_zero_ignores_nan() {
    let queue = &env().queue;
    let a = Tensor::<f32>::ones(&[2, 3]);
    let b = Tensor::<f32>::ones(&[3, 2]);
    let a_buffer = upload(queue, a.storage());
    let b_buffer = upload(queue, b.storage());
    let c_buffer = upload(queue, &[f32::NAN; 4]);
    let c_matrix = DeviceMatrix {
        buffer: &c_buffer,
        offset: 0,
        row_stride: 2,
        col_stride: 1,
    };
    let program = &env().f32_program;
    let (ma, mb) = (matrix(&a_buffer, &a), matrix(&b_buffer, &b));
    launch_gemm(
        queue,
        program,
        (2, 3, 2),
        1.0,
        ma,
        mb,
        0.0,
        c_matrix,
        c_matrix,
    )
    .expect("launch");
    let mut c = vec![0.0f32; 4];
    c_buffer.read(&mut c).enq().expect("read");
    // Each entry is a dot product of three ones: 3.
    assert_eq!(c, vec![3.0; 4]);
}

#[test]
fn gemm_opencl_writes_separate_output() {
    // D = 2 A B - C into a column-major D of its own, leaving C unchanged.
    let queue = &env().queue;
    let (m, k, n) = (19, 23, 70);
    let a = placed::<f32>(m, k, PLAIN, 4);
    let b = placed::<f32>(k, n, PLAIN, 5);
    let c = placed::<f32>(m, n, PLAIN, 6);
    let a_buffer = upload(queue, a.storage());
    let b_buffer = upload(queue, b.storage());
    let c_buffer = upload(queue, c.storage());
    let d_buffer = upload(queue, &vec![0.0f32; m * n]);
    let d_matrix = DeviceMatrix {
        buffer: &d_buffer,
        offset: 0,
        row_stride: 1,
        col_stride: m as isize,
    };
    let (ma, mb, mc) = (
        matrix(&a_buffer, &a),
        matrix(&b_buffer, &b),
        matrix(&c_buffer, &c),
    );
    let program = &env().f32_program;
    launch_gemm(queue, program, (m, k, n), 2.0, ma, mb, -1.0, mc, d_matrix).expect("launch");

    let mut d = vec![0.0f32; m * n];
    d_buffer.read(&mut d).enq().expect("read D");
    let d = Tensor::from_vec(d, &[n, m])
        .expect("shape")
        .t()
        .expect("2-D")
        .to_vec();
    let mut expected = c.clone();
    crate::matmul::gemm(2.0, &a, &b, -1.0, &mut expected).expect("cpu gemm");
    assert_close(
        &d,
        &expected.to_vec(),
        F32_RTOL_PER_K * k as f64,
        "separate D",
    );

    let mut c_after = vec![0.0f32; c_buffer.len()];
    c_buffer.read(&mut c_after).enq().expect("read C");
    assert_eq!(c_after, c.storage().to_vec(), "C must stay unchanged");
}

#[test]
fn gemm_opencl_rejects_view_outside_buffer() {
    let queue = &env().queue;
    let buffer = upload(queue, &[0.0f32; 6]);
    let inside = DeviceMatrix {
        buffer: &buffer,
        offset: 0,
        row_stride: 3,
        col_stride: 1,
    };
    let outside = DeviceMatrix {
        offset: 1,
        ..inside
    };
    let result = launch_gemm(
        queue,
        &env().f32_program,
        (2, 3, 3),
        1.0,
        outside,
        inside,
        0.0,
        inside,
        inside,
    );
    assert!(
        result.is_err(),
        "a 2 x 3 view at offset 1 of 6 elements must be rejected"
    );
}

#[test]
fn gemm_opencl_f64_matches_cpu() {
    let Some(program) = &env().f64_program else {
        // NOTE: skipped on devices without cl_khr_fp64; PoCL on x86 has it.
        return;
    };
    let (m, k, n) = (67, 70, 65);
    let places = [
        Placement {
            transposed: true,
            step: 2,
            offset: 3,
        },
        PLAIN,
        Placement {
            transposed: true,
            step: 1,
            offset: 1,
        },
    ];
    let (device, cpu) = both::<f64>(program, (m, k, n), -1.5, places, 0.25);
    assert_close(&device, &cpu, F64_RTOL, "f64 67 x 70 x 65");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn gemm_opencl_matches_cpu_on_random_views(
        m in 0usize..=70,
        k in 0usize..=70,
        n in 0usize..=70,
        places in [placement(), placement(), placement()],
        alpha in prop::sample::select(vec![1.0f32, -0.5, 2.0, 0.0]),
        beta in prop::sample::select(vec![0.0f32, 1.0, -2.0]),
    ) {
        let (device, cpu) = both::<f32>(&env().f32_program, (m, k, n), alpha, places, beta);
        assert_close(&device, &cpu, F32_RTOL_PER_K * k.max(1) as f64, "random f32 views");
    }

    #[test]
    fn gemm_opencl_f64_matches_cpu_on_random_views(
        m in 0usize..=70,
        k in 0usize..=70,
        n in 0usize..=70,
        places in [placement(), placement(), placement()],
    ) {
        if let Some(program) = &env().f64_program {
            let (device, cpu) = both::<f64>(program, (m, k, n), 0.75, places, 1.0);
            assert_close(&device, &cpu, F64_RTOL, "random f64 views");
        }
    }
}
