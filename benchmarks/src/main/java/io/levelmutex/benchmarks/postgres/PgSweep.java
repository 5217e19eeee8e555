package io.levelmutex.benchmarks.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import io.levelmutex.benchmarks.ClosedLoopDriver;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.RunResult;
import io.levelmutex.benchmarks.Sweep;
import io.levelmutex.benchmarks.SweepPlan;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import org.jspecify.annotations.Nullable;

/**
 * One run of a PostgreSQL series: every point of a {@link PgPlan}, each contender on a fresh database of the
 * same server, one after the other. Odd runs take each group of points in the plan's order, even runs in
 * reverse, so that whatever drifts on the machine does not always favour the same side. W2 points are verified
 * after they drain: the revisions found in the database must add up to the committed updates counted.
 *
 * <p>Profiles: with {@code waitEvents} every point is sampled ({@code pg_stat_activity} every 20 ms), with
 * {@code statements} every point's busiest statements are listed; with {@code profileMutex} (series Q) every
 * mutex point gets both (sampled every 10 ms) plus statements per batch, batches per second and milliseconds
 * per batch. A point that cannot be set up or fails is reported in {@link #notes()} and the run goes on.
 */
final class PgSweep {

	/** How the WAL figures of a point's profile begin. */
	static final String WAL_IN_WINDOW = "WAL in the window (pg_stat_wal; each backend publishes its counts about once a"
			+ " second, so a window of 1-2 s sees one or two publications: trust full windows): ";

	/** The label of series P's W1 in results. */
	static final String W1 = "P-W1 blind writes, 100k keys";

	static String w2Label(int keys) {
		return "P-W2 read-check-write, " + (keys >= 1000 ? (keys / 1000) + "k" : Integer.toString(keys)) + " keys";
	}

	private final PgServer server;

	private final PgPlan plan;

	private final int runNumber;

	private final Consumer<RunResult> progress;

	private final ClosedLoopDriver driver;

	// Whether each point is sampled by a WaitEventSampler.
	private final boolean waitEvents;

	// Whether each point's statements are profiled (pg_stat_statements loaded).
	private final boolean statements;

	// Whether the mutex's points get the full profile (pg_stat_statements loaded).
	private final boolean profileMutex;

	/** How the one-node mutex's client waits at C = 1 (series Q's C=1 targets). */
	private final MutexClient c1Client;

	// One entry per profiled point; owned by the sweep's thread.
	private final List<String> profiles = new ArrayList<>();

	// Failed points, retries of the optimistic contender; owned by the sweep's thread.
	private final List<String> notes = new ArrayList<>();

	PgSweep(PgServer server, PgPlan plan, int runNumber, Consumer<RunResult> progress, boolean waitEvents,
			boolean statements) {
		this(server, plan, runNumber, progress, waitEvents, statements, false);
	}

	PgSweep(PgServer server, PgPlan plan, int runNumber, Consumer<RunResult> progress, boolean waitEvents,
			boolean statements, boolean profileMutex) {
		this(server, plan, runNumber, progress, waitEvents, statements, profileMutex, MutexClient.ASYNC);
	}

	PgSweep(PgServer server, PgPlan plan, int runNumber, Consumer<RunResult> progress, boolean waitEvents,
			boolean statements, boolean profileMutex, MutexClient c1Client) {
		this.c1Client = c1Client;
		this.waitEvents = waitEvents;
		this.statements = statements;
		this.profileMutex = profileMutex;
		this.server = server;
		this.plan = plan;
		this.runNumber = runNumber;
		this.progress = progress;
		this.driver = new ClosedLoopDriver(plan.warmup(), plan.measurement());
	}

	/** @return one entry per profiled point: what the server's backends were doing (empty unless profiling) */
	List<String> profiles() {
		return this.profiles;
	}

	/** @return points that failed, and other remarks of this run */
	List<String> notes() {
		return this.notes;
	}

	List<RunResult> run() throws Exception {
		List<RunResult> results = new ArrayList<>();
		Workload w1 = Workload.blindWrites(this.plan.w1Keys(), SweepPlan.SEED);
		Workload w2 = Workload.readCheckWrite(this.plan.w2Keys(), SweepPlan.SEED);
		for (PgPlan.Point point : ordered()) {
			boolean isW1 = point.workload() == PgPlan.Load.W1;
			String label = this.plan.label(point.workload());
			try {
				measure(label, point.kind(), isW1 ? w1 : w2, point.clients(), isW1 ? this.plan.preloadW1() : true,
						results);
			}
			catch (Exception ex) {
				String note = "run " + this.runNumber + ", " + label + ", C=" + point.clients() + ", "
						+ point.kind().contenderName() + ": point FAILED, " + ex;
				System.err.println(note);
				this.notes.add(note);
			}
		}
		return results;
	}

	/** The plan's points, each group reversed on even runs. */
	private List<PgPlan.Point> ordered() {
		List<PgPlan.Point> ordered = new ArrayList<>();
		List<PgPlan.Point> group = new ArrayList<>();
		for (PgPlan.Point point : this.plan.points()) {
			if (!group.isEmpty() && group.get(0).group() != point.group()) {
				flush(group, ordered);
			}
			group.add(point);
		}
		flush(group, ordered);
		return ordered;
	}

	private void flush(List<PgPlan.Point> group, List<PgPlan.Point> ordered) {
		if (this.runNumber % 2 == 0) {
			Collections.reverse(group);
		}
		ordered.addAll(group);
		group.clear();
	}

	private void measure(String label, PgContenderKind kind, Workload workload, int clients, boolean preload,
			List<RunResult> results) throws Exception {
		RunResult result;
		boolean profiled = this.profileMutex && kind.mutex();
		boolean countStatements = (this.statements || profiled) && this.server.statementStatistics();
		String point = "run " + this.runNumber + ", " + label + ", C=" + clients + ", " + kind.contenderName();
		try (Contender contender = kind.create(this.server, workload, clients, preload, this.c1Client)) {
			Tally tally = new Tally();
			Contender.@Nullable PhaseCounters before = contender.phaseCounters();
			long transactionsBefore = (profiled && !countStatements) ? this.server.transactions() : 0;
			@Nullable WaitEventSampler sampler = (this.waitEvents || profiled)
					? new WaitEventSampler(this.server, profiled ? 10 : 20) : null;
			if (countStatements) {
				StatementProfile.reset(this.server);
			}
			if (sampler != null) {
				sampler.start();
			}
			String waits = "";
			String wal = "";
			try (WalWindow window = (this.waitEvents || this.profileMutex) ? new WalWindow(this.server)
					: null) {
				try {
					result = this.driver.run(label, contender, workload, clients, tally,
							(window != null) ? window : ClosedLoopDriver.Window.NONE);
				}
				finally {
					if (sampler != null) {
						waits = sampler.stop();
					}
				}
				if (window != null) {
					wal = window.describe(result.successesPerSecond(), rowsPerBatch(contender, result));
				}
			}
			if (profiled) {
				this.profiles.add(point + ": " + mutexProfile(contender, before, result, waits, transactionsBefore)
						+ "\n  - " + WAL_IN_WINDOW + wal);
			}
			else {
				if (!wal.isEmpty()) {
					this.profiles.add(point + ": " + WAL_IN_WINDOW + wal);
				}
				if (sampler != null) {
					this.profiles.add(point + ": " + waits);
				}
				if (countStatements) {
					this.profiles.add(point + ", statements (" + tally.successes() + " successful operations):"
							+ StatementProfile.top(this.server, tally.successes()));
				}
			}
			if (contender instanceof OptimisticUpdateContender optimistic) {
				this.notes.add(String.format(Locale.ROOT, "%s: %,d retries for %,d committed updates (%.3f per update)",
						point, optimistic.retries(), tally.successes(),
						(tally.successes() == 0) ? 0.0 : optimistic.retries() / (double) tally.successes()));
			}
			if (workload.kind() == Workload.Kind.READ_CHECK_WRITE) {
				result = result.withLostUpdates(Sweep.lostUpdates(contender, workload, tally));
			}
			Throwable failure = tally.firstFailure();
			if (failure != null) {
				String note = "[" + label + " / " + contender.name() + " / C=" + clients + "] " + tally.failures()
						+ " operations failed, first: " + failure;
				System.err.println(note);
				this.notes.add("run " + this.runNumber + " " + note);
			}
		}
		results.add(result);
		this.progress.accept(result);
	}

	/** The rows one committed batch holds: the mutex's mean in the window, the limit's statement. */
	private static double rowsPerBatch(Contender contender, RunResult result) {
		if (contender instanceof LimitContender limit) {
			return limit.batchSize();
		}
		return result.meanBatch();
	}

	/**
	 * The profile of one mutex point: batches per second and their flush time in the window; statements per
	 * batch over the whole point (warm-up, window and drain, preload excluded); the sampled wait events.
	 */
	private String mutexProfile(Contender contender, Contender.@Nullable PhaseCounters before, RunResult result,
			String waits, long transactionsBefore) throws Exception {
		StringBuilder out = new StringBuilder();
		double batchesPerSecond = (result.meanBatch() == 0) ? 0 : result.opsPerSecond() / result.meanBatch();
		out.append(String.format(Locale.ROOT,
				"%,.1f batches/s in the window (all nodes and keyspaces: one batch every %.1f ms), %.1f writes per"
						+ " batch, mean flush %.2f ms (a batch's statements and commit, from its flush event)",
				batchesPerSecond, (batchesPerSecond == 0) ? 0.0 : 1000 / batchesPerSecond, result.meanBatch(),
				result.meanBatchWriteMicros() / 1000));
		Contender.@Nullable PhaseCounters after = contender.phaseCounters();
		long batches = (before != null && after != null) ? after.minus(before).batches() : 0;
		if (!this.server.statementStatistics()) {
			long transactions = this.server.transactions() - transactionsBefore;
			out.append(String.format(Locale.ROOT,
					"; pg_stat_statements not loaded: transactions (pg_stat_database, approximate, whole point): %,d for"
							+ " %,d batches = %.1f per batch",
					transactions, batches, (batches == 0) ? 0.0 : transactions / (double) batches));
			out.append("\n  - backends (pg_stat_activity every 10 ms, warm-up, window and drain): ").append(waits);
			return out.toString();
		}
		long calls = StatementProfile.calls(this.server);
		out.append(String.format(Locale.ROOT,
				"; statements (pg_stat_statements, whole point: warm-up, window and drain; preload excluded): %,d for"
						+ " %,d batches = %.1f per batch",
				calls, batches, (batches == 0) ? 0.0 : calls / (double) batches));
		out.append("\n  - backends (pg_stat_activity every 10 ms, warm-up, window and drain): ").append(waits);
		out.append("\n  - busiest statements, calls per batch:")
			.append(StatementProfile.top(this.server, batches, "batch").replace("\n  - ", "\n    - "));
		return out.toString();
	}

}
