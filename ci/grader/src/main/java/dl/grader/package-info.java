/**
 * Graded exercises: {@link dl.grader.Release} makes the student notebooks in {@code exercises/}
 * from the nbgrader-marked sources in {@code solutions/}, and {@link dl.grader.Grader} grades
 * submissions by running them with the hidden tests in a child JVM ({@link dl.grader.Runner},
 * JShell). {@link dl.grader.Main} is the command line; ci/grader/README.md says how to use it and
 * what its isolation does and does not guarantee.
 */
package dl.grader;
