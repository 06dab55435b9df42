// Sliding windows (im2col, col2im, max pooling) and the index ops (gather, scatter) that the
// pooling and cross-entropy gradients use. None needs atomics: every work-item owns its outputs.

// cols [C·kh·kw, N·OH·OW] (contiguous from oOff) from images x [N, C, H, W] (any strides).
__kernel void im2col(__global const T* x, const view_t vx, __global T* o, const int oOff,
                     const geom_t g, const int total) {
  int i = get_global_id(0);
  if (i >= total) return;
  int ncols = g.n * g.oh * g.ow;
  int r = i / ncols, col = i % ncols;
  int c = r / (g.kh * g.kw), ki = (r / g.kw) % g.kh, kj = r % g.kw;
  int n = col / (g.oh * g.ow), y = (col / g.ow) % g.oh, xo = col % g.ow;
  int ih = y * g.sh - g.pt + ki * g.dh, iw = xo * g.sw - g.pl + kj * g.dw;
  T v = 0;
  if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w)
    v = x[vx.offset + n * vx.stride[0] + c * vx.stride[1] + ih * vx.stride[2] + iw * vx.stride[3]];
  o[oOff + i] = v;
}

// The adjoint: each image element (contiguous from oOff) adds every column entry copied from it,
// in ascending kernel position, the CPU backend's order.
__kernel void col2im(__global const T* cols, const int cOff, __global T* o, const int oOff,
                     const geom_t g, const int total) {
  int i = get_global_id(0);
  if (i >= total) return;
  int iw = i % g.w, ih = (i / g.w) % g.h, c = (i / (g.w * g.h)) % g.c, n = i / (g.w * g.h * g.c);
  int ncols = g.n * g.oh * g.ow;
  T s = o[oOff + i];
  for (int ki = 0; ki < g.kh; ki++) {
    int yy = ih + g.pt - ki * g.dh;
    if (yy < 0 || yy % g.sh != 0) continue;
    int y = yy / g.sh;
    if (y >= g.oh) continue;
    for (int kj = 0; kj < g.kw; kj++) {
      int xx = iw + g.pl - kj * g.dw;
      if (xx < 0 || xx % g.sw != 0) continue;
      int xo = xx / g.sw;
      if (xo >= g.ow) continue;
      int r = (c * g.kh + ki) * g.kw + kj;
      s += cols[cOff + r * ncols + (n * g.oh + y) * g.ow + xo];
    }
  }
  o[oOff + i] = s;
}

// out and idx [N, C, OH, OW] (contiguous from their offsets); the index is ih·W + iw in the plane.
__kernel void max_pool(__global const T* x, const view_t vx, __global T* o, const int oOff,
                       __global T* idx, const int iOff, const geom_t g, const int total) {
  int i = get_global_id(0);
  if (i >= total) return;
  int xo = i % g.ow, y = (i / g.ow) % g.oh, c = (i / (g.ow * g.oh)) % g.c,
      n = i / (g.ow * g.oh * g.c);
  int base = vx.offset + n * vx.stride[0] + c * vx.stride[1];
  T best = -INFINITY;
  int bestIndex = -1;
  for (int ki = 0; ki < g.kh; ki++) {
    int ih = y * g.sh - g.pt + ki * g.dh;
    if (ih < 0 || ih >= g.h) continue;
    for (int kj = 0; kj < g.kw; kj++) {
      int iw = xo * g.sw - g.pl + kj * g.dw;
      if (iw < 0 || iw >= g.w) continue;
      T v = x[base + ih * vx.stride[2] + iw * vx.stride[3]];
      if (v > best || bestIndex < 0 || (isnan(v) && !isnan(best))) {
        best = v;
        bestIndex = ih * g.w + iw;
      }
    }
  }
  o[oOff + i] = best;
  idx[iOff + i] = (T)bestIndex;
}

// Sets *err to 1 when an index is not an integer in [0, limit); the host turns that into the
// CPU backend's error message.
inline int checked(const T v, const int limit, __global int* err) {
  int t = (int)v;
  if ((T)t != v || t < 0 || t >= limit) {
    *err = 1;
    return -1;
  }
  return t;
}

// out[..., j, ...] = a[..., index[..., j, ...], ...]; out has the index's shape (full rank views).
__kernel void gather(__global const T* a, const view_t va, const int axis,
                     __global const T* index, const view_t vi, __global T* o, const view_t vo,
                     const int total, __global int* err) {
  int i = get_global_id(0);
  if (i >= total) return;
  int pa = va.offset, rest = i;
  for (int d = vo.rank - 1; d >= 0; d--) {
    int s = vo.shape[d], digit = rest % s;
    rest /= s;
    if (d != axis) pa += digit * va.stride[d];
  }
  int t = checked(index[at(vi, i)], va.shape[axis], err);
  if (t >= 0) o[at(vo, i)] = a[pa + t * va.stride[axis]];
}

// One work-item per line along `axis` (every other coordinate fixed), walking the line in order:
// lines touch disjoint outputs, so no atomics are needed and repeated indices add (or, for scatter,
// the last write wins) exactly as on the CPU.
__kernel void scatter(const int accumulate, __global const T* src, const view_t vs,
                      const int axis, __global const T* index, const view_t vi, __global T* o,
                      const view_t vo, const int lines, __global int* err) {
  int line = get_global_id(0);
  if (line >= lines) return;
  int ps = vs.offset, pi = vi.offset, po = vo.offset, rest = line;
  for (int d = vi.rank - 1; d >= 0; d--) {
    if (d == axis) continue;
    int s = vi.shape[d], digit = rest % s;
    rest /= s;
    ps += digit * vs.stride[d];
    pi += digit * vi.stride[d];
    po += digit * vo.stride[d];
  }
  int len = vi.shape[axis], limit = vo.shape[axis];
  for (int j = 0; j < len; j++) {
    int t = checked(index[pi + j * vi.stride[axis]], limit, err);
    if (t < 0) continue;
    int target = po + t * vo.stride[axis];
    T v = src[ps + j * vs.stride[axis]];
    o[target] = accumulate ? o[target] + v : v;
  }
}
