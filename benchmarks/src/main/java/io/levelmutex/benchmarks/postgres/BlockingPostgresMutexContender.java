package io.levelmutex.benchmarks.postgres;

import io.levelmutex.Mutex;
import io.levelmutex.WriteConflictException;
import io.levelmutex.benchmarks.ClosedLoopDriver;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import org.jspecify.annotations.Nullable;

/**
 * The mutex on the PostgreSQL engine driven by blocking clients, one thread per client that waits for each operation:
 * a servlet-style request thread's code. {@link MutexClient#BLOCKING} calls {@link Mutex#blocking()} (a lone writer's
 * write runs its cycle on the client's thread, no pool thread woken); {@link MutexClient#JOIN} calls the futures and
 * {@code join()}s them (the joining caller may claim the drain its submit already handed to the pool). The nodes,
 * keyspaces and operations are {@link PostgresMutexContender}'s, which this one wraps.
 */
final class BlockingPostgresMutexContender implements Contender.Blocking {

	private final PostgresMutexContender mutexes;

	private final boolean blockingView;

	BlockingPostgresMutexContender(PostgresMutexContender mutexes, MutexClient client) {
		if (client == MutexClient.ASYNC) {
			throw new IllegalArgumentException("asynchronous clients are PostgresMutexContender's");
		}
		this.mutexes = mutexes;
		this.blockingView = client == MutexClient.BLOCKING;
	}

	@Override
	public String name() {
		return this.mutexes.name(); // the same contender in the targets, whichever clients drive it
	}

	@Override
	public int execute(Workload.Stream stream, Tally tally) {
		stream.next();
		byte[] key = stream.key();
		Mutex<byte[], byte[]> mutex = this.mutexes.mutexOf(stream, key);
		byte[] value = stream.value();
		try {
			if (this.blockingView) {
				switch (stream.type()) {
					case PUT -> mutex.blocking().put(key, value);
					case GET -> mutex.blocking().get(key);
					case UPDATE -> mutex.blocking().update(PostgresMutexContender.nextRevision(key, value),
							PostgresMutexContender.MAX_ATTEMPTS);
				}
			}
			else {
				switch (stream.type()) {
					case PUT -> mutex.put(key, value).join();
					case GET -> mutex.get(key).join();
					case UPDATE -> mutex.update(PostgresMutexContender.nextRevision(key, value),
							PostgresMutexContender.MAX_ATTEMPTS).join();
				}
			}
			tally.success();
		}
		catch (RuntimeException ex) {
			Throwable cause = ClosedLoopDriver.unwrap(ex);
			if (cause instanceof WriteConflictException) {
				tally.conflict();
			}
			else {
				tally.failure(cause);
			}
		}
		return 1;
	}

	@Override
	public @Nullable PhaseCounters phaseCounters() {
		return this.mutexes.phaseCounters();
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) {
		return this.mutexes.readForVerification(key);
	}

	@Override
	public void close() {
		this.mutexes.close();
	}

}
