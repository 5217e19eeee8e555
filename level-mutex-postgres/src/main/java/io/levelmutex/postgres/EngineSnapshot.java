package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadSnapshot;

/**
 * The SPI's view of a {@link PostgresSnapshot}: one REPEATABLE READ, READ ONLY transaction; a multi-get is one
 * query, a scan one query with its limit. Failures are typed by {@link PostgresSnapshot} (and close it).
 */
final class EngineSnapshot implements ReadSnapshot {

	private final PostgresSnapshot snapshot;

	EngineSnapshot(PostgresSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	@Override
	public long sequence() {
		return this.snapshot.sequence();
	}

	@Override
	public List<byte @Nullable []> multiGet(List<byte[]> keys) {
		return this.snapshot.get(keys);
	}

	@Override
	public byte @Nullable [] get(byte[] key) {
		return this.snapshot.get(List.of(key)).get(0);
	}

	@Override
	public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
		byte[] lower = span.lower();
		byte @Nullable [] upper = span.upper();
		List<Entry> entries = this.snapshot.scan(ByteRange.closedOpen(lower, upper), limit, !ascending);
		List<KeyValue> result = new ArrayList<>(entries.size());
		for (Entry entry : entries) {
			result.add(new KeyValue(entry.key(), entry.value()));
		}
		return result;
	}

	@Override
	public void close() {
		this.snapshot.close();
	}

}
