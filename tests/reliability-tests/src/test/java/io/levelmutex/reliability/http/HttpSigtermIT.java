package io.levelmutex.reliability.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import io.levelmutex.reliability.support.ChildJvm;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to the sample app under HTTP load: {@value #CLIENTS} clients keep updating their
 * own documents with the revisions they were given; after a seeded random number of 201
 * answers the app gets SIGTERM ({@link Process#destroy()}), shuts down gracefully (exit value
 * 143) and is started again on the same data directory. Every document must be at least at
 * the revision last acknowledged for it (with that revision's content when it is exactly
 * there), and {@code _all_docs}, {@code _changes} and the document count must agree.
 */
class HttpSigtermIT {

	static final int CLIENTS = 16;

	static final int DOCS_PER_CLIENT = 4;

	@TempDir
	Path root;

	@Test
	void whenAppIsTerminatedUnderLoadThenEveryAcknowledgedDocumentSurvivesARestart() throws Exception {
		long seed = Settings.seed() + 90_000;
		int termAfter = 200 + new Random(seed).nextInt(1500);
		Path appRoot = this.root.resolve("app");
		Map<String, long[]> acknowledged = new ConcurrentHashMap<>();
		AtomicLong acks = new AtomicLong();
		AtomicBoolean terminating = new AtomicBoolean();
		CountDownLatch enough = new CountDownLatch(termAfter);
		int exit;
		try (SampleApp app = SampleApp.start(appRoot, "first")) {
			assertThat(app.send("PUT", "/load", null).statusCode()).isEqualTo(201);
			ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
			List<Future<?>> clients = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				int client = c;
				clients.add(pool.submit(() -> runClient(app, client, acknowledged, acks, enough, terminating)));
			}
			assertThat(enough.await(120, TimeUnit.SECONDS)).as("load before SIGTERM").isTrue();
			terminating.set(true);
			exit = app.process.terminate(Duration.ofSeconds(60));
			for (Future<?> future : clients) {
				future.get(60, TimeUnit.SECONDS);
			}
			pool.shutdown();
		}
		assertThat(exit).as("exit value after SIGTERM").isEqualTo(ChildJvm.SIGTERM_EXIT);
		try (SampleApp app = SampleApp.start(appRoot, "second")) {
			List<String> lost = new ArrayList<>();
			for (Map.Entry<String, long[]> ack : acknowledged.entrySet()) {
				HttpResponse<String> response = app.send("GET", "/load/" + ack.getKey(), null);
				if (response.statusCode() != 200) {
					lost.add(ack.getKey() + " -> " + response.statusCode());
					continue;
				}
				JsonNode doc = HttpFuzzIT.json(response.body(), ack.getKey());
				long rev = Long.parseLong(doc.path("_rev").asString().split("-")[0]);
				long[] expected = ack.getValue();
				if (rev < expected[0] || (rev == expected[0] && doc.path("n").asLong() != expected[1])) {
					lost.add(ack.getKey() + " acknowledged at rev " + expected[0] + " n=" + expected[1] + " but found " + response.body());
				}
			}
			assertThat(lost).as("acknowledged document writes lost over SIGTERM (seed %d)", seed).isEmpty();
			HttpFuzzIT.assertDatabasesConsistent(app);
		}
		Report.figure("sigterm.http", "sigterms", 1);
		Report.figure("sigterm.http", "acknowledgedDocumentWrites", acks.get());
		Report.figure("sigterm.http", "documentsChecked", acknowledged.size());
		Report.figure("sigterm.http", "lost", 0);
	}

	private static Void runClient(SampleApp app, int client, Map<String, long[]> acknowledged, AtomicLong acks,
			CountDownLatch enough, AtomicBoolean terminating) throws Exception {
		Map<String, String> revisions = new java.util.HashMap<>();
		for (long n = 0;; n++) {
			String id = "c" + client + "-" + (n % DOCS_PER_CLIENT);
			String rev = revisions.get(id);
			String body = "{\"client\":" + client + ",\"n\":" + n + ((rev != null) ? ",\"_rev\":\"" + rev + "\"" : "") + "}";
			HttpResponse<String> response;
			try {
				response = app.send("PUT", "/load/" + id, body);
			}
			catch (IOException ex) {
				if (terminating.get()) {
					return null;
				}
				throw ex;
			}
			if (response.statusCode() == 201) {
				String newRev = HttpFuzzIT.json(response.body(), id).path("rev").asString();
				revisions.put(id, newRev);
				acknowledged.put(id, new long[] { Long.parseLong(newRev.split("-")[0]), n });
				acks.incrementAndGet();
				enough.countDown();
			}
			else if (terminating.get()) {
				return null;
			}
			else {
				throw new AssertionError("PUT /load/" + id + " answered " + response.statusCode() + " " + response.body());
			}
		}
	}

}
