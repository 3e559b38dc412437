// softmax and log_softmax along one axis: one work-item computes one lane, the `len` values
// along the axis with every other index fixed.
//
// `lanes` is the input's layout with the axis removed (see strided.cl), so lane l starts at
// storage_position(lanes, l) and its element j lies j * stride further. The output is
// contiguous with the input's shape: with the lanes numbered as l = outer_index * inner +
// inner_index, element j of lane l goes to out[(outer_index * len + j) * inner + inner_index].
//
// With m the lane's maximum, softmax_j = exp(x_j - m) / sum_k exp(x_k - m) and
// log_softmax_j = (x_j - m) - ln(sum_k exp(x_k - m)); subtracting m keeps every exp at most 1.
// A lane of all -inf gives 0 (softmax) or -inf (log_softmax); a lane with NaN or +inf gives
// NaN, as on the host.

// Shared body; LOG selects log_softmax.
void softmax_lane(__global T* out, __global const T* src, const long16 lanes, const long len,
                  const long stride, const long inner, const long l, const int log_form)
{
    const long start = storage_position(lanes, l);
    const long first = (l / inner) * len * inner + l % inner;

    T m = -INFINITY;
    for (long j = 0; j < len; ++j) {
        m = max_of(m, src[start + j * stride]);
    }
    if (m == -INFINITY || isnan(m) || isinf(m)) {
        const T fill = (m == -INFINITY) ? (log_form ? -INFINITY : (T)0) : NAN;
        for (long j = 0; j < len; ++j) {
            out[first + j * inner] = fill;
        }
        return;
    }

    T total = (T)0;
    for (long j = 0; j < len; ++j) {
        total += exp(src[start + j * stride] - m);
    }
    if (log_form) {
        const T log_total = log(total);
        for (long j = 0; j < len; ++j) {
            out[first + j * inner] = (src[start + j * stride] - m) - log_total;
        }
    } else {
        const T scale = (T)1 / total;
        for (long j = 0; j < len; ++j) {
            out[first + j * inner] = exp(src[start + j * stride] - m) * scale;
        }
    }
}

__kernel void softmax(__global T* out, __global const T* src, const long16 lanes,
                      const long len, const long stride, const long inner, const long n)
{
    const long l = get_global_id(0);
    if (l < n) {
        softmax_lane(out, src, lanes, len, stride, inner, l, 0);
    }
}

__kernel void log_softmax(__global T* out, __global const T* src, const long16 lanes,
                          const long len, const long stride, const long inner, const long n)
{
    const long l = get_global_id(0);
    if (l < n) {
        softmax_lane(out, src, lanes, len, stride, inner, l, 1);
    }
}
