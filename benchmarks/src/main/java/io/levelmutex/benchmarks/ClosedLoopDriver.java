package io.levelmutex.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Drives a contender with C logical clients in a closed loop: each client issues its next
 * operation only when its previous one has completed. Blocking contenders get one platform
 * thread per client; asynchronous ones chain each client's next operation onto the
 * completion of its previous one, on whichever thread completed it.
 *
 * <p>A run is a warm-up, then a measurement window (throughput, latency percentiles and the
 * mutex's phase sizes are taken over this window only), then a drain: clients stop issuing
 * and the driver waits until every operation in flight has completed, so that the store is
 * quiet and can be verified.
 */
public final class ClosedLoopDriver {

	private static final long MAX_RECORDED_NANOS = TimeUnit.SECONDS.toNanos(120);

	private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

	private final Duration warmup;

	private final Duration measurement;

	/**
	 * Creates a driver.
	 * @param warmup how long clients run before measuring
	 * @param measurement the measurement window
	 */
	public ClosedLoopDriver(Duration warmup, Duration measurement) {
		this.warmup = warmup;
		this.measurement = measurement;
	}

	/**
	 * Runs one contender.
	 * @param label the workload's label for the result
	 * @param contender the contender, freshly set up
	 * @param workload the workload
	 * @param clients the number of logical clients
	 * @param tally the run's outcome counters (read by the caller for verification)
	 * @return the measurement
	 * @throws InterruptedException if interrupted while waiting
	 */
	public RunResult run(String label, Contender contender, Workload workload, int clients, Tally tally)
			throws InterruptedException {
		return run(label, contender, workload, clients, tally, Window.NONE);
	}

	/**
	 * Runs one contender, telling {@code window} when the measurement window opens and closes (for counters
	 * read on the side, e.g. the server's).
	 * @param label the workload's label for the result
	 * @param contender the contender, freshly set up
	 * @param workload the workload
	 * @param clients the number of logical clients
	 * @param tally the run's outcome counters (read by the caller for verification)
	 * @param window called on the driver's thread as the window opens and as it closes
	 * @return the measurement
	 * @throws InterruptedException if interrupted while waiting
	 */
	public RunResult run(String label, Contender contender, Workload workload, int clients, Tally tally,
			Window window) throws InterruptedException {
		// Sized up front: a histogram that resizes while recording costs the recording thread
		// (for the mutex, its cycle thread) a copy.
		Recorder recorder = new Recorder(1, MAX_RECORDED_NANOS, 3);
		Run run = (contender instanceof Contender.Blocking blocking)
				? new BlockingRun(blocking, workload, clients, tally, recorder)
				: new AsyncRun((Contender.Async) contender, workload, clients, tally, recorder);
		run.start();
		pause(this.warmup);
		window.opened();
		Contender.PhaseCounters phasesBefore = contender.phaseCounters();
		long successesBefore = tally.successes();
		long conflictsBefore = tally.conflicts();
		recorder.getIntervalHistogram();
		long start = System.nanoTime();
		pause(this.measurement);
		Histogram histogram = recorder.getIntervalHistogram();
		long successes = tally.successes() - successesBefore;
		long conflicts = tally.conflicts() - conflictsBefore;
		long elapsed = System.nanoTime() - start;
		window.closed();
		Contender.PhaseCounters phasesAfter = contender.phaseCounters();
		run.stop();
		if (!run.awaitDrained(DRAIN_TIMEOUT)) {
			throw new IllegalStateException(contender.name() + " did not drain within " + DRAIN_TIMEOUT);
		}
		double seconds = elapsed / 1e9;
		Contender.PhaseCounters phases = (phasesBefore != null && phasesAfter != null)
				? phasesAfter.minus(phasesBefore) : null;
		double meanBatch = (phases != null) ? phases.meanBatch() : batchSizeOf(contender);
		double meanReadPhase = (phases != null) ? phases.meanReadPhase() : 0;
		double meanWrite = (phases != null) ? phases.meanWriteMicros()
				: (contender instanceof FixedBatch) ? histogram.getMean() / 1e3 : 0;
		return new RunResult(label, contender.name(), clients, (successes + conflicts) / seconds, successes / seconds,
				histogram.getMean() / 1e3, micros(histogram, 50), micros(histogram, 99), micros(histogram, 99.9),
				tally.conflicts(), tally.failures(), meanBatch, meanReadPhase, meanWrite, -1);
	}

	/** Told when a run's measurement window opens and closes; both calls come from the driver's thread. */
	public interface Window {

		/** Tells nothing. */
		Window NONE = new Window() {
			@Override
			public void opened() {
			}

			@Override
			public void closed() {
			}
		};

		/** The window opens: called before its start and its counters are taken. */
		void opened();

		/** The window has closed: called after its end and its counters are taken, before the clients stop. */
		void closed();

	}

	private static double batchSizeOf(Contender contender) {
		return (contender instanceof FixedBatch batch) ? batch.batchSize() : 0;
	}

	private static double micros(Histogram histogram, double percentile) {
		return histogram.getValueAtPercentile(percentile) / 1e3;
	}

	private static void pause(Duration duration) throws InterruptedException {
		// Defines a measurement window; nothing waits on this for synchronisation.
		long deadline = System.nanoTime() + duration.toNanos();
		long left;
		while ((left = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(left);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
	}

	static void record(Recorder recorder, long startNanos, int operations) {
		long latency = Math.min(System.nanoTime() - startNanos, MAX_RECORDED_NANOS);
		recorder.recordValueWithCount(latency, operations);
	}

	/** The clients of one run. */
	private abstract static class Run {

		// Set by the driver thread, read by every client.
		volatile boolean stopped;

		final CountDownLatch drained;

		Run(int clients) {
			this.drained = new CountDownLatch(clients);
		}

		abstract void start();

		void stop() {
			this.stopped = true;
		}

		boolean awaitDrained(Duration timeout) throws InterruptedException {
			return this.drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

	}

	/** One platform thread per client, each blocking on its operation. */
	private static final class BlockingRun extends Run {

		private final List<Thread> threads = new ArrayList<>();

		BlockingRun(Contender.Blocking contender, Workload workload, int clients, Tally tally, Recorder recorder) {
			super(contender.threads(clients));
			int threadCount = contender.threads(clients);
			for (int i = 0; i < threadCount; i++) {
				Workload.Stream stream = workload.stream(i);
				Thread thread = new Thread(() -> loop(contender, stream, tally, recorder), "client-" + i);
				thread.setDaemon(true);
				this.threads.add(thread);
			}
		}

		private void loop(Contender.Blocking contender, Workload.Stream stream, Tally tally, Recorder recorder) {
			try {
				while (!this.stopped) {
					long start = System.nanoTime();
					int operations;
					try {
						operations = contender.execute(stream, tally);
					}
					catch (Exception ex) {
						tally.failure(ex);
						operations = 1;
					}
					record(recorder, start, operations);
				}
			}
			finally {
				this.drained.countDown();
			}
		}

		@Override
		void start() {
			this.threads.forEach(Thread::start);
		}

	}

	/** Logical clients chained on futures: no thread per client. */
	private static final class AsyncRun extends Run {

		private final List<AsyncClient> clients = new ArrayList<>();

		AsyncRun(Contender.Async contender, Workload workload, int clients, Tally tally, Recorder recorder) {
			super(clients);
			for (int i = 0; i < clients; i++) {
				this.clients.add(new AsyncClient(this, contender, workload.stream(i), tally, recorder));
			}
		}

		@Override
		void start() {
			this.clients.forEach(AsyncClient::issueNext);
		}

	}

	/**
	 * One logical client; its state is touched by one thread at a time, since an operation
	 * is only issued once the previous one has completed.
	 */
	private static final class AsyncClient {

		private final AsyncRun run;

		private final Contender.Async contender;

		private final Workload.Stream stream;

		private final Tally tally;

		private final Recorder recorder;

		AsyncClient(AsyncRun run, Contender.Async contender, Workload.Stream stream, Tally tally, Recorder recorder) {
			this.run = run;
			this.contender = contender;
			this.stream = stream;
			this.tally = tally;
			this.recorder = recorder;
		}

		/** Issues operations until one is still in flight, or the run stops. */
		void issueNext() {
			while (true) {
				if (this.run.stopped) {
					this.run.drained.countDown();
					return;
				}
				long start = System.nanoTime();
				CompletableFuture<?> future = this.contender.execute(this.stream, this.tally);
				if (!future.isDone()) {
					future.whenComplete((result, error) -> completed(start));
					return;
				}
				record(this.recorder, start, 1);
			}
		}

		private void completed(long start) {
			record(this.recorder, start, 1);
			issueNext();
		}

	}

	/**
	 * The cause of a future's failure, without its {@code CompletionException} wrappers.
	 * @param error what the future completed with, or {@code null}
	 * @return the innermost cause, or {@code null} if there was no error
	 */
	public static @Nullable Throwable unwrap(@Nullable Throwable error) {
		Throwable cause = error;
		while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
