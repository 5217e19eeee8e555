package io.levelmutex.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The payload of a remote-change hint ({@link PostgresSql#notifyCommits}): {@code <table prefix>:<keyspace id>:<sequence>}.
 * The prefix tells whose keyspace the id is: nodes of different clusters (table prefixes) may share a database and
 * a channel, and their keyspace ids overlap (each prefix's keyspace table numbers its own from 1), so a hint is
 * about this node's keyspaces only when it names this node's prefix. Stateless.
 *
 * @param prefix the table prefix of the committing node
 * @param keyspaceId the keyspace's id in that prefix's tables
 * @param sequence the keyspace's sequence the hint names
 */
record HintPayload(String prefix, int keyspaceId, long sequence) {

	/**
	 * Reads a payload.
	 * @param payload a notification's payload
	 * @return the hint, or {@code null} when the payload is not a hint (any other notification on the channel)
	 */
	static @Nullable HintPayload parse(@Nullable String payload) {
		if (payload == null) {
			return null;
		}
		int last = payload.lastIndexOf(':');
		int first = (last <= 0) ? -1 : payload.lastIndexOf(':', last - 1);
		if (first <= 0) {
			return null;
		}
		try {
			int id = Integer.parseInt(payload, first + 1, last, 10);
			long sequence = Long.parseLong(payload, last + 1, payload.length(), 10);
			return new HintPayload(payload.substring(0, first), id, sequence);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
