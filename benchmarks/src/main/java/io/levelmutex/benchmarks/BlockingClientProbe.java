package io.levelmutex.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.StoreOptions;
import io.levelmutex.rocksdb.RocksStore;

/**
 * Blocking clients on an embedded store, a blocking wait helping or not (issue 19's and 22's C=1 hand-offs): each
 * client thread puts and joins in a loop (like a servlet thread), durable or not, for each mode in turn (the system
 * property {@code io.levelmutex.joinRunsCycle}, read when a mutex is made: {@code on} = the caller that joins runs a
 * drain nobody started, {@code off} = it parks until a pool thread ran it), rotating the order every round. Per
 * point: mean, p50 and p99 latency, process CPU per operation, the process's voluntary and involuntary context
 * switches per operation (cycle threads, others; from {@code /proc/self/task}), and the share of write batches and
 * read phases whose event ran on a client thread (the caller ran the cycle). Counts and CPU per op hold under load better
 * than latency. Linux only. Run with {@code java -cp benchmarks/target/benchmarks.jar
 * io.levelmutex.benchmarks.BlockingClientProbe <rounds> <ops> <modes, e.g. on,off,blocking>
 * <durable|non-durable>[:clients[:put|update|get]]...}: with more than one client, each client thread puts and joins
 * its own keys, {@code ops} operations in all, and the latency columns are over all clients' operations. Modes:
 * {@code on} and {@code off} wait with {@code join()} on the operation's future; {@code blocking} calls
 * {@link Mutex#blocking()} (a lone writer's write runs its cycle on the caller, submitting no task). The operation:
 * {@code put} (default), {@code update} (read the
 * key's value in the update function, write it back changed) or {@code get} (of a key written before). Adapted from
 * {@code SpinProbe} (branch {@code spin}).
 */
public final class BlockingClientProbe {

	private static final byte[] VALUE = new byte[100];

	private BlockingClientProbe() {
	}

	/**
	 * Runs the points and prints one line per point and round.
	 * @param args rounds, operations per point, modes, durabilities
	 * @throws Exception if a store fails
	 */
	public static void main(String[] args) throws Exception {
		int rounds = Integer.parseInt(args[0]);
		int ops = Integer.parseInt(args[1]);
		String[] modes = args[2].split(",");
		List<String> durabilities = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
		for (int round = 0; round <= rounds; round++) {
			for (String durability : durabilities) {
				for (int i = 0; i < modes.length; i++) {
					String mode = modes[(i + round) % modes.length];
					String[] side = durability.split(":");
					int clients = side.length > 1 ? Integer.parseInt(side[1]) : 1;
					String op = side.length > 2 ? side[2] : "put";
					String line = measure(mode, side[0].equals("durable"), clients, op, round == 0 ? ops / 2 : ops);
					System.out.println((round == 0 ? "warm-up " : "round " + round + " ") + line + " | load "
							+ ManyMutexesProbe.loadAverage());
				}
			}
		}
	}

	static String measure(String mode, boolean durable, int clients, String op, int ops) throws Exception {
		System.setProperty("io.levelmutex.joinRunsCycle", mode.equals("off") ? "false" : "true");
		Client client = client(mode.equals("blocking"), op);
		try (DataDirectory directory = DataDirectory.create("blocking")) {
			try (MutexStore store = RocksStore.builder(directory.path())
				.storeOptions(StoreOptions.builder().durable(durable).build())
				.open()) {
				Mutex<byte[], byte[]> mutex = store.mutex("blocking");
				java.util.concurrent.atomic.LongAdder[] batches = { new java.util.concurrent.atomic.LongAdder(),
						new java.util.concurrent.atomic.LongAdder() };
				java.util.concurrent.atomic.LongAdder flushNanos = new java.util.concurrent.atomic.LongAdder();
				mutex.addListener(new io.levelmutex.MutexListener() {
					@Override
					public void onWrites(io.levelmutex.WriteBatchEvent event) {
						batches[Thread.currentThread().getName().startsWith("level-mutex-") ? 1 : 0].increment();
					}

					@Override
					public void onFlushed(io.levelmutex.FlushEvent event) {
						flushNanos.add(event.duration().toNanos());
					}

					@Override
					public void onReads(io.levelmutex.ReadPhaseEvent event) {
						batches[Thread.currentThread().getName().startsWith("level-mutex-") ? 1 : 0].increment();
					}
				});
				byte[][][] keys = new byte[clients][100][];
				for (int c = 0; c < clients; c++) {
					for (int k = 0; k < 100; k++) {
						keys[c][k] = ("key-" + c + "-" + k).getBytes(StandardCharsets.UTF_8);
					}
				}
				int perClient = ops / clients;
				long[] latencies = new long[perClient * clients];
				for (byte[][] ofClient : keys) {
					for (byte[] key : ofClient) {
						mutex.put(key, VALUE).join(); // every key written before: gets and updates find a value
					}
				}
				runClients(mutex, client, keys, perClient / 5, null, () -> {
				});
				long flushBefore = flushNanos.sum();
				long onCallersBefore = batches[0].sum();
				long onPoolBefore = batches[1].sum();
				long[] switchesBefore = switches();
				long cpuBefore = processCpuNanos();
				long start = System.nanoTime();
				long[] switchesAfter = new long[4];
				long[] elapsedAndCpu = new long[2];
				runClients(mutex, client, keys, perClient, latencies, () -> {
					// before the client threads end, so that their switches count
					elapsedAndCpu[0] = System.nanoTime() - start;
					elapsedAndCpu[1] = processCpuNanos() - cpuBefore;
					System.arraycopy(switchesUnchecked(), 0, switchesAfter, 0, 4);
				});
				long elapsed = elapsedAndCpu[0];
				long cpu = elapsedAndCpu[1];
				long onCallers = batches[0].sum() - onCallersBefore;
				long onPool = batches[1].sum() - onPoolBefore;
				double flushMicros = (flushNanos.sum() - flushBefore) / 1e3 / Math.max(1, onCallers + onPool);
				Arrays.sort(latencies);
				ops = latencies.length;
				return String.format("%s C=%d %s %s: mean %.1f us p50 %.1f p99 %.1f | CPU/op %.1f us | cycle vol/op %.2f invol/op %.2f | other vol/op %.2f invol/op %.2f | phases/op %.2f on callers %.0f%% | commit %.1f us/batch",
						durable ? "durable" : "non-durable", clients, op, mode, clients * (elapsed / 1e3 / ops), latencies[ops / 2] / 1e3,
						latencies[(int) (ops * 0.99)] / 1e3, cpu / 1e3 / ops,
						(double) (switchesAfter[0] - switchesBefore[0]) / ops,
						(double) (switchesAfter[1] - switchesBefore[1]) / ops,
						(double) (switchesAfter[2] - switchesBefore[2]) / ops,
						(double) (switchesAfter[3] - switchesBefore[3]) / ops,
						(double) (onCallers + onPool) / ops, 100.0 * onCallers / Math.max(1, onCallers + onPool), flushMicros);
			}
		}
		finally {
			System.clearProperty("io.levelmutex.joinRunsCycle");
		}
	}

	/** One operation of a client on a key, waited for. */
	@FunctionalInterface
	private interface Client {

		void run(Mutex<byte[], byte[]> mutex, byte[] key);

	}

	private static Client client(boolean blocking, String op) {
		return switch (op) {
			case "put" -> blocking ? (mutex, key) -> mutex.blocking().put(key, VALUE)
					: (mutex, key) -> mutex.put(key, VALUE).join();
			case "get" -> blocking ? (mutex, key) -> mutex.blocking().get(key) : (mutex, key) -> mutex.get(key).join();
			case "update" -> blocking ? (mutex, key) -> mutex.blocking().update((context) -> flipped(context, key))
					: (mutex, key) -> mutex.update((context) -> flipped(context, key)).join();
			default -> throw new IllegalArgumentException("unknown operation " + op);
		};
	}

	/** An update's function: reads the key and writes its value back with the first byte changed. */
	private static Object flipped(io.levelmutex.UpdateContext<byte[], byte[]> context, byte[] key) {
		byte[] value = context.get(key).orElse(VALUE).clone();
		value[0]++;
		context.put(key, value);
		return value;
	}

	/** Each client thread puts and joins {@code perClient} times; its latencies into its slice, if given. */
	private static void runClients(Mutex<byte[], byte[]> mutex, Client op, byte[][][] keys, int perClient,
			long[] latencies, Runnable whenAllDone) throws InterruptedException {
		if (keys.length == 1) {
			runClient(mutex, op, keys[0], perClient, latencies, 0);
			whenAllDone.run();
			return;
		}
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(keys.length);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < keys.length; c++) {
			int client = c;
			Thread thread = new Thread(() -> {
				runClient(mutex, op, keys[client], perClient, latencies, client * perClient);
				done.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			threads.add(thread);
			thread.start();
		}
		done.await();
		whenAllDone.run();
		release.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static long[] switchesUnchecked() {
		try {
			return switches();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static void runClient(Mutex<byte[], byte[]> mutex, Client op, byte[][] keys, int ops, long[] latencies,
			int from) {
		for (int i = 0; i < ops; i++) {
			long t0 = System.nanoTime();
			op.run(mutex, keys[i % keys.length]);
			if (latencies != null) {
				latencies[from + i] = System.nanoTime() - t0;
			}
		}
	}

	private static long processCpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : 0;
	}

	/**
	 * Voluntary and involuntary context switches of the cycle threads ({@code level-mutex-} but not the committer),
	 * then of every other thread of this process, now (ended threads lost).
	 */
	static long[] switches() throws IOException {
		long[] sum = new long[4];
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String comm = Files.readString(task.resolve("comm")).trim();
					int group = comm.startsWith("level-mutex-") && !comm.startsWith("level-mutex-co") ? 0 : 2;
					for (String l : Files.readAllLines(task.resolve("status"))) {
						if (l.startsWith("voluntary_ctxt_switches:")) {
							sum[group] += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
						}
						else if (l.startsWith("nonvoluntary_ctxt_switches:")) {
							sum[group + 1] += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException | RuntimeException ended) {
					// the thread ended meanwhile
				}
			}
		}
		return sum;
	}

}
