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
 * <p>Names are internal ({@code dl/nn/Perceptron}); a member is {@code owner#name}. {@code loops}
 * says whether any method jumps backwards (a loop) or calls itself (recursion).
 */
record ClassRefs(Set<String> classes, Set<String> members, boolean loops) {

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
      String[] memberAt = new String[count];
      for (int i = 1; i < count; i++) {
        switch (tag[i]) {
          case CLASS -> classes.add(elementClass(utf8[first[i]]));
          case FIELD, METHOD, INTERFACE_METHOD -> {
            String owner = elementClass(utf8[first[first[i]]]);
            memberAt[i] = owner + "#" + utf8[first[second[i]]];
            members.add(memberAt[i]);
          }
          default -> {}
        }
      }
      in.readUnsignedShort(); // access flags
      String self = utf8[first[in.readUnsignedShort()]];
      classes.remove(self);
      in.readUnsignedShort(); // super class
      in.skipBytes(2 * in.readUnsignedShort()); // interfaces
      for (int f = in.readUnsignedShort(); f > 0; f--) { // fields
        in.skipBytes(6);
        skipAttributes(in);
      }
      boolean loops = false;
      for (int m = in.readUnsignedShort(); m > 0; m--) {
        int flags = in.readUnsignedShort();
        String method = utf8[in.readUnsignedShort()];
        in.readUnsignedShort();
        for (int a = in.readUnsignedShort(); a > 0; a--) {
          String attr = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (!attr.equals("Code")) {
            in.skipBytes(length);
            continue;
          }
          in.skipBytes(4); // max stack, max locals
          byte[] code = new byte[in.readInt()];
          in.readFully(code);
          Set<String> calls = new LinkedHashSet<>();
          loops |= jumpsBack(code, index -> calls.add(memberAt[index]));
          // A method that calls itself (or an overload) recurses: a loop in disguise. Bridge and
          // synthetic methods (a generic bridge calls the real method of the same name) do not
          // count.
          boolean generated = (flags & (0x0040 | 0x1000)) != 0;
          if (!generated && !method.startsWith("<") && calls.contains(self + "#" + method))
            loops = true;
          in.skipBytes(8 * in.readUnsignedShort()); // exception table
          skipAttributes(in);
        }
      }
      return new ClassRefs(classes, members, loops);
    } catch (IOException | ArrayIndexOutOfBoundsException | NullPointerException e) {
      throw new BadClassException("cannot read the class file: " + e);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    for (int a = in.readUnsignedShort(); a > 0; a--) {
      in.readUnsignedShort();
      in.skipBytes(in.readInt());
    }
  }

  /**
   * Whether the bytecode has a branch to an earlier instruction (JVMS §6.5 instruction sizes); the
   * constant pool index of every method it invokes goes to {@code invokes}.
   */
  static boolean jumpsBack(byte[] code, java.util.function.IntConsumer invokes) {
    int pc = 0;
    while (pc < code.length) {
      int op = code[pc] & 0xff;
      int offset = 0, size;
      if (op >= 0xb6 && op <= 0xb9) { // invokevirtual, invokespecial, invokestatic, invokeinterface
        invokes.accept(((code[pc + 1] & 0xff) << 8) | (code[pc + 2] & 0xff));
      }
      if ((op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) { // if*, goto, jsr, ifnull
        offset = (short) (((code[pc + 1] & 0xff) << 8) | (code[pc + 2] & 0xff));
        size = 3;
      } else if (op == 0xc8 || op == 0xc9) { // goto_w, jsr_w
        offset = readInt(code, pc + 1);
        size = 5;
      } else if (op == 0xaa || op == 0xab) { // tableswitch, lookupswitch
        int p = (pc + 4) & ~3;
        if (op == 0xaa) {
          int low = readInt(code, p + 4), high = readInt(code, p + 8);
          for (int i = 0; i <= high - low; i++) if (readInt(code, p + 12 + 4 * i) < 0) return true;
          size = p + 12 + 4 * (high - low + 1) - pc;
        } else {
          int pairs = readInt(code, p + 4);
          for (int i = 0; i < pairs; i++) if (readInt(code, p + 12 + 8 * i) < 0) return true;
          size = p + 8 + 8 * pairs - pc;
        }
        if (readInt(code, p) < 0) return true;
      } else
        size = SIZE[op] > 0 ? SIZE[op] : (op == 0xc4 ? ((code[pc + 1] & 0xff) == 0x84 ? 6 : 4) : 1);
      if (offset < 0) return true;
      pc += size;
    }
    return false;
  }

  private static int readInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24)
        | ((b[i + 1] & 0xff) << 16)
        | ((b[i + 2] & 0xff) << 8)
        | (b[i + 3] & 0xff);
  }

  /** Instruction sizes where fixed (0: one byte, or handled above). */
  private static final int[] SIZE = new int[256];

  static {
    for (int op :
        new int[] {
          0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc
        }) SIZE[op] = 2;
    for (int op :
        new int[] {
          0x11, 0x13, 0x14, 0x84, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1
        }) SIZE[op] = 3;
    SIZE[0xc5] = 4;
    SIZE[0xb9] = 5;
    SIZE[0xba] = 5;
  }

  /** {@code [[Ldl/tensor/Tensor;} names the class {@code dl/tensor/Tensor}; {@code [D} none. */
  static String elementClass(String name) {
    if (!name.startsWith("[")) return name;
    String e = name.replaceFirst("^\\[+", "");
    return e.startsWith("L") && e.endsWith(";") ? e.substring(1, e.length() - 1) : e;
  }
}
