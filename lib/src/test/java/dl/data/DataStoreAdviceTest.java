package dl.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advice in a checksum error names something the user can delete: a file, never a URL. */
class DataStoreAdviceTest {
  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = new TestServer();
    for (int i = 0; i < 4; i++)
      server.files.put(DataStoreTest.NAMES[i] + ".gz", Fixtures.gzip(DataStoreTest.CONTENTS[i]));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private DataStore store() {
    return new DataStore(tmp.resolve("cache"))
        .systemDirs(false)
        .quiet()
        .timeout(Duration.ofSeconds(10));
  }

  @Test
  void aCorruptDownloadDoesNotSayDeleteAUrl() throws IOException {
    byte[] bad = DataStoreTest.TRAIN_IMAGES.clone();
    bad[40] ^= 1;
    server.files.put(DataStoreTest.NAMES[0] + ".gz", Fixtures.gzip(bad));
    var e =
        assertThrows(
            DataException.class,
            () ->
                store()
                    .loadIdx(DataStoreTest.tiny(List.of(), server.good()), DataStoreTest.CLASSES));
    String m = e.getMessage();
    assertFalse(m.contains("Delete the download") || m.contains("Delete http"), m);
    assertTrue(m.contains("Nothing was saved"), m);
  }

  @Test
  void aCorruptCachedFileSaysDeleteThatFile() throws IOException {
    Path cache = Files.createDirectories(tmp.resolve("cache/tiny"));
    for (int i = 0; i < 4; i++)
      Files.write(cache.resolve(DataStoreTest.NAMES[i]), DataStoreTest.CONTENTS[i]);
    byte[] bad = DataStoreTest.TEST_LABELS.clone();
    bad[10] ^= 1;
    Files.write(cache.resolve(DataStoreTest.NAMES[3]), bad);
    var e =
        assertThrows(
            DataException.class,
            () ->
                store()
                    .loadIdx(DataStoreTest.tiny(List.of(), server.good()), DataStoreTest.CLASSES));
    assertTrue(
        e.getMessage().contains("Delete the cached file " + cache.resolve(DataStoreTest.NAMES[3])),
        e.getMessage());
  }
}
