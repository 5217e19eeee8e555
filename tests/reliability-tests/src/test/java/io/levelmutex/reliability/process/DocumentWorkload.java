package io.levelmutex.reliability.process;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.support.TestStores;

/**
 * The child JVM of the crash and shutdown suites: {@code clients} concurrent clients write
 * through one mutex until the process dies, and every acknowledged write is printed to
 * standard output the moment its future completed successfully.
 *
 * <p>Each client, with its own seeded random, mixes three kinds of writes:
 * <ul>
 * <li>a plain {@code put} of {@code kv/<client>/<n>} with a value derived from the key
 * (acknowledged as {@code ACK P <client> <n>});</li>
 * <li>a {@code del} of one of its own acknowledged keys, announced as {@code DEL <client> <n>}
 * before it is issued ({@code ACK D <client> <n>});</li>
 * <li>a multi-key unit through {@link Mutex#update}, the way the sample app writes a document:
 * the document {@code doc/<id>} (revision, sequence), its sequence entry {@code seq/<n>}, the
 * removal of its previous sequence entry and, for a new document, the {@code meta/doc_count}
 * counter ({@code ACK U <client> <doc> <rev> <seq>}).</li>
 * </ul>
 * A client has at most one write in flight. Arguments: directory, durable, clients, seed,
 * documents per client, {@code kill} or {@code term} ({@code term}: close the store in a
 * shutdown hook on SIGTERM, printing {@code SHUTDOWN begin} and {@code SHUTDOWN done}), and a
 * run name that keeps the plain keys of successive runs on one store apart (documents are
 * shared: a later run continues their revisions).
 */
public final class DocumentWorkload {

	static final String MUTEX = "documents";

	static final String SEQ_START = "seq/";

	static final String SEQ_END = "seq0";

	static final String DOC_COUNT = "meta/doc_count";

	// Shared by all client threads; every ack is printed under this lock and flushed at once.
	private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
			StandardCharsets.UTF_8);

	// Written by the shutdown hook, read by the clients: failures after it are refusals.
	private static volatile boolean shuttingDown;

	private DocumentWorkload() {
	}

	/**
	 * Runs the workload until the process is killed or terminated.
	 * @param args directory, durable, clients, seed, documents per client, kill or term, run
	 * @throws Exception if the store cannot be opened
	 */
	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		boolean durable = Boolean.parseBoolean(args[1]);
		int clients = Integer.parseInt(args[2]);
		long seed = Long.parseLong(args[3]);
		int docsPerClient = Integer.parseInt(args[4]);
		boolean term = args[5].equals("term");
		String run = args[6];
		MutexStore store = TestStores.open(dir, durable);
		Mutex<String, String> mutex = TestStores.strings(store, options());
		if (term) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				shuttingDown = true;
				print("SHUTDOWN begin");
				store.close();
				print("SHUTDOWN done");
			}));
		}
		CountDownLatch forever = new CountDownLatch(1);
		print("READY");
		for (int c = 0; c < clients; c++) {
			int client = c;
			Thread thread = new Thread(() -> runClient(mutex, run, client, new Random(seed * 1_000_003L + client),
					docsPerClient), "client-" + c);
			thread.setDaemon(true);
			thread.start();
		}
		forever.await();
	}

	static MutexOptions options() {
		return MutexOptions.builder(MUTEX).maxUpdateAttempts(8).build();
	}

	static String kvKey(String run, int client, int n) {
		return "kv/" + run + "/" + client + "/" + n;
	}

	/**
	 * The value of a plain put, derived from its key so that recovery can check it; its
	 * length varies from 0 to 1 KiB of padding so that batches vary in size.
	 */
	static String kvValue(String run, int client, int n) {
		return "v:" + run + ":" + client + ":" + n + ":" + "x".repeat(Math.floorMod(client * 31 + n * 17, 1024));
	}

	static String docId(int client, int doc) {
		return client + "-" + doc;
	}

	static String seqKey(long seq) {
		return SEQ_START + String.format("%012d", seq);
	}

	private static void runClient(Mutex<String, String> mutex, String run, int client, Random random,
			int docsPerClient) {
		List<Integer> live = new ArrayList<>();
		int next = 0;
		try {
			while (true) {
				int dice = random.nextInt(100);
				if (dice < 45) {
					int n = next++;
					mutex.put(kvKey(run, client, n), kvValue(run, client, n)).get();
					live.add(n);
					print("ACK P " + client + " " + n);
				}
				else if (dice < 55 && !live.isEmpty()) {
					int n = live.remove(random.nextInt(live.size()));
					print("DEL " + client + " " + n);
					mutex.del(kvKey(run, client, n)).get();
					print("ACK D " + client + " " + n);
				}
				else {
					int doc = random.nextInt(docsPerClient);
					long[] revAndSeq = mutex.update((context) -> writeDocument(context, docId(client, doc))).get();
					print("ACK U " + client + " " + doc + " " + revAndSeq[0] + " " + revAndSeq[1]);
				}
			}
		}
		catch (MutexClosedException ex) {
			// The store is shutting down: this client stops.
		}
		catch (ExecutionException ex) {
			if (shuttingDown || ex.getCause() instanceof MutexClosedException) {
				print("REFUSED " + client + " " + ex.getCause());
			}
			else {
				print("FAIL " + client + " " + ex.getCause());
				ex.printStackTrace();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			if (shuttingDown) {
				print("REFUSED " + client + " " + ex);
			}
			else {
				print("FAIL " + client + " " + ex);
				ex.printStackTrace();
			}
		}
	}

	/**
	 * One document write: the document, its new sequence entry, the removal of its previous
	 * sequence entry, and the document count for a new document, all in one unit.
	 */
	private static long[] writeDocument(io.levelmutex.UpdateContext<String, String> context, String id) {
		String docKey = "doc/" + id;
		Optional<String> current = context.get(docKey);
		Optional<Entry<String, String>> last = context.peekLast(KeyRange.closedOpen(SEQ_START, SEQ_END));
		long seq = last.map((entry) -> Long.parseLong(entry.key().substring(SEQ_START.length())) + 1).orElse(1L);
		long rev;
		if (current.isPresent()) {
			String[] parts = current.get().split(" ");
			rev = Long.parseLong(parts[0]) + 1;
			context.del(seqKey(Long.parseLong(parts[1])));
		}
		else {
			rev = 1;
			long count = context.get(DOC_COUNT).map(Long::parseLong).orElse(0L);
			context.put(DOC_COUNT, Long.toString(count + 1));
		}
		context.put(docKey, rev + " " + seq + " " + id);
		context.put(seqKey(seq), id + " " + rev);
		return new long[] { rev, seq };
	}

	private static void print(String line) {
		synchronized (OUT) {
			OUT.print(line);
			OUT.print('\n');
			OUT.flush();
		}
	}

}
