// Reductions. `vo` has the input's rank with size 1 on every reduced axis; output element o and
// reduced position r (row-major over the reduced axes) together name one input element.

inline int in_at(const view_t va, const view_t vo, int o, int r) {
  int off = va.offset;
  for (int d = va.rank - 1; d >= 0; d--) {
    int digit;
    if (vo.shape[d] == 1) {
      int s = va.shape[d];
      digit = r % s;
      r /= s;
    } else {
      int s = vo.shape[d];
      digit = o % s;
      o /= s;
    }
    off += digit * va.stride[d];
  }
  return off;
}

inline ACC identity(const int op) {
  return op == REDUCE_SUM ? (ACC)0
       : op == REDUCE_MAX ? (ACC)(-INFINITY)
       : op == REDUCE_MIN ? (ACC)INFINITY
       : (ACC)NAN;  // an op without a kernel case: NaN, never a silent wrong answer
}

// NOTE: NaN must win, or a diverging loss would be hidden by max(); the same rule as ReduceOp.
inline ACC combine(const int op, const ACC acc, const ACC x) {
  if (op == REDUCE_SUM) return acc + x;
  if (op == REDUCE_MAX) return (x > acc || isnan(x)) ? x : acc;
  if (op == REDUCE_MIN) return (x < acc || isnan(x)) ? x : acc;
  return NAN;
}

// One work-item per output element: for many short reductions (e.g. a bias gradient).
__kernel void reduce_rows(const int op, __global const T* a, const view_t va, __global T* o,
                          const view_t vo, const int nout, const int nred) {
  int i = get_global_id(0);
  if (i >= nout) return;
  ACC acc = identity(op);
  for (int r = 0; r < nred; r++) acc = combine(op, acc, (ACC)a[in_at(va, vo, i, r)]);
  o[at(vo, i)] = (T)acc;
}

// One work-group per output element, a tree in local memory: for few long reductions (a loss, the
// per-channel statistics of batch norm).
__kernel void reduce_groups(const int op, __global const T* a, const view_t va, __global T* o,
                            const view_t vo, const int nout, const int nred,
                            __local ACC* scratch) {
  int g = get_group_id(0), l = get_local_id(0), L = get_local_size(0);
  ACC acc = identity(op);
  for (int r = l; r < nred; r += L) acc = combine(op, acc, (ACC)a[in_at(va, vo, g, r)]);
  scratch[l] = acc;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = L / 2; s > 0; s >>= 1) {
    if (l < s) scratch[l] = combine(op, scratch[l], scratch[l + s]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (l == 0) o[at(vo, g)] = (T)scratch[0];
}

// Index of the max (op 1) or min (op 2) along `axis`; ties go to the first, a NaN wins at once.
__kernel void arg_reduce(const int op, __global const T* a, const view_t va, __global T* o,
                         const view_t vo, const int axis, const int nout) {
  int i = get_global_id(0);
  if (i >= nout) return;
  int p = va.offset, rest = i;
  for (int d = vo.rank - 1; d >= 0; d--) {
    int s = vo.shape[d];
    p += (rest % s) * va.stride[d];
    rest /= s;
  }
  int len = va.shape[axis], step = va.stride[axis], best = 0;
  T bestValue = a[p];
  for (int t = 1; t < len && !isnan(bestValue); t++) {
    T v = a[p + t * step];
    if ((op == REDUCE_MAX ? v > bestValue : v < bestValue) || isnan(v)) {
      best = t;
      bestValue = v;
    }
  }
  o[at(vo, i)] = (T)best;
}
