package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.levelmutex.benchmarks.SweepPlan;

/**
 * What one run of a PostgreSQL series measures: its points (workload, contender, C) in order, the keyspaces of
 * W1 and W2, whether W1's keys are preloaded, and each point's windows.
 *
 * <p>Series P (issue 11) sweeps W1 at C = 1, 16, 256 and W2 on 1k keys at C = 256 over every chosen contender.
 * Series Q (issue 19) runs the fixed list of points its targets compare: the limit L1, the autocommit upsert
 * and the mutex at C = 1, the mutex on one and three nodes, on one keyspace and on eight, and the JPA-style
 * optimistic update against the mutex's {@code update()}, every key preloaded.
 *
 * @param series {@code P} or {@code Q}
 * @param points the points, in the order odd runs run them (even runs reverse each group)
 * @param w1Keys W1's keyspace (blind writes)
 * @param w2Keys W2's keyspace (read-check-write)
 * @param preloadW1 whether every W1 key is written before the point starts (W2's always are)
 * @param warmup warm-up of each point
 * @param measurement measurement window of each point
 */
record PgPlan(String series, List<Point> points, int w1Keys, int w2Keys, boolean preloadW1, Duration warmup,
		Duration measurement) {

	/** The batch of the limit contenders: rows per statement. */
	static final int LIMIT_BATCH = 256;

	/**
	 * The full plan of issue 11: W1 at C = 1, 16, 256, W2 on 1k keys at C = 256.
	 * @param contenders the contenders
	 * @return the plan
	 */
	static PgPlan full(List<PgContenderKind> contenders) {
		return seriesP(contenders, Duration.ofSeconds(2), Duration.ofSeconds(5));
	}

	/**
	 * The smoke run of issue 11: the same points, short windows.
	 * @param contenders the contenders
	 * @return the plan
	 */
	static PgPlan quick(List<PgContenderKind> contenders) {
		return seriesP(contenders, Duration.ofMillis(500), Duration.ofMillis(1000));
	}

	private static PgPlan seriesP(List<PgContenderKind> contenders, Duration warmup, Duration measurement) {
		List<Point> points = new ArrayList<>();
		int group = 0;
		for (int clients : List.of(1, 16, 256)) {
			for (PgContenderKind kind : contenders) {
				if (kind.runs(Load.W1)) {
					points.add(new Point(group, Load.W1, kind, clients));
				}
			}
			group++;
		}
		for (PgContenderKind kind : contenders) {
			if (kind.runs(Load.W2)) {
				points.add(new Point(group, Load.W2, kind, 256));
			}
		}
		return new PgPlan("P", points, SweepPlan.LARGE_KEYSPACE, 1000, false, warmup, measurement);
	}

	/**
	 * Issue 19's points (series Q), full windows: warm-up 2 s, window 4 s, 100k W1 keys.
	 * @return the plan
	 */
	static PgPlan seriesQ() {
		return new PgPlan("Q", seriesQPoints(), SweepPlan.LARGE_KEYSPACE, 1000, true, Duration.ofSeconds(2),
				Duration.ofSeconds(4));
	}

	/**
	 * Issue 19's points (series Q), short windows (warm-up 0.5 s, window 1.2 s) and 20k W1 keys, so that three
	 * runs fit in a few minutes.
	 * @return the plan
	 */
	static PgPlan seriesQQuick() {
		return new PgPlan("Q", seriesQPoints(), 20_000, 1000, true, Duration.ofMillis(500), Duration.ofMillis(1200));
	}

	private static List<Point> seriesQPoints() {
		List<Point> points = new ArrayList<>();
		// Group 0: the limit and the mutex's blind puts, one node and three, one keyspace.
		points.add(new Point(0, Load.W1, PgContenderKind.LIMIT, 1));
		points.add(new Point(0, Load.W1, PgContenderKind.LIMIT_ENGINE_TABLE, 1));
		points.add(new Point(0, Load.W1, PgContenderKind.MUTEX_ONE_NODE, 256));
		points.add(new Point(0, Load.W1, PgContenderKind.MUTEX_THREE_NODES, 256));
		points.add(new Point(0, Load.W1, PgContenderKind.MUTEX_ONE_NODE_UNJOINED, 256)); // pgjoin's A/B, when named
		points.add(new Point(0, Load.W1, PgContenderKind.LIMIT, 4));
		// Group 1: eight keyspaces, one node and three.
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_UNJOINED, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_UNJOINED, 256));
		// session 14's A/B of joined commits (pgks8), when named: 4 senders, 1 sender
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_4_SENDERS, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_4_SENDERS, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_1_SENDER, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_1_SENDER, 256));
		// session 15's A/B (pgk8), when named: the joined-commit procedure before it (one COMMIT per joined call, an
		// A/A control), pgk8's that commits per batch (busy keyspaces last), and the same in keyspace order
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_ONE_COMMIT, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_ONE_COMMIT, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_PER_BATCH, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_ONE_NODE_8_KEYSPACES_IN_ORDER, 256));
		points.add(new Point(1, Load.W1, PgContenderKind.MUTEX_THREE_NODES_8_KEYSPACES_IN_ORDER, 256));
		// Group 2: one client, latency.
		points.add(new Point(2, Load.W1, PgContenderKind.AUTOCOMMIT, 1));
		points.add(new Point(2, Load.W1, PgContenderKind.MUTEX_ONE_NODE, 1));
		points.add(new Point(2, Load.W1, PgContenderKind.MUTEX_ONE_NODE_UNJOINED, 1));
		points.add(new Point(2, Load.W2, PgContenderKind.OPTIMISTIC, 1));
		points.add(new Point(2, Load.W2, PgContenderKind.MUTEX_ONE_NODE, 1));
		// Group 3: update() at C = 256 against the optimistic update.
		points.add(new Point(3, Load.W2, PgContenderKind.OPTIMISTIC, 256));
		points.add(new Point(3, Load.W2, PgContenderKind.MUTEX_ONE_NODE, 256));
		return points;
	}

	/**
	 * This plan restricted.
	 * @param workloads the workloads to keep
	 * @param clients the levels of C to keep (empty: all)
	 * @param contenders the contenders to keep (empty: all)
	 * @return the plan
	 */
	PgPlan keep(Set<Load> workloads, Set<Integer> clients, Set<PgContenderKind> contenders) {
		List<Point> kept = this.points.stream()
			.filter((point) -> workloads.contains(point.workload()))
			.filter((point) -> clients.isEmpty() || clients.contains(point.clients()))
			.filter((point) -> contenders.isEmpty() ? !point.kind().unjoined() : contenders.contains(point.kind()))
			.toList();
		return new PgPlan(this.series, kept, this.w1Keys, this.w2Keys, this.preloadW1, this.warmup, this.measurement);
	}

	/** @return the distinct levels of C of W1's points, in plan order */
	List<Integer> w1Clients() {
		return this.points.stream().filter((point) -> point.workload() == Load.W1).map(Point::clients).distinct()
			.toList();
	}

	/** @return the distinct contenders, in plan order */
	List<PgContenderKind> contenders() {
		return this.points.stream().map(Point::kind).distinct().toList();
	}

	/** @return W1's label in results */
	String w1Label() {
		return this.series + "-W1 blind writes, " + keys(this.w1Keys) + " keys" + (this.preloadW1 ? " (preloaded)" : "");
	}

	/** @return W2's label in results */
	String w2Label() {
		return this.series + "-W2 read-check-write, " + keys(this.w2Keys) + " keys";
	}

	String label(Load workload) {
		return (workload == Load.W1) ? w1Label() : w2Label();
	}

	private static String keys(int keys) {
		return (keys >= 1000 && keys % 1000 == 0) ? (keys / 1000) + "k" : Integer.toString(keys);
	}

	/** The two workloads of the PostgreSQL series. */
	enum Load {

		/** Blind writes. */
		W1,

		/** Read-check-write. */
		W2

	}

	/**
	 * One point of a run.
	 * @param group points compared with each other; even runs reverse the order within a group
	 * @param workload W1 or W2
	 * @param kind the contender
	 * @param clients C (for the limit contenders: connections, each writing prebuilt batches)
	 */
	record Point(int group, Load workload, PgContenderKind kind, int clients) {
	}

}
