package dl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding, downloading and verifying data sets, on small files served from 127.0.0.1. */
class DataStoreTest {
  @TempDir Path tmp;
  TestServer server;

  // A tiny IDX data set: 6 train and 3 test images of 4×4, and their labels.
  static final byte[] TRAIN_IMAGES = Fixtures.idxUbyte(6, 4, 4),
      TRAIN_LABELS = Fixtures.idxLabels(0, 1, 2, 0, 1, 2),
      TEST_IMAGES = Fixtures.idxUbyte(3, 4, 4),
      TEST_LABELS = Fixtures.idxLabels(2, 1, 0);
  static final String[] NAMES = {
    Catalog.TRAIN_IMAGES, Catalog.TRAIN_LABELS, Catalog.TEST_IMAGES, Catalog.TEST_LABELS
  };
  static final byte[][] CONTENTS = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};
  static final List<String> CLASSES = List.of("a", "b", "c");

  @BeforeEach
  void start() throws IOException {
    server = new TestServer();
    for (int i = 0; i < 4; i++) server.files.put(NAMES[i] + ".gz", Fixtures.gzip(CONTENTS[i]));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  static DatasetSpec tiny(List<Path> systemDirs, String... mirrors) {
    List<FileSpec> files = new ArrayList<>();
    for (int i = 0; i < 4; i++)
      files.add(
          FileSpec.sha256(NAMES[i], CONTENTS[i].length, DataStore.digest("SHA-256", CONTENTS[i])));
    return new DatasetSpec(
        "tiny",
        "Tiny",
        List.of("tiny", "Tiny/raw"),
        systemDirs,
        List.of(mirrors),
        files,
        null,
        "bash ci/fetch-data.sh tiny");
  }

  DataStore store() {
    return new DataStore(tmp.resolve("cache"))
        .systemDirs(false)
        .quiet()
        .timeout(Duration.ofSeconds(10));
  }

  /** Every file under the cache, to show nothing half-written was left behind. */
  List<String> cacheFiles() throws IOException {
    Path cache = tmp.resolve("cache");
    if (!Files.exists(cache)) return List.of();
    try (Stream<Path> s = Files.walk(cache)) {
      return s.filter(Files::isRegularFile)
          .map(p -> cache.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  static void assertTiny(DataSplits d) {
    assertEquals("Tiny: train 6, test 3, input [1,4,4], 3 classes", d.toString());
    assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, d.train().labels().toFloatArray());
    assertEquals(3 / 255f, d.train().images().toFloatArray()[0], 0f);
    assertEquals(CLASSES, d.classNames());
  }

  @Test
  void downloadsVerifiesAndCachesDecompressedFiles() throws IOException {
    List<String> log = new ArrayList<>();
    DataStore store = store().log(log::add);
    assertTiny(store.loadIdx(tiny(List.of(), server.good()), CLASSES));
    assertEquals(4, server.requests.get());
    assertEquals(
        List.of("tiny/" + NAMES[2], "tiny/" + NAMES[3], "tiny/" + NAMES[0], "tiny/" + NAMES[1])
            .stream()
            .sorted()
            .toList(),
        cacheFiles());
    for (int i = 0; i < 4; i++)
      assertArrayEquals(CONTENTS[i], Files.readAllBytes(tmp.resolve("cache/tiny/" + NAMES[i])));
    assertTrue(
        log.stream().anyMatch(l -> l.startsWith("Downloading " + server.good())), log.toString());
    // the second time everything comes from the cache
    assertTiny(store.loadIdx(tiny(List.of(), server.good()), CLASSES));
    assertEquals(4, server.requests.get());
  }

  @Test
  void aDownloadThatBreaksOffLeavesNothingInTheCache() throws IOException {
    for (int i = 0; i < 4; i++) server.files.put(NAMES[i] + ".gz", Fixtures.gzip(CONTENTS[i]));
    var e =
        assertThrows(
            DataException.class,
            () -> store().loadIdx(tiny(List.of(), server.dropping()), CLASSES));
    assertTrue(e.getMessage().contains("broke off after"), e.getMessage());
    assertTrue(e.getMessage().contains("bash ci/fetch-data.sh tiny"), e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void aTruncatedFileOnTheMirrorIsRejected() throws IOException {
    byte[] gz = Fixtures.gzip(TRAIN_IMAGES);
    server.files.put(NAMES[0] + ".gz", Arrays.copyOf(gz, gz.length / 2));
    var e =
        assertThrows(
            DataException.class, () -> store().loadIdx(tiny(List.of(), server.good()), CLASSES));
    assertTrue(
        e.getMessage().contains(NAMES[0] + " not found")
            && e.getMessage().contains("do not decompress"),
        e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void aCorruptDownloadIsRejectedWithBothChecksums() throws IOException {
    byte[] bad = TRAIN_IMAGES.clone();
    bad[40] ^= 1;
    server.files.put(NAMES[0] + ".gz", Fixtures.gzip(bad));
    var e =
        assertThrows(
            DataException.class, () -> store().loadIdx(tiny(List.of(), server.good()), CLASSES));
    String expected = DataStore.digest("SHA-256", TRAIN_IMAGES),
        actual = DataStore.digest("SHA-256", bad);
    assertTrue(
        e.getMessage().contains("SHA-256 " + actual)
            && e.getMessage().contains("expected " + expected),
        e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void aMissingFileOnOneMirrorFallsBackToTheNext() {
    assertTiny(store().loadIdx(tiny(List.of(), server.missing(), server.good()), CLASSES));
  }

  @Test
  void mirrorCanBeReplacedForAKnownDataSet() throws IOException {
    DataStore store = store().mirror("mnist", server.good());
    assertEquals(List.of(server.good()), store.spec("mnist").mirrors());
    assertThrows(IllegalArgumentException.class, () -> store.mirror("imagenet", server.good()));
  }

  @Test
  void findsFilesUnderDlDataAndSystemFoldersRawOrGzipped() throws IOException {
    Path env = Files.createDirectories(tmp.resolve("env/Tiny/raw")),
        system = Files.createDirectories(tmp.resolve("usr/share/tiny"));
    Files.write(env.resolve(NAMES[0] + ".gz"), Fixtures.gzip(TRAIN_IMAGES));
    Files.write(env.resolve(NAMES[1]), TRAIN_LABELS);
    Files.write(system.resolve(NAMES[2] + ".gz"), Fixtures.gzip(TEST_IMAGES));
    Files.write(system.resolve(NAMES[3] + ".gz"), Fixtures.gzip(TEST_LABELS));
    DataStore store = store().dataEnv(tmp.resolve("env")).systemDirs(true).downloads(false);
    assertTiny(store.loadIdx(tiny(List.of(system)), CLASSES));
    assertEquals(0, server.requests.get());
    assertEquals(List.of(), cacheFiles(), "files found elsewhere are not copied into the cache");
  }

  @Test
  void theCacheIsSearchedFirst() throws IOException {
    Path cache = Files.createDirectories(tmp.resolve("cache/tiny")),
        env = Files.createDirectories(tmp.resolve("env/tiny"));
    for (int i = 0; i < 4; i++) {
      Files.write(cache.resolve(NAMES[i]), CONTENTS[i]);
      Files.write(env.resolve(NAMES[i]), "not this one".getBytes(StandardCharsets.UTF_8));
    }
    assertTiny(
        store().dataEnv(tmp.resolve("env")).loadIdx(tiny(List.of(), server.good()), CLASSES));
    List<Path> order =
        store().dataEnv(tmp.resolve("env")).places(tiny(List.of(tmp))).stream()
            .map(DataStore.Place::dir)
            .toList();
    assertEquals(
        List.of(
            tmp.resolve("cache/tiny"),
            tmp.resolve("env/tiny"),
            tmp.resolve("env/Tiny/raw"),
            tmp.resolve("env")),
        order,
        "system folders come after DL_DATA (and are off in this store)");
  }

  @Test
  void aCorruptCachedFileNamesTheFileAndBothChecksums() throws IOException {
    Path cache = Files.createDirectories(tmp.resolve("cache/tiny"));
    for (int i = 0; i < 4; i++) Files.write(cache.resolve(NAMES[i]), CONTENTS[i]);
    byte[] bad = TEST_LABELS.clone();
    bad[10] ^= 1; // the last label, 0, becomes 1
    Files.write(cache.resolve(NAMES[3]), bad);
    var e =
        assertThrows(
            DataException.class, () -> store().loadIdx(tiny(List.of(), server.good()), CLASSES));
    String m = e.getMessage();
    assertTrue(m.contains(cache.resolve(NAMES[3]).toString()), m);
    assertTrue(
        m.contains("SHA-256 " + DataStore.digest("SHA-256", bad))
            && m.contains("expected " + DataStore.digest("SHA-256", TEST_LABELS)),
        m);
    assertTrue(m.contains("bash ci/fetch-data.sh tiny"), m);
  }

  @Test
  void aTruncatedCachedFileNamesTheFileAndBothSizes() throws IOException {
    Path cache = Files.createDirectories(tmp.resolve("cache/tiny"));
    for (int i = 0; i < 4; i++) Files.write(cache.resolve(NAMES[i]), CONTENTS[i]);
    Files.write(cache.resolve(NAMES[0]), Arrays.copyOf(TRAIN_IMAGES, 50));
    var e =
        assertThrows(
            DataException.class, () -> store().loadIdx(tiny(List.of(), server.good()), CLASSES));
    String m = e.getMessage();
    assertTrue(
        m.contains(cache.resolve(NAMES[0]) + " has 50 bytes")
            && m.contains("expected " + TRAIN_IMAGES.length + " bytes"),
        m);
    assertTrue(m.contains("truncated"), m);
    // a gzipped file cut in half says so too
    byte[] gz = Fixtures.gzip(TRAIN_IMAGES);
    Files.delete(cache.resolve(NAMES[0]));
    Files.write(cache.resolve(NAMES[0] + ".gz"), Arrays.copyOf(gz, gz.length - 10));
    e =
        assertThrows(
            DataException.class, () -> store().loadIdx(tiny(List.of(), server.good()), CLASSES));
    assertTrue(
        e.getMessage().contains(NAMES[0] + ".gz") && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void whenNothingIsReachableTheErrorSaysWhichCommandFetchesTheData() throws IOException {
    DataStore store =
        store().mirror("mnist", TestServer.closedPort()).timeout(Duration.ofSeconds(5));
    var e = assertThrows(DataException.class, store::mnist);
    String m = e.getMessage();
    assertTrue(m.startsWith("MNIST: train-images-idx3-ubyte not found. Looked in:"), m);
    assertTrue(m.contains(tmp.resolve("cache/mnist") + " (the data cache)"), m);
    assertTrue(m.contains("DL_DATA is not set"), m);
    assertTrue(m.contains("bash ci/fetch-data.sh mnist"), m);
    assertEquals(List.of(), cacheFiles());
    var off = assertThrows(DataException.class, () -> store().downloads(false).fashionMnist());
    assertTrue(
        off.getMessage().contains("downloads are turned off")
            && off.getMessage().contains("bash ci/fetch-data.sh fashion-mnist"),
        off.getMessage());
    var cifar = assertThrows(DataException.class, () -> store().downloads(false).cifar10());
    assertTrue(cifar.getMessage().contains("bash ci/fetch-data.sh cifar10"), cifar.getMessage());
  }

  // ---------------------------------------------------------------- CIFAR-10 archive

  static final String[] BATCHES = {
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
    "test_batch.bin"
  };

  static byte[] batch(int i) {
    return Fixtures.cifarBatch(2, i);
  }

  /**
   * The archive's layout: a folder entry, the batches, batches.meta.txt, and one long file name.
   */
  static byte[] cifarArchive() {
    List<String> names = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      names.add("cifar-10-batches-bin/" + BATCHES[i]);
      contents.add(batch(i));
    }
    names.add("cifar-10-batches-bin/batches.meta.txt");
    contents.add("airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII));
    names.add("cifar-10-batches-bin/" + "x".repeat(120) + ".txt");
    contents.add(new byte[] {1, 2, 3});
    byte[] files = Fixtures.tar(names.toArray(new String[0]), contents.toArray(new byte[0][]));
    byte[] dir = Fixtures.tarDir("cifar-10-batches-bin/");
    byte[] all = new byte[dir.length + files.length];
    System.arraycopy(dir, 0, all, 0, dir.length);
    System.arraycopy(files, 0, all, dir.length, files.length);
    return Fixtures.gzip(all);
  }

  static DatasetSpec tinyCifar(byte[] archive, String... mirrors) {
    List<FileSpec> files = new ArrayList<>();
    for (int i = 0; i < 6; i++)
      files.add(
          FileSpec.md5(
              BATCHES[i],
              batch(i).length,
              DataStore.digest("MD5", batch(i)),
              Catalog.CIFAR_ARCHIVE));
    FileSpec a =
        FileSpec.md5(
            Catalog.CIFAR_ARCHIVE,
            archive.length,
            DataStore.digest("MD5", archive),
            Catalog.CIFAR_ARCHIVE);
    return new DatasetSpec(
        "cifar-10",
        "CIFAR-10",
        List.of("cifar-10", "cifar-10-batches-bin"),
        List.of(),
        List.of(mirrors),
        files,
        a,
        "bash ci/fetch-data.sh cifar10");
  }

  static void assertTinyCifar(DataSplits d) {
    assertEquals("CIFAR-10: train 10, test 2, input [3,32,32], 10 classes", d.toString());
    assertArrayEquals(new float[] {5, 6}, d.test().labels().toFloatArray());
  }

  @Test
  void cifarArchiveIsDownloadedVerifiedAndExtracted() throws IOException {
    byte[] archive = cifarArchive();
    server.files.put(Catalog.CIFAR_ARCHIVE, archive);
    assertTinyCifar(store().loadCifar(tinyCifar(archive, server.good())));
    List<String> expected = new ArrayList<>();
    for (String b : BATCHES) expected.add("cifar-10/" + b);
    expected.add("cifar-10/batches.meta.txt");
    expected.sort(null);
    assertEquals(
        expected,
        cacheFiles(),
        "the batches are extracted; the archive and temporary files are gone");
    assertEquals(1, server.requests.get());
    assertTinyCifar(store().loadCifar(tinyCifar(archive, server.good())));
    assertEquals(1, server.requests.get());
  }

  @Test
  void cifarArchiveWithTheWrongChecksumExtractsNothing() throws IOException {
    byte[] archive = cifarArchive();
    byte[] other = archive.clone();
    other[other.length - 20] ^= 0x55;
    server.files.put(Catalog.CIFAR_ARCHIVE, other);
    var e =
        assertThrows(
            DataException.class, () -> store().loadCifar(tinyCifar(archive, server.good())));
    assertTrue(
        e.getMessage().contains("MD5")
            && e.getMessage().contains("expected " + DataStore.digest("MD5", archive)),
        e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void cifarArchiveFoundUnderDlDataIsExtractedIntoTheCache() throws IOException {
    byte[] archive = cifarArchive();
    Path env = Files.createDirectories(tmp.resolve("env"));
    Files.write(env.resolve(Catalog.CIFAR_ARCHIVE), archive);
    assertTinyCifar(store().dataEnv(env).downloads(false).loadCifar(tinyCifar(archive)));
    assertTrue(Files.exists(tmp.resolve("cache/cifar-10/test_batch.bin")));
    assertEquals(0, server.requests.get());
  }

  @Test
  void extractedCifarBatchesAreFoundWithoutTheArchive() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("env/cifar-10-batches-bin"));
    for (int i = 0; i < 6; i++) Files.write(dir.resolve(BATCHES[i]), batch(i));
    assertTinyCifar(
        store().dataEnv(tmp.resolve("env")).downloads(false).loadCifar(tinyCifar(cifarArchive())));
  }

  // ---------------------------------------------------------------- the project's data folder

  @Test
  void projectDataFolderIsFoundFromBelowIt() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("course"));
    Files.createDirectories(root.resolve("data"));
    Files.writeString(root.resolve("data/README.md"), "# Course data (dl-course)\n");
    Path notebooks = Files.createDirectories(root.resolve("notebooks/deeper"));
    assertEquals(root.resolve("data"), DataStore.projectDataDir(notebooks).orElseThrow());
    assertEquals(root.resolve("data"), DataStore.projectDataDir(root).orElseThrow());
    Path other = Files.createDirectories(tmp.resolve("other/data"));
    Files.writeString(other.resolve("README.md"), "someone else's data\n");
    assertFalse(
        DataStore.projectDataDir(other).isPresent(),
        "a data/README.md without the marker is not ours");
    // and the tests themselves run inside the repository, whose data/ ships iris.csv
    assertTrue(
        Files.exists(DataStore.projectDataDir(Path.of("")).orElseThrow().resolve("iris.csv")));
  }

  @Test
  void defaultsDescribeThemselves() {
    String s = DataStore.defaults().toString();
    assertTrue(s.startsWith("DataStore(cache=") && s.contains("downloads"), s);
  }
}
