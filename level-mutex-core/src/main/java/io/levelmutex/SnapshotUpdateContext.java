package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.levelmutex.codec.Codec;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;

/**
 * The {@link UpdateContext} of one run of an update function: reads a snapshot taken after
 * the previous batch, merged with the writes placed before the update in the batch being
 * built, and records the update's writes. Confined to the cycle thread that runs the
 * function and to the run itself: any use from another thread, or after the function
 * returned, fails with {@link IllegalStateException} before touching the snapshot, which is
 * released when the batch's building ends.
 *
 * <p>When the engine validates updates, the context also records the update's footprint: the keys it read from
 * the snapshot and, for each peek, the span the answer depended on ({@code [lower, found]} for a first entry,
 * {@code [found, upper)} for a last one, the whole range when none was found). Otherwise it records nothing.
 */
final class SnapshotUpdateContext<K, V> implements UpdateContext<K, V> {

	private final MutexCore core;

	private final long batch;

	private final SnapshotReader reader;

	private final BatchOverlay overlay;

	private final Codec<K> keyCodec;

	private final Codec<V> valueCodec;

	/** The cycle thread running the function; the only thread allowed to use the context. */
	private final Thread owner = Thread.currentThread();

	private final List<WriteOperation> writes = new ArrayList<>(2);

	private final int attempt;

	/** The footprint, recorded only when the engine validates updates; owner thread. */
	private final @Nullable List<byte[]> readKeys;

	private final @Nullable List<KeySpan> spans;

	/** Set by the owner thread when the function returned; read only by the owner thread. */
	private boolean ended;

	SnapshotUpdateContext(MutexCore core, long batch, SnapshotReader reader, BatchOverlay overlay, Codec<K> keyCodec,
			Codec<V> valueCodec, int attempt) {
		this.attempt = attempt;
		boolean record = core.validatesUpdates();
		this.readKeys = record ? new ArrayList<>(2) : null;
		this.spans = record ? new ArrayList<>(1) : null;
		this.core = core;
		this.batch = batch;
		this.reader = reader;
		this.overlay = overlay;
		this.keyCodec = keyCodec;
		this.valueCodec = valueCodec;
	}

	@Override
	public Optional<V> get(K key) {
		return get(key, this.valueCodec);
	}

	@Override
	public <T> Optional<T> get(K key, Codec<T> valueCodec) {
		checkActive();
		byte[] stored = this.core.storedKey(this.core.encodeKey(this.keyCodec, key));
		BatchOverlay.Change change = this.overlay.get(stored);
		byte[] bytes;
		if (change != null) {
			bytes = change.value();
		}
		else {
			try {
				bytes = this.reader.get(stored);
			}
			catch (Throwable ex) {
				throw readFailure(ex);
			}
			if (this.readKeys != null) {
				this.readKeys.add(stored);
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
		KeySpan stored = this.core.storedSpan(this.keyCodec, range);
		KeyValue found;
		try {
			found = first ? this.reader.first(stored, this.overlay) : this.reader.last(stored, this.overlay);
		}
		catch (Throwable ex) {
			throw readFailure(ex);
		}
		if (this.spans != null && !stored.isEmpty()) {
			if (found == null) {
				this.spans.add(new KeySpan(stored.lower(), stored.upper()));
			}
			else if (first) {
				this.spans.add(new KeySpan(stored.lower(), KeyBytes.next(found.key())));
			}
			else {
				this.spans.add(new KeySpan(found.key(), stored.upper()));
			}
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

	/** @return the keys read from the snapshot (empty unless the engine validates updates) */
	List<byte[]> readKeys() {
		return (this.readKeys != null) ? this.readKeys : List.of();
	}

	/** @return the spans the peeks depended on (empty unless the engine validates updates) */
	List<KeySpan> spans() {
		return (this.spans != null) ? this.spans : List.of();
	}

	private StorageException readFailure(Throwable cause) {
		return StorageFailures.wrap("Update of mutex '" + this.core.name() + "' could not read (batch " + this.batch
				+ ")", cause);
	}

	private void checkActive() {
		if (Thread.currentThread() != this.owner) {
			throw new IllegalStateException("UpdateContext of mutex '" + this.core.name() + "' used from thread '"
					+ Thread.currentThread().getName() + "'; it may only be used by its update function, on the thread"
					+ " that runs it");
		}
		if (this.ended) {
			throw new IllegalStateException("UpdateContext of mutex '" + this.core.name()
					+ "' used after its update function returned");
		}
	}

	@Override
	public String toString() {
		return "UpdateContext[mutex=" + this.core.name() + ", batch=" + this.batch + "]";
	}

}
