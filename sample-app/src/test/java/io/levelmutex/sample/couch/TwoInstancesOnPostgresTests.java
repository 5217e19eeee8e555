package io.levelmutex.sample.couch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CouchDB's semantics across two instances of the sample app on one PostgreSQL database ({@link TwoInstances}):
 * the nano suite with every request sent to the other instance, revision conflicts whichever instance wrote
 * the winner, one winner per revision under concurrent updates from both, one 201 and one 412 for a database
 * created on both at once, one gapless sequence per database, and feeds on one instance woken by writes through
 * the other.
 */
class TwoInstancesOnPostgresTests {

	private static TwoInstances instances;

	private static CouchClient a;

	private static CouchClient b;

	@BeforeAll
	static void start() throws Exception {
		instances = TwoInstances.start();
		a = new CouchClient(instances.port(0));
		b = new CouchClient(instances.port(1));
	}

	@AfterAll
	static void stop() {
		if (instances != null) {
			instances.close();
		}
	}

	private static CouchClient client(int i) {
		return (i % 2 == 0) ? a : b;
	}

	@Test
	void whenNanoAlternatesBetweenTheInstancesThenEveryCheckPasses() throws Exception {
		String log = NanoRunner.runAgainst(instances.port(0), instances.port(1));
		assertThat(log).contains("requests per instance");
	}

	@Test
	void whenTheWinnerWasWrittenThroughTheOtherInstanceThenAStaleRevisionIsAConflict() {
		assertThat(a.put("/revs").status()).isEqualTo(201);
		String rev1 = a.put("/revs/doc", "{\"n\":1}").rev();
		String rev2 = a.put("/revs/doc?rev=" + rev1, "{\"n\":2}").rev();
		CouchClient.Response stale = b.put("/revs/doc?rev=" + rev1, "{\"n\":3}");
		assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
		assertThat(stale.error()).isEqualTo("conflict");
		CouchClient.Response current = b.put("/revs/doc?rev=" + rev2, "{\"n\":3}");
		assertThat(current.status()).as(current.toString()).isEqualTo(201);
		assertThat(a.put("/revs/doc?rev=" + rev2, "{\"n\":4}").status()).isEqualTo(409);
		assertThat(a.get("/revs/doc").json().get("n").asInt()).isEqualTo(3);
		assertThat(b.get("/revs/doc").rev()).isEqualTo(current.rev());
		assertThat(b.put("/revs/doc", "{\"n\":5}").status()).as("a write without revision over a live document")
			.isEqualTo(409);
	}

	@Test
	void whenBothInstancesUpdateOneDocumentWithTheSameRevisionThenExactlyOneWinsEachRound() {
		assertThat(a.put("/contested").status()).isEqualTo(201);
		String rev = b.put("/contested/doc", "{\"round\":-1}").rev();
		int writersPerInstance = 4;
		for (int round = 0; round < 6; round++) {
			List<CompletableFuture<CouchClient.Response>> answers = new ArrayList<>();
			for (int writer = 0; writer < 2 * writersPerInstance; writer++) {
				answers.add(client(writer).sendAsync("PUT", "/contested/doc?rev=" + rev,
						"{\"round\":" + round + ",\"writer\":" + writer + "}", "application/json"));
			}
			List<CouchClient.Response> done = answers.stream().map(CompletableFuture::join).toList();
			List<CouchClient.Response> winners = done.stream().filter((r) -> r.status() == 201).toList();
			assertThat(winners).as("round %d: %s", round, done).hasSize(1);
			assertThat(done.stream().filter((r) -> r.status() == 409)).as("round %d: %s", round, done)
				.hasSize(2 * writersPerInstance - 1);
			rev = winners.get(0).rev();
			assertThat(rev).startsWith((round + 2) + "-");
			for (CouchClient client : List.of(a, b)) {
				assertThat(client.get("/contested/doc").rev()).isEqualTo(rev);
			}
		}
	}

	@Test
	void whenBothInstancesCreateOrDeleteOneDatabaseAtOnceThenExactlyOneSucceeds() {
		for (int round = 0; round < 4; round++) {
			String name = "/race-" + round;
			List<Integer> created = statuses(a.sendAsync("PUT", name, (String) null, null),
					b.sendAsync("PUT", name, (String) null, null));
			assertThat(created).as("round %d", round).containsExactlyInAnyOrder(201, 412);
			assertThat(b.get("/_all_dbs").json().valueStream().map(JsonNode::asString)).contains(name.substring(1));
			List<Integer> deleted = statuses(b.sendAsync("DELETE", name, (String) null, null),
					a.sendAsync("DELETE", name, (String) null, null));
			assertThat(deleted).as("round %d", round).containsExactlyInAnyOrder(200, 404);
			assertThat(a.get(name).status()).isEqualTo(404);
			assertThat(a.get("/_all_dbs").json().valueStream().map(JsonNode::asString))
				.doesNotContain(name.substring(1));
		}
	}

	@Test
	void whenBothInstancesWriteOneDatabaseThenItsChangesAreOneGaplessSequenceSeenAlikeByBoth() {
		assertThat(b.put("/seqs").status()).isEqualTo(201);
		int writes = 48;
		List<CompletableFuture<CouchClient.Response>> answers = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			answers.add(client(i).sendAsync("PUT", "/seqs/doc-" + i, "{\"i\":" + i + "}", "application/json"));
		}
		assertThat(answers.stream().map(CompletableFuture::join).map(CouchClient.Response::status))
			.containsOnly(201);
		CouchClient.Response bulk = a.post("/seqs/_bulk_docs",
				"{\"docs\":[{\"_id\":\"bulk-1\"},{\"_id\":\"bulk-2\"},{\"_id\":\"doc-0\"}]}");
		assertThat(bulk.json().get(2).get("error").asString()).isEqualTo("conflict");
		long total = writes + 2;
		for (CouchClient client : List.of(a, b)) {
			JsonNode changes = client.get("/seqs/_changes").json();
			assertThat(changes.get("results").valueStream().map((c) -> c.get("seq").asLong()))
				.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
			assertThat(changes.get("last_seq").asLong()).isEqualTo(total);
			JsonNode info = client.get("/seqs").json();
			assertThat(info.get("update_seq").asLong()).isEqualTo(total);
			assertThat(info.get("doc_count").asLong()).isEqualTo(total);
			JsonNode allDocs = client.get("/seqs/_all_docs").json();
			Set<String> ids = new HashSet<>();
			allDocs.get("rows").valueStream().forEach((row) -> ids.add(row.get("id").asString()));
			assertThat(ids).hasSize((int) total).contains("bulk-1", "bulk-2", "doc-0", "doc-" + (writes - 1));
		}
	}

	@Test
	void whenAWriteLandsOnOneInstanceThenALongpollWaitingOnTheOtherAnswersWithIt() {
		assertThat(a.put("/feed").status()).isEqualTo(201);
		assertThat(a.put("/feed/first", "{}").status()).isEqualTo(201);
		for (int round = 0; round < 3; round++) {
			CouchClient writer = client(round);
			int waitingOn = 1 - (round % 2);
			CouchClient reader = client(waitingOn);
			// An answer at the timeout is empty: a page with the write is an answer to it.
			CompletableFuture<CouchClient.Response> poll = awaitFeedWaiting(waitingOn,
					() -> reader.sendAsync("GET", "/feed/_changes?feed=longpoll&since=now&timeout=30000", (String) null,
							null));
			CouchClient.Response written = writer.put("/feed/late-" + round, "{}");
			assertThat(written.status()).isEqualTo(201);
			JsonNode page = poll.join().json();
			assertThat(page.get("results").valueStream().map((c) -> c.get("id").asString()))
				.as("the feed on instance %d was woken by the write through the other", waitingOn)
				.containsExactly("late-" + round);
		}
	}

	@Test
	void whenWritesLandOnOneInstanceOneAfterTheOtherThenAContinuousFeedOnTheOtherStreamsEach() throws Exception {
		// Each write is made after the feed sent the previous one: the feed had read the database
		// before it and never polls, so only a wake-up from the other instance's commit can bring it.
		assertThat(b.put("/stream").status()).isEqualTo(201);
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + instances.port(1)
					+ "/stream/_changes?feed=continuous&since=0&limit=3&timeout=30000"))
			.build();
		// The answer's headers come with its first line: wait until the feed waits, then write.
		ChangeNotifier notifier = instances.bean(1, ChangeNotifier.class);
		int waitingBefore = notifier.waiting();
		CompletableFuture<HttpResponse<Stream<String>>> answer = HttpClient.newHttpClient()
			.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
		await().atMost(Duration.ofSeconds(60)).until(() -> answer.isDone() || notifier.waiting() > waitingBefore);
		assertThat(answer).as("the feed answered before any write").isNotDone();
		assertThat(a.put("/stream/doc-0", "{}").status()).isEqualTo(201);
		HttpResponse<Stream<String>> response = answer.join();
		assertThat(response.statusCode()).isEqualTo(200);
		try (Stream<String> body = response.body()) {
			Iterator<String> lines = body.filter((line) -> !line.isBlank()).iterator();
			for (int i = 0; i < 3; i++) {
				if (i > 0) {
					assertThat(a.put("/stream/doc-" + i, "{}").status()).isEqualTo(201);
				}
				JsonNode change = CouchClient.json(lines.next());
				assertThat(change.path("id").asString()).as("change %d streamed by the other instance: %s", i, change)
					.isEqualTo("doc-" + i);
				assertThat(change.get("seq").asLong()).isEqualTo(i + 1);
			}
			assertThat(CouchClient.json(lines.next()).get("last_seq").asLong()).isEqualTo(3);
		}
	}

	/**
	 * Sends a feed request to an instance and returns once the feed has registered for a wake-up (it does so
	 * just before it reads the database).
	 */
	private static CompletableFuture<CouchClient.Response> awaitFeedWaiting(int instance,
			Supplier<CompletableFuture<CouchClient.Response>> request) {
		ChangeNotifier notifier = instances.bean(instance, ChangeNotifier.class);
		int waitingBefore = notifier.waiting();
		CompletableFuture<CouchClient.Response> answer = request.get();
		await().atMost(Duration.ofSeconds(60)).until(() -> answer.isDone() || notifier.waiting() > waitingBefore);
		assertThat(answer).as("the feed answered before any write").isNotDone();
		return answer;
	}

	@SafeVarargs
	private static List<Integer> statuses(CompletableFuture<CouchClient.Response>... answers) {
		return List.of(answers).stream().map(CompletableFuture::join).map(CouchClient.Response::status).toList();
	}

}
