/**
 * Codecs: how typed keys and values become the bytes a mutex stores, the Java counterpart
 * of level-mutex's {@code valueEncoding}.
 *
 * <p>{@link io.levelmutex.codec.Codecs} hands out the built-in codecs: raw bytes, UTF-8
 * strings and JSON (the latter needs Jackson 3, {@code tools.jackson.core:jackson-databind},
 * on the class path).
 */
@NullMarked
package io.levelmutex.codec;

import org.jspecify.annotations.NullMarked;
