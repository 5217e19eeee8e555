package io.levelmutex.codec;

import java.io.Serial;

/**
 * Thrown when a codec cannot encode a value or decode stored bytes. When it happens inside a
 * read, only that read fails; when it happens while a write is being queued, the call fails.
 */
public class CodecException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what could not be encoded or decoded, and with which codec
	 * @param cause the underlying failure, if any
	 */
	public CodecException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception without an underlying failure.
	 * @param message what could not be encoded or decoded, and with which codec
	 */
	public CodecException(String message) {
		super(message);
	}

}
