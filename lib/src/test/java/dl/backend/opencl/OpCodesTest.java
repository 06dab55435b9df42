package dl.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.backend.BinaryOp;
import dl.backend.ReduceOp;
import dl.backend.UnaryOp;
import org.junit.jupiter.api.Test;

/** The kernels and the Java enums share one list of op codes; no OpenCL device needed. */
class OpCodesTest {

  @Test
  void everyUnaryAndBinaryOpHasACaseInTheElementwiseKernels() {
    String source = ProgramCache.resource("elementwise.cl");
    for (UnaryOp op : UnaryOp.values())
      assertTrue(source.contains("case UNARY_" + op.name() + ":"), "no kernel case for " + op);
    for (BinaryOp op : BinaryOp.values())
      assertTrue(source.contains("case BINARY_" + op.name() + ":"), "no kernel case for " + op);
  }

  @Test
  void theGeneratedDefinesAreTheEnumPositions() {
    String defines = ProgramCache.opCodes();
    assertTrue(defines.contains("#define UNARY_RELU " + UnaryOp.RELU.ordinal() + "\n"), defines);
    assertTrue(defines.contains("#define BINARY_MUL " + BinaryOp.MUL.ordinal() + "\n"), defines);
    for (ReduceOp op : ReduceOp.values())
      assertTrue(defines.contains("#define REDUCE_" + op.name() + " " + op.ordinal()), defines);
    String reduce = ProgramCache.resource("reduce.cl");
    for (ReduceOp op : ReduceOp.values())
      assertTrue(reduce.contains("op == REDUCE_" + op.name()), "no reduce case for " + op);
  }

  @Test
  void noKernelSourceMatchesOpsByBareNumber() {
    for (String file : new String[] {"elementwise.cl", "reduce.cl"}) {
      String source = ProgramCache.resource(file);
      assertTrue(!source.matches("(?s).*case [0-9]+:.*"), file + " has a numeric case label");
      assertTrue(!source.matches("(?s).*op == [0-9].*"), file + " compares op to a number");
    }
  }
}
