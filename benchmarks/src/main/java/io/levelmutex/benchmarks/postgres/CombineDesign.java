package io.levelmutex.benchmarks.postgres;

import java.util.Locale;

/**
 * How a "node" commits a keyspace's batch in {@link CombineProbe}: today's engine route or one of the prototypes
 * of {@code pgcombine/prototypes.sql}. Immutable.
 */
enum CombineDesign {

	/**
	 * Today (schema v2, the engine's {@code CommitRoute}): the commit function; when it replies that it met the
	 * keyspace's lock held (committed without its flush), the flush statement, and the next 32 commits through the
	 * released-commit procedure.
	 */
	TODAY("today"),

	/** (a) combining through the database, the combiner releasing the lock before its flush. */
	COMBINE("combine"),

	/**
	 * (a) as {@link #COMBINE}, a node that finds the lock held waiting for it in share mode first (the nodes whose
	 * batches the combiner applied wake at once, not in turn).
	 */
	COMBINE_SHARED("combine-shared"),

	/** (a) combining through the database, the combiner holding the lock through a synchronous commit. */
	COMBINE_SYNC("combine-sync"),

	/**
	 * (b) a lease per keyspace: keyspace k is held by node k mod nodes; the others forward their batches through the
	 * pending table and NOTIFY and learn the outcome by NOTIFY.
	 */
	LEASE("lease"),

	/**
	 * (e) the sequence last: the rows written (with the xid) before the keyspace's lock is taken, the lock held only
	 * for the sequence, the batch log and the commit; today's route (function, then the released procedure when the
	 * lock was met held).
	 */
	LAST("last"),

	/** (c) blind batches without the keyspace lock (xid instead of sequence). */
	FREE("free"),

	/**
	 * (d) each node joins the ready batches of all its keyspaces into one transaction and one round trip (one
	 * committer per node; keyspaces locked in id order, released before the flush).
	 */
	JOIN("join", 1),

	/** (d) with two joined commits in flight per node: keyspace k joined by committer k mod 2. */
	JOIN2("join2", 2),

	/** (d) with four joined commits in flight per node: keyspace k joined by committer k mod 4. */
	JOIN4("join4", 4);

	private final String label;

	private final int joinGroups;

	CombineDesign(String label) {
		this(label, 0);
	}

	CombineDesign(String label, int joinGroups) {
		this.label = label;
		this.joinGroups = joinGroups;
	}

	/** @return how many joined commits a node keeps in flight, 0 for a design that does not join keyspaces */
	int joinGroups() {
		return this.joinGroups;
	}

	/** @return the short name used on the command line and in the report */
	String label() {
		return this.label;
	}

	/**
	 * @param label a short name
	 * @return the design
	 * @throws IllegalArgumentException for an unknown name
	 */
	static CombineDesign of(String label) {
		for (CombineDesign design : values()) {
			if (design.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
				return design;
			}
		}
		throw new IllegalArgumentException("Unknown design " + label + " (today, last, combine, combine-shared, combine-sync, lease, free, join, join2, join4)");
	}

}
