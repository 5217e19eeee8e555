/**
 * The sample app's HTTP API under hostile input and under SIGTERM.
 */
@NullMarked
package io.levelmutex.reliability.http;

import org.jspecify.annotations.NullMarked;
