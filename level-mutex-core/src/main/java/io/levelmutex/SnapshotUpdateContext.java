package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;

import io.levelmutex.codec.Codec;

/**
 * The {@link UpdateContext} of one run of an update function: reads the phase's snapshot
 * merged with the phase's earlier updates, records what it read and what it writes. Used
 * only on the cycle thread, only while the function runs.
 */
final class SnapshotUpdateContext<K, V> implements UpdateContext<K, V> {

	private final MutexCore core;

	private final ReadPhase phase;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	private final int attempt;

	private final UnitFootprint footprint = new UnitFootprint();

	private final List<WriteOperation> writes = new ArrayList<>(2);

	private boolean ended;

	SnapshotUpdateContext(MutexCore core, ReadPhase phase, Codec<K> keyCodec, Codec<V> valueCodec, int attempt) {
		this.core = core;
		this.phase = phase;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
		this.attempt = attempt;
	}

	@Override
	public Optional<V> get(K key) {
		return get(key, this.valueCodec);
	}

	@Override
	public <T> Optional<T> get(K key, Codec<T> valueCodec) {
		checkActive();
		byte[] stored = this.core.storedKey(this.core.encodeKey(this.keyCodec, key));
		this.footprint.key(stored);
		PhaseOverlay.Change change = this.phase.overlay().get(stored);
		byte[] bytes;
		if (change != null) {
			this.footprint.dependencies.add(change.writer());
			bytes = change.value();
		}
		else {
			try {
				bytes = this.phase.reader().get(stored);
			}
			catch (RocksDBException ex) {
				throw this.phase.readFailure(ex);
			}
		}
		return (bytes != null) ? Optional.of(valueCodec.decode(bytes)) : Optional.empty();
	}

	@Override
	public Optional<Entry<K, V>> peekFirst(KeyRange<K> range) {
		return peek(true, range);
	}

	@Override
	public Optional<Entry<K, V>> peekLast(KeyRange<K> range) {
		return peek(false, range);
	}

	private Optional<Entry<K, V>> peek(boolean first, KeyRange<K> range) {
		checkActive();
		StoredRange stored = this.core.storedRange(this.keyCodec, range);
		byte[][] found;
		try {
			found = first ? this.phase.reader().first(stored, this.phase.overlay(), this.footprint)
					: this.phase.reader().last(stored, this.phase.overlay(), this.footprint);
		}
		catch (RocksDBException ex) {
			throw this.phase.readFailure(ex);
		}
		return (found != null) ? Optional.of(RangeRead.decode(found, this.core.prefixLength(), this.keyCodec,
				this.valueCodec)) : Optional.empty();
	}

	@Override
	public void put(K key, V value) {
		put(key, value, this.valueCodec);
	}

	@Override
	public <T> void put(K key, T value, Codec<T> valueCodec) {
		checkActive();
		this.writes.add(this.core.putOperation(this.keyCodec, key, valueCodec, value));
	}

	@Override
	public void del(K key) {
		checkActive();
		this.writes.add(this.core.delOperation(this.keyCodec, key));
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	void end() {
		this.ended = true;
	}

	List<WriteOperation> writes() {
		return this.writes;
	}

	UnitFootprint footprint() {
		return this.footprint;
	}

	private void checkActive() {
		if (this.ended) {
			throw new IllegalStateException("UpdateContext of mutex '" + this.core.name()
					+ "' used after its update function returned");
		}
	}

	@Override
	public String toString() {
		return "UpdateContext[mutex=" + this.core.name() + ", attempt=" + this.attempt + "]";
	}


}
