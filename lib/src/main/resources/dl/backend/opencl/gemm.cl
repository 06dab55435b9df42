// Batched matrix product C = A·B over strided views, tiled in local memory.
//
// Each work-group computes a TS×TS tile of C with RTS×RTS work-items, each of which keeps a WPT×WPT
// block of C in registers. The K axis is walked in slices of TK: the group copies the TS×TK slice of
// A and the TK×TS slice of B into local memory once, then every work-item reads them WPT times
// over. Edges (M, N, K not multiples of the tile) load zeros and skip the store, so any shape
// works. NOTE: every C element still sums over k in ascending order, like the CPU backend.
// The host may choose other tile sizes per device with -D (RTS×RTS must stay 16×16 work-items).
#ifndef TS
#define TS 64
#endif
#ifndef WPT
#define WPT 4
#endif
#define RTS (TS / WPT)
#ifndef TK
#define TK 16
#endif

__kernel __attribute__((reqd_work_group_size(RTS, RTS, 1)))
void gemm(const int M, const int N, const int K,
          __global const T* A, const view_t batchA, const int rsA, const int csA,
          __global const T* B, const view_t batchB, const int rsB, const int csB,
          __global T* C, const view_t batchC, const int rsC, const int csC) {
  const int tx = get_local_id(0), ty = get_local_id(1);
  const int col0 = get_group_id(0) * TS, row0 = get_group_id(1) * TS;
  const int z = get_global_id(2);
  const int oa = at(batchA, z), ob = at(batchB, z), oc = at(batchC, z);
  __local T As[TK][TS];
  __local T Bs[TK][TS];
  T acc[WPT][WPT];
  for (int i = 0; i < WPT; i++)
    for (int j = 0; j < WPT; j++) acc[i][j] = 0;
  const int tid = ty * RTS + tx;
  for (int t = 0; t < K; t += TK) {
    for (int e = tid; e < TS * TK; e += RTS * RTS) {
      // Consecutive work-items read consecutive k of A and consecutive columns of B (coalesced for
      // row-major operands).
      int r = e / TK, k = e % TK;
      int gr = row0 + r, gk = t + k;
      As[k][r] = (gr < M && gk < K) ? A[oa + gr * rsA + gk * csA] : (T)0;
      int kb = e / TS, c = e % TS;
      int gkb = t + kb, gc = col0 + c;
      Bs[kb][c] = (gkb < K && gc < N) ? B[ob + gkb * rsB + gc * csB] : (T)0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int k = 0; k < TK; k++) {
      T a[WPT], b[WPT];
      for (int w = 0; w < WPT; w++) a[w] = As[k][ty + w * RTS];
      for (int w = 0; w < WPT; w++) b[w] = Bs[k][tx + w * RTS];
      for (int i = 0; i < WPT; i++)
        for (int j = 0; j < WPT; j++) acc[i][j] += a[i] * b[j];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  for (int i = 0; i < WPT; i++) {
    int row = row0 + ty + i * RTS;
    if (row >= M) continue;
    for (int j = 0; j < WPT; j++) {
      int col = col0 + tx + j * RTS;
      if (col < N) C[oc + row * rsC + col * csC] = acc[i][j];
    }
  }
}
