/**
 * The AOT test application.
 */
@NullMarked
package io.levelmutex.aottest;

import org.jspecify.annotations.NullMarked;
