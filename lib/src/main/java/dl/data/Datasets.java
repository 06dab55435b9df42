package dl.data;

import dl.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tech.tablesaw.api.Table;

/**
 * The course's data sets in one line each. The image sets are found on disk or downloaded, and
 * verified, by {@link DataStore#defaults()}; when they cannot be had the error says which command
 * fetches them (e.g. {@code bash ci/fetch-data.sh mnist}).
 *
 * <pre>{@code
 * jshell> var mnist = Datasets.mnist();
 * mnist ==> MNIST: train 60000, test 10000, input [1,28,28], 10 classes
 * jshell> mnist.train().images().shape()
 * $2 ==> [60000,1,28,28]
 * jshell> Datasets.fashionMnist().classNames().get(9)
 * $3 ==> "Ankle boot"
 * jshell> Datasets.iris()
 * $4 ==> TensorDataset(150 examples, x [4], y [], 3 classes)
 * }</pre>
 */
public final class Datasets {
  private Datasets() {}

  /**
   * MNIST handwritten digits: 60000 train / 10000 test images [1, 28, 28] in [0, 1], classes
   * "0"…"9".
   */
  public static DataSplits mnist() {
    return DataStore.defaults().mnist();
  }

  /** Fashion-MNIST: like MNIST with 10 kinds of clothing ("T-shirt/top" … "Ankle boot"). */
  public static DataSplits fashionMnist() {
    return DataStore.defaults().fashionMnist();
  }

  /** CIFAR-10: 50000 train / 10000 test colour images [3, 32, 32] in [0, 1], 10 classes. */
  public static DataSplits cifar10() {
    return DataStore.defaults().cifar10();
  }

  /**
   * Fisher's Iris: 150 flowers, 4 measurements in cm (sepal length and width, petal length and
   * width), 3 species with 50 flowers each. Shape: x [150, 4], y [150].
   */
  public static TensorDataset iris() {
    return Tabular.toDataset(irisTable(), "species");
  }

  /** Iris as a Tablesaw table, for looking at it. */
  public static Table irisTable() {
    return Tabular.read(shipped("iris.csv"));
  }

  /**
   * The folder where the course's data lives: the project's {@code data/}, else {@code
   * ~/.cache/dl-course}.
   */
  public static Path dataDir() {
    return DataStore.defaultCache();
  }

  /** A small table shipped in the project's {@code data/} folder. */
  static Path shipped(String name) {
    List<Path> tried = new java.util.ArrayList<>();
    Path start = Path.of("").toAbsolutePath();
    var dir = DataStore.projectDataDir(start);
    if (dir.isPresent()) {
      Path p = dir.get().resolve(name);
      if (Files.isRegularFile(p)) return p;
      tried.add(p);
    }
    String looked = tried.isEmpty() ? " or any folder above it" : " (looked at " + tried + ")";
    throw new DataException(
        Check.message(
            name,
            "not found: it ships in the course repository's data/ folder, which was not found from %s%s; run from inside the repository",
            start,
            looked));
  }
}
