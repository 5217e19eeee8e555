package io.levelmutex.sample.couch;

import java.time.Duration;
import java.util.List;

import io.levelmutex.spring.boot.MutexFlushedEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code _bulk_docs} (one batch per request, a result per document, all-or-nothing input
 * checks) and {@code _all_docs} with its range, paging and document options.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "level-mutex.rocksdb.path=target/test-data/BulkAndAllDocsTests-${random.uuid}",
				"couch.max-bulk-docs=10", "couch.scan-chunk=3" })
class BulkAndAllDocsTests {

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private FlushRecorder flushes;

	private CouchClient couch;

	private String name;

	private String db;

	@BeforeEach
	void database() {
		this.couch = new CouchClient(this.port);
		this.name = "bulk-" + System.nanoTime();
		this.db = "/" + this.name;
		assertThat(this.couch.put(this.db).status()).isEqualTo(201);
	}

	@Test
	void whenBulkDocsThenOneBatchWithPerDocumentResults() {
		String rev = this.couch.put(this.db + "/existing", "{\"v\":1}").rev();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.flushes.of("db/" + this.name).size() == 1);
		CouchClient.Response response = this.couch.post(this.db + "/_bulk_docs",
				"{\"docs\":[{\"_id\":\"a\",\"v\":1},{\"v\":2},{\"_id\":\"existing\",\"v\":9},"
						+ "{\"_id\":\"existing\",\"_rev\":\"" + rev + "\",\"v\":2},{\"_id\":\"a\",\"v\":3}]}");
		assertThat(response.status()).isEqualTo(201);
		JsonNode results = response.json();
		assertThat(results.size()).isEqualTo(5);
		assertThat(results.get(0).get("ok").asBoolean()).isTrue();
		assertThat(results.get(0).get("id").asString()).isEqualTo("a");
		assertThat(results.get(1).get("id").asString()).matches("[0-9a-f]{32}");
		assertThat(results.get(2).get("error").asString()).isEqualTo("conflict");
		assertThat(results.get(2).get("reason").asString()).isEqualTo("Document update conflict.");
		assertThat(results.get(3).get("rev").asString()).startsWith("2-");
		assertThat(results.get(4).get("error").asString()).isEqualTo("conflict");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.flushes.of("db/" + this.name).size() >= 2);
		List<MutexFlushedEvent> batches = this.flushes.of("db/" + this.name);
		assertThat(batches).hasSize(2);
		assertThat(batches.get(1).getError()).isEmpty();
		assertThat(batches.get(1).getOperations().stream().filter((op) -> op.key()[8] == 'D')).hasSize(3);
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isEqualTo(3);
		assertThat(info.get("update_seq").asLong()).isEqualTo(4);
		assertThat(this.couch.get(this.db + "/existing").json().get("v").asInt()).isEqualTo(2);
	}

	@Test
	void whenBulkDocsDeletesThenTombstones() {
		String rev = this.couch.put(this.db + "/x", "{}").rev();
		CouchClient.Response response = this.couch.post(this.db + "/_bulk_docs",
				"{\"docs\":[{\"_id\":\"x\",\"_rev\":\"" + rev + "\",\"_deleted\":true}]}");
		assertThat(response.json().get(0).get("rev").asString()).startsWith("2-");
		assertThat(this.couch.get(this.db + "/x").reason()).isEqualTo("deleted");
	}

	@Test
	void whenBulkDocsInputInvalidThen400ClassAndNothingWritten() {
		assertError(this.couch.post(this.db + "/_bulk_docs", "{}"), 400, "bad_request");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":{}}"), 400, "bad_request");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[{\"_id\":\"ok\"},7]}"), 400, "bad_request");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[{\"_id\":\"ok\"},{\"_id\":\"_bad\"}]}"), 400,
				"illegal_docid");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[{\"_id\":\"ok\"},{\"_id\":\"x\",\"_rev\":\"?\"}]}"),
				400, "bad_request");
		assertError(this.couch.post(this.db + "/_bulk_docs", "[]"), 400, "bad_request");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[{}"), 400, "bad_request");
		StringBuilder many = new StringBuilder("{\"docs\":[{}");
		for (int i = 0; i < 10; i++) {
			many.append(",{}");
		}
		assertError(this.couch.post(this.db + "/_bulk_docs", many + "]}"), 413, "max_bulk_docs_count_exceeded");
		assertError(this.couch.send("POST", this.db + "/_bulk_docs", "{\"docs\":[]}", "text/plain"), 415,
				"bad_content_type");
		assertError(this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[],\"new_edits\":false}"), 400, "bad_request");
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("update_seq").asLong()).isZero();
	}

	@Test
	void whenAllDocsThenSortedLiveDocumentsWithRanges() {
		bulk("d", "b", "a", "e", "c", "f", "g");
		String rev = this.couch.get(this.db + "/c").rev();
		this.couch.delete(this.db + "/c?rev=" + rev);
		JsonNode all = this.couch.get(this.db + "/_all_docs").json();
		assertThat(all.get("total_rows").asLong()).isEqualTo(6);
		assertThat(all.get("offset").asInt()).isZero();
		assertThat(ids(all)).containsExactly("a", "b", "d", "e", "f", "g");
		assertThat(all.get("rows").get(0).get("key").asString()).isEqualTo("a");
		assertThat(all.get("rows").get(0).get("value").get("rev").asString()).startsWith("1-");
		assertThat(all.get("rows").get(0).has("doc")).isFalse();
		assertThat(ids(this.couch.get(this.db + "/_all_docs?startkey=%22b%22&endkey=%22e%22").json()))
			.containsExactly("b", "d", "e");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?start_key=%22b%22&end_key=%22e%22&inclusive_end=false")
			.json())).containsExactly("b", "d");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?limit=2&skip=1").json())).containsExactly("b", "d");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?descending=true&limit=3").json()))
			.containsExactly("g", "f", "e");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?descending=true&startkey=%22e%22&endkey=%22b%22").json()))
			.containsExactly("e", "d", "b");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?key=%22d%22").json())).containsExactly("d");
		assertThat(ids(this.couch.get(this.db + "/_all_docs?limit=0").json())).isEmpty();
		JsonNode withDocs = this.couch.get(this.db + "/_all_docs?include_docs=true&limit=1").json();
		JsonNode doc = withDocs.get("rows").get(0).get("doc");
		assertThat(doc.get("_id").asString()).isEqualTo("a");
		assertThat(doc.get("name").asString()).isEqualTo("a");
	}

	@Test
	void whenAllDocsByKeysThenRowPerKey() {
		bulk("a", "b");
		String rev = this.couch.get(this.db + "/b").rev();
		this.couch.delete(this.db + "/b?rev=" + rev);
		JsonNode rows = this.couch.post(this.db + "/_all_docs?include_docs=true", "{\"keys\":[\"a\",\"b\",\"zz\"]}")
			.json()
			.get("rows");
		assertThat(rows.get(0).get("doc").get("name").asString()).isEqualTo("a");
		assertThat(rows.get(1).get("value").get("deleted").asBoolean()).isTrue();
		assertThat(rows.get(1).get("doc").isNull()).isTrue();
		assertThat(rows.get(2).get("error").asString()).isEqualTo("not_found");
		assertThat(rows.get(2).get("key").asString()).isEqualTo("zz");
	}

	@Test
	void whenAllDocsParametersMalformedThen400QueryParseError() {
		for (String query : new String[] { "limit=-1", "limit=x", "skip=x", "descending=maybe", "startkey=nojson",
				"include_docs=1" }) {
			CouchClient.Response response = this.couch.get(this.db + "/_all_docs?" + query);
			assertThat(response.status()).as(query).isEqualTo(400);
			assertThat(response.error()).as(query).isEqualTo("query_parse_error");
		}
	}

	private void bulk(String... ids) {
		StringBuilder body = new StringBuilder("{\"docs\":[");
		for (int i = 0; i < ids.length; i++) {
			body.append((i > 0) ? "," : "").append("{\"_id\":\"").append(ids[i]).append("\",\"name\":\"")
				.append(ids[i]).append("\"}");
		}
		assertThat(this.couch.post(this.db + "/_bulk_docs", body + "]}").status()).isEqualTo(201);
	}

	private static List<String> ids(JsonNode allDocs) {
		return allDocs.get("rows").valueStream().map((row) -> row.get("id").asString()).toList();
	}

	private static void assertError(CouchClient.Response response, int status, String error) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.error()).as(response.toString()).isEqualTo(error);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Recorder {

		@Bean
		FlushRecorder flushRecorder() {
			return new FlushRecorder();
		}

	}

}
