package dl.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a data set is found and how it is checked: the folder names it may sit in, system folders
 * that packages install it to, download mirrors, its files (with sizes and digests), an optional
 * archive the files come in, and the command that fetches it.
 */
record DatasetSpec(
    String id,
    String title,
    List<String> dirNames,
    List<Path> systemDirs,
    List<String> mirrors,
    List<FileSpec> files,
    FileSpec archive,
    String fetchCommand) {

  DatasetSpec withMirrors(List<String> mirrors) {
    return new DatasetSpec(id, title, dirNames, systemDirs, mirrors, files, archive, fetchCommand);
  }

  FileSpec file(String name) {
    for (FileSpec f : files) if (f.name().equals(name)) return f;
    throw new IllegalArgumentException(title + " has no file " + name);
  }
}
