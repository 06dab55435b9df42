package dl.backend.cpu;

import dl.backend.ConvGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2×2, stride-2 max pooling of one plane, a vector of outputs at a time: the four corners of L
 * windows are gathered (their top-left offsets are a table made once per call), so a row of 14
 * outputs (LeNet's) wastes no lanes. The rule is {@code WindowKernels.maxPool2d}'s: the first
 * corner, in the order top left, top right, bottom left, bottom right, that equals the maximum (−0
 * equals +0), or the first NaN. Picked pairwise: of two candidates a (first) and b, b wins when b
 * &gt; a, or b is NaN and a is not; the top pair's winner against the bottom pair's gives the same
 * corner, so values and indices are the scalar loop's bit for bit.
 */
final class PoolVectors {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final int[] corner;
  private final float[] first;
  private final int sh, sw, w, vectors;

  /** The table for planes of {@code g} whose rows are {@code sh} and columns {@code sw} apart. */
  PoolVectors(ConvGeometry g, int sh, int sw) {
    int ow = g.outW(), count = g.outH() * ow;
    this.sh = sh;
    this.sw = sw;
    this.w = g.w();
    this.vectors = count / L;
    corner = new int[vectors * L];
    first = new float[vectors * L];
    for (int o = 0; o < corner.length; o++) {
      int y = o / ow, xo = o % ow;
      corner[o] = 2 * y * sh + 2 * xo * sw;
      first[o] = 2 * y * w + 2 * xo; // the flat index ih·W + iw of the top-left corner
    }
  }

  /**
   * Outputs [0, k·L) of the plane at {@code x[base]} into {@code out[at + o]} and {@code idx[idxAt
   * + o]}; returns k·L, the outputs done (the caller finishes the rest).
   */
  int plane(float[] x, int base, int sh, int sw, float[] out, int at, float[] idx, int idxAt) {
    if (sh != this.sh || sw != this.sw) return 0;
    FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
    FloatVector down = FloatVector.broadcast(S, w), downOne = FloatVector.broadcast(S, w + 1);
    for (int v = 0, o = 0; v < vectors; v++, o += L) {
      FloatVector tl = FloatVector.fromArray(S, x, base, corner, o);
      FloatVector tr = FloatVector.fromArray(S, x, base + sw, corner, o);
      FloatVector bl = FloatVector.fromArray(S, x, base + sh, corner, o);
      FloatVector br = FloatVector.fromArray(S, x, base + sh + sw, corner, o);
      // NOTE: each pick is three blends, each under one comparison's mask: b if b > a, then b if b
      // is NaN, then a if a is NaN. Combining masks (or, and) ran outside compiled code on JDK 17.
      VectorMask<Float> m = tr.compare(VectorOperators.GT, tl);
      FloatVector top = tl.blend(tr, m), topAt = zero.blend(one, m);
      m = tr.compare(VectorOperators.NE, tr);
      top = top.blend(tr, m);
      topAt = topAt.blend(one, m);
      m = tl.compare(VectorOperators.NE, tl);
      top = top.blend(tl, m);
      topAt = topAt.blend(zero, m);
      m = br.compare(VectorOperators.GT, bl);
      FloatVector bottom = bl.blend(br, m), bottomAt = down.blend(downOne, m);
      m = br.compare(VectorOperators.NE, br);
      bottom = bottom.blend(br, m);
      bottomAt = bottomAt.blend(downOne, m);
      m = bl.compare(VectorOperators.NE, bl);
      bottom = bottom.blend(bl, m);
      bottomAt = bottomAt.blend(down, m);
      m = bottom.compare(VectorOperators.GT, top);
      FloatVector best = top.blend(bottom, m), at0 = topAt.blend(bottomAt, m);
      m = bottom.compare(VectorOperators.NE, bottom);
      best = best.blend(bottom, m);
      at0 = at0.blend(bottomAt, m);
      m = top.compare(VectorOperators.NE, top);
      best = best.blend(top, m);
      at0 = at0.blend(topAt, m);
      best.intoArray(out, at + o);
      FloatVector.fromArray(S, first, o).add(at0).intoArray(idx, idxAt + o);
    }
    return vectors * L;
  }
}
