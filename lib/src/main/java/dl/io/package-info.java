/**
 * Files, safely: {@link dl.io.SafeFiles} writes every file the library produces (model weights,
 * figures, downloads) atomically, and turns an {@link java.io.IOException} into the reason a person
 * can act on ("permission denied", "no such file"). A leaf package: it depends on nothing else in
 * {@code dl}. Used from notebook 05 on, wherever a model or a figure is saved.
 */
package dl.io;
