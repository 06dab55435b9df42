package dl.nn;

import dl.tensor.Tensor;

/** log softmax along an axis, computed stably (see dl.autograd.ops.LogSoftmaxOp). */
public final class LogSoftmax extends Module {
  private final int axis;

  public LogSoftmax(int axis) {
    this.axis = axis;
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.logSoftmax(axis);
  }

  @Override
  protected String describe() {
    return "LogSoftmax(axis=" + axis + ")";
  }
}
