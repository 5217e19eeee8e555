package io.levelmutex.benchmarks.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.levelmutex.postgres.PostgresStore;

/**
 * Issue 19 item 4, measured before anything is built: what would "fewer, larger batches per keyspace cluster-wide"
 * give? Runs today's commit route and the SQL prototypes of {@code pgcombine/prototypes.sql} ({@link CombineDesign})
 * side by side against one private PostgreSQL 15 (fsync and synchronous_commit on), each as 1 node and as 3 nodes
 * (the clients split among them), on one keyspace and on 8, in rounds whose order is reversed every other round
 * ({@link CombineRun}: a closed loop of writers and one committer connection per node and keyspace, no engine). Every
 * point starts from a copy of a template database (schema v2 + the prototypes, 100k 8-byte keys preloaded with
 * 100-byte values, analyzed). Prints one line per point and, per keyspace count and design, the medians over the
 * rounds of the ratios taken within each round: design at 3 nodes / today at 1 node (issue 19's target), design at 3
 * nodes / design at 1 node, design at 1 node / today at 1 node.
 *
 * <p>Usage: {@code CombineProbe [--rounds 3] [--warmup-ms 2000] [--window-ms 4000] [--clients 256]
 * [--designs today,last,combine,combine-shared,combine-sync,lease,free,join,join2,join4] [--nodes 1,3] [--keyspaces 1,8] [--out DIR]}. The report goes
 * to standard output and, with {@code --out}, to {@code DIR/combine.md}. Owned by the main thread.
 */
public final class CombineProbe {

	/** Keys of the probe's keyspaces (all preloaded). */
	static final int KEYS = 100_000;

	private static final int VALUES = 4096;

	private static final int VALUE_BYTES = 100;

	private final PgServer server;

	private final byte[][] keys;

	private final byte[][] values = new byte[VALUES][];

	private final Map<Integer, int[]> keyspaceIds = new TreeMap<>();

	private final PrintStream report;

	private int databases;

	/**
	 * @param server the run's server
	 * @param report where each point's line goes
	 * @param keyCount how many keys the templates preload ({@link #KEYS} in the probe)
	 */
	CombineProbe(PgServer server, PrintStream report, int keyCount) {
		this.server = server;
		this.report = report;
		this.keys = new byte[keyCount][];
		for (int i = 0; i < keyCount; i++) {
			this.keys[i] = ByteBuffer.allocate(8).putLong(i).array();
		}
		SplittableRandom random = new SplittableRandom(19);
		for (int i = 0; i < VALUES; i++) {
			this.values[i] = new byte[VALUE_BYTES];
			random.nextBytes(this.values[i]);
		}
	}

	/** The preloaded keys (shared, not copied; {@link Pg3NodeProbe} writes the same). */
	byte[][] keys() {
		return this.keys;
	}

	/** The values written (shared, not copied). */
	byte[][] values() {
		return this.values;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
		long warmup = Long.parseLong(options.getOrDefault("warmup-ms", "2000"));
		long window = Long.parseLong(options.getOrDefault("window-ms", "4000"));
		int clients = Integer.parseInt(options.getOrDefault("clients", "256"));
		List<CombineDesign> designs = Arrays.stream(options.getOrDefault("designs", "today,last,combine,combine-shared,combine-sync,lease,free,join")
			.split(",")).map(CombineDesign::of).toList();
		List<Integer> nodeCounts = ints(options.getOrDefault("nodes", "1,3"));
		List<Integer> keyspaceCounts = ints(options.getOrDefault("keyspaces", "1,8"));
		Path out = options.containsKey("out") ? Path.of(options.get("out")) : null;
		PrintStream file = null;
		if (out != null) {
			Files.createDirectories(out);
			file = new PrintStream(Files.newOutputStream(out.resolve("combine.md")), true, StandardCharsets.UTF_8);
		}
		PrintStream report = tee(System.out, file);
		try (PgServer server = PgServer.start()) {
			server.enableWalTiming();
			report.println("# CombineProbe " + String.join(" ", args));
			report.println("# " + server.describe());
			report.println("# load before: " + load() + "; clients " + clients + ", warm-up " + warmup + " ms, window "
					+ window + " ms, " + KEYS + " keys, " + VALUE_BYTES + "-byte values");
			CombineProbe probe = new CombineProbe(server, report, KEYS);
			for (int keyspaces : keyspaceCounts) {
				probe.template(keyspaces);
			}
			report.println();
			report.println("| round | keyspaces | design | nodes | rows/s | node batches/s | rows/batch | commits/s |"
					+ " latency mean/p50/p99 us | WAL syncs/s | rows/sync | server CPU us/row | JVM CPU us/row | load |"
					+ " failures | notes |");
			report.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
			// results[keyspaces][design][nodes] per round
			Map<String, List<Double>> rates = new TreeMap<>();
			for (int round = 1; round <= rounds; round++) {
				for (int keyspaces : keyspaceCounts) {
					List<int[]> points = new ArrayList<>();
					for (int d = 0; d < designs.size(); d++) {
						if (designs.get(d).joinGroups() > 0 && keyspaces == 1) {
							continue; // one keyspace: nothing to join
						}
						for (int nodes : nodeCounts) {
							points.add(new int[] { d, nodes });
						}
					}
					if (round % 2 == 0) {
						java.util.Collections.reverse(points);
					}
					for (int[] point : points) {
						CombineDesign design = designs.get(point[0]);
						double rate = probe.point(round, keyspaces, design, point[1], clients, warmup, window)
							.rowsPerSecond();
						rates.computeIfAbsent(key(keyspaces, design, point[1]), (k) -> new ArrayList<>()).add(rate);
					}
				}
			}
			probe.summary(rates, designs, nodeCounts, keyspaceCounts, rounds);
		}
		finally {
			if (file != null) {
				file.close();
			}
		}
	}

	private static String key(int keyspaces, CombineDesign design, int nodes) {
		return keyspaces + "/" + design.label() + "/" + nodes;
	}

	private void summary(Map<String, List<Double>> rates, List<CombineDesign> designs, List<Integer> nodeCounts,
			List<Integer> keyspaceCounts, int rounds) {
		if (!nodeCounts.contains(1) || !designs.contains(CombineDesign.TODAY)) {
			return;
		}
		this.report.println();
		this.report.println("Ratios within each round (median over the rounds, then every round's ratio):");
		this.report.println();
		this.report.println("| keyspaces | design | N nodes / today 1 node | N nodes / same design 1 node |"
				+ " 1 node / today 1 node |");
		this.report.println("|---|---|---|---|---|");
		for (int keyspaces : keyspaceCounts) {
			List<Double> today1 = rates.get(key(keyspaces, CombineDesign.TODAY, 1));
			for (CombineDesign design : designs) {
				List<Double> one = rates.get(key(keyspaces, design, 1));
				for (int nodes : nodeCounts) {
					if (nodes == 1) {
						continue;
					}
					List<Double> many = rates.get(key(keyspaces, design, nodes));
					if (many == null) {
						continue;
					}
					this.report.println("| " + keyspaces + " | " + design.label() + " (" + nodes + ") | "
							+ ratios(many, today1, rounds) + " | " + ratios(many, one, rounds) + " | "
							+ ratios(one, today1, rounds) + " |");
				}
			}
		}
	}

	private static String ratios(List<Double> top, List<Double> bottom, int rounds) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < rounds && i < top.size() && i < bottom.size(); i++) {
			ratios.add(bottom.get(i) == 0 ? 0 : top.get(i) / bottom.get(i));
		}
		if (ratios.isEmpty()) {
			return "-";
		}
		List<Double> sorted = new ArrayList<>(ratios);
		sorted.sort(null);
		double median = (sorted.size() % 2 == 1) ? sorted.get(sorted.size() / 2)
				: (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
		StringBuilder all = new StringBuilder();
		for (double ratio : ratios) {
			all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", ratio));
		}
		return String.format(Locale.ROOT, "**%.2f** (%s)", median, all);
	}

	/**
	 * Runs one point on a fresh copy of the keyspace count's template ({@link #template} first) and reports its line.
	 * @return what it measured
	 * @throws Exception if the database cannot be made or the run fails
	 */
	CombineRun.Result point(int round, int keyspaces, CombineDesign design, int nodes, int clients, long warmup,
			long window) throws Exception {
		String name = "combine_" + (++this.databases);
		try (Connection admin = this.server.connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name + " TEMPLATE tpl_k" + keyspaces);
		}
		try {
			String before = load();
			CombineRun.Result result = new CombineRun(this.server, name, design, nodes, keyspaces,
					this.keyspaceIds.get(keyspaces), this.keys, this.values).run(clients, warmup, window);
			String after = load();
			WalStats wal = result.wal();
			this.report.println(String.format(Locale.ROOT,
					"| %d | %d | %s | %d | %.0f | %.0f | %.1f | %.0f | %.0f / %.0f / %.0f | %.0f | %.1f | %.1f | %.1f |"
							+ " %s -> %s | %d%s | %s |",
					round, keyspaces, design.label(), nodes, result.rowsPerSecond(), result.nodeBatchesPerSecond(),
					(result.nodeBatchesPerSecond() == 0) ? 0 : result.rowsPerSecond() / result.nodeBatchesPerSecond(),
					result.commitsPerSecond(), result.latencyMeanMicros(), result.latencyP50Micros(),
					result.latencyP99Micros(), wal.syncsPerSecond(), wal.rowsPerSync(result.rowsPerSecond()),
					result.serverCpuMicrosPerRow(), result.jvmCpuMicrosPerRow(), before, after, result.failures(),
					result.firstFailure().isEmpty() ? "" : " " + result.firstFailure().replace('|', '/'),
					result.notes()));
			return result;
		}
		finally {
			this.server.dropDatabase(name);
		}
	}

	/**
	 * Creates database tpl_kN: schema v2, the prototypes, N keyspaces, every key preloaded in its keyspace.
	 * @param keyspaces N
	 * @throws Exception if the server refuses
	 */
	void template(int keyspaces) throws Exception {
		String name = "tpl_k" + keyspaces;
		try (Connection admin = this.server.connect("postgres"); Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		try (Connection connection = this.server.connect(name); Statement statement = connection.createStatement()) {
			statement.execute(resource(PostgresStore.class.getClassLoader(), EngineTable.RESOURCES + "/schema-v2.sql"));
			statement.execute(resource(CombineProbe.class.getClassLoader(), "pgcombine/prototypes.sql"));
			int[] ids = new int[keyspaces];
			for (int k = 0; k < keyspaces; k++) {
				try (ResultSet result = statement.executeQuery(
						"INSERT INTO level_mutex_keyspace (name) VALUES ('bench-" + k + "') RETURNING id")) {
					result.next();
					ids[k] = result.getInt(1);
				}
			}
			this.keyspaceIds.put(keyspaces, ids);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO level_mutex_entry"
					+ " (keyspace_id, key, value, seq) SELECT ?, u.k, u.v, 0 FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v)")) {
				for (int k = 0; k < keyspaces; k++) {
					List<byte[]> chunkKeys = new ArrayList<>();
					List<byte[]> chunkValues = new ArrayList<>();
					for (int i = k; i < this.keys.length; i += keyspaces) {
						chunkKeys.add(this.keys[i]);
						chunkValues.add(this.values[i % VALUES]);
						if (chunkKeys.size() == 4096 || i + keyspaces >= this.keys.length) {
							insert.setInt(1, ids[k]);
							insert.setObject(2, chunkKeys.toArray(new byte[0][]));
							insert.setObject(3, chunkValues.toArray(new byte[0][]));
							insert.executeUpdate();
							chunkKeys.clear();
							chunkValues.clear();
						}
					}
				}
			}
			statement.execute("VACUUM ANALYZE");
			statement.execute("CHECKPOINT");
		}
		this.report.println("# template " + name + ": keyspace ids " + Arrays.toString(this.keyspaceIds.get(keyspaces)));
	}

	private static String resource(ClassLoader loader, String path) throws IOException {
		try (InputStream in = loader.getResourceAsStream(path)) {
			if (in == null) {
				throw new IOException("No resource " + path);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static List<Integer> ints(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
	}

	static String load() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	static PrintStream tee(PrintStream a, PrintStream b) {
		if (b == null) {
			return a;
		}
		return new PrintStream(new java.io.OutputStream() {
			@Override
			public void write(int c) {
				a.write(c);
				b.write(c);
			}

			@Override
			public void write(byte[] buffer, int offset, int length) {
				a.write(buffer, offset, length);
				b.write(buffer, offset, length);
			}

			@Override
			public void flush() {
				a.flush();
				b.flush();
			}
		}, true, StandardCharsets.UTF_8);
	}

}
