/**
 * Shared helpers of the reliability suites: settings, child JVMs, store access and the run report.
 */
@NullMarked
package io.levelmutex.reliability.support;

import org.jspecify.annotations.NullMarked;
