/**
 * Linearizability: recorded histories checked against a sequential model, Lincheck, and broken mutexes that the checkers must catch.
 */
@NullMarked
package io.levelmutex.reliability.linearizability;

import org.jspecify.annotations.NullMarked;
