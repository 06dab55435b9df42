/**
 * Stateless functions ({@link dl.nn.functional.F}) that the modules call; usable directly in
 * notebooks.
 */
package dl.nn.functional;
