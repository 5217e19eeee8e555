package io.levelmutex.postgres;

/**
 * Batches another node committed to a keyspace: every sequence from {@code fromSequence} to {@code toSequence}
 * (both included) was committed by some other node.
 *
 * @param keyspace the keyspace name
 * @param fromSequence the first sequence of the range
 * @param toSequence the last sequence of the range, at least {@code fromSequence}
 */
record RemoteChange(String keyspace, long fromSequence, long toSequence) {
}
