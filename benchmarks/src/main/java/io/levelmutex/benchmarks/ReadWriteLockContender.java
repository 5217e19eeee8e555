package io.levelmutex.benchmarks;

import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jspecify.annotations.Nullable;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The textbook Java answer: a {@link ReentrantReadWriteLock} around plain RocksDB. Gets take
 * the read lock; puts, and W2's read-check-write (get, check, put), take the write lock.
 */
final class ReadWriteLockContender implements Contender.Blocking {

	private final RawDatabase database;

	private final RocksDB db;

	private final WriteOptions writeOptions;

	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	ReadWriteLockContender(Workload workload, boolean durable) throws RocksDBException {
		this.database = RawDatabase.open("rwlock", workload, durable);
		this.db = this.database.db;
		this.writeOptions = this.database.writeOptions;
	}

	@Override
	public String name() {
		return "ReadWriteLock + RocksDB";
	}

	@Override
	public int execute(Workload.Stream stream, Tally tally) throws RocksDBException {
		stream.next();
		switch (stream.type()) {
			case GET -> {
				this.lock.readLock().lock();
				try {
					this.db.get(stream.key());
				}
				finally {
					this.lock.readLock().unlock();
				}
			}
			case PUT -> {
				this.lock.writeLock().lock();
				try {
					this.db.put(this.writeOptions, stream.key(), stream.value());
				}
				finally {
					this.lock.writeLock().unlock();
				}
			}
			case UPDATE -> {
				this.lock.writeLock().lock();
				try {
					byte[] current = this.db.get(stream.key());
					long revision = (current != null) ? Workload.Revisions.of(current) : 0;
					this.db.put(this.writeOptions, stream.key(),
							Workload.Revisions.withRevision(revision + 1, stream.value()));
				}
				finally {
					this.lock.writeLock().unlock();
				}
			}
		}
		tally.success();
		return 1;
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) throws RocksDBException {
		return this.db.get(key);
	}

	@Override
	public void close() {
		this.database.close();
	}

}
