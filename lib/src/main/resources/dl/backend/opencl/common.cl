// Shared by every program: the host prepends this file and defines T (the element type) and ACC
// (the accumulator type: double where the device has cl_khr_fp64, else float).
#ifdef USE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#define MAXR 8

// How a kernel sees one operand: element i (row-major over shape) lives at offset + Σ digit·stride.
// NOTE: rank -1 marks a contiguous operand (offset + i) and -2 a broadcast scalar (offset), so the
// common cases skip the per-axis division.
typedef struct {
  int rank;
  int offset;
  int shape[MAXR];
  int stride[MAXR];
} view_t;

inline int at(const view_t v, int i) {
  if (v.rank == -1) return v.offset + i;
  if (v.rank == -2) return v.offset;
  int off = v.offset;
  for (int d = v.rank - 1; d >= 0; d--) {
    int s = v.shape[d];
    off += (i % s) * v.stride[d];
    i /= s;
  }
  return off;
}

// Sliding-window geometry, the fields of dl.backend.ConvGeometry plus the output size.
typedef struct {
  int n, c, h, w, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, oh, ow;
} geom_t;
