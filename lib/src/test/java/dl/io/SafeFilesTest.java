package dl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeFilesTest {
  @TempDir Path dir;

  @Test
  void reasonsAreWordsNotExceptionNames() {
    assertEquals("permission denied: /x", SafeFiles.reason(new AccessDeniedException("/x")));
    assertEquals(
        "no such file or folder: nope.st", SafeFiles.reason(new NoSuchFileException("nope.st")));
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path f = Files.writeString(dir.resolve("a.txt"), "old");
    assertThrows(
        IOException.class,
        () ->
            SafeFiles.writeAtomically(
                f,
                out -> {
                  out.write("half".getBytes());
                  throw new IOException("disk full");
                }));
    assertEquals("old", Files.readString(f));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aTemporaryOfALiveProcessIsLeftAlone() throws IOException {
    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
    Path live = Files.writeString(dir.resolve(".a.txt." + parent + ".x1.dl-tmp"), "busy");
    Path dead = Files.writeString(dir.resolve(".a.txt.2147483647.x2.dl-tmp"), "left");
    SafeFiles.writeAtomically(dir.resolve("a.txt"), out -> out.write('n'));
    assertTrue(Files.exists(live));
    assertFalse(Files.exists(dead));
    assertEquals("n", Files.readString(dir.resolve("a.txt")));
  }
}
