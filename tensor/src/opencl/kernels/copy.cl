// Kernels that write device buffers directly: filling with one value, and copying a strided
// view into chosen positions of another buffer.
//
// `cat`, `view_scatter` and the device constructors (`full_on`, `zeros_on`, `ones_on`) are
// built from these two kernels. Both write into a buffer the host allocated for this result
// and that no tensor shares yet, which is why writing "into" a buffer is allowed here while
// every other kernel writes a fresh output.

// Sets out[i] = value for i < n.
__kernel void fill(__global T* out, const T value, const long n)
{
    const long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    out[i] = value;
}

// Copies element i of the view `src_layout` of src to position storage_position(dst_layout, i)
// of out, for the n elements of the view. Both layouts have the same shape; dst_layout must
// not reach any position twice, so no two work-items write the same element.
__kernel void copy_strided(__global T* out, const long16 dst_layout,
                           __global const T* src, const long16 src_layout, const long n)
{
    const long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    out[storage_position(dst_layout, i)] = src[storage_position(src_layout, i)];
}
