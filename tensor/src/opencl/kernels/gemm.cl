// Tiled GEMM: D = alpha * A B + beta * C.
//
// A is m x k, B is k x n, and C and D are m x n. D may be C itself (the same buffer and
// layout) for the in-place form C = alpha * A B + beta * C: each element of C is read and
// then written by the same work-item. Every matrix is addressed through an offset and a
// row and a column stride (in elements, possibly negative), so a transposed, sliced or
// reversed view of a buffer is passed as it is: element (i, j) of A lives at
// a_offset + i * a_row_stride + j * a_col_stride.
//
// The element type T is float unless the host builds the program with `-D T=double`
// (which needs the cl_khr_fp64 extension).
//
// How the work is cut
// -------------------
// C is split into tiles of TILE_M x TILE_N = 64 x 64 elements. One work-group of
// GROUP_Y x GROUP_X = 16 x 16 work-items computes one tile. Each work-item owns a 4 x 4
// register block of that tile, spread out with a step of 16 rows and 16 columns, so that
// neighbouring work-items touch neighbouring columns of C:
//
//            tile of C (64 x 64), the cells of work-item (ty, tx) = (0, 1)
//
//            col: 0 1 2 .. 15 16 17 18 .. 32 33 .. 48 49 ..
//     row  0      . X .        .  X  .       .  X      .  X
//     row 16      . X .        .  X  .       .  X      .  X
//     row 32      . X .        .  X  .       .  X      .  X
//     row 48      . X .        .  X  .       .  X      .  X
//
// The shared dimension k is walked in steps of TILE_K = 16. In each step the group copies a
// 64 x 16 slab of A and a 16 x 64 slab of B into local memory (each work-item copies 4
// elements of each), waits at a barrier, and then every work-item accumulates its 4 x 4
// block from local memory:
//
//                 B slab (16 x 64, local)
//                +------------------+
//                |                  |
//                +------------------+
//   A slab       +------------------+
//   (64 x 16,    |                  |
//    local)      |  C tile 64 x 64  |   acc[i][j] += a_local[kk][row i] * b_local[kk][col j]
//   +----+       |  (registers,     |
//   |    |       |   4 x 4 per      |
//   |    |       |   work-item)     |
//   +----+       +------------------+
//
// A naive kernel reads each element of A once per column of C. Here a work-group reads it
// once per 64 columns (and each element of B once per 64 rows), so global memory traffic
// drops by a factor of 64; the repeated reads hit fast local memory instead.
//
// Edges: rows, columns and k steps beyond the matrix are loaded as zeros and never
// stored, so any m, n and k (including k = 0, which gives D = beta * C) work. The host
// does not launch the kernel when m or n is zero.
//
// beta = 0 means "overwrite": C is then not read, so NaN in C does not reach D.

#ifndef T
#define T float
#endif

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

// Rows and columns of C per work-group, and the step along k.
#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
// Work-items per group along columns (x) and rows (y).
#define GROUP_X 16
#define GROUP_Y 16
// Rows and columns of C per work-item.
#define BLOCK_M (TILE_M / GROUP_Y)
#define BLOCK_N (TILE_N / GROUP_X)
// Elements of each slab that one work-item copies.
#define GROUP_SIZE (GROUP_X * GROUP_Y)
#define LOADS_A (TILE_M * TILE_K / GROUP_SIZE)
#define LOADS_B (TILE_K * TILE_N / GROUP_SIZE)

__kernel __attribute__((reqd_work_group_size(GROUP_X, GROUP_Y, 1)))
void gemm(const long m, const long n, const long k,
          const T alpha,
          __global const T *a, const long a_offset, const long a_row_stride, const long a_col_stride,
          __global const T *b, const long b_offset, const long b_row_stride, const long b_col_stride,
          const T beta,
          __global const T *c, const long c_offset, const long c_row_stride, const long c_col_stride,
          __global T *d, const long d_offset, const long d_row_stride, const long d_col_stride)
{
    // A slab stored k-major (a_local[kk][row]) so the inner loop reads a row of it.
    __local T a_local[TILE_K][TILE_M];
    __local T b_local[TILE_K][TILE_N];

    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int local_index = ty * GROUP_X + tx;
    const long row0 = (long)get_group_id(1) * TILE_M;
    const long col0 = (long)get_group_id(0) * TILE_N;

    T acc[BLOCK_M][BLOCK_N];
    for (int i = 0; i < BLOCK_M; i++) {
        for (int j = 0; j < BLOCK_N; j++) {
            acc[i][j] = (T)0;
        }
    }

    for (long k0 = 0; k0 < k; k0 += TILE_K) {
        // Step 1: copy the 64 x 16 slab of A and the 16 x 64 slab of B, zeros outside.
        for (int l = 0; l < LOADS_A; l++) {
            const int index = local_index + l * GROUP_SIZE;
            const int r = index / TILE_K;
            const int kk = index % TILE_K;
            const long row = row0 + r;
            const long col = k0 + kk;
            a_local[kk][r] = (row < m && col < k)
                ? a[a_offset + row * a_row_stride + col * a_col_stride]
                : (T)0;
        }
        for (int l = 0; l < LOADS_B; l++) {
            const int index = local_index + l * GROUP_SIZE;
            const int kk = index / TILE_N;
            const int cc = index % TILE_N;
            const long row = k0 + kk;
            const long col = col0 + cc;
            b_local[kk][cc] = (row < k && col < n)
                ? b[b_offset + row * b_row_stride + col * b_col_stride]
                : (T)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        // Step 2: accumulate this work-item's 4 x 4 block from local memory.
        for (int kk = 0; kk < TILE_K; kk++) {
            T a_reg[BLOCK_M];
            T b_reg[BLOCK_N];
            for (int i = 0; i < BLOCK_M; i++) {
                a_reg[i] = a_local[kk][ty + i * GROUP_Y];
            }
            for (int j = 0; j < BLOCK_N; j++) {
                b_reg[j] = b_local[kk][tx + j * GROUP_X];
            }
            for (int i = 0; i < BLOCK_M; i++) {
                for (int j = 0; j < BLOCK_N; j++) {
                    acc[i][j] += a_reg[i] * b_reg[j];
                }
            }
        }
        // The next step overwrites the slabs, so wait until everyone has read them.
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    // Step 3: write the block, D = alpha * acc + beta * C, skipping cells outside D.
    for (int i = 0; i < BLOCK_M; i++) {
        const long row = row0 + ty + i * GROUP_Y;
        if (row >= m) {
            continue;
        }
        for (int j = 0; j < BLOCK_N; j++) {
            const long col = col0 + tx + j * GROUP_X;
            if (col >= n) {
                continue;
            }
            T value = alpha * acc[i][j];
            if (beta != (T)0) {
                value += beta * c[c_offset + row * c_row_stride + col * c_col_stride];
            }
            d[d_offset + row * d_row_stride + col * d_col_stride] = value;
        }
    }
}
