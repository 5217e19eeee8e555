package io.levelmutex.reliability.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Document writers on several instances of the sample app: each writer creates new documents
 * ({@code PUT /{db}/{id}}, never the same id twice, no retries) on its own instance, one after the
 * other, and records every outcome. An answer is a status and a body; a request that gets none (the
 * instance died, the connection broke, the request timed out) is recorded as unanswered. Only a 201 is an
 * acknowledgement; any other answer leaves the document's fate open (it may or may not exist), except that
 * a 409 for an id never written before is a violation.
 */
final class ClusterLoad implements AutoCloseable {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final String database;

	private final String prefix;

	private final ExecutorService pool;

	private final List<Future<?>> writers = new ArrayList<>();

	/** Set by {@link #stop()}; read by the writers. */
	private final AtomicBoolean stopping = new AtomicBoolean();

	/** Per instance index: set when the test killed it, so its writers stop. */
	private final Map<Integer, Boolean> dead = new ConcurrentHashMap<>();

	/** Acknowledged documents: id to revision; written by the writers. */
	final Map<String, String> acknowledged = new ConcurrentHashMap<>();

	/**
	 * Documents sent without an acknowledgement (any other answer, or none): id to {@code no answer}, or the
	 * status and CouchDB's {@code error} ({@code 503 service_unavailable}).
	 */
	final Map<String, String> unresolved = new ConcurrentHashMap<>();

	/** For each document whose request got an answer other than 201: the request and the whole answer. */
	final Map<String, String> exchanges = new ConcurrentHashMap<>();

	/** Acknowledgements per instance index. */
	final AtomicLong[] acks;

	/** Every answer that was not a 201, by instance: status and body. */
	final ConcurrentLinkedQueue<String> errorAnswers = new ConcurrentLinkedQueue<>();

	/** 5xx answers not shaped as CouchDB's error body. */
	final ConcurrentLinkedQueue<String> malformedErrors = new ConcurrentLinkedQueue<>();

	/** 409 answers to a document id written for the first time. */
	final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

	/** Requests to a live instance that got no answer. */
	final ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();

	/** Requests to an instance the test had killed (no answer expected). */
	final AtomicLong toDeadInstance = new AtomicLong();

	/** 5xx answers, per instance index. */
	final AtomicLong[] serverErrors;

	private ClusterLoad(String database, String prefix, int instances, int writersPerInstance) {
		this.database = database;
		this.prefix = prefix;
		this.acks = new AtomicLong[instances];
		this.serverErrors = new AtomicLong[instances];
		for (int i = 0; i < instances; i++) {
			this.acks[i] = new AtomicLong();
			this.serverErrors[i] = new AtomicLong();
		}
		this.pool = Executors.newFixedThreadPool(instances * writersPerInstance);
	}

	/**
	 * Starts the writers.
	 * @param database the database (exists)
	 * @param prefix the prefix of this load's document ids (unique per load)
	 * @param ports the instances' ports, by index
	 * @param writersPerInstance writers on each instance
	 * @return the running load
	 */
	static ClusterLoad start(String database, String prefix, List<Integer> ports, int writersPerInstance) {
		ClusterLoad load = new ClusterLoad(database, prefix, ports.size(), writersPerInstance);
		for (int instance = 0; instance < ports.size(); instance++) {
			for (int writer = 0; writer < writersPerInstance; writer++) {
				int i = instance;
				String writerId = prefix + i + "-" + writer;
				int port = ports.get(i);
				load.writers.add(load.pool.submit(() -> load.write(i, port, writerId)));
			}
		}
		return load;
	}

	long totalAcks() {
		long total = 0;
		for (AtomicLong count : this.acks) {
			total += count.get();
		}
		return total;
	}

	/** Marks an instance as killed by the test: its writers stop, requests in flight to it may go unanswered. */
	void killed(int instance) {
		this.dead.put(instance, true);
	}

	private void write(int instance, int port, String writerId) {
		for (long n = 0; !this.stopping.get() && !this.dead.containsKey(instance); n++) {
			String id = writerId + "-" + n;
			String body = "{\"writer\":\"" + writerId + "\",\"n\":" + n + "}";
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + this.database
					+ "/" + id))
				.timeout(Duration.ofSeconds(90))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString(body))
				.build();
			HttpResponse<String> response;
			try {
				response = this.client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				this.unresolved.put(id, "no answer");
				if (this.dead.containsKey(instance)) {
					this.toDeadInstance.incrementAndGet();
					return;
				}
				this.unanswered.add(instance + " " + id + ": " + ex);
				continue;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			int status = response.statusCode();
			if (status == 201) {
				this.acknowledged.put(id, MAPPER.readTree(response.body()).get("rev").asString());
				this.acks[instance].incrementAndGet();
				continue;
			}
			this.unresolved.put(id, status + " " + errorOf(response.body()));
			String answer = instance + " " + id + ": " + status + " " + response.body();
			this.exchanges.put(id, "PUT " + request.uri() + " (instance " + instance + ") " + body + " -> " + status
					+ " " + response.body());
			this.errorAnswers.add(answer);
			if (status == 409) {
				this.violations.add(answer);
			}
			if (status >= 500) {
				this.serverErrors[instance].incrementAndGet();
				if (!isCouchError(response.body())) {
					this.malformedErrors.add(answer);
				}
			}
			else if (status != 409) {
				this.violations.add(answer);
			}
		}
	}

	/** CouchDB's {@code error} of an answer's body, or {@code ?} if it has none. */
	private static String errorOf(String body) {
		try {
			return MAPPER.readTree(body).path("error").asString("?");
		}
		catch (RuntimeException ex) {
			return "?";
		}
	}

	private static boolean isCouchError(String body) {
		try {
			JsonNode json = MAPPER.readTree(body);
			return json.isObject() && json.path("error").isString() && json.path("reason").isString();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Stops the writers and waits until each has finished its request in flight. */
	void stop() throws Exception {
		this.stopping.set(true);
		for (Future<?> writer : this.writers) {
			writer.get(3, TimeUnit.MINUTES);
		}
		this.pool.shutdown();
	}

	/**
	 * The error answers by kind: status, CouchDB's error and the start of the reason with numbers and ids
	 * blanked, most frequent first; for the report.
	 */
	Map<String, Long> errorKinds() {
		Map<String, Long> kinds = new java.util.TreeMap<>();
		for (String answer : this.errorAnswers) {
			String[] parts = answer.split(" ", 4);
			String reason = (parts.length < 4) ? "" : reasonOf(parts[3]);
			String kind = parts[2] + " " + reason.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>")
				.replaceAll("[0-9]+", "N");
			kinds.merge(kind.substring(0, Math.min(kind.length(), 160)), 1L, Long::sum);
		}
		return kinds;
	}

	private static String reasonOf(String body) {
		try {
			JsonNode json = MAPPER.readTree(body);
			return json.path("error").asString("?") + ": " + json.path("reason").asString("?");
		}
		catch (RuntimeException ex) {
			return body;
		}
	}

	/** A summary of the outcomes, for the report line. */
	String summary() {
		StringBuilder answers = new StringBuilder();
		Map<String, Long> byStatus = new java.util.TreeMap<>();
		for (String answer : this.errorAnswers) {
			String[] parts = answer.split(" ", 4);
			byStatus.merge(parts[2], 1L, Long::sum);
		}
		answers.append("acks=").append(this.acknowledged.size()).append(" unresolved=").append(this.unresolved.size())
			.append(" errorAnswersByStatus=").append(byStatus).append(" unanswered=").append(this.unanswered.size())
			.append(" toKilledInstance=").append(this.toDeadInstance.get());
		return answers.toString();
	}

	@Override
	public void close() {
		this.stopping.set(true);
		this.pool.shutdownNow();
	}

}
