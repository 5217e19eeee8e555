package io.levelmutex.benchmarks.postgres;

import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Workload;

/** The contenders of the PostgreSQL series, each created on a fresh database of the run's server for one point. */
enum PgContenderKind {

	/** (a): per-operation autocommit upsert. */
	AUTOCOMMIT("a", AutocommitUpsertContender.NAME),

	/** (b): per-operation SELECT ... FOR UPDATE, then the write, in one transaction. */
	SELECT_FOR_UPDATE("b", SelectForUpdateContender.NAME),

	/** (c): Spring Integration's JdbcLockRegistry around a read and a write. */
	LOCK_REGISTRY("c", JdbcLockRegistryContender.NAME),

	/** (o): JPA-style optimistic update (read the version, update where the version is unchanged, retry). */
	OPTIMISTIC("o", OptimisticUpdateContender.NAME),

	/** L1: PostgreSQL's own batch limit, prebuilt 256-row upserts on the plain key-value table. */
	LIMIT("l1", LimitContender.NAME),

	/** L1 on the engine's own entry table (its schema file, its indexes). */
	LIMIT_ENGINE_TABLE("l1e", LimitContender.NAME_ENGINE_TABLE),

	/** The mutex on one PostgresStore. */
	MUTEX_ONE_NODE("m1", PgContenderKind.MUTEX_1),

	/** The mutex on three PostgresStores sharing the database, clients split among them. */
	MUTEX_THREE_NODES("m3", PgContenderKind.MUTEX_3),

	/** The mutex on one PostgresStore, eight mutexes (keyspaces), each key in one of them. */
	MUTEX_ONE_NODE_8_KEYSPACES("m1k8", PgContenderKind.MUTEX_1_K8),

	/** Three PostgresStores on the same eight keyspaces. */
	MUTEX_THREE_NODES_8_KEYSPACES("m3k8", PgContenderKind.MUTEX_3_K8),

	/** {@link #MUTEX_ONE_NODE} with joined commits off (series Z, pgjoin's A/B); only when named. */
	MUTEX_ONE_NODE_UNJOINED("m1u", PgContenderKind.MUTEX_1 + ", unjoined"),

	/** {@link #MUTEX_ONE_NODE_8_KEYSPACES} with joined commits off; only when named. */
	MUTEX_ONE_NODE_8_KEYSPACES_UNJOINED("m1k8u", PgContenderKind.MUTEX_1_K8 + ", unjoined"),

	/** {@link #MUTEX_THREE_NODES_8_KEYSPACES} with joined commits off; only when named. */
	MUTEX_THREE_NODES_8_KEYSPACES_UNJOINED("m3k8u", PgContenderKind.MUTEX_3_K8 + ", unjoined"),

	/** {@link #MUTEX_ONE_NODE_8_KEYSPACES} with 4 joined commits in flight (default 2); only when named. */
	MUTEX_ONE_NODE_8_KEYSPACES_4_SENDERS("m1k8j4", PgContenderKind.MUTEX_1_K8 + ", 4 senders"),

	/** {@link #MUTEX_THREE_NODES_8_KEYSPACES} with 4 joined commits in flight per node; only when named. */
	MUTEX_THREE_NODES_8_KEYSPACES_4_SENDERS("m3k8j4", PgContenderKind.MUTEX_3_K8 + ", 4 senders"),

	/** {@link #MUTEX_ONE_NODE_8_KEYSPACES} with 1 joined commit in flight (default 2); only when named. */
	MUTEX_ONE_NODE_8_KEYSPACES_1_SENDER("m1k8j1", PgContenderKind.MUTEX_1_K8 + ", 1 sender"),

	/** {@link #MUTEX_THREE_NODES_8_KEYSPACES} with 1 joined commit in flight per node; only when named. */
	MUTEX_THREE_NODES_8_KEYSPACES_1_SENDER("m3k8j1", PgContenderKind.MUTEX_3_K8 + ", 1 sender"),

	/**
	 * {@link #MUTEX_ONE_NODE_8_KEYSPACES} on a copy of the schema's joined-commit procedure: every keyspace batch
	 * through {@code level_mutex_commit} in a subtransaction of its own, ONE COMMIT per joined call (an A/A control;
	 * session 16's pgset measured its set-based procedure against it, then took that back), installed over the
	 * schema's in the point's database; only when named.
	 */
	MUTEX_ONE_NODE_8_KEYSPACES_ONE_COMMIT("m1k8c", PgContenderKind.MUTEX_1_K8 + ", one COMMIT per joined call"),

	/**
	 * {@link #MUTEX_THREE_NODES_8_KEYSPACES} on that procedure (a subtransaction per keyspace batch, one COMMIT per
	 * joined call; the B of {@code m3k8} since pgset); only when named.
	 */
	MUTEX_THREE_NODES_8_KEYSPACES_ONE_COMMIT("m3k8c", PgContenderKind.MUTEX_3_K8 + ", one COMMIT per joined call"),

	/**
	 * {@link #MUTEX_ONE_NODE_8_KEYSPACES} on pgk8's joined-commit procedure that commits each batch on its own (its
	 * keyspace lock released at its COMMIT, one flush per call) and tries a busy keyspace again after the others;
	 * only when named.
	 */
	MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH("m1k8r", PgContenderKind.MUTEX_1_K8 + ", a COMMIT per batch"),

	/** {@link #MUTEX_THREE_NODES_8_KEYSPACES} on that procedure; only when named. */
	MUTEX_THREE_NODES_8_KEYSPACES_PER_BATCH("m3k8r", PgContenderKind.MUTEX_3_K8 + ", a COMMIT per batch"),

	/**
	 * {@link #MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH}, but waiting for each keyspace lock in keyspace order (no busy
	 * keyspace tried again after the others); only when named.
	 */
	MUTEX_ONE_NODE_8_KEYSPACES_IN_ORDER("m1k8p", PgContenderKind.MUTEX_1_K8 + ", a COMMIT per batch, in order"),

	/** {@link #MUTEX_THREE_NODES_8_KEYSPACES} on that procedure; only when named. */
	MUTEX_THREE_NODES_8_KEYSPACES_IN_ORDER("m3k8p", PgContenderKind.MUTEX_3_K8 + ", a COMMIT per batch, in order");

	/** The resource of {@link #MUTEX_ONE_NODE_8_KEYSPACES_ONE_COMMIT}'s procedure. */
	private static final String ONE_COMMIT = "/pgk8/joined-one-commit.sql";

	/** The resource of {@link #MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH}'s procedure. */
	private static final String PER_BATCH = "/pgk8/joined-per-batch.sql";

	/** The resource of {@link #MUTEX_ONE_NODE_8_KEYSPACES_IN_ORDER}'s procedure. */
	private static final String IN_ORDER = "/pgk8/joined-in-order.sql";

	/** The mutex on one PostgresStore, in results. */
	static final String MUTEX_1 = "level-mutex, 1 node";

	/** The mutex on three PostgresStores (nodes) sharing the database, in results. */
	static final String MUTEX_3 = "level-mutex, 3 nodes";

	/** The mutex on one node, 8 keyspaces, in results. */
	static final String MUTEX_1_K8 = "level-mutex, 1 node, 8 keyspaces";

	/** The mutex on three nodes, 8 keyspaces, in results. */
	static final String MUTEX_3_K8 = "level-mutex, 3 nodes, 8 keyspaces";

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

	/** @return whether the contender is the mutex (its points get a profile) */
	boolean mutex() {
		return this == MUTEX_ONE_NODE || this == MUTEX_THREE_NODES || this == MUTEX_ONE_NODE_8_KEYSPACES
				|| this == MUTEX_THREE_NODES_8_KEYSPACES || unjoined();
	}

	/**
	 * @return whether it is a mutex point with joined commits off or another variant of them (an A/B point: run
	 * only when {@code --contenders} names it)
	 */
	boolean unjoined() {
		return this == MUTEX_ONE_NODE_UNJOINED || this == MUTEX_ONE_NODE_8_KEYSPACES_UNJOINED
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_UNJOINED || this == MUTEX_ONE_NODE_8_KEYSPACES_4_SENDERS
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_4_SENDERS || this == MUTEX_ONE_NODE_8_KEYSPACES_1_SENDER
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_1_SENDER || this == MUTEX_ONE_NODE_8_KEYSPACES_ONE_COMMIT
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_ONE_COMMIT || this == MUTEX_ONE_NODE_8_KEYSPACES_IN_ORDER
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_IN_ORDER || this == MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH
				|| this == MUTEX_THREE_NODES_8_KEYSPACES_PER_BATCH;
	}

	/**
	 * Whether the contender runs a workload: the limits write only (W1), the optimistic update only updates (W2).
	 * @param workload W1 or W2
	 * @return whether it runs it
	 */
	boolean runs(PgPlan.Load workload) {
		return switch (this) {
			case LIMIT, LIMIT_ENGINE_TABLE -> workload == PgPlan.Load.W1;
			case OPTIMISTIC -> workload == PgPlan.Load.W2;
			default -> true;
		};
	}

	/**
	 * Creates the contender for one point, W2's keys preloaded, W1's not (series P).
	 * @param server the run's server
	 * @param workload the workload
	 * @param clients C
	 * @return the contender on a fresh database
	 * @throws Exception if it cannot be set up
	 */
	Contender create(PgServer server, Workload workload, int clients) throws Exception {
		return create(server, workload, clients, workload.kind() != Workload.Kind.BLIND_WRITE);
	}

	/**
	 * Creates the contender for one point.
	 * @param server the run's server
	 * @param workload the workload
	 * @param clients C
	 * @param preload whether every key of the workload is written first (at revision 0)
	 * @return the contender on a fresh database
	 * @throws Exception if it cannot be set up
	 */
	Contender create(PgServer server, Workload workload, int clients, boolean preload) throws Exception {
		return create(server, workload, clients, preload, MutexClient.ASYNC);
	}

	/**
	 * Creates the contender for one point, the mutex on one node at C = 1 driven by the given clients.
	 * @param server the run's server
	 * @param workload the workload
	 * @param clients C
	 * @param preload whether every key of the workload is written first (at revision 0)
	 * @param c1Client how the clients of {@link #MUTEX_ONE_NODE} wait at C = 1
	 * @return the contender on a fresh database
	 * @throws Exception if it cannot be set up
	 */
	Contender create(PgServer server, Workload workload, int clients, boolean preload, MutexClient c1Client)
			throws Exception {
		if (this == MUTEX_ONE_NODE && clients == 1 && c1Client != MutexClient.ASYNC) {
			return new BlockingPostgresMutexContender(new PostgresMutexContender(server, workload, 1, 1, preload),
					c1Client);
		}
		return switch (this) {
			case AUTOCOMMIT -> new AutocommitUpsertContender(server, workload, clients, preload);
			case SELECT_FOR_UPDATE -> new SelectForUpdateContender(server, workload, clients, preload);
			case LOCK_REGISTRY -> new JdbcLockRegistryContender(server, workload, clients, preload);
			case OPTIMISTIC -> new OptimisticUpdateContender(server, workload, clients, preload);
			case LIMIT -> new LimitContender(server, workload, clients, false, preload);
			case LIMIT_ENGINE_TABLE -> new LimitContender(server, workload, clients, true, preload);
			case MUTEX_ONE_NODE -> new PostgresMutexContender(server, workload, 1, 1, preload);
			case MUTEX_THREE_NODES -> new PostgresMutexContender(server, workload, 3, 1, preload);
			case MUTEX_ONE_NODE_8_KEYSPACES -> new PostgresMutexContender(server, workload, 1, 8, preload);
			case MUTEX_THREE_NODES_8_KEYSPACES -> new PostgresMutexContender(server, workload, 3, 8, preload);
			case MUTEX_ONE_NODE_UNJOINED -> new PostgresMutexContender(server, workload, 1, 1, preload, 0);
			case MUTEX_ONE_NODE_8_KEYSPACES_UNJOINED -> new PostgresMutexContender(server, workload, 1, 8, preload, 0);
			case MUTEX_THREE_NODES_8_KEYSPACES_UNJOINED -> new PostgresMutexContender(server, workload, 3, 8, preload,
					0);
			case MUTEX_ONE_NODE_8_KEYSPACES_4_SENDERS -> new PostgresMutexContender(server, workload, 1, 8, preload, 4,
					java.util.Map.of(), ", 4 senders");
			case MUTEX_THREE_NODES_8_KEYSPACES_4_SENDERS -> new PostgresMutexContender(server, workload, 3, 8, preload,
					4, java.util.Map.of(), ", 4 senders");
			case MUTEX_ONE_NODE_8_KEYSPACES_1_SENDER -> new PostgresMutexContender(server, workload, 1, 8, preload, 1,
					java.util.Map.of(), ", 1 sender");
			case MUTEX_THREE_NODES_8_KEYSPACES_1_SENDER -> new PostgresMutexContender(server, workload, 3, 8, preload,
					1, java.util.Map.of(), ", 1 sender");
			case MUTEX_ONE_NODE_8_KEYSPACES_ONE_COMMIT -> new PostgresMutexContender(server, workload, 1, 8, preload,
					-1, java.util.Map.of(), ", one COMMIT per joined call", ONE_COMMIT);
			case MUTEX_THREE_NODES_8_KEYSPACES_ONE_COMMIT -> new PostgresMutexContender(server, workload, 3, 8, preload,
					-1, java.util.Map.of(), ", one COMMIT per joined call", ONE_COMMIT);
			case MUTEX_ONE_NODE_8_KEYSPACES_PER_BATCH -> new PostgresMutexContender(server, workload, 1, 8, preload,
					-1, java.util.Map.of(), ", a COMMIT per batch", PER_BATCH);
			case MUTEX_THREE_NODES_8_KEYSPACES_PER_BATCH -> new PostgresMutexContender(server, workload, 3, 8, preload,
					-1, java.util.Map.of(), ", a COMMIT per batch", PER_BATCH);
			case MUTEX_ONE_NODE_8_KEYSPACES_IN_ORDER -> new PostgresMutexContender(server, workload, 1, 8, preload,
					-1, java.util.Map.of(), ", a COMMIT per batch, in order", IN_ORDER);
			case MUTEX_THREE_NODES_8_KEYSPACES_IN_ORDER -> new PostgresMutexContender(server, workload, 3, 8, preload,
					-1, java.util.Map.of(), ", a COMMIT per batch, in order", IN_ORDER);
		};
	}

	static PgContenderKind ofOption(String option) {
		for (PgContenderKind kind : values()) {
			if (kind.option.equalsIgnoreCase(option.trim())) {
				return kind;
			}
		}
		throw new IllegalArgumentException("Unknown contender " + option + "; known: a, b, c, o, l1, l1e, m1, m3, m1k8, m3k8, m1u, m1k8u, m3k8u, m1k8j4, m3k8j4, m1k8j1, m3k8j1, m1k8c, m3k8c, m1k8r, m3k8r, m1k8p, m3k8p");
	}

}
