/**
 * The sample application: a CouchDB-style document store on the level-mutex starter.
 */
@NullMarked
package io.levelmutex.sample;

import org.jspecify.annotations.NullMarked;
