package io.levelmutex.benchmarks;

import org.jspecify.annotations.Nullable;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A plain loop of the mutex's write phase: one thread writes {@code WriteBatch}es of a fixed
 * size (the mutex's measured mean batch size), drawing the operations of the C clients round
 * robin and filling each batch inside the timed loop, with nothing else to do. Not the
 * physical limit ({@link PrebuiltBatchContender} is): drawing and copying the operations into
 * the batch is timed too. Its latency is the batch's fill and write time, counted once per
 * operation in the batch.
 */
final class RawBatchContender implements Contender.Blocking, FixedBatch {

	/** The contender's name in results. */
	static final String NAME = "raw WriteBatch (encode in loop)";

	private final RawDatabase database;

	private final RocksDB db;

	private final WriteOptions writeOptions;

	private final int batchSize;

	// Owned by the single driving thread.
	private final WriteBatch batch;

	// Owned by the single driving thread.
	private final Workload.Stream[] streams;

	// Owned by the single driving thread.
	private int nextStream;

	RawBatchContender(Workload workload, boolean durable, int clients, int batchSize) throws RocksDBException {
		if (workload.kind() != Workload.Kind.BLIND_WRITE) {
			throw new IllegalArgumentException("raw batches only run blind writes");
		}
		this.database = RawDatabase.open("raw-batch", workload, durable);
		this.db = this.database.db;
		this.writeOptions = this.database.writeOptions;
		this.batchSize = Math.max(1, batchSize);
		this.batch = new WriteBatch();
		this.streams = new Workload.Stream[clients];
		for (int i = 0; i < clients; i++) {
			this.streams[i] = workload.stream(i);
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

	@Override
	public int threads(int clients) {
		return 1;
	}

	@Override
	public int execute(Workload.Stream ignored, Tally tally) throws RocksDBException {
		this.batch.clear();
		for (int i = 0; i < this.batchSize; i++) {
			Workload.Stream stream = this.streams[this.nextStream].next();
			this.nextStream = (this.nextStream + 1) % this.streams.length;
			this.batch.put(stream.key(), stream.value());
		}
		this.db.write(this.writeOptions, this.batch);
		tally.successes(this.batchSize);
		return this.batchSize;
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws RocksDBException {
		return this.db.get(key);
	}

	@Override
	public void close() {
		this.batch.close();
		this.database.close();
	}

}
