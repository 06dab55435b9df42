package dl.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dl.data.DataSplits;
import dl.data.Datasets;
import dl.nn.CrossEntropyLoss;
import dl.nn.Flatten;
import dl.nn.Linear;
import dl.nn.ReLU;
import dl.nn.Sequential;
import dl.optim.SGD;
import dl.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Learning really happens on real data: a few seconds of training on 2,000 MNIST digits. */
class MnistSubsetTest {
  @Test
  void mlpOnTwoThousandDigitsReachesNinetyPercentOnHeldOutTestDigits() {
    DataSplits mnist = Datasets.mnist().subset(2000, 1000);
    Tensor.manualSeed(0);
    var mlp = Sequential.of(new Flatten(), new Linear(784, 200), new ReLU(), new Linear(200, 10));
    var history =
        new Trainer(mlp, new CrossEntropyLoss(), new SGD(mlp.parameters(), 0.1).momentum(0.9))
            .epochs(8)
            .batchSize(32)
            .printTo(new PrintStream(new ByteArrayOutputStream()))
            .validation(mnist.test().x(), mnist.test().y())
            .fit(mnist.train().x(), mnist.train().y());
    double accuracy = Metrics.confusionMatrix(mlp, mnist.test().x(), mnist.test().y()).accuracy();
    assertTrue(accuracy >= 0.90, "test accuracy " + accuracy + "\n" + history);
    assertTrue(
        history.last().loss() < history.epochs().get(0).loss(), "training loss did not fall");
  }
}
