package io.levelmutex.postgres;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.ReadSnapshot;

/**
 * The storage tests' view of an engine {@link ReadSnapshot}: inclusive and exclusive bounds ({@link ByteRange}),
 * first and last entries, multi-gets of lists. A range is turned into the SPI's {@code [lower, upper)} exactly:
 * the keys after {@code b} are those from {@code b + 0x00} on.
 */
final class TestSnapshot implements AutoCloseable {

	private final ReadSnapshot snapshot;

	TestSnapshot(ReadSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	long sequence() {
		return this.snapshot.sequence();
	}

	List<byte @Nullable []> get(List<byte[]> keys) {
		return this.snapshot.multiGet(keys);
	}

	List<Entry> scan(ByteRange range, int limit, boolean reverse) {
		byte[] lower = (range.low() == null) ? new byte[0]
				: range.lowInclusive() ? range.low() : successor(range.low());
		byte[] upper = (range.high() == null) ? null : range.highInclusive() ? successor(range.high()) : range.high();
		List<Entry> entries = new ArrayList<>();
		for (KeyValue entry : this.snapshot.scan(new KeySpan(lower, upper), limit, !reverse)) {
			entries.add(new Entry(entry.key(), entry.value()));
		}
		return entries;
	}

	@Nullable Entry first(ByteRange range) {
		List<Entry> entries = scan(range, 1, false);
		return entries.isEmpty() ? null : entries.get(0);
	}

	@Nullable Entry last(ByteRange range) {
		List<Entry> entries = scan(range, 1, true);
		return entries.isEmpty() ? null : entries.get(0);
	}

	@Override
	public void close() {
		this.snapshot.close();
	}

	/** The least key above {@code key}. */
	private static byte[] successor(byte[] key) {
		return Arrays.copyOf(key, key.length + 1);
	}

}
