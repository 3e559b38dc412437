// top_k_mask along the last axis: one work-item computes one output element.
//
// `rows` is the input's layout with the last axis removed (see strided.cl), so row r starts at
// storage_position(rows, r) and its column j lies j * stride further. The output is contiguous
// with the input's shape, so output element o is column o % len of row o / len.
//
// Element w at column j comes before element v at column i when w is greater (NaN is greater
// than every number) or when they are equal (both NaN, or w == v) and j < i. Element i is 1
// in the mask when fewer than k elements of its row come before it, which is its place in
// the host's stable sort, so both give the same mask. The host passes k <= len.

// Returns whether value w at column j comes before value v at column i.
bool comes_before(const T w, const long j, const T v, const long i)
{
    const bool greater = (isnan(w) && !isnan(v)) || w > v;
    const bool equal = (isnan(w) && isnan(v)) || w == v;
    return greater || (equal && j < i);
}

__kernel void top_k_mask(__global T* out, __global const T* src, const long16 rows,
                         const long len, const long stride, const long k, const long n)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    const long i = o % len;
    const long start = storage_position(rows, o / len);
    const T v = src[start + i * stride];

    // The count stops at k because any larger count gives the same answer.
    long before = 0;
    for (long j = 0; j < len && before < k; ++j) {
        if (comes_before(src[start + j * stride], j, v, i)) {
            ++before;
        }
    }
    out[o] = (before < k) ? (T)1 : (T)0;
}
