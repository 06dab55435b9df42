package dl.data;

import dl.Check;
import dl.io.SafeFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * Where the image data sets are found, in this order: the data cache (the project's {@code data/}
 * folder, found by walking up from the working directory, else {@code ~/.cache/dl-course}), the
 * folder named by the environment variable {@code DL_DATA}, the folders where system packages
 * install them (Debian's {@code dataset-fashion-mnist}), and finally a download from the data set's
 * public mirror into the cache. Every file is checked against the size and digest of its
 * decompressed content before use; downloads go to a temporary file that is renamed only once
 * verified, so an interrupted download never leaves a broken file in the cache.
 *
 * <pre>{@code
 * jshell> DataStore.defaults()
 * $1 ==> DataStore(cache=/home/me/course/data, DL_DATA=unset, system folders, downloads)
 * jshell> new DataStore(Path.of("/tmp/cache")).downloads(false).mnist()   // only what is on disk
 * }</pre>
 */
public final class DataStore {
  /** The file in the project's data folder that marks it as this course's data cache. */
  static final String MARKER = "README.md";

  private final Path cache;
  private Path dataEnv;
  private boolean systemDirs = true;
  private boolean downloads = true;
  private final Map<String, List<String>> mirrors = new HashMap<>();
  private Consumer<String> log = System.err::println;
  private Downloader http = new Downloader(Duration.ofSeconds(30));

  /**
   * A store whose cache is {@code cache}; no {@code DL_DATA} folder; system folders and downloads
   * on.
   */
  public DataStore(Path cache) {
    this.cache = cache.toAbsolutePath().normalize();
  }

  /**
   * The store {@link Datasets} uses: the project's data folder (or {@code ~/.cache/dl-course}),
   * {@code DL_DATA} (or {@code -Ddl.data}), system folders and downloads; a mirror can be replaced
   * with {@code -Ddl.data.mirror.mnist=URL} (likewise {@code fashion-mnist}, {@code cifar-10}).
   */
  public static DataStore defaults() {
    DataStore s = new DataStore(defaultCache());
    String env = System.getProperty("dl.data", System.getenv("DL_DATA"));
    if (env != null && !env.isBlank()) s.dataEnv(Path.of(env));
    for (DatasetSpec spec : List.of(Catalog.MNIST, Catalog.FASHION_MNIST, Catalog.CIFAR10)) {
      String url = System.getProperty("dl.data.mirror." + spec.id());
      if (url != null && !url.isBlank()) s.mirror(spec.id(), url);
    }
    return s;
  }

  /**
   * The project's {@code data/} folder above the working directory, else {@code
   * ~/.cache/dl-course}.
   */
  public static Path defaultCache() {
    return projectDataDir(Path.of("").toAbsolutePath())
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "dl-course"));
  }

  /**
   * The first folder {@code data/} holding the course's marker file (its README.md mentioning
   * "dl-course") in {@code start} or a folder above it.
   */
  public static Optional<Path> projectDataDir(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      Path marker = dir.resolve("data").resolve(MARKER);
      if (Files.isRegularFile(marker)) {
        try {
          if (Files.readString(marker, StandardCharsets.UTF_8).contains("dl-course"))
            return Optional.of(marker.getParent());
        } catch (IOException ignored) {
          // unreadable: not ours to use
        }
      }
    }
    return Optional.empty();
  }

  /** An extra folder searched after the cache (what {@code DL_DATA} sets); null for none. */
  public DataStore dataEnv(Path dir) {
    this.dataEnv = dir == null ? null : dir.toAbsolutePath().normalize();
    return this;
  }

  /** Whether to look in the folders that system packages install data sets to. */
  public DataStore systemDirs(boolean on) {
    this.systemDirs = on;
    return this;
  }

  /** Whether to download a data set that is found nowhere on disk. */
  public DataStore downloads(boolean on) {
    this.downloads = on;
    return this;
  }

  /**
   * Replaces the download mirror of a data set ("mnist", "fashion-mnist", "cifar-10"): the base URL
   * of its files.
   */
  public DataStore mirror(String dataset, String baseUrl) {
    spec(dataset);
    this.mirrors.put(dataset, List.of(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/"));
    return this;
  }

  /** Timeout for connecting and for each read of a download. */
  public DataStore timeout(Duration timeout) {
    this.http = new Downloader(timeout);
    return this;
  }

  /** Where progress lines ("downloading …") go; {@link System#err} by default. */
  public DataStore log(Consumer<String> log) {
    this.log = log;
    return this;
  }

  /** No progress lines. */
  public DataStore quiet() {
    return log(line -> {});
  }

  /**
   * The data cache: searched first, and where downloads are written (one subfolder per data set).
   */
  public Path cache() {
    return cache;
  }

  /** MNIST handwritten digits: 60000 train, 10000 test, [1, 28, 28] in [0, 1], classes "0"…"9". */
  public DataSplits mnist() {
    return loadIdx(spec("mnist"), Catalog.DIGITS);
  }

  /** Fashion-MNIST (Zalando): like MNIST, with 10 kinds of clothing. */
  public DataSplits fashionMnist() {
    return loadIdx(spec("fashion-mnist"), Catalog.FASHION_CLASSES);
  }

  /** CIFAR-10: 50000 train, 10000 test, [3, 32, 32] in [0, 1], 10 classes. */
  public DataSplits cifar10() {
    return loadCifar(spec("cifar-10"));
  }

  DatasetSpec spec(String id) {
    DatasetSpec s =
        switch (id) {
          case "mnist" -> Catalog.MNIST;
          case "fashion-mnist" -> Catalog.FASHION_MNIST;
          case "cifar-10" -> Catalog.CIFAR10;
          default ->
              throw new IllegalArgumentException(
                  "unknown data set '" + id + "': known are mnist, fashion-mnist, cifar-10");
        };
    return mirrors.containsKey(id) ? s.withMirrors(mirrors.get(id)) : s;
  }

  // ================================================================ loading

  /**
   * Loads an IDX data set whose files are the four of {@link Catalog} (train/test images/labels).
   */
  DataSplits loadIdx(DatasetSpec spec, List<String> classNames) {
    byte[][] c = new byte[4][];
    String[] names = {
      Catalog.TRAIN_IMAGES, Catalog.TRAIN_LABELS, Catalog.TEST_IMAGES, Catalog.TEST_LABELS
    };
    String[] sources = new String[4];
    Path[] paths = new Path[4];
    for (int i = 0; i < 4; i++) paths[i] = locateOrDownload(spec, spec.file(names[i]));
    // NOTE: reading, hashing and parsing the four files in parallel roughly halves the load time.
    IntStream.range(0, 4)
        .parallel()
        .forEach(
            i -> {
              c[i] = readVerified(spec, spec.file(names[i]), paths[i]);
              sources[i] = paths[i].toString();
            });
    TensorDataset train =
        Idx.dataset(Idx.parse(c[0], sources[0]), Idx.parse(c[1], sources[1]), classNames);
    TensorDataset test =
        Idx.dataset(Idx.parse(c[2], sources[2]), Idx.parse(c[3], sources[3]), classNames);
    return new DataSplits(spec.title(), train, test);
  }

  /**
   * Loads CIFAR-10's binary batches: all files but the last are training batches, the last is the
   * test batch.
   */
  DataSplits loadCifar(DatasetSpec spec) {
    List<FileSpec> files = spec.files();
    Map<FileSpec, Path> found = new LinkedHashMap<>();
    for (FileSpec f : files) locate(spec, f).ifPresent(p -> found.put(f, p));
    if (found.size() < files.size()) {
      extractArchive(spec);
      for (FileSpec f : files) {
        if (!found.containsKey(f))
          found.put(
              f,
              locate(spec, f)
                  .orElseThrow(
                      () ->
                          notFound(
                              spec,
                              f,
                              "the archive " + spec.archive().name() + " has no " + f.name())));
      }
    }
    byte[][] c = new byte[files.size()][];
    String[] sources = new String[files.size()];
    IntStream.range(0, files.size())
        .parallel()
        .forEach(
            i -> {
              c[i] = readVerified(spec, files.get(i), found.get(files.get(i)));
              sources[i] = found.get(files.get(i)).toString();
            });
    int last = files.size() - 1;
    TensorDataset train = Cifar10.parse(Arrays.copyOf(c, last), Arrays.copyOf(sources, last));
    TensorDataset test = Cifar10.parse(new byte[][] {c[last]}, new String[] {sources[last]});
    return new DataSplits(spec.title(), train, test);
  }

  // ================================================================ finding

  /** A folder to search and how to describe it in messages. */
  record Place(Path dir, String why) {}

  /** The folders searched for a data set, in order. */
  List<Place> places(DatasetSpec spec) {
    List<Place> places = new ArrayList<>();
    places.add(new Place(cache.resolve(spec.id()), "the data cache"));
    if (dataEnv != null) {
      for (String d : spec.dirNames()) places.add(new Place(dataEnv.resolve(d), "under DL_DATA"));
      places.add(new Place(dataEnv, "DL_DATA"));
    }
    if (systemDirs)
      for (Path d : spec.systemDirs()) places.add(new Place(d, "system package folder"));
    return places;
  }

  /** The first place holding the file raw or gzipped. */
  Optional<Path> locate(DatasetSpec spec, FileSpec file) {
    for (Place place : places(spec)) {
      for (String name : List.of(file.name(), file.name() + ".gz")) {
        Path p = place.dir().resolve(name);
        if (Files.isRegularFile(p)) return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  Path locateOrDownload(DatasetSpec spec, FileSpec file) {
    Optional<Path> p = locate(spec, file);
    if (p.isPresent()) return p.get();
    if (!downloads) throw notFound(spec, file, "downloads are turned off");
    try {
      return download(spec, file);
    } catch (DataException e) {
      throw notFound(spec, file, e.getMessage());
    }
  }

  /** The file's content, decompressed, after checking its size and digest. */
  byte[] readVerified(DatasetSpec spec, FileSpec file, Path path) {
    byte[] content;
    try {
      content = Idx.readContent(path);
    } catch (DataException e) {
      throw new DataException(spec.title() + ": " + e.getMessage() + ". " + refetch(spec, path), e);
    }
    checkContent(spec, file, path.toString(), content.length, digest(file.algorithm(), content));
    return content;
  }

  private void checkContent(
      DatasetSpec spec, FileSpec file, String source, long size, String digest) {
    if (size != file.size()) {
      throw new DataException(
          Check.message(
              spec.title(),
              "%s has %s bytes (decompressed), expected %s bytes: the file is %s. %s",
              source,
              size,
              file.size(),
              (size < file.size() ? "truncated" : "not the expected one"),
              refetch(spec, source)));
    }
    if (!digest.equals(file.digest())) {
      throw new DataException(
          Check.message(
              spec.title(),
              "%s has %s %s (decompressed content), expected %s: the file is corrupt or a different version. %s",
              source,
              file.algorithm(),
              digest,
              file.digest(),
              refetch(spec, source)));
    }
  }

  /**
   * What to do about a bad file. {@code source} names either a file on disk (possibly {@code
   * archive!member}), which the user should delete, or "the download from URL", which was never
   * saved: there is nothing to delete, and a URL cannot be deleted anyway.
   */
  private static String refetch(DatasetSpec spec, Object source) {
    String s = String.valueOf(source);
    if (s.startsWith("the download from ")) {
      return String.format(
          "Nothing was saved. Try again later, or another mirror: %s (from the repository root)",
          spec.fetchCommand());
    }
    int member = s.indexOf('!');
    String cached = member >= 0 ? s.substring(0, member) : s;
    return String.format(
        "Delete the cached file %s and fetch it again: %s (from the repository root)",
        cached, spec.fetchCommand());
  }

  private DataException notFound(DatasetSpec spec, FileSpec file, String downloadProblem) {
    StringBuilder m =
        new StringBuilder(spec.title() + ": " + file.name() + " not found. Looked in:\n");
    for (Place p : places(spec))
      m.append("  ").append(p.dir()).append(" (").append(p.why()).append(")\n");
    if (dataEnv == null) m.append("  (DL_DATA is not set)\n");
    m.append("and could not download it: ").append(downloadProblem).append('\n');
    m.append("To fetch it, run from the repository root:  ").append(spec.fetchCommand());
    m.append(
        "\n(or put the files in one of the folders above, or set DL_DATA to a folder holding them)");
    return new DataException(m.toString());
  }

  // ================================================================ downloading

  /**
   * Downloads one file (gzipped on the mirror) into the cache, decompressing and verifying on the
   * way.
   */
  Path download(DatasetSpec spec, FileSpec file) {
    Path dir = createCacheDir(spec);
    Path target = dir.resolve(file.name());
    List<String> errors = new ArrayList<>();
    for (String base : spec.mirrors()) {
      URI uri = URI.create(base + file.remote());
      try {
        log.accept("Downloading " + uri + " -> " + target);
        long[] size = {0};
        // Verified before the rename: a bad download leaves no file behind.
        SafeFiles.writeAtomically(
            target,
            out -> {
              String digest = http.fetch(uri, out, file.algorithm(), size, true);
              checkContent(spec, file, "the download from " + uri, size[0], digest);
            });
        log.accept(
            "  saved " + target + " (" + size[0] + " bytes, " + file.algorithm() + " verified)");
        return target;
      } catch (IOException | DataException e) {
        errors.add(uri + ": " + Downloader.describe(e));
      }
    }
    throw new DataException(
        errors.isEmpty() ? "no download mirror is known" : String.join("; ", errors));
  }

  /**
   * Finds the archive (or downloads it), verifies it, and extracts the data set's files into the
   * cache.
   */
  void extractArchive(DatasetSpec spec) {
    FileSpec archive = spec.archive();
    if (archive == null)
      throw new DataException(spec.title() + ": files missing and no archive is known");
    Path dir = createCacheDir(spec);
    Path local = null;
    for (Place place : places(spec)) {
      Path p = place.dir().resolve(archive.name());
      if (Files.isRegularFile(p)) {
        local = p;
        break;
      }
    }
    Path tmp = null;
    try {
      if (local != null) {
        String d = digestOf(local, archive.algorithm());
        long size = Files.size(local);
        checkContent(spec, archive, local.toString(), size, d);
      } else {
        if (!downloads) throw notFound(spec, archive, "downloads are turned off");
        List<String> errors = new ArrayList<>();
        for (String base : spec.mirrors()) {
          URI uri = URI.create(base + archive.remote());
          try {
            tmp = Files.createTempFile(dir, "." + archive.name() + ".", ".part");
            log.accept("Downloading " + uri + " (" + archive.size() / 1_000_000 + " MB) -> " + dir);
            long[] size = {0};
            String d = http.fetch(uri, tmp, archive.algorithm(), size, false);
            checkContent(spec, archive, "the download from " + uri, size[0], d);
            local = tmp;
            break;
          } catch (IOException | DataException e) {
            errors.add(uri + ": " + Downloader.describe(e));
            deleteQuietly(tmp);
            tmp = null;
          }
        }
        if (local == null) throw notFound(spec, archive, String.join("; ", errors));
      }
      extract(spec, local, dir);
    } catch (IOException e) {
      throw new DataException(
          spec.title() + ": cannot extract " + local + ": " + Downloader.describe(e), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private void extract(DatasetSpec spec, Path archive, Path dir) throws IOException {
    Map<String, FileSpec> wanted = new HashMap<>();
    for (FileSpec f : spec.files()) wanted.put(f.name(), f);
    Set<String> extras = Set.of("batches.meta.txt");
    log.accept(
        "Extracting "
            + String.join(", ", wanted.keySet().stream().sorted().toList())
            + " from "
            + archive
            + " -> "
            + dir);
    try (InputStream in =
        new GZIPInputStream(
            new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
      Tar.read(
          in,
          (path, size, content) -> {
            String base = path.substring(path.lastIndexOf('/') + 1);
            FileSpec f = wanted.get(base);
            if (f == null && !extras.contains(base)) return;
            // Verified before the rename: a bad member leaves no file behind.
            SafeFiles.writeAtomically(
                dir.resolve(base),
                os -> {
                  MessageDigest md = messageDigest(f == null ? "MD5" : f.algorithm());
                  long n = new DigestInputStream(content, md).transferTo(os);
                  if (f != null)
                    checkContent(
                        spec, f, archive + "!" + path, n, HexFormat.of().formatHex(md.digest()));
                });
          });
    }
  }

  private Path createCacheDir(DatasetSpec spec) {
    Path dir = cache.resolve(spec.id());
    try {
      Files.createDirectories(dir);
      cleanStaleParts(dir);
    } catch (IOException e) {
      throw new DataException(
          Check.message(
              spec.title(),
              "cannot create the cache folder %s (%s). %s",
              dir,
              e,
              spec.fetchCommand()),
          e);
    }
    return dir;
  }

  /** Removes leftovers of downloads interrupted more than a day ago (a running one is younger). */
  private static void cleanStaleParts(Path dir) throws IOException {
    Instant cutoff = Instant.now().minus(Duration.ofDays(1));
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".*.part")) {
      for (Path p : parts) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) deleteQuietly(p);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover .part file is ignored by the loader and removed by a later download
    }
  }

  // ================================================================ digests

  static MessageDigest messageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  static String digest(String algorithm, byte[] content) {
    return HexFormat.of().formatHex(messageDigest(algorithm).digest(content));
  }

  static String digestOf(Path file, String algorithm) throws IOException {
    MessageDigest md = messageDigest(algorithm);
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Override
  public String toString() {
    return "DataStore(cache="
        + cache
        + ", DL_DATA="
        + (dataEnv == null ? "unset" : dataEnv)
        + (systemDirs ? ", system folders" : "")
        + (downloads ? ", downloads" : ", no downloads")
        + ")";
  }
}
