//! A strided n-dimensional tensor for teaching and for training small recurrent networks fast.
//!
//! # Shape, strides and offset
//!
//! A [`Tensor`] is a handle to flat, reference-counted storage plus a [`Layout`]:
//!
//! - the **shape** gives the size of each axis, for example `[2, 3]` for a 2 x 3 matrix;
//! - the **strides** give how many storage positions one step along each axis moves;
//! - the **offset** is the storage position of the first element.
//!
//! The element at `[i, j]` lives at `offset + i * strides[0] + j * strides[1]`. A fresh 2 x 3
//! tensor is row-major: strides `[3, 1]`, offset 0.
//!
//! ```text
//! storage:  [ a b c d e f ]        shape [2, 3], strides [3, 1], offset 0
//!             0 1 2 3 4 5           [[a, b, c],
//!                                    [d, e, f]]
//! ```
//!
//! Views change only the layout, so they are free and share storage:
//!
//! - `t()` swaps shape and strides: shape `[3, 2]`, strides `[1, 3]` gives `[[a, d], [b, e], [c, f]]`;
//! - `narrow(1, 1, 2)` moves the offset to 1 and keeps 2 columns: `[[b, c], [e, f]]`;
//! - `flip(1)` uses stride `-1` from offset 2: `[[c, b, a], [f, e, d]]`;
//! - `broadcast_to(&[4, 2, 3])` adds an axis with stride 0 that repeats the matrix 4 times.
//!
//! ```
//! use tensor::{tensor, Tensor};
//!
//! let m: Tensor<f32> = tensor!([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
//! let t = m.t()?;
//! assert_eq!(t.strides(), &[1, 3]);
//! assert!(t.shares_storage(&m));
//! assert_eq!(t.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
//! # Ok::<(), tensor::TensorError>(())
//! ```
//!
//! # Broadcasting
//!
//! Binary operations accept operands of different shapes when they are compatible under NumPy's
//! rule: align the shapes at the right; in each position the sizes must be equal or one of them
//! must be 1 (a missing leading axis counts as 1). Each operand is then viewed with
//! [`Tensor::broadcast_to`], which gives the stretched axes stride 0, so no data is copied:
//!
//! ```text
//! column  shape [3, 1]  strides [1, 0] after broadcast_to([3, 4])   [[0], [10], [20]]
//! row     shape    [4]  strides [0, 1] after broadcast_to([3, 4])   [1, 2, 3, 4]
//! sum     shape [3, 4]                                              [[ 1,  2,  3,  4],
//!                                                                    [11, 12, 13, 14],
//!                                                                    [21, 22, 23, 24]]
//! ```
//!
//! ```
//! use tensor::{tensor, Tensor};
//!
//! let column: Tensor<f32> = tensor!([[0.0], [10.0], [20.0]]);
//! let row: Tensor<f32> = tensor!([1.0, 2.0, 3.0, 4.0]);
//! let sum = column.add(&row)?;
//! assert_eq!(sum.shape(), &[3, 4]);
//! assert_eq!(sum.get(&[2, 3])?, 24.0);
//! assert_eq!(row.broadcast_to(&[3, 4])?.strides(), &[0, 1]);
//! # Ok::<(), tensor::TensorError>(())
//! ```
//!
//! # Devices
//!
//! Every tensor lives on a [`Device`]: host memory ([`Device::Cpu`]) by default, or, with the
//! `opencl` cargo feature, an OpenCL device where operations run as kernels. See the `opencl`
//! module for moving tensors with [`Tensor::to_device`] and [`Tensor::to_host`], and for which
//! operations have kernels and which fall back to the host.
//!
#![cfg_attr(
    feature = "opencl",
    doc = r##"
```
use tensor::opencl::OpenClDevice;
use tensor::{tensor, Device, Tensor};

let gpu = Device::OpenCl(OpenClDevice::from_env()?);
let a: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
let b = a.to_device(&gpu)?.exp().sum(&[1], false)?; // two kernels, no host copy
let back = b.to_host()?;
assert!((back.get(&[0])? - (1f32.exp() + 2f32.exp())).abs() < 1e-4);
# Ok::<(), tensor::TensorError>(())
```
"##
)]
//!
//! # Where to look next
//!
//! `layout.rs` holds every view as a function on layouts, `strided.rs` walks layouts without
//! allocating, `ops/` holds the operations by family, and `opencl/` holds the device code and
//! its kernels.

pub mod device;
pub mod element;
pub mod error;
pub mod layout;
pub mod literal;
pub mod matmul;
#[cfg(feature = "opencl")]
pub mod opencl;
pub mod ops;
pub mod shape;
pub mod strided;
pub mod threads;

mod display;
mod random;
mod storage;
mod tensor;
mod view;

pub use device::Device;
pub use element::{DType, DeviceElement, Element};
pub use error::{Result, TensorError};
pub use layout::Layout;
pub use literal::Literal;
pub use ops::index::Indices;
pub use tensor::Tensor;
