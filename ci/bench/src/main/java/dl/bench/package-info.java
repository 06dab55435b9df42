/**
 * Benchmarks of the library (issue #8), kept out of {@code lib} and out of the default build: JMH
 * benchmarks of the kernels students' models spend their time in (matrix product, convolution, max
 * pooling, one LeNet-5 training step), {@link dl.bench.MemoryScale}, which reports peak heap and
 * how step time grows with batch and image size, and {@link dl.bench.InPlaceCheckBench}, which
 * measures what autograd's in-place check costs in a LeNet-5 and a ResNet-8 step (its own {@code
 * main} interleaves the forks with the check on and off). Beside them, the runnable mains behind
 * {@code ci/bench.sh}: {@link dl.bench.MnistTargets} and {@link dl.bench.CnnTargets} train the
 * course's models end to end and print the figures of the README's results table, and {@link
 * dl.bench.BackendBench} measures the CPU and OpenCL backends side by side.
 *
 * <p>Build and run with {@code bash ci/bench/compare.sh} (side by side with PyTorch) or by hand:
 *
 * <pre>
 * mvn -B -q -Pbench package -DskipTests -pl ci/bench -am
 * java -jar ci/bench/target/benchmarks.jar                      # every benchmark, full settings
 * java -jar ci/bench/target/benchmarks.jar -wi 2 -w 1 -i 3 -r 1 # quick mode (about 2 minutes)
 * java -jar ci/bench/target/benchmarks.jar Gemm -jvmArgsAppend -Ddl.simd=false  # plain loops
 * java -cp ci/bench/target/benchmarks.jar dl.bench.MemoryScale
 * java -cp ci/bench/target/benchmarks.jar dl.bench.CnnTargets resnet 1 500  # or: bash ci/bench.sh resnet
 * </pre>
 *
 * <p>NOTE: every benchmark forks a JVM with {@code --add-modules jdk.incubator.vector} (the CPU
 * backend's SIMD matrix product) and {@code -Ddl.backend=cpu}; threads come from {@code
 * DL_THREADS}, which the fork inherits. No benchmark asserts a time.
 */
package dl.bench;
