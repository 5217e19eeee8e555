/**
 * Bad input: seeded property-style tests over the core API, and keyspace isolation.
 */
@NullMarked
package io.levelmutex.reliability.badinput;

import org.jspecify.annotations.NullMarked;
