/**
 * Overload: far more operations than the queue limit.
 */
@NullMarked
package io.levelmutex.reliability.overload;

import org.jspecify.annotations.NullMarked;
