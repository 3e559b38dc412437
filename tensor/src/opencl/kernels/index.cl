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

// scatter_add: the output has the shape of `dst` (a layout over `dst`'s storage). Output
// element c is dst[c] plus, in order of increasing j, every src[c with j along `axis`] whose
// index indices[c with j along `axis`] equals c[axis], for j below the index's size along
// `axis`. When a coordinate of c other than `axis` lies outside the index shape, no index
// points at c and the output is dst[c].
//
// `src_layout` is `src`'s view cut to the index shape, and `index_layout` the row-major index
// shape, so both are read at the same multi-index. The host walks the index in row-major
// order, which adds the terms of each output element in the same order of j, so the result
// matches it bit for bit. One work-item computes one output element and nothing is written
// twice, so no atomics are needed and the result does not depend on scheduling.
//
// NOTE: every output element scans the index's whole length along `axis`, so the work is
// (elements of dst) x (index length along axis), not the index size; fine for the short
// index axes of a loss, slow for scattering many rows into a large tensor.
__kernel void scatter_add(__global T* out, __global const T* dst, const long16 dst_layout,
                          __global const T* src, const long16 src_layout,
                          __global const long* indices, const long16 index_layout,
                          const long axis, const long n)
{
    long i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const long o = i;
    long dst_v[16];
    long src_v[16];
    long index_v[16];
    vstore16(dst_layout, 0, dst_v);
    vstore16(src_layout, 0, src_v);
    vstore16(index_layout, 0, index_v);

    // Decode o over dst's shape. src_position and index_position stop at j = 0 along `axis`.
    long dst_position = dst_v[1];
    long src_position = src_v[1];
    long index_position = index_v[1];
    long target = 0;
    bool covered = true;
    for (long a = dst_v[0] - 1; a >= 0; --a) {
        const long size = dst_v[2 + a];
        const long coordinate = i % size;
        i /= size;
        dst_position += coordinate * dst_v[8 + a];
        if (a == axis) {
            target = coordinate;
        } else if (coordinate < index_v[2 + a]) {
            src_position += coordinate * src_v[8 + a];
            index_position += coordinate * index_v[8 + a];
        } else {
            covered = false;
        }
    }

    T value = dst[dst_position];
    if (covered) {
        for (long j = 0; j < index_v[2 + axis]; ++j) {
            if (indices[index_position + j * index_v[8 + axis]] == target) {
                value += src[src_position + j * src_v[8 + axis]];
            }
        }
    }
    out[o] = value;
}
