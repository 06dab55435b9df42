package dl.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One way to write a file: {@link #writeAtomically} writes a temporary file next to the target,
 * forces it to disk, then renames it over the target, so a crash or a kill leaves either the old
 * file or the new one, never a mix.
 *
 * <ul>
 *   <li>The new file gets the permissions of the file it replaces, or the umask's default for a new
 *       file (never a private 0600 copy of a shared 0644 file).
 *   <li>A symbolic link is followed: its target is replaced, the link stays a link.
 *   <li>Temporary files are named {@code .<name>.<pid>.<random>.dl-tmp}; one left by a process that
 *       no longer runs (a save killed half-way) is deleted by the next write of the same file.
 * </ul>
 *
 * <pre>{@code
 * jshell> SafeFiles.writeAtomically(Path.of("w.bin"), out -> out.write(new byte[] {1, 2, 3}));
 * }</pre>
 */
public final class SafeFiles {
  private SafeFiles() {}

  /** Writes the content of a file to {@code out}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final String SUFFIX = ".dl-tmp";
  private static final long PID = ProcessHandle.current().pid();

  /** Temporary files this JVM is writing now: never "stale", even though the pid is alive. */
  private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

  /**
   * Replaces {@code file} with what {@code content} writes, atomically. Creates missing parent
   * folders. Throws an {@link IOException} whose message names the file and the reason.
   */
  public static void writeAtomically(Path file, Content content) throws IOException {
    Path target = followLinks(file).toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    String name = target.getFileName().toString();
    removeStaleTemporaries(dir, name);
    Path tmp =
        dir.resolve(
            "."
                + name
                + "."
                + PID
                + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + SUFFIX);
    IN_FLIGHT.add(tmp);
    try {
      // CREATE_NEW without file attributes: the OS applies the umask, as for any new file.
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        content.writeTo(out);
        out.flush();
        ch.force(true); // on disk before the rename makes it visible
      }
      copyPermissions(target, tmp);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // NOTE: only on file systems without atomic rename; the temp file is complete by now.
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } finally {
      try {
        Files.deleteIfExists(tmp); // gone already after a successful move
      } catch (IOException ignored) {
        // the original error is the one worth reporting
      }
      IN_FLIGHT.remove(tmp);
    }
  }

  /** The reason behind a file error in words: "no such file", "permission denied", … */
  public static String reason(IOException e) {
    String what;
    if (e instanceof NoSuchFileException) what = "no such file or folder";
    else if (e instanceof AccessDeniedException) what = "permission denied";
    else if (e instanceof FileAlreadyExistsException) what = "already exists";
    else if (e instanceof NotDirectoryException) what = "not a folder";
    else if (e instanceof DirectoryNotEmptyException) what = "folder not empty";
    else if (e instanceof FileSystemException fs && fs.getReason() != null) what = fs.getReason();
    else what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String other = fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile();
      return String.format("%s: %s%s", what, fs.getFile(), other);
    }
    return what;
  }

  /** The name pattern of our temporary files for {@code name}: {@code .<name>.<pid>.<r>.dl-tmp}. */
  static Pattern temporaryName(String name) {
    return Pattern.compile(
        Pattern.quote("." + name + ".") + "(\\d+)\\.[0-9a-z]+" + Pattern.quote(SUFFIX));
  }

  private static void removeStaleTemporaries(Path dir, String name) {
    Pattern pattern = temporaryName(name);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + globEscape(name) + ".*")) {
      for (Path p : ds) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (!m.matches() || IN_FLIGHT.contains(p)) continue;
        long pid;
        try {
          pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException notOurs) {
          continue;
        }
        // Another live process may be writing this file right now: leave its temporary alone.
        if (pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
        // Our own pid but not in flight: left by an earlier JVM that had the same pid (common in
        // containers) and was killed; this JVM registers a temporary before creating it.
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // cleaning up is best effort; the write itself reports real problems
    }
  }

  private static String globEscape(String s) {
    return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  /** Follows a chain of symbolic links (even a dangling one) to the path that holds the data. */
  static Path followLinks(Path file) throws IOException {
    Path p = file;
    for (int hops = 0; Files.isSymbolicLink(p); hops++) {
      if (hops == 40)
        throw new FileSystemException(file.toString(), null, "too many levels of symbolic links");
      Path link = Files.readSymbolicLink(p);
      Path parent = p.toAbsolutePath().getParent();
      p = parent == null ? link : parent.resolve(link);
    }
    return p;
  }

  private static void copyPermissions(Path from, Path to) {
    if (!Files.exists(from)) return; // a new file: the umask decided, as for any new file
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    } catch (UnsupportedOperationException | IOException notPosix) {
      // Windows and friends: the new file keeps the folder's default permissions
    }
  }

  private static void forceDirectory(Path dir) {
    // NOTE: makes the rename itself durable on Linux; other systems may refuse to open a folder.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException unsupported) {
      // best effort
    }
  }
}
