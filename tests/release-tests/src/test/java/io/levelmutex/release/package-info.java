/**
 * Checks of what a release ships: which modules are published, and that the BOM lists exactly those.
 */
@NullMarked
package io.levelmutex.release;

import org.jspecify.annotations.NullMarked;
