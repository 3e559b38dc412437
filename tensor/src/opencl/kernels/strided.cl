// Shared helpers, placed in front of every kernel file of the `tensor` crate.
//
// The host defines T as the element type (float or double) when it builds a program.
//
// A strided view of a tensor reaches a kernel as one long16, the layout:
//
//   s0       rank: the number of axes in use, 0 to 6
//   s1       offset: the storage position of the first element
//   s2..s7   the sizes of axes 0 to 5 (entries past the rank are unused)
//   s8..sd   the strides of axes 0 to 5, in elements; negative for a flipped axis,
//            0 for a broadcast axis
//
// The element with multi-index [i0, i1, ...] lives at offset + i0 * stride0 + i1 * stride1 + ...

// Exact IEEE arithmetic: the compiler may not fuse a * b + c into one rounding, so results
// match the host bit for bit where the host does the same operations.
#pragma OPENCL FP_CONTRACT OFF

// Returns the storage position of element number `i` (counted in row-major order) of a view.
//
// The index along the last axis is i % size; dividing i by that size leaves the element
// number within the remaining axes, so the loop peels the axes off from the last one to the
// first.
long storage_position(const long16 layout, long i)
{
    long v[16];
    vstore16(layout, 0, v);
    const long rank = v[0];
    long position = v[1];
    for (long axis = rank - 1; axis >= 0; --axis) {
        const long size = v[2 + axis];
        position += (i % size) * v[8 + axis];
        i /= size;
    }
    return position;
}

// The larger of a and b; a NaN in either gives NaN (as the host's max_of).
T max_of(const T a, const T b)
{
    return (isnan(a) || a >= b) ? a : b;
}

// The smaller of a and b; a NaN in either gives NaN (as the host's min_of).
T min_of(const T a, const T b)
{
    return (isnan(a) || a <= b) ? a : b;
}
