package io.levelmutex.reliability.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.levelmutex.Mutex;
import io.levelmutex.WriteConflictException;

/**
 * Clients of one node running {@link Counters#increment} in a loop, each with at most one
 * increment in flight, reporting every outcome as one line (parsed by {@link CounterLog}):
 * <ul>
 * <li>{@code ACK <node> <run> <client> <n> <counter> <value>}: the future completed normally;</li>
 * <li>{@code CONFLICT <node> <run> <client> <n>}: {@link WriteConflictException}, nothing applied;</li>
 * <li>{@code UNKNOWN <node> <run> <client> <n> <type>}: {@link io.levelmutex.CommitOutcomeUnknownException},
 * applied or not;</li>
 * <li>{@code FAILED <node> <run> <client> <n> <type> <message>}: another typed failure, nothing applied;</li>
 * <li>{@code RAW <node> <run> <client> <n> <type> <message>}: a failure that is not a
 * {@link io.levelmutex.LevelMutexException} (a defect);</li>
 * <li>{@code HANG <node> <run> <client> <n>}: the future did not complete within two minutes (a defect).</li>
 * </ul>
 */
final class CounterClients {

	static final int MAX_ATTEMPTS = PgNode.UPDATE_ATTEMPTS;

	private final Mutex<String, String> mutex;

	private final String node;

	private final String run;

	private final int counters;

	private final long seed;

	private final Consumer<String> out;

	private final List<Thread> threads = new ArrayList<>();

	/** Acknowledged increments; written by the client threads. */
	private final AtomicLong acks = new AtomicLong();

	/** Typed failures other than conflicts; written by the client threads. */
	private final AtomicLong failures = new AtomicLong();

	/** Set by {@link #stop()}, read by the client threads. */
	private volatile boolean stopping;

	CounterClients(Mutex<String, String> mutex, String node, String run, int clients, int counters, long seed,
			Consumer<String> out) {
		this.mutex = mutex;
		this.node = node;
		this.run = run;
		this.counters = counters;
		this.seed = seed;
		this.out = out;
		for (int c = 0; c < clients; c++) {
			int client = c;
			Thread thread = new Thread(() -> runClient(client), "counter-" + node + "-" + client);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
	}

	void start() {
		this.threads.forEach(Thread::start);
	}

	/** Lets every client finish its increment in flight, and waits for them. */
	void stop() throws InterruptedException {
		this.stopping = true;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.MINUTES.toMillis(3));
			if (thread.isAlive()) {
				throw new IllegalStateException(thread.getName() + " did not stop");
			}
		}
	}

	long acks() {
		return this.acks.get();
	}

	long failures() {
		return this.failures.get();
	}

	private void runClient(int client) {
		Random random = new Random(this.seed * 7919 + client);
		for (long n = 0; !this.stopping; n++) {
			String counter = Counters.counterKey(random.nextInt(this.counters));
			String id = this.node + " " + this.run + " " + client + " " + n;
			String line;
			try {
				long value = Counters.increment(this.mutex, counter, Counters.markerKey(this.node, this.run, client, n),
						MAX_ATTEMPTS).get(2, TimeUnit.MINUTES);
				this.acks.incrementAndGet();
				line = "ACK " + id + " " + counter + " " + value;
			}
			catch (ExecutionException ex) {
				Throwable cause = Counters.unwrap(ex);
				if (cause instanceof WriteConflictException) {
					line = "CONFLICT " + id;
				}
				else if (Counters.outcomeUnknown(cause)) {
					this.failures.incrementAndGet();
					line = "UNKNOWN " + id + " " + cause.getClass().getSimpleName();
				}
				else if (Counters.typed(cause)) {
					this.failures.incrementAndGet();
					line = "FAILED " + id + " " + cause.getClass().getSimpleName() + " " + oneLine(cause);
				}
				else {
					this.failures.incrementAndGet();
					line = "RAW " + id + " " + cause.getClass().getName() + " " + oneLine(cause);
				}
			}
			catch (TimeoutException ex) {
				this.out.accept("HANG " + id);
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// Thrown at the call: the increment was not queued.
				this.failures.incrementAndGet();
				line = (Counters.typed(ex) ? "FAILED " : "RAW ") + id + " " + ex.getClass().getName() + " " + oneLine(ex);
			}
			this.out.accept(line);
		}
	}

	private static String oneLine(Throwable failure) {
		return String.valueOf(failure.getMessage()).replace('\n', ' ');
	}

}
