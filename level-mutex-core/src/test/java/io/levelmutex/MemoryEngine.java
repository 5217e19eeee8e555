package io.levelmutex;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.CommitResult;
import io.levelmutex.engine.EngineBatch;
import io.levelmutex.engine.KeySpan;
import io.levelmutex.engine.KeyValue;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.ReadPlan;
import io.levelmutex.engine.ReadResult;
import io.levelmutex.engine.ReadSnapshot;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;
import io.levelmutex.engine.UpdateFootprint;

/**
 * A scriptable in-memory storage engine for tests: one TreeMap and one gapless sequence per keyspace, update
 * validation against an "other writer" ({@link #otherWriter}, {@link #openAsOtherWriter}) that commits straight into
 * a keyspace (between a batch's snapshot and its commit, with {@link #beforeCommit}), and scripted commit failures. Keys are kept
 * apart per keyspace, so the key prefix is empty, as on an engine with one table per keyspace. Thread-safe
 * (every method synchronized on the engine).
 */
final class MemoryEngine implements StorageEngine {

	/** One commit of a keyspace: its sequence, who wrote it and the keys it wrote. */
	record Commit(long sequence, boolean other, Set<ByteKey> keys, Map<ByteKey, byte @Nullable []> writes) {
	}

	/** The state of one keyspace; guarded by the engine. */
	final class Space {

		final String name;

		final TreeMap<ByteKey, byte[]> data = new TreeMap<>();

		final List<Commit> log = new ArrayList<>();

		long sequence;

		@Nullable RemoteChangeSink sink;

		/** The keyspace's prefix, which its stored keys carry when the engine is {@link #prefixed}. */
		byte[] prefix = new byte[0];

		Space(String name) {
			this.name = name;
		}

		/** Applies writes as one commit; returns its sequence. */
		long apply(Map<ByteKey, byte @Nullable []> writes, boolean other) {
			for (Map.Entry<ByteKey, byte @Nullable []> write : writes.entrySet()) {
				if (write.getValue() == null) {
					this.data.remove(write.getKey());
				}
				else {
					this.data.put(write.getKey(), write.getValue());
				}
			}
			this.sequence++;
			this.log.add(new Commit(this.sequence, other, new HashSet<>(writes.keySet()), writes));
			return this.sequence;
		}

	}

	/** The keyspaces' data; shared with the engines {@link #reopened()} from this one. */
	private final Map<String, Space> spaces;

	private final boolean validates;

	/**
	 * Whether stored keys carry the keyspace's prefix, as on the embedded engine (so batch sizes count it); else
	 * the prefix is empty, as on an engine with one table per keyspace.
	 */
	private final boolean prefixed;

	private final int maxKeyBytes;

	private final int maxValueBytes;

	/** Failures the next commits throw, in order (nothing is applied by a scripted failure). */
	private final ArrayDeque<RuntimeException> failures = new ArrayDeque<>();

	/** Failures after which the batch is applied (outcome unknown to the caller, applied in fact). */
	private final ArrayDeque<RuntimeException> failuresAfterApply = new ArrayDeque<>();

	/** Failures the next snapshots throw, in order. */
	private final ArrayDeque<RuntimeException> snapshotFailures = new ArrayDeque<>();

	/** Snapshots asked for; guarded by {@code this}. */
	private int snapshotsAsked;

	/** Whether storages batch update reads ({@link KeyspaceStorage#batchesUpdateReads()}); guarded by {@code this}. */
	private boolean batchesReads;

	/** Plans read ({@link KeyspaceStorage#read}), in order, over every keyspace; guarded by {@code this}. */
	private final List<ReadPlan> plans = new ArrayList<>();

	/** Runs at the start of every plan read, before the state is read: where the other writer strikes. */
	private Consumer<ReadPlan> beforeRead = (plan) -> {
	};

	/** Runs at the start of every commit, before validation: where the other writer strikes. */
	private Consumer<EngineBatch> beforeCommit = (batch) -> {
	};

	private boolean closed;

	private int commits;

	MemoryEngine() {
		this(true, 1 << 20, 1 << 24);
	}

	MemoryEngine(boolean validates, int maxKeyBytes, int maxValueBytes) {
		this(validates, false, maxKeyBytes, maxValueBytes, new HashMap<>());
	}

	private MemoryEngine(boolean validates, boolean prefixed, int maxKeyBytes, int maxValueBytes,
			Map<String, Space> spaces) {
		this.spaces = spaces;
		this.prefixed = prefixed;
		this.validates = validates;
		this.maxKeyBytes = maxKeyBytes;
		this.maxValueBytes = maxValueBytes;
	}

	/**
	 * Makes the keyspaces opened from now on answer a plan with one call of their own (a "round trip", counted in
	 * {@link #plans()}) and ask the core to batch update reads, as the PostgreSQL engine does.
	 */
	synchronized MemoryEngine batchingReads() {
		this.batchesReads = true;
		return this;
	}

	/** The plans read so far, over every keyspace (a plan read through a snapshot included). */
	synchronized List<ReadPlan> plans() {
		return new ArrayList<>(this.plans);
	}

	synchronized void beforeRead(Consumer<ReadPlan> action) {
		this.beforeRead = action;
	}

	/**
	 * An engine shaped like the embedded one, for cycle tests that used to run on RocksDB: no other writer (no
	 * update validation), stored keys that carry the keyspace's prefix, and RocksDB's size limits.
	 */
	static MemoryEngine embedded() {
		return new MemoryEngine(false, true, Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 8, new HashMap<>());
	}

	/**
	 * A new engine on this engine's data, as a store directory opened again after its store closed: what was
	 * committed stays, scripted failures and hooks do not.
	 */
	synchronized MemoryEngine reopened() {
		return new MemoryEngine(this.validates, this.prefixed, this.maxKeyBytes, this.maxValueBytes, this.spaces);
	}

	synchronized void beforeCommit(Consumer<EngineBatch> action) {
		this.beforeCommit = action;
	}

	synchronized void failNextCommit(RuntimeException failure) {
		this.failures.add(failure);
	}

	synchronized void failNextSnapshot(RuntimeException failure) {
		this.snapshotFailures.add(failure);
	}

	/** Snapshots asked for so far (failed ones included), over every keyspace. */
	synchronized int snapshotsAsked() {
		return this.snapshotsAsked;
	}

	synchronized void failNextCommitAfterApplying(RuntimeException failure) {
		this.failuresAfterApply.add(failure);
	}

	/** Another node commits writes (a {@code null} value deletes) to a keyspace, and tells the sink. */
	synchronized long otherWriter(String mutexName, Map<String, @Nullable String> writes) {
		Map<ByteKey, byte @Nullable []> bytes = new java.util.LinkedHashMap<>();
		Space space = space(mutexName);
		writes.forEach((key, value) -> bytes.put(new ByteKey(KeyBytes.concat(space.prefix, utf8(key))),
				(value != null) ? utf8(value) : null));
		long sequence = space.apply(bytes, true);
		if (space.sink != null) {
			space.sink.changed(sequence, sequence);
		}
		return sequence;
	}

	/** The keyspace's committed state, as strings. */
	synchronized Map<String, String> contents(String mutexName) {
		Map<String, String> out = new TreeMap<>();
		Space space = space(mutexName);
		space.data.forEach((key, value) -> out.put(
				new String(KeyBytes.strip(space.prefix, key.bytes), java.nio.charset.StandardCharsets.UTF_8),
				new String(value, java.nio.charset.StandardCharsets.UTF_8)));
		return out;
	}

	synchronized List<Commit> log(String mutexName) {
		return new ArrayList<>(space(mutexName).log);
	}

	synchronized int commits() {
		return this.commits;
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	/** A keyspace by its mutex's name (the text of its prefix, without the terminating zero byte). */
	private Space space(String name) {
		String key = new String(name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
				java.nio.charset.StandardCharsets.ISO_8859_1);
		return this.spaces.computeIfAbsent(key, Space::new);
	}

	static ByteKey key(String key) {
		return new ByteKey(utf8(key));
	}

	static byte[] utf8(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	@Override
	public String description() {
		return "memory test engine";
	}

	@Override
	public synchronized KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		Space space = this.spaces.computeIfAbsent(spaceName(keyspace), Space::new);
		space.sink = remoteChanges;
		space.prefix = this.prefixed ? keyspace.prefix() : new byte[0];
		return new Storage(space, false, this.batchesReads);
	}

	/**
	 * The keyspace as another node sees it: its commits are the other writer's (they conflict with this node's
	 * updates and are reported to this node's sink, like {@link #otherWriter}'s).
	 */
	synchronized KeyspaceStorage openAsOtherWriter(Keyspace keyspace) {
		Space space = this.spaces.computeIfAbsent(spaceName(keyspace), Space::new);
		space.prefix = this.prefixed ? keyspace.prefix() : new byte[0];
		return new Storage(space, true, this.batchesReads);
	}

	/**
	 * The mutex name is not given: keyspaces are told apart by their prefix's text (Latin-1: one character per
	 * byte, so that distinct prefixes never share a keyspace), behind the column family's name in any but the
	 * default one.
	 */
	private static String spaceName(Keyspace keyspace) {
		String name = new String(keyspace.prefix(), java.nio.charset.StandardCharsets.ISO_8859_1).replace("\0", "");
		if (!keyspace.columnFamily().equals(Keyspace.DEFAULT_COLUMN_FAMILY)) {
			name = keyspace.columnFamily() + "/" + name;
		}
		return name;
	}

	@Override
	public synchronized StoreHealth health() {
		return StoreHealth.of("memory", !this.closed, !this.closed, Map.of("keyspaces", this.spaces.size()));
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			throw new IllegalStateException("engine closed twice");
		}
		this.closed = true;
	}

	private final class Storage implements KeyspaceStorage {

		private final Space space;

		/** Whether this storage is another node's: its commits are the other writer's. */
		private final boolean other;

		private final boolean batchesReads;

		Storage(Space space, boolean other, boolean batchesReads) {
			this.space = space;
			this.other = other;
			this.batchesReads = batchesReads;
		}

		@Override
		public boolean batchesUpdateReads() {
			return this.batchesReads;
		}

		@Override
		public ReadResult read(ReadPlan plan) {
			Consumer<ReadPlan> hook;
			synchronized (MemoryEngine.this) {
				MemoryEngine.this.plans.add(plan);
				hook = MemoryEngine.this.beforeRead;
			}
			hook.accept(plan); // outside the engine's lock, like another node's commit
			if (!this.batchesReads) {
				return KeyspaceStorage.super.read(plan); // through snapshot(), as an embedded engine
			}
			synchronized (MemoryEngine.this) {
				RuntimeException failure = MemoryEngine.this.snapshotFailures.poll();
				if (failure != null) {
					throw failure;
				}
				Snapshot state = new Snapshot(new TreeMap<>(this.space.data), this.space.sequence);
				List<List<KeyValue>> scans = new ArrayList<>();
				for (ReadPlan.Scan scan : plan.scans()) {
					scans.add(state.scan(scan.span(), scan.limit(), scan.ascending()));
				}
				return new ReadResult(state.sequence(), state.multiGet(plan.keys()), scans);
			}
		}

		@Override
		public byte[] keyPrefix() {
			return this.space.prefix;
		}

		@Override
		public boolean validatesUpdates() {
			return MemoryEngine.this.validates;
		}

		@Override
		public int maxKeyBytes() {
			return MemoryEngine.this.maxKeyBytes;
		}

		@Override
		public int maxValueBytes() {
			return MemoryEngine.this.maxValueBytes;
		}

		@Override
		public ReadSnapshot snapshot() {
			synchronized (MemoryEngine.this) {
				MemoryEngine.this.snapshotsAsked++;
				RuntimeException failure = MemoryEngine.this.snapshotFailures.poll();
				if (failure != null) {
					throw failure;
				}
				return new Snapshot(new TreeMap<>(this.space.data), this.space.sequence);
			}
		}

		@Override
		public CommitResult commit(EngineBatch batch) {
			Consumer<EngineBatch> hook;
			synchronized (MemoryEngine.this) {
				hook = MemoryEngine.this.beforeCommit;
			}
			hook.accept(batch); // outside the lock's scope of this call, like another node's commit
			synchronized (MemoryEngine.this) {
				if (MemoryEngine.this.closed) {
					throw new IllegalStateException("commit on a closed engine");
				}
				MemoryEngine.this.commits++;
				RuntimeException failure = MemoryEngine.this.failures.poll();
				if (failure != null) {
					throw failure;
				}
				checkLimits(batch);
				int index = 0;
				for (UpdateFootprint update : batch.updates()) {
					ByteKey conflict = conflict(batch, update);
					if (conflict != null) {
						long sequence = (update.firstOperation() > 0)
								? apply(writes(batch, update.firstOperation())) : this.space.sequence;
						return CommitResult.rejected(sequence, update.firstOperation(), index, conflict.bytes);
					}
					index++;
				}
				long sequence = apply(writes(batch, batch.size()));
				RuntimeException after = MemoryEngine.this.failuresAfterApply.poll();
				if (after != null) {
					throw after;
				}
				return CommitResult.applied(sequence, batch.size());
			}
		}

		/** Applies writes as this storage's commit; an other writer's commit is reported to the keyspace's sink. */
		private long apply(Map<ByteKey, byte @Nullable []> writes) {
			long sequence = this.space.apply(writes, this.other);
			if (this.other && this.space.sink != null) {
				this.space.sink.changed(sequence, sequence);
			}
			return sequence;
		}

		/** Refuses a batch with a key or value over the limits before applying anything, as a real engine does. */
		private void checkLimits(EngineBatch batch) {
			for (int i = 0; i < batch.size(); i++) {
				byte[] key = batch.storedKeys().get(i);
				byte[] value = batch.operations().get(i).value();
				if (key.length > MemoryEngine.this.maxKeyBytes
						|| (value != null && value.length > MemoryEngine.this.maxValueBytes)) {
					throw new InvalidInputException("memory engine: operation " + i + " of batch " + batch.number()
							+ " is over the key or value limit");
				}
			}
		}

		private @Nullable ByteKey conflict(EngineBatch batch, UpdateFootprint update) {
			for (Commit commit : this.space.log) {
				if (commit.sequence() <= update.snapshotSequence() || commit.other() == this.other) {
					continue;
				}
				for (ByteKey written : commit.keys()) {
					for (byte[] read : update.readKeys()) {
						if (written.equals(new ByteKey(read))) {
							return written;
						}
					}
					for (KeySpan span : update.spans()) {
						if (span.contains(written.bytes)) {
							return written;
						}
					}
					for (int i = update.firstOperation(); i < update.firstOperation() + update.operationCount(); i++) {
						if (written.equals(new ByteKey(batch.storedKeys().get(i)))) {
							return written;
						}
					}
				}
			}
			return null;
		}

		private Map<ByteKey, byte @Nullable []> writes(EngineBatch batch, int count) {
			Map<ByteKey, byte @Nullable []> writes = new java.util.LinkedHashMap<>();
			for (int i = 0; i < count; i++) {
				writes.put(new ByteKey(batch.storedKeys().get(i)), batch.operations().get(i).value());
			}
			return writes;
		}

		@Override
		public void close() {
			synchronized (MemoryEngine.this) {
				this.space.sink = null;
			}
		}

	}

	/** A copy of a keyspace's state. */
	private static final class Snapshot implements ReadSnapshot {

		private final NavigableMap<ByteKey, byte[]> data;

		private final long sequence;

		Snapshot(NavigableMap<ByteKey, byte[]> data, long sequence) {
			this.data = data;
			this.sequence = sequence;
		}

		@Override
		public long sequence() {
			return this.sequence;
		}

		@Override
		public List<byte @Nullable []> multiGet(List<byte[]> keys) {
			List<byte @Nullable []> values = new ArrayList<>(keys.size());
			for (byte[] key : keys) {
				values.add(get(key));
			}
			return values;
		}

		@Override
		public byte @Nullable [] get(byte[] key) {
			return this.data.get(new ByteKey(key));
		}

		@Override
		public List<KeyValue> scan(KeySpan span, int limit, boolean ascending) {
			byte[] lower = span.lower();
			byte @Nullable [] upper = span.upper();
			if (limit < 1) {
				throw new IllegalArgumentException("limit " + limit);
			}
			List<KeyValue> out = new ArrayList<>();
			if (upper != null && KeyBytes.compare(lower, upper) >= 0) {
				return out;
			}
			NavigableMap<ByteKey, byte[]> range = (upper != null)
					? this.data.subMap(new ByteKey(lower), true, new ByteKey(upper), false)
					: this.data.tailMap(new ByteKey(lower), true);
			for (Map.Entry<ByteKey, byte[]> entry : (ascending ? range : range.descendingMap()).entrySet()) {
				if (out.size() >= limit) {
					break;
				}
				out.add(new KeyValue(entry.getKey().bytes.clone(), entry.getValue().clone()));
			}
			return out;
		}

		@Override
		public void close() {
		}

	}

}
