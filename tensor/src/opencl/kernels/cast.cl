// Element type conversion. The host defines T as the output type and S as the source type
// (each float or double); with S equal to T the kernel makes a contiguous copy.
//
// out[i] = (T)src[storage_position(layout, i)] for the n elements of the view `layout`, and
// the output is contiguous. An explicit conversion from double to float rounds to nearest
// even (the default rounding mode of OpenCL C), as Rust's `as f32` does; float to double is
// exact.
__kernel void cast_elements(__global T* out, __global const S* src, const long16 layout,
                            const long n)
{
    const long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    out[i] = (T)src[storage_position(layout, i)];
}
