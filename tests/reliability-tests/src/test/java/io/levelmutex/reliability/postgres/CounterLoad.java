package io.levelmutex.reliability.postgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.awaitility.Awaitility;

/**
 * {@link CounterClients} on every node of a {@link PgNodes}, all on one mutex, reporting into one list; and
 * the check of the final state against what they reported. Owned by the test thread.
 */
final class CounterLoad {

	static final Duration WAIT = Duration.ofMinutes(2);

	private final PgNodes nodes;

	private final String mutex;

	private final List<CounterClients> clients = new ArrayList<>();

	/** Reports of this load and of earlier loads on the same keyspace; a synchronized list. */
	private final List<String> lines;

	CounterLoad(PgNodes nodes, String mutex, int clientsPerNode, int counters, long seed) {
		this(nodes, mutex, "0", clientsPerNode, counters, seed, Collections.synchronizedList(new ArrayList<>()));
	}

	/**
	 * A load that continues earlier ones on the same keyspace.
	 * @param run this load's run name, distinct from the earlier loads'
	 * @param lines a synchronized list holding the earlier loads' reports; this load adds its own
	 */
	CounterLoad(PgNodes nodes, String mutex, String run, int clientsPerNode, int counters, long seed,
			List<String> lines) {
		this.nodes = nodes;
		this.mutex = mutex;
		this.lines = lines;
		for (int n = 0; n < nodes.size(); n++) {
			this.clients.add(new CounterClients(nodes.mutex(n, mutex), nodes.name(n), run, clientsPerNode, counters,
					seed + n, this.lines::add));
		}
	}

	CounterLoad start() {
		this.clients.forEach(CounterClients::start);
		return this;
	}

	long acks() {
		return this.clients.stream().mapToLong(CounterClients::acks).sum();
	}

	long acks(int node) {
		return this.clients.get(node).acks();
	}

	long failures() {
		return this.clients.stream().mapToLong(CounterClients::failures).sum();
	}

	/** Waits until the nodes together acknowledged at least {@code count} increments. */
	void awaitAcks(long count) {
		Awaitility.await().atMost(WAIT).until(() -> acks() >= count);
	}

	/** Waits until every node acknowledged {@code more} increments beyond what it had when called. */
	void awaitEveryNodeCommits(int more) {
		List<Long> before = new ArrayList<>();
		for (int n = 0; n < this.clients.size(); n++) {
			before.add(acks(n));
		}
		for (int n = 0; n < this.clients.size(); n++) {
			int node = n;
			Awaitility.await().atMost(WAIT).until(() -> acks(node) >= before.get(node) + more);
		}
	}

	/** Stops every client (each finishes its increment in flight) and checks the final state. */
	Result stopAndCheck() throws InterruptedException {
		for (CounterClients node : this.clients) {
			node.stop();
		}
		CounterLog log = new CounterLog();
		synchronized (this.lines) {
			log.add(new ArrayList<>(this.lines));
		}
		CounterLog.Verdict verdict = log.check(Counters.read(this.nodes.mutex(0, this.mutex)), Set.of());
		return new Result(log, verdict);
	}

	/**
	 * What a load reported and how its final state compared.
	 * @param log the reports
	 * @param verdict the check
	 */
	record Result(CounterLog log, CounterLog.Verdict verdict) {
	}

}
