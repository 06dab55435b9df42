// Strided copy with conversion; compiled once per (SRC, DST) pair of element types.
__kernel void copy(__global const SRC* a, const view_t va, __global DST* o, const view_t vo,
                   const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = (DST)a[at(va, i)];
}
