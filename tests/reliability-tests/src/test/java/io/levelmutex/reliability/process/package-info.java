/**
 * Process-level suites: SIGKILL crash recovery and SIGTERM shutdown of a child JVM under load.
 */
@NullMarked
package io.levelmutex.reliability.process;

import org.jspecify.annotations.NullMarked;
