//! [`OpenClDevice`]: one OpenCL device with its context, its command queue and a cache of
//! compiled programs.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ocl::enums::{DeviceInfo as ClDeviceInfo, DeviceInfoResult};
use ocl::{Context, Platform, Program, Queue};

use crate::{DType, Result, TensorError};

/// The environment variable that [`OpenClDevice::from_env`] reads: `PLATFORM:DEVICE`, for
/// example `0:1` for the second device of the first platform.
pub const DEVICE_ENV_VAR: &str = "TENSOR_OPENCL_DEVICE";

/// Source of the numbers that tell two opened devices apart in messages.
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Serialises platform and device discovery, context creation and program builds.
///
/// PoCL 3.1 (with the ocl-icd 2.3.1 loader) reported 0 devices, or crashed, when several
/// threads listed devices or created contexts at the same time, as parallel tests do.
static DISCOVERY: Mutex<()> = Mutex::new(());

/// Takes the discovery lock; a panic in another holder does not invalidate it.
fn discovery_lock() -> std::sync::MutexGuard<'static, ()> {
    DISCOVERY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A description of one OpenCL device, as [`OpenClDevice::list`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Index of the platform in the order the ICD loader lists them.
    pub platform: usize,
    /// Index of the device within its platform.
    pub device: usize,
    /// The platform's name, for example `"Portable Computing Language"`.
    pub platform_name: String,
    /// The device's name as the driver reports it.
    pub name: String,
    /// True when the device supports `double` (the `cl_khr_fp64` extension).
    pub supports_f64: bool,
}

impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} {} ({}){}",
            self.platform,
            self.device,
            self.name,
            self.platform_name,
            if self.supports_f64 { ", f64" } else { "" }
        )
    }
}

/// Shared state behind an [`OpenClDevice`] handle.
struct Inner {
    id: usize,
    info: DeviceInfo,
    max_work_group_size: usize,
    context: Context,
    queue: Queue,
    /// Programs built so far, keyed by kernel file name and the `-D` options that define its
    /// type macros (`-D T=float`, for example).
    programs: Mutex<HashMap<(String, String), Program>>,
}

/// An opened OpenCL device: context, one in-order command queue and the programs compiled for
/// it. Cloning is cheap (the state sits behind an `Arc`), and clones are the same device.
///
/// Two handles are the same device when one is a clone of the other. Opening the same hardware
/// twice with [`OpenClDevice::new`] gives two devices with separate contexts, whose buffers
/// cannot be mixed in one operation.
#[derive(Clone)]
pub struct OpenClDevice {
    inner: Arc<Inner>,
}

/// Wraps an OpenCL error as a [`TensorError::OpenCl`] of `op`.
pub(crate) fn cl_error(op: &'static str, error: impl fmt::Display) -> TensorError {
    TensorError::OpenCl {
        op,
        message: error.to_string(),
    }
}

/// Lists the platforms, or explains that there are none.
fn platforms(op: &'static str) -> Result<Vec<Platform>> {
    // `Platform::list` panics when the ICD loader finds nothing, so call the core function.
    let ids = ocl::core::get_platform_ids().map_err(|e| TensorError::OpenCl {
        op,
        message: format!(
            "no OpenCL platform found ({e}); install an OpenCL driver, for example \
             `pocl-opencl-icd` for the CPU"
        ),
    })?;
    if ids.is_empty() {
        return Err(TensorError::OpenCl {
            op,
            message: "no OpenCL platform found; install an OpenCL driver, for example \
                      `pocl-opencl-icd` for the CPU"
                .into(),
        });
    }
    Ok(ids.into_iter().map(Platform::new).collect())
}

/// Describes one device of one platform.
fn describe(
    op: &'static str,
    platform_index: usize,
    platform: &Platform,
    device_index: usize,
    device: &ocl::Device,
) -> Result<DeviceInfo> {
    let extensions = match device.info(ClDeviceInfo::Extensions) {
        Ok(DeviceInfoResult::Extensions(text)) => text,
        Ok(_) => String::new(),
        Err(e) => return Err(cl_error(op, e)),
    };
    Ok(DeviceInfo {
        platform: platform_index,
        device: device_index,
        platform_name: platform.name().map_err(|e| cl_error(op, e))?,
        name: device.name().map_err(|e| cl_error(op, e))?,
        supports_f64: extensions.split_whitespace().any(|e| e == "cl_khr_fp64"),
    })
}

/// Parses `PLATFORM:DEVICE` into two indices.
fn parse_device_spec(text: &str) -> Result<(usize, usize)> {
    let parsed = text
        .split_once(':')
        .and_then(|(p, d)| Some((p.trim().parse().ok()?, d.trim().parse().ok()?)));
    parsed.ok_or_else(|| TensorError::OpenCl {
        op: "OpenClDevice::from_env",
        message: format!(
            "{DEVICE_ENV_VAR}={text:?} is not of the form PLATFORM:DEVICE, for example 0:0"
        ),
    })
}

impl OpenClDevice {
    /// Lists every device of every platform.
    ///
    /// # Errors
    /// [`TensorError::OpenCl`] when no platform exists or a driver query fails.
    pub fn list() -> Result<Vec<DeviceInfo>> {
        let op = "OpenClDevice::list";
        let _guard = discovery_lock();
        let mut out = Vec::new();
        for (p, platform) in platforms(op)?.iter().enumerate() {
            let devices = ocl::Device::list_all(platform).map_err(|e| cl_error(op, e))?;
            for (d, device) in devices.iter().enumerate() {
                out.push(describe(op, p, platform, d, device)?);
            }
        }
        Ok(out)
    }

    /// Opens device `device` of platform `platform` (both counted from 0, in the order of
    /// [`OpenClDevice::list`]).
    ///
    /// # Errors
    /// [`TensorError::OpenCl`] when the platform or device does not exist (the message lists
    /// the available ones) or the driver cannot create a context or queue.
    pub fn new(platform: usize, device: usize) -> Result<Self> {
        let op = "OpenClDevice::new";
        let _guard = discovery_lock();
        let all = platforms(op)?;
        let chosen_platform = all.get(platform).ok_or_else(|| TensorError::OpenCl {
            op,
            message: format!(
                "platform {platform} does not exist; there are {} (see OpenClDevice::list)",
                all.len()
            ),
        })?;
        let devices = ocl::Device::list_all(chosen_platform).map_err(|e| cl_error(op, e))?;
        let chosen = devices.get(device).ok_or_else(|| TensorError::OpenCl {
            op,
            message: format!(
                "platform {platform} has {} devices, so device {device} does not exist \
                 (see OpenClDevice::list)",
                devices.len()
            ),
        })?;
        let info = describe(op, platform, chosen_platform, device, chosen)?;
        let max_work_group_size = chosen.max_wg_size().map_err(|e| cl_error(op, e))?;
        let context = Context::builder()
            .platform(*chosen_platform)
            .devices(*chosen)
            .build()
            .map_err(|e| cl_error(op, e))?;
        let queue = Queue::new(&context, *chosen, None).map_err(|e| cl_error(op, e))?;
        Ok(OpenClDevice {
            inner: Arc::new(Inner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                info,
                max_work_group_size,
                context,
                queue,
                programs: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Opens the device named by the environment variable `TENSOR_OPENCL_DEVICE`
    /// (`PLATFORM:DEVICE`, for example `0:1`), or device 0 of platform 0 when it is not set.
    ///
    /// # Errors
    /// [`TensorError::OpenCl`] for a malformed variable and as [`OpenClDevice::new`].
    pub fn from_env() -> Result<Self> {
        let (platform, device) = match std::env::var(DEVICE_ENV_VAR) {
            Ok(text) => parse_device_spec(&text)?,
            Err(_) => (0, 0),
        };
        Self::new(platform, device)
    }

    /// Returns the description of this device.
    pub fn info(&self) -> &DeviceInfo {
        &self.inner.info
    }

    /// Returns true when the device supports `f64` tensors (the `cl_khr_fp64` extension).
    pub fn supports_f64(&self) -> bool {
        self.inner.info.supports_f64
    }

    /// Returns the largest number of work-items the device runs in one work-group.
    pub fn max_work_group_size(&self) -> usize {
        self.inner.max_work_group_size
    }

    /// Returns the in-order command queue that every operation on this device uses, so
    /// operations run in the order they were called.
    pub fn queue(&self) -> &Queue {
        &self.inner.queue
    }

    /// Returns the OpenCL context.
    pub fn context(&self) -> &Context {
        &self.inner.context
    }

    /// Returns true when both handles refer to the same opened device.
    pub fn same_device(&self, other: &OpenClDevice) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Returns the program compiled from `source` for element type `dtype`, building it on
    /// first use and caching it under `name` and `dtype`.
    ///
    /// The source gets the element type as the macro `T` (`float` or `double`). For `f64` the
    /// build also enables `cl_khr_fp64`. Every build asks for correctly rounded `f32` division
    /// and square root, so those match the host bit for bit.
    ///
    /// # Errors
    /// [`TensorError::DTypeMismatch`] for `f64` on a device without `cl_khr_fp64`, and
    /// [`TensorError::OpenCl`] with the compiler's log when the build fails.
    pub fn program(&self, name: &str, source: &str, dtype: DType) -> Result<Program> {
        self.program_with_types(name, source, dtype, &[])
    }

    /// Returns the program compiled from `source` as [`OpenClDevice::program`] does, with one
    /// more type macro for each `(macro, dtype)` of `extra_types`, for kernels that read one
    /// element type and write another. The extra types are part of the cache key, so every
    /// combination of types is its own program.
    ///
    /// # Errors
    /// As [`OpenClDevice::program`], for `dtype` and for every extra type.
    pub(crate) fn program_with_types(
        &self,
        name: &str,
        source: &str,
        dtype: DType,
        extra_types: &[(&str, DType)],
    ) -> Result<Program> {
        let op = "OpenClDevice::program";
        let mut defines = format!("-D T={}", self.type_name(op, dtype)?);
        for &(macro_name, extra) in extra_types {
            defines.push_str(&format!(" -D {macro_name}={}", self.type_name(op, extra)?));
        }
        let key = (name.to_string(), defines.clone());
        let mut cache = self
            .inner
            .programs
            .lock()
            .expect("program cache lock poisoned by a panic during a build");
        if let Some(program) = cache.get(&key) {
            return Ok(program.clone());
        }
        let uses_f64 = dtype == DType::F64 || extra_types.iter().any(|&(_, t)| t == DType::F64);
        let header = if uses_f64 {
            "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
        } else {
            ""
        };
        let _guard = discovery_lock();
        let program = Program::builder()
            .src(format!("{header}{source}"))
            .devices(self.inner.queue.device())
            // Correctly rounded f32 division and square root, as on the host.
            .cmplr_opt(format!("{defines} -cl-fp32-correctly-rounded-divide-sqrt"))
            .build(&self.inner.context)
            .map_err(|e| TensorError::OpenCl {
                op,
                message: format!("building kernel file {name} with {defines} failed: {e}"),
            })?;
        cache.insert(key, program.clone());
        Ok(program)
    }

    /// Returns the OpenCL C name of `dtype`, or [`TensorError::DTypeMismatch`] for `f64` on a
    /// device without `cl_khr_fp64`.
    fn type_name(&self, op: &'static str, dtype: DType) -> Result<&'static str> {
        match dtype {
            DType::F32 => Ok("float"),
            DType::F64 if self.supports_f64() => Ok("double"),
            DType::F64 => Err(TensorError::DTypeMismatch {
                op,
                expected: DType::F32,
                got: DType::F64,
            }),
        }
    }
}

impl fmt::Display for OpenClDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opencl#{} [{}]", self.inner.id, self.inner.info)
    }
}

impl fmt::Debug for OpenClDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_spec_parses() {
        assert_eq!(parse_device_spec("0:1").unwrap(), (0, 1));
        assert_eq!(parse_device_spec(" 2 : 3 ").unwrap(), (2, 3));
        assert!(parse_device_spec("1").is_err());
        assert!(parse_device_spec("a:b").is_err());
    }
}
