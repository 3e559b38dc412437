// Reductions over any set of axes: one work-item computes one output element.
//
// The host splits the input's axes into two views of the same storage (see strided.cl):
//   kept     the axes that stay in the output, with the input's offset; output element o
//            starts at storage_position(kept, o)
//   reduced  the axes that are summed away, with offset 0; reduced element r lies
//            storage_position(reduced, r) positions further
// so output o reduces src[storage_position(kept, o) + storage_position(reduced, r)] for
// r = 0 .. count - 1, in row-major order of the reduced axes. The output is contiguous.
//
// NOTE: each work-item walks its `count` elements alone, so a reduction to few outputs (a sum
// of a whole tensor) uses few work-items; fine on a CPU device, slow on a GPU.

#define REDUCE_ARGS                                                               \
    __global T* out, __global const T* src, const long16 kept, const long16 reduced, \
        const long count, const long n

// Adds x to the compensated sum (*total, *carry), which starts at (0, 0).
//
// Kahan's compensated summation: `carry` keeps the low-order bits that each addition to
// `total` rounds away and feeds them into the next term. A plain running sum of 100 003
// float values of 0.1 is off by about 1.4; the compensated one by a few ulp. It relies on
// FP_CONTRACT OFF (strided.cl) and on the compiler not reassociating, which OpenCL C does not
// do without -cl-fast-relaxed-math.
//
// Once the total is infinite, (next - total) - term is inf - inf = NaN, which would turn the
// next term into NaN; the carry stays 0 instead, so an infinite sum stays infinite as on the
// host (and +inf plus -inf still gives NaN).
void compensated_add(T* total, T* carry, const T x)
{
    const T term = x - *carry;
    const T next = *total + term;
    *carry = isfinite(next) ? (next - *total) - term : (T)0;
    *total = next;
}

// Returns the sum of the reduced elements of output o (0 when there are none).
T sum_of(__global const T* src, const long start, const long16 reduced, const long count)
{
    T total = (T)0;
    T carry = (T)0;
    for (long r = 0; r < count; ++r) {
        compensated_add(&total, &carry, src[start + storage_position(reduced, r)]);
    }
    return total;
}

// The sum of the reduced elements (0 when there are none).
__kernel void reduce_sum(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    out[o] = sum_of(src, storage_position(kept, o), reduced, count);
}

// The mean of the reduced elements (0 / 0 = NaN when there are none).
__kernel void reduce_mean(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    out[o] = sum_of(src, storage_position(kept, o), reduced, count) / (T)count;
}

// The maximum of the reduced elements; NaN propagates. The host never asks for count == 0.
__kernel void reduce_max(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    const long start = storage_position(kept, o);
    T best = src[start + storage_position(reduced, 0)];
    for (long r = 1; r < count; ++r) {
        best = max_of(best, src[start + storage_position(reduced, r)]);
    }
    out[o] = best;
}

// The minimum of the reduced elements; NaN propagates. The host never asks for count == 0.
__kernel void reduce_min(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    const long start = storage_position(kept, o);
    T best = src[start + storage_position(reduced, 0)];
    for (long r = 1; r < count; ++r) {
        best = min_of(best, src[start + storage_position(reduced, r)]);
    }
    out[o] = best;
}

// The population variance of the reduced elements: the mean of the squared deviations from
// their mean, in two passes as on the host. Zero elements give 0 / 0 = NaN.
__kernel void reduce_var(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    const long start = storage_position(kept, o);
    const T mean = sum_of(src, start, reduced, count) / (T)count;
    T total = (T)0;
    T carry = (T)0;
    for (long r = 0; r < count; ++r) {
        const T deviation = src[start + storage_position(reduced, r)] - mean;
        compensated_add(&total, &carry, deviation * deviation);
    }
    out[o] = total / (T)count;
}

// ln(sum(exp(x))) of the reduced elements, as m + ln(sum(exp(x - m))) with m their maximum,
// so that no exp overflows. When m is not finite (+inf, NaN, or -inf because every element
// is -inf) the result is m, and zero elements give -inf (the log of an empty sum), as on the
// host.
__kernel void reduce_logsumexp(REDUCE_ARGS)
{
    const long o = get_global_id(0);
    if (o >= n) {
        return;
    }
    if (count == 0) {
        out[o] = -INFINITY;
        return;
    }
    const long start = storage_position(kept, o);
    T m = src[start + storage_position(reduced, 0)];
    for (long r = 1; r < count; ++r) {
        m = max_of(m, src[start + storage_position(reduced, r)]);
    }
    if (!isfinite(m)) {
        out[o] = m;
        return;
    }
    T total = (T)0;
    T carry = (T)0;
    for (long r = 0; r < count; ++r) {
        compensated_add(&total, &carry, exp(src[start + storage_position(reduced, r)] - m));
    }
    out[o] = m + log(total);
}
