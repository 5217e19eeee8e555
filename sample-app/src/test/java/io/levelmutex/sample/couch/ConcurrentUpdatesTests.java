package io.levelmutex.sample.couch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many HTTP clients updating the same documents with the revisions they read: no update is
 * lost and none is invented, and two updates of one revision never both succeed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "level-mutex.rocksdb.path=target/test-data/ConcurrentUpdatesTests-${random.uuid}")
class ConcurrentUpdatesTests {

	private static final int CLIENTS = 8;

	private static final int DOCUMENTS = 4;

	private static final int ROUNDS = 25;

	@Value("${local.server.port}")
	private int port;

	private CouchClient couch;

	private ExecutorService clients;

	@BeforeEach
	void setUp() {
		this.couch = new CouchClient(this.port);
		this.clients = Executors.newFixedThreadPool(CLIENTS);
	}

	@AfterEach
	void tearDown() {
		this.clients.shutdownNow();
	}

	@Test
	void whenClientsRaceOnSameDocumentsThenRevisionCountsEqualSuccesses() throws Exception {
		String db = "/race";
		assertThat(this.couch.put(db).status()).isEqualTo(201);
		for (int d = 0; d < DOCUMENTS; d++) {
			assertThat(this.couch.put(db + "/doc" + d, "{\"count\":0}").status()).isEqualTo(201);
		}
		Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
		AtomicInteger conflicts = new AtomicInteger();
		List<Future<?>> running = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			int client = c;
			running.add(this.clients.submit(() -> {
				CouchClient own = new CouchClient(this.port);
				for (int round = 0; round < ROUNDS; round++) {
					String id = "doc" + ((client + round) % DOCUMENTS);
					JsonNode doc = own.get(db + "/" + id).json();
					String body = "{\"_rev\":\"" + doc.get("_rev").asString() + "\",\"count\":"
							+ (doc.get("count").asInt() + 1) + "}";
					CouchClient.Response response = own.put(db + "/" + id, body);
					if (response.status() == 201) {
						successes.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
					}
					else {
						assertThat(response.status()).as(response.toString()).isEqualTo(409);
						assertThat(response.error()).isEqualTo("conflict");
						conflicts.incrementAndGet();
					}
				}
			}));
		}
		for (Future<?> client : running) {
			client.get();
		}
		int total = 0;
		for (int d = 0; d < DOCUMENTS; d++) {
			String id = "doc" + d;
			int won = successes.getOrDefault(id, new AtomicInteger()).get();
			JsonNode doc = this.couch.get(db + "/" + id).json();
			assertThat(Revisions.generation(doc.get("_rev").asString())).as(id).isEqualTo(won + 1);
			assertThat(doc.get("count").asInt()).as(id).isEqualTo(won);
			total += won;
		}
		System.out.println("concurrent updates: " + total + " x 201, " + conflicts.get() + " x 409, per document "
				+ successes);
		assertThat(total + conflicts.get()).isEqualTo(CLIENTS * ROUNDS);
		JsonNode info = this.couch.get(db).json();
		assertThat(info.get("doc_count").asLong()).isEqualTo(DOCUMENTS);
		assertThat(info.get("update_seq").asLong()).isEqualTo(DOCUMENTS + total);
		assertThat(this.couch.get(db + "/_changes").json().get("results").size()).isEqualTo(DOCUMENTS);
	}

	@Test
	void whenTwoUpdatesOfOneRevisionRaceThenOne201AndOne409() throws Exception {
		String db = "/pairs";
		assertThat(this.couch.put(db).status()).isEqualTo(201);
		String rev = this.couch.put(db + "/doc", "{\"v\":0}").rev();
		CyclicBarrier start = new CyclicBarrier(2);
		for (int round = 1; round <= 20; round++) {
			String held = rev;
			int value = round;
			List<Future<CouchClient.Response>> pair = new ArrayList<>();
			for (int writer = 0; writer < 2; writer++) {
				pair.add(this.clients.submit(() -> {
					CouchClient own = new CouchClient(this.port);
					start.await();
					return own.put(db + "/doc?rev=" + held, "{\"v\":" + value + "}");
				}));
			}
			List<CouchClient.Response> responses = List.of(pair.get(0).get(), pair.get(1).get());
			assertThat(responses).extracting(CouchClient.Response::status).containsExactlyInAnyOrder(201, 409);
			rev = responses.stream().filter((r) -> r.status() == 201).findFirst().orElseThrow().rev();
			assertThat(Revisions.generation(rev)).isEqualTo(round + 1);
		}
		assertThat(this.couch.get(db + "/doc").json().get("v").asInt()).isEqualTo(20);
	}

}
