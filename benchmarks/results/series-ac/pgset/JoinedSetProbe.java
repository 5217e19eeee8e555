import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.sql.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * SQL-only probe (session 16, helper pgset): S senders (one connection each, "nodes"), each calling a joined-commit
 * procedure in a closed loop with K distinct keyspaces of 8 (sorted), W blind puts per keyspace batch on preloaded
 * keys. Variants alternate in rounds of D seconds in one JVM. Server CPU: utime+stime of the senders' backends from
 * /proc (the probe runs as root on the server's machine). Usage:
 * java -cp postgresql.jar JoinedSetProbe URL senders W rounds seconds procA procB ...
 */
public class JoinedSetProbe {
	public static void main(String[] a) throws Exception {
		String url = a[0];
		int senders = Integer.parseInt(a[1]);
		int w = Integer.parseInt(a[2]);
		int rounds = Integer.parseInt(a[3]);
		int seconds = Integer.parseInt(a[4]);
		List<String> procs = Arrays.asList(a).subList(5, a.length);
		long tick = 100; // USER_HZ
		for (int r = 0; r < rounds; r++) {
			for (String proc : procs) {
				run(url, senders, w, seconds, proc, tick, r);
			}
		}
	}

	static long cpuTicks(int pid) throws Exception {
		String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
		String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(f[11]) + Long.parseLong(f[12]);
	}

	static void run(String url, int senders, int w, int seconds, String proc, long tick, int round) throws Exception {
		List<Connection> cons = new ArrayList<>();
		int[] pids = new int[senders];
		for (int s = 0; s < senders; s++) {
			Connection c = DriverManager.getConnection(url);
			c.setAutoCommit(true);
			try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
				rs.next();
				pids[s] = rs.getInt(1);
			}
			cons.add(c);
		}
		try (Statement st = cons.get(0).createStatement()) {
			st.execute("select pg_stat_statements_reset()");
		}
		AtomicLong calls = new AtomicLong(), batches = new AtomicLong(), rows = new AtomicLong(), errors = new AtomicLong();
		AtomicBoolean stop = new AtomicBoolean();
		long[] cpu0 = new long[senders];
		CountDownLatch done = new CountDownLatch(senders);
		long warm = 1000;
		long t0 = System.nanoTime();
		long[] windowStart = new long[1];
		AtomicLong wCalls = new AtomicLong(), wBatches = new AtomicLong(), wRows = new AtomicLong();
		AtomicBoolean inWindow = new AtomicBoolean();
		for (int s = 0; s < senders; s++) {
			Connection c = cons.get(s);
			UUID node = UUID.randomUUID();
			Thread t = new Thread(() -> {
				Random rnd = new Random();
				try (PreparedStatement call = c.prepareStatement("CALL " + proc + "(?, ?::int[], ?::uuid[], ?::int[], ?::int[], ?::int[], ?::int[],"
						+ " ?::bytea[], ?::bytea[], ?::int[], ?::bigint[], ?::int[], ?::boolean[], ?::bytea[],"
						+ " ?::int[], ?::bytea[], ?::bytea[], ?::boolean[], ?::int, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")) {
					while (!stop.get()) {
						int k = 4 + (rnd.nextInt(10) < 7 ? 1 : 0); // 4.7 keyspace batches per call on average
						List<Integer> ks = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8));
						Collections.shuffle(ks, rnd);
						ks = new ArrayList<>(ks.subList(0, k));
						Collections.sort(ks);
						Integer[] keyFrom = new Integer[k + 1];
						Integer[] zeros = new Integer[k + 1];
						UUID[] ids = new UUID[k];
						byte[][] keys = new byte[k * w][];
						byte[][] values = new byte[k * w][];
						for (int i = 0; i < k; i++) {
							keyFrom[i] = 1 + i * w;
							zeros[i] = 1;
							ids[i] = UUID.randomUUID();
							for (int j = 0; j < w; j++) {
								keys[i * w + j] = String.format("%016d", rnd.nextInt(10000)).getBytes(StandardCharsets.UTF_8);
								byte[] v = new byte[100];
								rnd.nextBytes(v);
								values[i * w + j] = v;
							}
						}
						keyFrom[k] = 1 + k * w;
						zeros[k] = 1;
						call.setObject(1, node);
						call.setObject(2, ks.toArray(new Integer[0]));
						call.setArray(3, c.createArrayOf("uuid", ids));
						call.setObject(4, keyFrom);
						call.setObject(5, zeros);
						call.setObject(6, zeros);
						call.setObject(7, zeros);
						call.setObject(8, keys);
						call.setObject(9, values);
						call.setObject(10, new Integer[0]);
						call.setObject(11, new Long[0]);
						call.setObject(12, new Integer[0]);
						call.setObject(13, new Boolean[0]);
						call.setObject(14, new byte[0][]);
						call.setObject(15, new Integer[0]);
						call.setObject(16, new byte[0][]);
						call.setObject(17, new byte[0][]);
						call.setObject(18, new Boolean[0]);
						call.setInt(19, 200);
						try (ResultSet rs = call.executeQuery()) {
							rs.next();
							Long[] seq = (Long[]) rs.getArray(1).getArray();
							String[] st = (String[]) rs.getArray(6).getArray();
							for (int i = 0; i < k; i++) {
								if (seq[i] == null || st[i] != null) {
									errors.incrementAndGet();
								}
							}
						}
						calls.incrementAndGet();
						batches.addAndGet(k);
						rows.addAndGet((long) k * w);
						if (inWindow.get()) {
							wCalls.incrementAndGet();
							wBatches.addAndGet(k);
							wRows.addAndGet((long) k * w);
						}
					}
				}
				catch (SQLException ex) {
					ex.printStackTrace();
				}
				finally {
					done.countDown();
				}
			});
			t.start();
		}
		Thread.sleep(warm);
		for (int s = 0; s < senders; s++) cpu0[s] = cpuTicks(pids[s]);
		try (Statement st = cons.get(0).createStatement()) {
			st.execute("select pg_stat_statements_reset()");
		}
		long w0 = System.nanoTime();
		inWindow.set(true);
		Thread.sleep(seconds * 1000L);
		inWindow.set(false);
		long w1 = System.nanoTime();
		long cpu = 0;
		for (int s = 0; s < senders; s++) cpu += cpuTicks(pids[s]) - cpu0[s];
		stop.set(true);
		done.await();
		double secs = (w1 - w0) / 1e9;
		double cpuMs = cpu * 1000.0 / tick;
		System.out.printf(Locale.ROOT, "round %d %-32s senders %d W %2d | calls %6d kbatches %7d rows %8d | rows/s %8.0f | server CPU ms/kbatch %.3f us/row %.1f | errors %d%n",
				round, proc, senders, w, wCalls.get(), wBatches.get(), wRows.get(), wRows.get() / secs,
				cpuMs / wBatches.get(), cpuMs * 1000 / wRows.get(), errors.get());
		// statement profile of the window
		try (Statement st = cons.get(0).createStatement(); ResultSet rs = st.executeQuery(
				"select calls, round(total_exec_time::numeric,1) exec_ms, round(total_plan_time::numeric,1) plan_ms, plans, toplevel, "
						+ "regexp_replace(left(query, 90), '\\s+', ' ', 'g') q from pg_stat_statements "
						+ "where query not like '%pg_stat_statements%' and query not like '%pg_backend_pid%' order by total_exec_time desc limit 12")) {
			while (rs.next()) {
				System.out.printf(Locale.ROOT, "   stmt calls %7d exec %9.1f ms (%.1f us/kbatch) plan %7.1f ms plans %6d top %-5s %s%n", rs.getLong(1), rs.getDouble(2),
						rs.getDouble(2) * 1000 / wBatches.get(), rs.getDouble(3), rs.getLong(4), rs.getBoolean(5), rs.getString(6));
			}
		}
		for (Connection c : cons) c.close();
	}
}
