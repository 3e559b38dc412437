// Reading through integer indices: one work-item computes one output element.
//
// Both kernels decode the output element number i into a multi-index over the output shape,
// last axis first (as storage_position in strided.cl), replace the coordinate along `axis` by
// an index read from `indices`, and read the source view at that multi-index. The output is
// contiguous. The host has checked every index against the size of `axis`.

// index_select: the output has the source's shape with size `count` along `axis`, and
// out[.., j, ..] = src[.., indices[j], ..].
__kernel void index_select(__global T* out, __global const T* src, const long16 src_layout,
                           __global const long* indices, const long axis, const long count,
                           const long n)
{
    long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const long o = i;
    long v[16];
    vstore16(src_layout, 0, v);
    long position = v[1];
    for (long a = v[0] - 1; a >= 0; --a) {
        const long size = (a == axis) ? count : v[2 + a];
        long coordinate = i % size;
        i /= size;
        if (a == axis) {
            coordinate = indices[coordinate];
        }
        position += coordinate * v[8 + a];
    }
    out[o] = src[position];
}

// gather: the output has the index's shape (`index_shape`, a layout whose strides are
// unused), and out[i0, .., ik] = src[i0, .., indices[i], .., ik] with indices[i] along `axis`.
__kernel void gather(__global T* out, __global const T* src, const long16 src_layout,
                     __global const long* indices, const long16 index_shape, const long axis,
                     const long n)
{
    long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const long o = i;
    long v[16];
    long shape[16];
    vstore16(src_layout, 0, v);
    vstore16(index_shape, 0, shape);
    long position = v[1];
    for (long a = v[0] - 1; a >= 0; --a) {
        const long size = shape[2 + a];
        long coordinate = i % size;
        i /= size;
        if (a == axis) {
            coordinate = indices[o];
        }
        position += coordinate * v[8 + a];
    }
    out[o] = src[position];
}
