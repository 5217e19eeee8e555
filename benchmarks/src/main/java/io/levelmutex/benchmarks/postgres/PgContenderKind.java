package io.levelmutex.benchmarks.postgres;

import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Workload;

/** The contenders of series P, each created on a fresh database of the run's server for one point. */
enum PgContenderKind {

	/** (a): per-operation autocommit upsert. */
	AUTOCOMMIT("a", AutocommitUpsertContender.NAME),

	/** (b): per-operation SELECT ... FOR UPDATE, then the write, in one transaction. */
	SELECT_FOR_UPDATE("b", SelectForUpdateContender.NAME),

	/** (c): Spring Integration's JdbcLockRegistry around a read and a write. */
	LOCK_REGISTRY("c", JdbcLockRegistryContender.NAME),

	/** The mutex on one PostgresStore. */
	MUTEX_ONE_NODE("m1", PgContenderKind.MUTEX_1),

	/** The mutex on three PostgresStores sharing the database, clients split among them. */
	MUTEX_THREE_NODES("m3", PgContenderKind.MUTEX_3);

	/** The mutex on one PostgresStore, in results. */
	static final String MUTEX_1 = "level-mutex, 1 node";

	/** The mutex on three PostgresStores (nodes) sharing the database, in results. */
	static final String MUTEX_3 = "level-mutex, 3 nodes";

	private final String option;

	private final String contenderName;

	PgContenderKind(String option, String contenderName) {
		this.option = option;
		this.contenderName = contenderName;
	}

	/** @return the short name used by {@code --contenders} */
	String option() {
		return this.option;
	}

	/** @return the contender's name in results */
	String contenderName() {
		return this.contenderName;
	}

	/** @return whether the contender guarantees no lost update in W2 (a compare-and-set) */
	boolean compareAndSet() {
		return this != AUTOCOMMIT;
	}

	/**
	 * Creates the contender for one point.
	 * @param server the run's server
	 * @param workload the workload
	 * @param clients C
	 * @return the contender on a fresh database, preloaded for W2
	 * @throws Exception if it cannot be set up
	 */
	Contender create(PgServer server, Workload workload, int clients) throws Exception {
		return switch (this) {
			case AUTOCOMMIT -> new AutocommitUpsertContender(server, workload, clients);
			case SELECT_FOR_UPDATE -> new SelectForUpdateContender(server, workload, clients);
			case LOCK_REGISTRY -> new JdbcLockRegistryContender(server, workload, clients);
			case MUTEX_ONE_NODE -> new PostgresMutexContender(server, workload, 1);
			case MUTEX_THREE_NODES -> new PostgresMutexContender(server, workload, 3);
		};
	}

	static PgContenderKind ofOption(String option) {
		for (PgContenderKind kind : values()) {
			if (kind.option.equalsIgnoreCase(option.trim())) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown contender " + option + "; known: a, b, c, m1, m3");
	}

}
