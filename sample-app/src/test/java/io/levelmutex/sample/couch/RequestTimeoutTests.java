package io.levelmutex.sample.couch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request still waiting for its database's mutex when Spring MVC's async request timeout expires: the write
 * is queued and commits later, so its answer must not be 503 (which tells a client nothing was written) but
 * 500 {@code unknown_error}, "may or may not have been written". A read that times out wrote nothing: 503.
 * The mutex is held by an update whose function waits on a latch, so the request's own operation waits behind
 * it until the test releases it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "level-mutex.rocksdb.path=target/test-data/RequestTimeoutTests-${random.uuid}",
				"spring.mvc.async.request-timeout=300ms" })
class RequestTimeoutTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private MutexRegistry registry;

	private CouchClient couch;

	@BeforeEach
	void setUp() {
		this.couch = new CouchClient(this.port);
	}

	@Test
	void whenAWriteTimesOutWhileQueuedThenItIsAnswered500MayHaveBeenWrittenAndItIsWrittenLater() throws Exception {
		assertThat(this.couch.put("/slow").status()).isEqualTo(201);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Boolean> holding = hold("slow", release);
		CouchClient.Response answer;
		try {
			answer = this.couch.put("/slow/late", "{\"n\":1}");
		}
		finally {
			release.countDown();
		}
		holding.get(30, TimeUnit.SECONDS);
		// Queued behind the held update, the write was not refused: it is committed once the mutex moves on.
		await().atMost(Duration.ofSeconds(30)).until(() -> this.couch.get("/slow/late").status() == 200);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(500);
		assertThat(answer.error()).isEqualTo("unknown_error");
		assertThat(answer.reason()).contains("may or may not have been written");
	}

	@Test
	void whenAReadTimesOutWhileQueuedThenItIsAnswered503() throws Exception {
		assertThat(this.couch.put("/slowread").status()).isEqualTo(201);
		assertThat(this.couch.put("/slowread/doc", "{\"n\":1}").status()).isEqualTo(201);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Boolean> holding = hold("slowread", release);
		CouchClient.Response answer;
		try {
			answer = this.couch.get("/slowread/_all_docs");
		}
		finally {
			release.countDown();
		}
		holding.get(30, TimeUnit.SECONDS);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
		assertThat(answer.error()).isEqualTo("service_unavailable");
		assertThat(this.couch.get("/slowread").json().get("doc_count").asLong()).isEqualTo(1);
	}

	/** Holds the database's mutex in an update that writes nothing and returns once {@code release} opens. */
	private CompletableFuture<Boolean> hold(String database, CountDownLatch release) throws Exception {
		Mutex<byte[], byte[]> mutex = this.registry.mutex(DatabaseCatalog.MUTEX_PREFIX + database);
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<Boolean> holding = mutex.update((context) -> {
			running.countDown();
			return release.await(30, TimeUnit.SECONDS);
		});
		assertThat(running.await(30, TimeUnit.SECONDS)).as("the holding update runs").isTrue();
		return holding;
	}

}
