package io.levelmutex.benchmarks.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.levelmutex.FlushEvent;
import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStats;
import io.levelmutex.MutexStore;
import io.levelmutex.UpdateFunction;
import io.levelmutex.WriteConflictException;
import io.levelmutex.benchmarks.ClosedLoopDriver;
import io.levelmutex.benchmarks.Contender;
import io.levelmutex.benchmarks.Tally;
import io.levelmutex.benchmarks.Workload;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;
import org.jspecify.annotations.Nullable;

/**
 * The mutex on the PostgreSQL engine: one {@link PostgresStore} per node (each on its own HikariCP pool of
 * {@link #POOL_PER_NODE} connections, all on one fresh database in this JVM), the same mutex names on every
 * node (one keyspace, or several: each key belongs to one, by its hash), driven asynchronously through its
 * futures. Clients are split among the nodes round-robin, in the order they issue their first operation. W1 is {@code put}; W2 is one
 * {@link Mutex#update} call (read the revision, check it, write the next one): on one node an update never
 * conflicts; across nodes an update whose keys another node committed since its snapshot is rejected by the
 * engine and runs again, up to {@link #MAX_ATTEMPTS} times, then counts as a conflict (nothing written).
 */
final class PostgresMutexContender implements Contender.Async {

	/** Connections of each node's pool. */
	static final int POOL_PER_NODE = 8;

	/** Attempts of a W2 update before it fails with WriteConflictException. */
	static final int MAX_ATTEMPTS = 16;

	private final String name;

	private final FreshDatabase database;

	private final List<MutexStore> stores = new ArrayList<>();

	// Every node's mutexes, one per keyspace: nodes.get(node).get(keyspace). Filled by the constructor.
	private final List<List<Mutex<byte[], byte[]>>> nodes = new ArrayList<>();

	// Every mutex of every node, for the counters and closing. Filled by the constructor.
	private final List<Mutex<byte[], byte[]>> mutexes = new ArrayList<>();

	// Which node serves which client (a client's stream, by identity); filled by whichever thread issues a
	// client's first operation.
	private final Map<Workload.Stream, List<Mutex<byte[], byte[]>>> nodeOfClient = new ConcurrentHashMap<>();

	// Round-robin counter of that assignment; thread-safe.
	private final AtomicInteger assigned = new AtomicInteger();

	// Flush time of every node's batches, added by their cycle threads; LongAdder is thread-safe.
	private final LongAdder writeNanos = new LongAdder();

	/**
	 * Opens the nodes on a fresh database.
	 * @param server the run's server
	 * @param workload the workload
	 * @param nodes how many stores (nodes)
	 * @param keyspaces how many mutexes each node opens (the same names on every node)
	 * @param preload whether every key is written first (revision 0)
	 * @throws Exception if a node cannot be opened or the preload fails
	 */
	PostgresMutexContender(PgServer server, Workload workload, int nodes, int keyspaces, boolean preload)
			throws Exception {
		this(server, workload, nodes, keyspaces, preload, -1);
	}

	/**
	 * Opens the nodes on a fresh database, with joined commits set.
	 * @param joinedCommits {@code PostgresStore.Builder.joinedCommits} of every node; -1: the default (named as
	 * the plain contender), 0: off (the name says "unjoined")
	 */
	PostgresMutexContender(PgServer server, Workload workload, int nodes, int keyspaces, boolean preload,
			int joinedCommits) throws Exception {
		this(server, workload, nodes, keyspaces, preload, joinedCommits, Map.of(), "");
	}

	/**
	 * Opens the nodes on a fresh database, with joined commits set and the engine's benchmark switches.
	 * @param engineProperties system properties set while the nodes open (the engine's A/B switches of joined
	 * commits, read when a node opens), then restored
	 * @param variant appended to the name (", joined skipping")
	 */
	PostgresMutexContender(PgServer server, Workload workload, int nodes, int keyspaces, boolean preload,
			int joinedCommits, Map<String, String> engineProperties, String variant) throws Exception {
		this(server, workload, nodes, keyspaces, preload, joinedCommits, engineProperties, variant, null);
	}

	/**
	 * Opens the nodes on a fresh database, with joined commits set, the engine's benchmark switches and a procedure
	 * of the schema replaced in this database (an A/B of the schema's SQL, never shipped).
	 * @param replacement a resource of this module run on the database once the first node installed the schema,
	 * before any other node opens and before the first commit (a {@code CREATE OR REPLACE} of a procedure); null:
	 * the schema as shipped
	 */
	PostgresMutexContender(PgServer server, Workload workload, int nodes, int keyspaces, boolean preload,
			int joinedCommits, Map<String, String> engineProperties, String variant, @Nullable String replacement)
			throws Exception {
		this.name = ((keyspaces == 1) ? ((nodes == 1) ? PgContenderKind.MUTEX_1 : PgContenderKind.MUTEX_3)
				: "level-mutex, " + nodes + ((nodes == 1) ? " node, " : " nodes, ") + keyspaces + " keyspaces")
				+ (joinedCommits == 0 ? ", unjoined" : "") + variant;
		this.database = server.freshDatabase("mutex_" + nodes + "_" + keyspaces);
		try {
			for (int node = 0; node < nodes; node++) {
				PostgresStore.Builder builder = PostgresStore.builder(this.database.pool("node-" + node, POOL_PER_NODE));
				if (joinedCommits >= 0) {
					builder.joinedCommits(joinedCommits);
				}
				MutexStore store;
				Map<String, String> before = new java.util.HashMap<>();
				engineProperties.forEach((property, value) -> {
					before.put(property, System.getProperty(property));
					System.setProperty(property, value);
				});
				try {
					store = builder.open();
				}
				finally {
					before.forEach((property, value) -> {
						if (value == null) {
							System.clearProperty(property);
						}
						else {
							System.setProperty(property, value);
						}
					});
				}
				this.stores.add(store);
				if (node == 0 && replacement != null) {
					replace(replacement);
				}
				List<Mutex<byte[], byte[]>> ofNode = new ArrayList<>();
				for (int keyspace = 0; keyspace < keyspaces; keyspace++) {
					Mutex<byte[], byte[]> mutex = store.mutex(
							MutexOptions.builder((keyspaces == 1) ? "bench" : "bench-" + keyspace).build(),
							Codecs.bytes(), Codecs.bytes());
					mutex.addListener(new MutexListener() {
						@Override
						public void onFlushed(FlushEvent event) {
							PostgresMutexContender.this.writeNanos.add(event.duration().toNanos());
						}
					});
					ofNode.add(mutex);
					this.mutexes.add(mutex);
				}
				this.nodes.add(ofNode);
			}
			if (preload) {
				preload(workload);
			}
		}
		catch (Exception | Error ex) {
			close();
			throw ex;
		}
	}

	/** Runs a resource of this module (one statement) on the point's database. */
	private void replace(String resource) throws Exception {
		String text;
		try (java.io.InputStream in = PostgresMutexContender.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No resource " + resource);
			}
			text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
		try (com.zaxxer.hikari.HikariDataSource pool = this.database.pool("replace", 1);
				java.sql.Connection connection = pool.getConnection();
				java.sql.Statement statement = connection.createStatement()) {
			statement.execute(text);
		}
	}

	private void preload(Workload workload) {
		List<Mutex<byte[], byte[]>> first = this.nodes.get(0);
		List<CompletableFuture<?>> pending = new ArrayList<>();
		for (int i = 0; i < workload.keyCount(); i++) {
			byte[] key = workload.keyAt(i);
			pending.add(keyspaceOf(first, key).put(key, workload.initialValue(i)));
			if (pending.size() == 8192) {
				CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
				pending.clear();
			}
		}
		CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
	}

	/** The mutex of a key's keyspace on one node: by the key's hash, the same on every node. */
	private static Mutex<byte[], byte[]> keyspaceOf(List<Mutex<byte[], byte[]>> node, byte[] key) {
		return node.get(Math.floorMod(Arrays.hashCode(key), node.size()));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public CompletableFuture<?> execute(Workload.Stream stream, Tally tally) {
		stream.next();
		byte[] key = stream.key();
		Mutex<byte[], byte[]> mutex = mutexOf(stream, key);
		byte[] value = stream.value();
		CompletableFuture<?> future;
		try {
			future = switch (stream.type()) {
				case PUT -> mutex.put(key, value);
				case GET -> mutex.get(key);
				case UPDATE -> mutex.update(nextRevision(key, value), MAX_ATTEMPTS);
			};
		}
		catch (RuntimeException ex) {
			tally.failure(ex);
			return CompletableFuture.completedFuture(null);
		}
		return future.handle((result, error) -> {
			Throwable cause = ClosedLoopDriver.unwrap(error);
			if (cause == null) {
				tally.success();
			}
			else if (cause instanceof WriteConflictException) {
				tally.conflict();
			}
			else {
				tally.failure(cause);
			}
			return null;
		});
	}

	/**
	 * The mutex that serves a client's key: the client's node (assigned round-robin at its first operation), the
	 * key's keyspace there.
	 * @param stream the client's stream
	 * @param key the key of its next operation
	 * @return the mutex
	 */
	Mutex<byte[], byte[]> mutexOf(Workload.Stream stream, byte[] key) {
		List<Mutex<byte[], byte[]>> node = this.nodeOfClient.computeIfAbsent(stream,
				(client) -> this.nodes.get(this.assigned.getAndIncrement() % this.nodes.size()));
		return keyspaceOf(node, key);
	}

	/**
	 * W2's update function: reads the key's revision and writes the next one.
	 * @param key the key
	 * @param value the value to write with the next revision
	 * @return the function
	 */
	static UpdateFunction<byte[], byte[], Boolean> nextRevision(byte[] key, byte[] value) {
		return (context) -> {
			Optional<byte[]> current = context.get(key);
			long revision = current.map(Workload.Revisions::of).orElse(0L);
			context.put(key, Workload.Revisions.withRevision(revision + 1, value));
			return Boolean.TRUE;
		};
	}

	@Override
	public @Nullable PhaseCounters phaseCounters() {
		long readPhases = 0;
		long reads = 0;
		long batches = 0;
		long writes = 0;
		for (Mutex<byte[], byte[]> mutex : this.mutexes) {
			MutexStats stats = mutex.stats();
			readPhases += stats.readPhases();
			reads += stats.readsExecuted();
			batches += stats.batchesFlushed();
			writes += stats.writesFlushed();
		}
		return new PhaseCounters(readPhases, reads, batches, writes, this.writeNanos.sum());
	}

	@Override
	public byte @Nullable [] readForVerification(byte[] key) {
		return keyspaceOf(this.nodes.get(0), key).get(key).join().orElse(null);
	}

	@Override
	public void close() {
		try {
			// The joined committers' counters (whole point: preload, warm-up, window, drain), for the A/B's readers.
			for (int node = 0; node < this.stores.size(); node++) {
				Map<String, Object> details = this.stores.get(node).health().details();
				StringBuilder line = new StringBuilder("joined counters, " + this.name + ", node " + node + ":");
				for (String counter : List.of("joinedCalls", "joinedBatches", "directBatches", "soleBatches")) {
					line.append(' ').append(counter).append('=').append(details.get(counter));
				}
				System.err.println(line);
			}
			for (Mutex<byte[], byte[]> mutex : this.mutexes) {
				mutex.close();
			}
			for (MutexStore store : this.stores) {
				store.close();
			}
		}
		finally {
			this.database.close();
		}
	}

}
