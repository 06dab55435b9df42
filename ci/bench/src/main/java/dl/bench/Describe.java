package dl.bench;

import dl.backend.Backends;

/** Prints the chosen backend's one-line description, for the header of the comparison table. */
public final class Describe {
  private Describe() {}

  public static void main(String[] args) {
    System.out.println(Backends.current().describe());
  }
}
