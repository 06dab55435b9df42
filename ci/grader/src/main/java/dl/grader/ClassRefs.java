package dl.grader;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one compiled class refers to, read from its constant pool: the classes it names and the
 * fields and methods it uses (owner and name). This is where every use of an API ends up, however
 * the source spelled it ({@code import}, {@code var}, a fully qualified name, a lambda or a method
 * reference), so the grader checks forbidden APIs here rather than in the source text.
 *
 * <p>Names are internal ({@code dl/nn/Perceptron}); a member is {@code owner#name}.
 */
record ClassRefs(String name, Set<String> classes, Set<String> members) {

  /** Thrown for bytes that are not a class file this reader understands. */
  static final class BadClassException extends RuntimeException {
    BadClassException(String message) {
      super(message);
    }
  }

  // Constant pool tags (JVMS §4.4).
  private static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7;
  private static final int STRING = 8, FIELD = 9, METHOD = 10, INTERFACE_METHOD = 11;
  private static final int NAME_AND_TYPE = 12, METHOD_HANDLE = 15, METHOD_TYPE = 16;
  private static final int DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;

  static ClassRefs read(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) throw new BadClassException("not a class file");
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      int[] tag = new int[count];
      String[] utf8 = new String[count];
      int[] first = new int[count]; // Class: its name; member: its class; NameAndType: the name
      int[] second = new int[count]; // member: its NameAndType
      for (int i = 1; i < count; i++) {
        tag[i] = in.readUnsignedByte();
        switch (tag[i]) {
          case UTF8 -> utf8[i] = in.readUTF();
          case INTEGER, FLOAT -> in.readInt();
          case LONG, DOUBLE -> {
            in.readLong();
            i++; // takes two slots
          }
          case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> first[i] = in.readUnsignedShort();
          case FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC -> {
            first[i] = in.readUnsignedShort();
            second[i] = in.readUnsignedShort();
          }
          case METHOD_HANDLE -> {
            in.readUnsignedByte();
            first[i] = in.readUnsignedShort();
          }
          default -> throw new BadClassException("unknown constant pool tag " + tag[i]);
        }
      }
      Set<String> classes = new LinkedHashSet<>();
      Set<String> members = new LinkedHashSet<>();
      for (int i = 1; i < count; i++) {
        switch (tag[i]) {
          case CLASS -> classes.add(elementClass(utf8[first[i]]));
          case FIELD, METHOD, INTERFACE_METHOD -> {
            String owner = elementClass(utf8[first[first[i]]]);
            String member = utf8[first[second[i]]];
            members.add(owner + "#" + member);
          }
          default -> {}
        }
      }
      in.readUnsignedShort(); // access flags
      String self = utf8[first[in.readUnsignedShort()]];
      classes.remove(self);
      return new ClassRefs(self, classes, members);
    } catch (IOException | ArrayIndexOutOfBoundsException | NullPointerException e) {
      throw new BadClassException("cannot read the class file: " + e);
    }
  }

  /** {@code [[Ldl/tensor/Tensor;} names the class {@code dl/tensor/Tensor}; {@code [D} none. */
  static String elementClass(String name) {
    if (!name.startsWith("[")) return name;
    String e = name.replaceFirst("^\\[+", "");
    return e.startsWith("L") && e.endsWith(";") ? e.substring(1, e.length() - 1) : e;
  }
}
