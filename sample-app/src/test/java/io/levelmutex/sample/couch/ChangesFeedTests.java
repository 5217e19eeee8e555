package io.levelmutex.sample.couch;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code _changes}: the normal feed with {@code since}, {@code limit}, {@code include_docs}
 * and {@code descending}; {@code longpoll} and {@code continuous} feeds woken by flush
 * events, their timeouts and heartbeats; malformed parameters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "level-mutex.rocksdb.path=target/test-data/ChangesFeedTests-${random.uuid}",
				"couch.scan-chunk=2" })
class ChangesFeedTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private ChangeNotifier notifier;

	private CouchClient couch;

	private String db;

	@BeforeEach
	void database() {
		this.couch = new CouchClient(this.port);
		this.db = "/changes-" + System.nanoTime();
		assertThat(this.couch.put(this.db).status()).isEqualTo(201);
	}

	@Test
	void whenNormalFeedThenLatestChangePerDocumentInSequenceOrder() {
		String revA = this.couch.put(this.db + "/a", "{\"v\":1}").rev();
		this.couch.put(this.db + "/b", "{\"v\":1}");
		String revA2 = this.couch.put(this.db + "/a?rev=" + revA, "{\"v\":2}").rev();
		String revC = this.couch.put(this.db + "/c", "{}").rev();
		this.couch.delete(this.db + "/c?rev=" + revC);
		JsonNode feed = this.couch.get(this.db + "/_changes").json();
		List<JsonNode> results = feed.get("results").valueStream().toList();
		assertThat(results).extracting((row) -> row.get("id").asString()).containsExactly("b", "a", "c");
		assertThat(results).extracting((row) -> row.get("seq").asLong()).containsExactly(2L, 3L, 5L);
		assertThat(results.get(1).get("changes").get(0).get("rev").asString()).isEqualTo(revA2);
		assertThat(results.get(2).get("deleted").asBoolean()).isTrue();
		assertThat(results.get(0).has("deleted")).isFalse();
		assertThat(feed.get("last_seq").asLong()).isEqualTo(5);
		assertThat(feed.get("pending").asLong()).isZero();
	}

	@Test
	void whenSinceLimitIncludeDocsDescendingThenFeedNarrowed() {
		for (String id : new String[] { "a", "b", "c", "d", "e" }) {
			this.couch.put(this.db + "/" + id, "{\"name\":\"" + id + "\"}");
		}
		JsonNode since = this.couch.get(this.db + "/_changes?since=2").json();
		assertThat(since.get("results").valueStream().map((row) -> row.get("id").asString())).containsExactly("c", "d",
				"e");
		JsonNode limited = this.couch.get(this.db + "/_changes?since=1&limit=2").json();
		assertThat(limited.get("results").valueStream().map((row) -> row.get("id").asString())).containsExactly("b",
				"c");
		assertThat(limited.get("last_seq").asLong()).isEqualTo(3);
		assertThat(limited.get("pending").asLong()).isPositive();
		JsonNode docs = this.couch.get(this.db + "/_changes?include_docs=true&since=4").json();
		assertThat(docs.get("results").get(0).get("doc").get("name").asString()).isEqualTo("e");
		assertThat(docs.get("results").get(0).get("doc").get("_rev").asString()).startsWith("1-");
		JsonNode descending = this.couch.get(this.db + "/_changes?descending=true&limit=2").json();
		assertThat(descending.get("results").valueStream().map((row) -> row.get("id").asString()))
			.containsExactly("e", "d");
		JsonNode now = this.couch.get(this.db + "/_changes?since=now").json();
		assertThat(now.get("results").size()).isZero();
		assertThat(now.get("last_seq").asLong()).isEqualTo(5);
		JsonNode opaque = this.couch.get(this.db + "/_changes?since=4-g1AAAA").json();
		assertThat(opaque.get("results").size()).isEqualTo(1);
		assertThat(this.couch.send("POST", this.db + "/_changes?since=4", "{}", "application/json").json()
			.get("results").size()).isEqualTo(1);
	}

	@Test
	void whenLongpollWaitingThenWokenByWrite() throws Exception {
		this.couch.put(this.db + "/first", "{}");
		int waiting = this.notifier.waiting();
		CompletableFuture<CouchClient.Response> poll = this.couch.sendAsync("GET",
				this.db + "/_changes?feed=longpoll&since=1&timeout=60000", (String) null, null);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.notifier.waiting() > waiting);
		assertThat(poll).isNotDone();
		this.couch.put(this.db + "/second", "{}");
		CouchClient.Response response = poll.get(30, TimeUnit.SECONDS);
		assertThat(response.status()).isEqualTo(200);
		JsonNode body = response.json();
		assertThat(body.get("results").get(0).get("id").asString()).isEqualTo("second");
		assertThat(body.get("last_seq").asLong()).isEqualTo(2);
	}

	@Test
	void whenLongpollHasChangesThenAnswersAtOnce() {
		this.couch.put(this.db + "/first", "{}");
		JsonNode body = this.couch.get(this.db + "/_changes?feed=longpoll&since=0&timeout=60000").json();
		assertThat(body.get("results").get(0).get("id").asString()).isEqualTo("first");
	}

	@Test
	void whenLongpollTimesOutThenEmptyResultsAndLastSeq() {
		this.couch.put(this.db + "/first", "{}");
		CouchClient.Response response = this.couch.get(this.db + "/_changes?feed=longpoll&since=1&timeout=200");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("results").size()).isZero();
		assertThat(response.json().get("last_seq").asLong()).isEqualTo(1);
	}

	@Test
	void whenContinuousThenOneLinePerChangeUntilLimit() throws Exception {
		this.couch.put(this.db + "/a", "{}");
		int waiting = this.notifier.waiting();
		CompletableFuture<CouchClient.Response> feed = this.couch.sendAsync("GET",
				this.db + "/_changes?feed=continuous&since=0&limit=3&include_docs=true&timeout=60000", (String) null,
				null);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.notifier.waiting() > waiting);
		this.couch.put(this.db + "/b", "{}");
		this.couch.put(this.db + "/c", "{}");
		CouchClient.Response response = feed.get(30, TimeUnit.SECONDS);
		List<JsonNode> lines = Arrays.stream(response.text().split("\n"))
			.filter((line) -> !line.isBlank())
			.map(CouchClient::json)
			.toList();
		assertThat(lines).hasSize(4);
		assertThat(lines.subList(0, 3)).extracting((line) -> line.get("id").asString()).containsExactly("a", "b", "c");
		assertThat(lines.get(0).get("doc").get("_id").asString()).isEqualTo("a");
		assertThat(lines.get(3).get("last_seq").asLong()).isEqualTo(3);
	}

	@Test
	void whenContinuousTimesOutThenHeartbeatsAndLastSeqLine() {
		this.couch.put(this.db + "/a", "{}");
		CouchClient.Response response = this.couch
			.get(this.db + "/_changes?feed=continuous&since=1&heartbeat=100&timeout=700");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).startsWith("\n").endsWith("{\"last_seq\":1,\"pending\":0}\n");
	}

	@Test
	void whenFeedParametersMalformedThen400() {
		CouchClient.Response feed = this.couch.get(this.db + "/_changes?feed=eventsource");
		assertThat(feed.status()).isEqualTo(400);
		assertThat(feed.error()).isEqualTo("bad_request");
		CouchClient.Response since = this.couch.get(this.db + "/_changes?since=abc");
		assertThat(since.status()).isEqualTo(400);
		assertThat(since.error()).isEqualTo("bad_request");
		CouchClient.Response limit = this.couch.get(this.db + "/_changes?limit=-2");
		assertThat(limit.status()).isEqualTo(400);
		assertThat(limit.error()).isEqualTo("query_parse_error");
		assertThat(this.couch.get(this.db + "/_changes?include_docs=yes").error()).isEqualTo("query_parse_error");
	}

	@Test
	void whenPostBodyIsFormEncodedThenItIsIgnored() {
		this.couch.put(this.db + "/a", "{}");
		byte[] notUtf8 = { (byte) 0xC3, 0x28, (byte) 0xFF, '{', '}' };
		CouchClient.Response undecodable = this.couch.sendBytes("POST", this.db + "/_changes", notUtf8,
				"application/x-www-form-urlencoded");
		assertThat(undecodable.status()).isEqualTo(200);
		assertThat(undecodable.json().get("results").size()).isEqualTo(1);
		CouchClient.Response parameters = this.couch.send("POST", this.db + "/_changes?limit=0",
				"feed=bogus&limit=x", "application/x-www-form-urlencoded");
		assertThat(parameters.status()).isEqualTo(200);
		assertThat(parameters.json().get("results").size()).isZero();
	}

}
