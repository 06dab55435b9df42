package dl.data;

/**
 * One file of a data set: its name, its size and digest after decompression, and its name on the
 * download mirror ({@code remote}, e.g. the {@code .gz} or the archive it comes in).
 */
record FileSpec(String name, long size, String algorithm, String digest, String remote) {
  static FileSpec sha256(String name, long size, String digest) {
    return new FileSpec(name, size, "SHA-256", digest, name + ".gz");
  }

  static FileSpec md5(String name, long size, String digest, String remote) {
    return new FileSpec(name, size, "MD5", digest, remote);
  }
}
