package io.levelmutex.reliability.postgres;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import io.levelmutex.Mutex;

/**
 * The child JVM of {@link NodeCrashTest}: one node (a {@link io.levelmutex.postgres.PostgresStore} whose
 * sessions carry the node's name as {@code application_name}) running {@link CounterClients} on mutex
 * {@value #MUTEX} until it is killed, or until SIGTERM: then its clients finish their increments in flight,
 * the store is closed, and it prints {@code DONE}. Prints {@code READY} once the store is open.
 *
 * <p>Arguments: JDBC URL, user, node name, run name, clients, counters, seed.
 */
public final class CounterNode {

	static final String MUTEX = "counters";

	// Shared by all client threads; every line is printed and flushed under its lock.
	private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
			StandardCharsets.UTF_8);

	private CounterNode() {
	}

	/**
	 * Runs the node until it is killed or terminated.
	 * @param args JDBC URL, user, node name, run name, clients, counters, seed
	 * @throws Exception if the store cannot be opened
	 */
	public static void main(String[] args) throws Exception {
		String node = args[2];
		String run = args[3];
		PgNode.Opened store = PgNode.open(args[0], args[1], node);
		Mutex<String, String> mutex = PgNode.strings(store.store(), MUTEX);
		CounterClients clients = new CounterClients(mutex, node, run, Integer.parseInt(args[4]),
				Integer.parseInt(args[5]), Long.parseLong(args[6]), CounterNode::print);
		CountDownLatch done = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				clients.stop();
				store.close();
				print("DONE");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				done.countDown();
			}
		}, "counter-node-shutdown"));
		print("READY");
		clients.start();
		done.await();
	}

	private static void print(String line) {
		synchronized (OUT) {
			OUT.println(line);
			OUT.flush();
		}
	}

}
