/**
 * Fault injection through the public API: failing batches, failing reads, a store closed underneath, faulty listeners.
 */
@NullMarked
package io.levelmutex.reliability.fault;

import org.jspecify.annotations.NullMarked;
