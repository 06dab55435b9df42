// Elementwise kernels over strided, broadcast views. The op codes match OpenClBackend's tables.

__kernel void fill(__global T* o, const view_t vo, const T value, const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = value;
}

inline T unary_op(const int op, const T x) {
  switch (op) {
    case 0: return -x;
    case 1: return exp(x);
    case 2: return log(x);
    case 3: return sin(x);
    case 4: return cos(x);
    case 5: return tanh(x);
    case 6: {  // NOTE: exp of a non-positive number only, so it never overflows
      if (x >= 0) return (T)1 / ((T)1 + exp(-x));
      T e = exp(x);
      return e / ((T)1 + e);
    }
    case 7: return x > 0 ? x : (T)0;
    case 8: return fabs(x);
    case 9: return isnan(x) ? x : (x > 0 ? (T)1 : (x < 0 ? (T)-1 : x));
    case 10: return sqrt(x);
    case 11: return x > 0 ? (T)1 : (T)0;
    default: return NAN;
  }
}

__kernel void unary(const int op, __global const T* a, const view_t va, __global T* o,
                    const view_t vo, const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = unary_op(op, a[at(va, i)]);
}

inline T binary_op(const int op, const T a, const T b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return pow(a, b);
    // NOTE: like Java's Math.max/min, NaN wins (OpenCL's fmax would drop it).
    case 5: return (isnan(a) || isnan(b)) ? a + b : (a >= b ? a : b);
    case 6: return (isnan(a) || isnan(b)) ? a + b : (a <= b ? a : b);
    case 7: return a > b ? (T)1 : (T)0;
    case 8: return a >= b ? (T)1 : (T)0;
    case 9: return a < b ? (T)1 : (T)0;
    case 10: return a <= b ? (T)1 : (T)0;
    case 11: return a == b ? (T)1 : (T)0;
    case 12: return a != b ? (T)1 : (T)0;
    default: return NAN;
  }
}

__kernel void binary(const int op, __global const T* a, const view_t va, __global const T* b,
                     const view_t vb, __global T* o, const view_t vo, const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = binary_op(op, a[at(va, i)], b[at(vb, i)]);
}

__kernel void where_(__global const T* c, const view_t vc, __global const T* a, const view_t va,
                     __global const T* b, const view_t vb, __global T* o, const view_t vo,
                     const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = c[at(vc, i)] != 0 ? a[at(va, i)] : b[at(vb, i)];
}
