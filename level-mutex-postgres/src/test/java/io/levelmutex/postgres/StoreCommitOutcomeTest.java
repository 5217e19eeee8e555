package io.levelmutex.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.StoreOptions;
import io.levelmutex.codec.Codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connection lost around COMMIT, as a mutex's writes see it: resolved through the batch log as committed (the
 * writes complete, with the batch's sequence) or as not applied ({@link StorageUnavailableException}), and, when
 * the batch log cannot tell in time, every write of the batch fails with {@link CommitOutcomeUnknownException}.
 * After each, the mutex serves again.
 */
class StoreCommitOutcomeTest extends ClusterTestSupport {

	private enum Fault {
		NONE, LOST_ACK, LOST_BEFORE_COMMIT, UNRESOLVABLE
	}

	/** Set by the test thread, read by the commit step on the cycle thread. */
	private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);

	/** The connection that holds the keyspace lock during an unresolvable commit; owned by the commit step. */
	private final AtomicReference<Connection> locker = new AtomicReference<>();

	private PGSimpleDataSource database;

	private MutexStore store;

	private Mutex<String, String> mutex;

	private final ConcurrentLinkedQueue<FlushEvent> flushed = new ConcurrentLinkedQueue<>();

	/**
	 * Opens the store; {@code settings} give the resolveWait: a generous bound where the batch log must answer (its
	 * lookup opens a new connection, which on a loaded machine can take longer than a short wait), a short one where
	 * it cannot.
	 */
	private void open(PostgresSettings settings) {
		this.database = newDatabase();
		PostgresEngine engine = PostgresEngine.open(this.database, settings, true, (connection, call) -> {
			switch (this.fault.getAndSet(Fault.NONE)) {
				case NONE -> {
					return call.executeQuery();
				}
				case LOST_ACK -> {
					call.executeQuery().close();
					throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
				}
				case LOST_BEFORE_COMMIT -> {
					throw new SQLException("simulated: connection reset while sending COMMIT", "08006");
				}
				case UNRESOLVABLE -> {
					call.executeQuery().close();
					Connection holder = this.database.getConnection();
					this.locker.set(holder);
					holder.setAutoCommit(false);
					try (Statement statement = holder.createStatement()) {
						statement.executeQuery("SELECT 1 FROM " + prefix + "keyspace FOR UPDATE").close();
					}
					throw new SQLException("simulated: connection reset while reading the COMMIT reply", "08006");
				}
			}
			throw new IllegalStateException("every fault is handled above");
		});
		this.store = MutexStore.open(engine, StoreOptions.builder().cycleThreads(2).build());
		this.mutex = this.store.mutex(MutexOptions.builder("outcome").build(), Codecs.utf8(), Codecs.utf8());
		this.mutex.addListener(new MutexListener() {
			@Override
			public void onFlushed(FlushEvent event) {
				StoreCommitOutcomeTest.this.flushed.add(event);
			}
		});
		this.mutex.put("base", "0").join();
	}

	@AfterEach
	void close() throws SQLException {
		Connection holder = this.locker.get();
		if (holder != null) {
			holder.close();
		}
		if (this.store != null) {
			this.store.close();
		}
	}

	@Test
	void whenTheCommitReplyIsLostButTheBatchCommittedThenItsWritesCompleteWithTheBatchsSequence() {
		open(resolvingSettings());
		this.fault.set(Fault.LOST_ACK);
		List<CompletableFuture<Void>> writes = twoWritesInOneBatch();
		writes.forEach(CompletableFuture::join);
		assertThat(this.mutex.get("a").join()).contains("1");
		assertThat(this.mutex.get("b").join()).contains("2");
		assertThat(this.flushed).last().satisfies((event) -> {
			assertThat(event.succeeded()).isTrue();
			assertThat(event.sequence()).isEqualTo(2);
			assertThat(event.operations()).hasSize(2);
		});
	}

	@Test
	void whenTheConnectionIsLostBeforeTheCommitThenTheBatchLogShowsItWasNotAppliedAndTheWritesFailUnavailable() {
		open(resolvingSettings());
		this.fault.set(Fault.LOST_BEFORE_COMMIT);
		for (CompletableFuture<Void> write : twoWritesInOneBatch()) {
			assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOf(StorageUnavailableException.class)
				.hasMessageContaining("batch log shows it was not applied");
		}
		assertThat(this.mutex.get("a").join()).isEmpty();
		this.mutex.put("c", "3").join();
		assertThat(this.mutex.stats().lastSequence()).as("no gap").isEqualTo(2);
	}

	@Test
	void whenTheOutcomeCannotBeFoundOutInTimeThenEveryWriteOfTheBatchFailsWithOutcomeUnknown() throws SQLException {
		open(fastSettings().withWaits(Duration.ofSeconds(2), UNRESOLVABLE_WAIT));
		this.fault.set(Fault.UNRESOLVABLE);
		for (CompletableFuture<Void> write : twoWritesInOneBatch()) {
			assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
				.cause()
				.isInstanceOf(CommitOutcomeUnknownException.class)
				.hasMessageContaining("outcome is unknown")
				.hasMessageContaining("still held the keyspace's lock");
		}
		this.locker.get().rollback();
		assertThat(this.mutex.get("a").join()).as("it had in fact committed").contains("1");
		this.mutex.put("c", "3").join();
		assertThat(this.mutex.get("c").join()).contains("3");
	}

	/** Two writes issued from a read's callback on its completing thread: they share the next batch. */
	private List<CompletableFuture<Void>> twoWritesInOneBatch() {
		List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
		ReadCallbacks.onCompletingThread(this.mutex, "base", () -> {
			writes.add(this.mutex.put("a", "1"));
			writes.add(this.mutex.put("b", "2"));
		}).join();
		assertThat(writes).hasSize(2);
		return writes;
	}

}
