// Elementwise kernels over strided, broadcast views. The op codes (UNARY_RELU, BINARY_ADD, ...) are
// defined from the Java enums UnaryOp and BinaryOp when the program is built (ProgramCache.opCodes).

__kernel void fill(__global T* o, const view_t vo, const T value, const int n) {
  int i = get_global_id(0);
  if (i < n) o[at(vo, i)] = value;
}

inline T unary_op(const int op, const T x) {
  switch (op) {
    case UNARY_NEG: return -x;
    case UNARY_EXP: return exp(x);
    case UNARY_LOG: return log(x);
    case UNARY_SIN: return sin(x);
    case UNARY_COS: return cos(x);
    case UNARY_TANH: return tanh(x);
    case UNARY_SIGMOID: {  // NOTE: exp of a non-positive number only, so it never overflows
      if (x >= 0) return (T)1 / ((T)1 + exp(-x));
      T e = exp(x);
      return e / ((T)1 + e);
    }
    case UNARY_RELU: return x > 0 ? x : (T)0;
    case UNARY_ABS: return fabs(x);
    case UNARY_SIGN: return isnan(x) ? x : (x > 0 ? (T)1 : (x < 0 ? (T)-1 : x));
    case UNARY_SQRT: return sqrt(x);
    case UNARY_STEP: return x > 0 ? (T)1 : (T)0;
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
    case BINARY_ADD: return a + b;
    case BINARY_SUB: return a - b;
    case BINARY_MUL: return a * b;
    case BINARY_DIV: return a / b;
    case BINARY_POW: return pow(a, b);
    // NOTE: like Java's Math.max/min, NaN wins (OpenCL's fmax would drop it).
    case BINARY_MAX: return (isnan(a) || isnan(b)) ? a + b : (a >= b ? a : b);
    case BINARY_MIN: return (isnan(a) || isnan(b)) ? a + b : (a <= b ? a : b);
    case BINARY_GT: return a > b ? (T)1 : (T)0;
    case BINARY_GE: return a >= b ? (T)1 : (T)0;
    case BINARY_LT: return a < b ? (T)1 : (T)0;
    case BINARY_LE: return a <= b ? (T)1 : (T)0;
    case BINARY_EQ: return a == b ? (T)1 : (T)0;
    case BINARY_NE: return a != b ? (T)1 : (T)0;
    case BINARY_PASS_IF_POSITIVE: return b > (T)0 ? a : (T)0;
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
