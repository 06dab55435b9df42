package dl.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.data.TensorDataset;
import dl.data.ToyData;
import dl.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KMeansTest {
  static final double[][] CENTERS = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};

  @Test
  void recoversWellSeparatedBlobs() {
    TensorDataset blobs = ToyData.blobs(800, CENTERS, 0.5, 3);
    KMeans km = new KMeans(4).seed(1).fit(blobs.x());
    int[] found = km.labels().toIntArray(), truth = blobs.labelArray();
    // each cluster holds exactly one blob: the map blob -> cluster is one-to-one
    int[] clusterOf = {-1, -1, -1, -1};
    for (int i = 0; i < truth.length; i++) {
      if (clusterOf[truth[i]] < 0) clusterOf[truth[i]] = found[i];
      assertEquals(clusterOf[truth[i]], found[i], "point " + i + " of blob " + truth[i]);
    }
    assertEquals(
        4, new HashSet<>(List.of(clusterOf[0], clusterOf[1], clusterOf[2], clusterOf[3])).size());
    float[] c = km.centroids().toFloatArray();
    for (int b = 0; b < 4; b++) {
      assertEquals(CENTERS[b][0], c[2 * clusterOf[b]], 0.15);
      assertEquals(CENTERS[b][1], c[2 * clusterOf[b] + 1], 0.15);
    }
    assertArrayEquals(
        found, km.predict(blobs.x()).toIntArray(), "predict agrees with the fitted labels");
  }

  @Test
  void inertiaNeverIncreasesAndIsTheSumOfSquaredDistances() {
    TensorDataset spirals = ToyData.spirals(600, 3, 0.2, 1); // not blob-shaped: many iterations
    KMeans km = new KMeans(8).seed(2).fit(spirals.x());
    List<Double> h = km.inertiaHistory();
    assertEquals(km.iterations() + 1, h.size());
    for (int i = 1; i < h.size(); i++)
      assertTrue(h.get(i) <= h.get(i - 1) * (1 + 1e-6), "inertia rose at " + i + ": " + h);
    float[] x = spirals.x().toFloatArray(), c = km.centroids().toFloatArray();
    int[] lab = km.labels().toIntArray();
    double sum = 0;
    for (int i = 0; i < 600; i++)
      sum += Math.pow(x[2 * i] - c[2 * lab[i]], 2) + Math.pow(x[2 * i + 1] - c[2 * lab[i] + 1], 2);
    assertEquals(sum, km.inertia(), 1e-3 * sum);
  }

  @Test
  void sameSeedSameClusters() {
    Tensor x = ToyData.blobs(300, 5, 1.5, 4).x();
    assertArrayEquals(
        new KMeans(5).seed(9).fit(x).centroids().toFloatArray(),
        new KMeans(5).seed(9).fit(x).centroids().toFloatArray());
    assertEquals(
        new KMeans(5).seed(9).fit(x).inertiaHistory(),
        new KMeans(5).seed(9).fit(x).inertiaHistory());
  }

  @Test
  void kMeansPlusPlusStartsFromDistinctPoints() {
    // five far-apart points and k = 5: k-means++ must pick each once, so every point is its own
    // cluster
    Tensor x = Tensor.of(new double[][] {{0, 0}, {100, 0}, {0, 100}, {100, 100}, {50, 50}});
    KMeans km = new KMeans(5).seed(3).fit(x);
    Set<Integer> labels = new HashSet<>();
    for (int v : km.labels().toIntArray()) labels.add(v);
    assertEquals(5, labels.size());
    assertEquals(0, km.inertia(), 1e-9);
  }

  @Test
  void duplicatePointsAndErrors() {
    KMeans km = new KMeans(2).fit(Tensor.ones(6, 3));
    assertEquals(0, km.inertia(), 1e-9);
    assertArrayEquals(new int[] {2, 3}, km.centroids().shape().toArray());
    assertThrows(IllegalArgumentException.class, () -> new KMeans(3).fit(Tensor.zeros(2, 2)));
    assertThrows(IllegalStateException.class, () -> new KMeans(3).predict(Tensor.zeros(2, 2)));
    assertTrue(new KMeans(2).toString().contains("not fitted"));
  }
}
