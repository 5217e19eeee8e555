package io.levelmutex;

/**
 * Wraps an engine's failure with the mutex's context without losing what kind of failure it was: an
 * unreachable server stays a {@link StorageUnavailableException} (nothing applied, safe to retry), an unknown
 * commit outcome a {@link CommitOutcomeUnknownException}, anything else a {@link StorageException}.
 */
final class StorageFailures {

	private StorageFailures() {
	}

	/**
	 * @param message what failed, naming the mutex; the cause's message is appended
	 * @param cause the engine's failure
	 * @return a failure of the cause's kind
	 */
	static StorageException wrap(String message, Throwable cause) {
		String full = message + ": " + cause.getMessage();
		if (cause instanceof StorageUnavailableException) {
			return new StorageUnavailableException(full, cause);
		}
		if (cause instanceof CommitOutcomeUnknownException) {
			return new CommitOutcomeUnknownException(full, cause);
		}
		return new StorageException(full, cause);
	}

}
