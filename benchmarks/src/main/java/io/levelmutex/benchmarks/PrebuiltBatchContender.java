package io.levelmutex.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The true limit of the mutex's write phase: RocksDB's {@code write} call alone. Before the
 * run starts, a pool of {@code WriteBatch}es of a fixed size (issue 22's limit: C entries at C
 * clients) is built from the C clients' streams, drawn round
 * robin: keys and values encoded and the batches filled. The timed loop only calls
 * {@code RocksDB.write} with the next batch of the pool, cycling through it. Its latency is the
 * write call's time, counted once per operation in the batch.
 */
final class PrebuiltBatchContender implements Contender.Blocking, FixedBatch {

	/** The contender's name in results. */
	static final String NAME = "RocksDB limit (prebuilt WriteBatch)";

	/** Entries prebuilt in all, spread over the pool's batches. */
	private static final int POOL_ENTRIES = 65_536;

	/** The most batches the pool holds (each is a native object). */
	private static final int MAX_POOL_BATCHES = 1024;

	private final RawDatabase database;

	private final RocksDB db;

	private final WriteOptions writeOptions;

	private final int batchSize;

	// Filled before the run, then only read (by RocksDB) on the single driving thread.
	private final List<WriteBatch> pool;

	// Owned by the single driving thread.
	private int nextBatch;

	PrebuiltBatchContender(Workload workload, boolean durable, int clients, int batchSize) throws RocksDBException {
		if (workload.kind() != Workload.Kind.BLIND_WRITE) {
			throw new IllegalArgumentException("prebuilt batches only run blind writes");
		}
		this.batchSize = Math.max(1, batchSize);
		int batches = Math.max(1, Math.min(MAX_POOL_BATCHES, POOL_ENTRIES / this.batchSize));
		this.database = RawDatabase.open("raw-limit", workload, durable);
		this.db = this.database.db;
		this.writeOptions = this.database.writeOptions;
		this.pool = new ArrayList<>(batches);
		Workload.Stream[] streams = new Workload.Stream[clients];
		for (int i = 0; i < clients; i++) {
			streams[i] = workload.stream(i);
		}
		int stream = 0;
		for (int b = 0; b < batches; b++) {
			WriteBatch batch = new WriteBatch();
			this.pool.add(batch);
			for (int i = 0; i < this.batchSize; i++) {
				Workload.Stream next = streams[stream].next();
				stream = (stream + 1) % streams.length;
				batch.put(next.key(), next.value());
			}
		}
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public int batchSize() {
		return this.batchSize;
	}

	int poolSize() {
		return this.pool.size();
	}

	@Override
	public int threads(int clients) {
		return 1;
	}

	@Override
	public int execute(Workload.Stream ignored, Tally tally) throws RocksDBException {
		WriteBatch batch = this.pool.get(this.nextBatch);
		this.nextBatch = (this.nextBatch + 1 == this.pool.size()) ? 0 : this.nextBatch + 1;
		this.db.write(this.writeOptions, batch);
		tally.successes(this.batchSize);
		return this.batchSize;
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws RocksDBException {
		return this.db.get(key);
	}

	@Override
	public void close() {
		this.pool.forEach(WriteBatch::close);
		this.database.close();
	}

}
