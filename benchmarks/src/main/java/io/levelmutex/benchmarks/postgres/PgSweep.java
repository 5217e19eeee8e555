package io.levelmutex.benchmarks.postgres;

import java.util.ArrayList;
import java.util.List;
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
 * One run of series P: every point of a {@link PgPlan}, each contender on a fresh database of the same
 * server, one after the other. Odd runs take the contenders in the plan's order, even runs in reverse, so
 * that whatever drifts on the machine does not always favour the same side. W2 points are verified after
 * they drain: the revisions found in the database must add up to the committed updates counted.
 */
final class PgSweep {

	/** The label of W1 in results. */
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

	// One line per sampled point; owned by the sweep's thread.
	private final List<String> profiles = new ArrayList<>();

	PgSweep(PgServer server, PgPlan plan, int runNumber, Consumer<RunResult> progress, boolean waitEvents,
			boolean statements) {
		this.waitEvents = waitEvents;
		this.statements = statements;
		this.server = server;
		this.plan = plan;
		this.runNumber = runNumber;
		this.progress = progress;
		this.driver = new ClosedLoopDriver(plan.warmup(), plan.measurement());
	}

	/** @return one line per sampled point: what the server's backends were doing (empty unless sampling) */
	List<String> profiles() {
		return this.profiles;
	}

	List<RunResult> run() throws Exception {
		List<RunResult> results = new ArrayList<>();
		List<PgContenderKind> order = new ArrayList<>(this.plan.contenders());
		if (this.runNumber % 2 == 0) {
			java.util.Collections.reverse(order);
		}
		Workload w1 = Workload.blindWrites(SweepPlan.LARGE_KEYSPACE, SweepPlan.SEED);
		for (int clients : this.plan.w1Clients()) {
			for (PgContenderKind kind : order) {
				measure(W1, kind, w1, clients, results);
			}
		}
		Workload w2 = Workload.readCheckWrite(this.plan.w2Keys(), SweepPlan.SEED);
		for (int clients : this.plan.w2Clients()) {
			for (PgContenderKind kind : order) {
				measure(w2Label(this.plan.w2Keys()), kind, w2, clients, results);
			}
		}
		return results;
	}

	private void measure(String label, PgContenderKind kind, Workload workload, int clients, List<RunResult> results)
			throws Exception {
		RunResult result;
		try (Contender contender = kind.create(this.server, workload, clients)) {
			Tally tally = new Tally();
			@Nullable WaitEventSampler sampler = this.waitEvents ? new WaitEventSampler(this.server) : null;
			if (sampler != null) {
				sampler.start();
			}
			if (this.statements) {
				StatementProfile.reset(this.server);
			}
			try {
				result = this.driver.run(label, contender, workload, clients, tally);
			}
			finally {
				if (sampler != null) {
					this.profiles.add("run " + this.runNumber + ", " + label + ", C=" + clients + ", " + contender.name()
							+ ": " + sampler.stop());
				}
			}
			if (this.statements) {
				this.profiles.add("run " + this.runNumber + ", " + label + ", C=" + clients + ", " + contender.name()
						+ ", statements (" + tally.successes() + " successful operations):"
						+ StatementProfile.top(this.server, tally.successes()));
			}
			if (workload.kind() == Workload.Kind.READ_CHECK_WRITE) {
				result = result.withLostUpdates(Sweep.lostUpdates(contender, workload, tally));
			}
			Throwable failure = tally.firstFailure();
			if (failure != null) {
				System.err.println("[" + label + " / " + contender.name() + " / C=" + clients + "] " + tally.failures()
						+ " operations failed, first: " + failure);
			}
		}
		results.add(result);
		this.progress.accept(result);
	}

}
