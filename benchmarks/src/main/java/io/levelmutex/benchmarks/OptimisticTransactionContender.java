package io.levelmutex.benchmarks;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.Transaction;
import org.rocksdb.WriteOptions;

/**
 * RocksDB's {@code OptimisticTransactionDB} for W2: per operation, begin a transaction,
 * {@code getForUpdate} the key, check its revision, put the next revision, commit; on a
 * commit conflict ({@code Busy} or {@code TryAgain}) roll back, count a conflict and retry
 * until it commits. Each client thread reuses its transaction object.
 */
final class OptimisticTransactionContender implements Contender.Blocking {

	private final DataDirectory directory;

	private final Options options;

	private final OptimisticTransactionDB db;

	private final WriteOptions writeOptions;

	private final ReadOptions readOptions;

	// One transaction per client thread, reused (RocksDB's recommended practice); each is
	// touched only by its own thread.
	private final ThreadLocal<@Nullable Transaction> transactions = new ThreadLocal<>();

	// Every transaction created, closed with the database; thread-safe queue.
	private final Queue<Transaction> created = new ConcurrentLinkedQueue<>();

	OptimisticTransactionContender(Workload workload, boolean durable) throws RocksDBException {
		if (workload.kind() != Workload.Kind.READ_CHECK_WRITE) {
			throw new IllegalArgumentException("optimistic transactions only run read-check-write");
		}
		this.directory = DataDirectory.create("occ");
		this.options = RawRocks.options();
		this.db = OptimisticTransactionDB.open(this.options, this.directory.path().toString());
		this.writeOptions = RawRocks.writeOptions(durable);
		this.readOptions = new ReadOptions();
		RawRocks.preload(this.db, workload);
	}

	@Override
	public String name() {
		return "OptimisticTransactionDB";
	}

	@Override
	public int execute(Workload.Stream stream, Tally tally) throws RocksDBException {
		stream.next();
		byte[] key = stream.key();
		while (true) {
			Transaction previous = this.transactions.get();
			Transaction transaction = (previous != null) ? this.db.beginTransaction(this.writeOptions, previous)
					: track(this.db.beginTransaction(this.writeOptions));
			this.transactions.set(transaction);
			byte[] current = transaction.getForUpdate(this.readOptions, key, true);
			long revision = (current != null) ? Workload.Revisions.of(current) : 0;
			transaction.put(key, Workload.Revisions.withRevision(revision + 1, stream.value()));
			try {
				transaction.commit();
				tally.success();
				return 1;
			}
			catch (RocksDBException ex) {
				if (!isConflict(ex)) {
					throw ex;
				}
				transaction.rollback();
				tally.conflict();
			}
		}
	}

	private Transaction track(Transaction transaction) {
		this.created.add(transaction);
		return transaction;
	}

	private static boolean isConflict(RocksDBException ex) {
		Status status = ex.getStatus();
		return status != null && (status.getCode() == Status.Code.Busy || status.getCode() == Status.Code.TryAgain);
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws RocksDBException {
		return this.db.get(key);
	}

	@Override
	public void close() {
		// Called once the run has drained: no client thread uses its transaction any more.
		this.created.forEach(Transaction::close);
		this.db.close();
		this.readOptions.close();
		this.writeOptions.close();
		this.options.close();
		this.directory.close();
	}

}
