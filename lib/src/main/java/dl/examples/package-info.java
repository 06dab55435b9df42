/**
 * Runnable programs that train the course's models end to end and print the figures recorded in the
 * README's results table (see {@code ci/bench.sh}).
 */
package dl.examples;
