package dl.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The known data sets. Digests are of the decompressed files (see shared/DATA.md): repackagers
 * recompress the {@code .gz} files, so what is verified is what is parsed, not the wrapper.
 */
final class Catalog {
  private Catalog() {}

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte",
      TRAIN_LABELS = "train-labels-idx1-ubyte",
      TEST_IMAGES = "t10k-images-idx3-ubyte",
      TEST_LABELS = "t10k-labels-idx1-ubyte";

  static final DatasetSpec MNIST =
      new DatasetSpec(
          "mnist",
          "MNIST",
          List.of("mnist", "MNIST/raw"),
          List.of(),
          List.of(
              "https://ossci-datasets.s3.amazonaws.com/mnist/",
              "https://storage.googleapis.com/cvdf-datasets/mnist/"),
          List.of(
              FileSpec.sha256(
                  TRAIN_IMAGES,
                  47040016,
                  "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
              FileSpec.sha256(
                  TRAIN_LABELS,
                  60008,
                  "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
              FileSpec.sha256(
                  TEST_IMAGES,
                  7840016,
                  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
              FileSpec.sha256(
                  TEST_LABELS,
                  10008,
                  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
          null,
          "bash ci/fetch-data.sh mnist");

  static final DatasetSpec FASHION_MNIST =
      new DatasetSpec(
          "fashion-mnist",
          "Fashion-MNIST",
          List.of("fashion-mnist", "FashionMNIST/raw"),
          List.of(Path.of("/usr/share/datasets/fashion-mnist")),
          List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
          List.of(
              FileSpec.sha256(
                  TRAIN_IMAGES,
                  47040016,
                  "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
              FileSpec.sha256(
                  TRAIN_LABELS,
                  60008,
                  "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
              FileSpec.sha256(
                  TEST_IMAGES,
                  7840016,
                  "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
              FileSpec.sha256(
                  TEST_LABELS,
                  10008,
                  "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
          null,
          "bash ci/fetch-data.sh fashion-mnist");

  /** Fashion-MNIST's classes in label order, as in its README. */
  static final List<String> FASHION_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  static final String CIFAR_ARCHIVE = "cifar-10-binary.tar.gz";

  // NOTE: the archive MD5 is the one the authors publish for the *binary* version
  // (c58f30108f718f92721af3b95e74349a is the python version's); the per-file MD5s of the extracted
  // batches are the values other loaders check (e.g. CMake/Go CIFAR fetchers), 10000 records each.
  static final DatasetSpec CIFAR10 =
      new DatasetSpec(
          "cifar-10",
          "CIFAR-10",
          List.of("cifar-10", "cifar-10-batches-bin"),
          List.of(),
          List.of("https://www.cs.toronto.edu/~kriz/"),
          List.of(
              FileSpec.md5(
                  "data_batch_1.bin", 30730000, "5dd7e06a14cb22eb9f671a540d1b7c25", CIFAR_ARCHIVE),
              FileSpec.md5(
                  "data_batch_2.bin", 30730000, "5ea93a67294ea407fff1d09f752e9692", CIFAR_ARCHIVE),
              FileSpec.md5(
                  "data_batch_3.bin", 30730000, "942cd6a4bcdd0dd3c604fbe906cb4421", CIFAR_ARCHIVE),
              FileSpec.md5(
                  "data_batch_4.bin", 30730000, "ae636b3ba5c66a11e91e8cb52e771fcb", CIFAR_ARCHIVE),
              FileSpec.md5(
                  "data_batch_5.bin", 30730000, "53f37980c15c3d472c316c40844f3f0d", CIFAR_ARCHIVE),
              FileSpec.md5(
                  "test_batch.bin", 30730000, "803d5f7f4d78ea53de84dbe85f74fb6d", CIFAR_ARCHIVE)),
          FileSpec.md5(CIFAR_ARCHIVE, 170052171, "c32a1d4ab5d03f1284b67883e8d87530", CIFAR_ARCHIVE),
          "bash ci/fetch-data.sh cifar10");
}
