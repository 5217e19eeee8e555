package io.levelmutex.sample.couch;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The document routes over a real port: create, read, update with the revision from the
 * body, the query or {@code If-Match}, conflicts, deletion and tombstones, design and local
 * documents, and every input check, each followed by a check that nothing was written.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "level-mutex.rocksdb.path=target/test-data/DocumentRoutesTests-${random.uuid}",
				"couch.max-request-size=4KB", "couch.max-document-size=2KB" })
class DocumentRoutesTests {

	@Value("${local.server.port}")
	private int port;

	private CouchClient couch;

	private String db;

	@BeforeEach
	void database() {
		this.couch = new CouchClient(this.port);
		this.db = "/docs-" + System.nanoTime();
		assertThat(this.couch.put(this.db).status()).isEqualTo(201);
	}

	@Test
	void whenPutThenGetReturnsDocumentWithIdAndRev() {
		CouchClient.Response created = this.couch.put(this.db + "/apple", "{\"color\":\"red\",\"n\":[1,2]}");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().get("ok").asBoolean()).isTrue();
		assertThat(created.json().get("id").asString()).isEqualTo("apple");
		String rev = created.rev();
		assertThat(rev).matches("1-[0-9a-f]{32}");
		assertThat(created.header("ETag")).isEqualTo("\"" + rev + "\"");
		assertThat(created.header("Location")).endsWith(this.db + "/apple");
		CouchClient.Response read = this.couch.get(this.db + "/apple");
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.json().get("_id").asString()).isEqualTo("apple");
		assertThat(read.json().get("_rev").asString()).isEqualTo(rev);
		assertThat(read.json().get("color").asString()).isEqualTo("red");
		assertThat(read.json().get("n").get(1).asInt()).isEqualTo(2);
		assertThat(read.header("ETag")).isEqualTo("\"" + rev + "\"");
		assertThat(this.couch.get(this.db + "/apple?rev=" + rev).status()).isEqualTo(200);
		assertThat(this.couch.get(this.db + "/apple?rev=1-0000").reason()).isEqualTo("missing");
	}

	@Test
	void whenPostThenServerGeneratesIdOrUsesBodyId() {
		CouchClient.Response generated = this.couch.post(this.db, "{\"a\":1}");
		assertThat(generated.status()).isEqualTo(201);
		String id = generated.json().get("id").asString();
		assertThat(id).matches("[0-9a-f]{32}");
		assertThat(this.couch.get(this.db + "/" + id).json().get("a").asInt()).isEqualTo(1);
		CouchClient.Response named = this.couch.post(this.db, "{\"_id\":\"chosen\",\"a\":2}");
		assertThat(named.json().get("id").asString()).isEqualTo("chosen");
		CouchClient.Response again = this.couch.post(this.db, "{\"_id\":\"chosen\",\"a\":3}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.error()).isEqualTo("conflict");
		assertThat(again.reason()).isEqualTo("Document update conflict.");
	}

	@Test
	void whenUpdatedWithRevisionFromBodyQueryOrIfMatchThenRevisionAdvances() {
		String rev1 = this.couch.put(this.db + "/doc", "{\"v\":1}").rev();
		CouchClient.Response body = this.couch.put(this.db + "/doc", "{\"_rev\":\"" + rev1 + "\",\"v\":2}");
		assertThat(body.status()).isEqualTo(201);
		String rev2 = body.rev();
		assertThat(rev2).startsWith("2-").isNotEqualTo(rev1);
		CouchClient.Response query = this.couch.put(this.db + "/doc?rev=" + rev2, "{\"v\":3}");
		assertThat(query.status()).isEqualTo(201);
		String rev3 = query.rev();
		assertThat(rev3).startsWith("3-");
		CouchClient.Response ifMatch = this.couch.send("PUT", this.db + "/doc", "{\"v\":4}", "application/json",
				"If-Match", "\"" + rev3 + "\"");
		assertThat(ifMatch.status()).isEqualTo(201);
		assertThat(ifMatch.rev()).startsWith("4-");
		JsonNode doc = this.couch.get(this.db + "/doc").json();
		assertThat(doc.get("v").asInt()).isEqualTo(4);
		assertThat(doc.get("_rev").asString()).isEqualTo(ifMatch.rev());
	}

	@Test
	void whenRevisionStaleOrMissingThen409AndNothingWritten() {
		String rev1 = this.couch.put(this.db + "/doc", "{\"v\":1}").rev();
		String rev2 = this.couch.put(this.db + "/doc?rev=" + rev1, "{\"v\":2}").rev();
		CouchClient.Response stale = this.couch.put(this.db + "/doc?rev=" + rev1, "{\"v\":3}");
		assertThat(stale.status()).isEqualTo(409);
		assertThat(stale.error()).isEqualTo("conflict");
		assertThat(stale.reason()).isEqualTo("Document update conflict.");
		CouchClient.Response missing = this.couch.put(this.db + "/doc", "{\"v\":3}");
		assertThat(missing.status()).isEqualTo(409);
		CouchClient.Response newWithRev = this.couch.put(this.db + "/fresh?rev=" + rev1, "{}");
		assertThat(newWithRev.status()).isEqualTo(409);
		assertThat(this.couch.delete(this.db + "/doc?rev=" + rev1).status()).isEqualTo(409);
		assertThat(this.couch.delete(this.db + "/doc").status()).isEqualTo(409);
		JsonNode doc = this.couch.get(this.db + "/doc").json();
		assertThat(doc.get("_rev").asString()).isEqualTo(rev2);
		assertThat(doc.get("v").asInt()).isEqualTo(2);
		assertThat(this.couch.get(this.db).json().get("update_seq").asLong()).isEqualTo(2);
	}

	@Test
	void whenRevisionsDisagreeOrMalformedThen400() {
		String rev1 = this.couch.put(this.db + "/doc", "{}").rev();
		CouchClient.Response differ = this.couch.put(this.db + "/doc?rev=" + rev1,
				"{\"_rev\":\"1-0123456789abcdef0123456789abcdef\"}");
		assertThat(differ.status()).isEqualTo(400);
		assertThat(differ.error()).isEqualTo("bad_request");
		assertThat(differ.reason()).isEqualTo("Document rev from request body and query string have different values");
		CouchClient.Response malformed = this.couch.put(this.db + "/doc?rev=nonsense", "{}");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.reason()).isEqualTo("Invalid rev format");
		CouchClient.Response notString = this.couch.put(this.db + "/doc", "{\"_rev\":12}");
		assertThat(notString.status()).isEqualTo(400);
		assertThat(this.couch.get(this.db + "/doc").json().get("_rev").asString()).isEqualTo(rev1);
	}

	@Test
	void whenDeletedThenTombstone404DeletedAndInCounts() {
		String rev1 = this.couch.put(this.db + "/gone", "{\"v\":1}").rev();
		CouchClient.Response deleted = this.couch.delete(this.db + "/gone?rev=" + rev1);
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.json().get("ok").asBoolean()).isTrue();
		String rev2 = deleted.rev();
		assertThat(rev2).startsWith("2-");
		CouchClient.Response read = this.couch.get(this.db + "/gone");
		assertThat(read.status()).isEqualTo(404);
		assertThat(read.error()).isEqualTo("not_found");
		assertThat(read.reason()).isEqualTo("deleted");
		JsonNode tombstone = this.couch.get(this.db + "/gone?rev=" + rev2).json();
		assertThat(tombstone.get("_deleted").asBoolean()).isTrue();
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("doc_del_count").asLong()).isEqualTo(1);
		CouchClient.Response recreated = this.couch.put(this.db + "/gone", "{\"v\":2}");
		assertThat(recreated.status()).isEqualTo(201);
		assertThat(recreated.rev()).startsWith("3-");
		assertThat(this.couch.get(this.db).json().get("doc_count").asLong()).isEqualTo(1);
	}

	@Test
	void whenDeletedWithIfMatchOrBodyFlagThenTombstone() {
		String rev1 = this.couch.put(this.db + "/a", "{}").rev();
		CouchClient.Response ifMatch = this.couch.send("DELETE", this.db + "/a", null, null, "If-Match", rev1);
		assertThat(ifMatch.status()).isEqualTo(200);
		String rev2 = this.couch.put(this.db + "/b", "{}").rev();
		CouchClient.Response flag = this.couch.put(this.db + "/b", "{\"_rev\":\"" + rev2 + "\",\"_deleted\":true}");
		assertThat(flag.status()).isEqualTo(201);
		assertThat(this.couch.get(this.db + "/b").reason()).isEqualTo("deleted");
	}

	@Test
	void whenDocumentNeverExistedThen404Missing() {
		CouchClient.Response read = this.couch.get(this.db + "/nothing");
		assertThat(read.status()).isEqualTo(404);
		assertThat(read.error()).isEqualTo("not_found");
		assertThat(read.reason()).isEqualTo("missing");
		CouchClient.Response delete = this.couch.delete(this.db + "/nothing?rev=1-abc");
		assertThat(delete.status()).isEqualTo(404);
		assertThat(delete.reason()).isEqualTo("missing");
	}

	@Test
	void whenDesignDocumentThenStoredUnderItsIdAndListed() {
		CouchClient.Response created = this.couch.put(this.db + "/_design/app", "{\"views\":{}}");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().get("id").asString()).isEqualTo("_design/app");
		assertThat(this.couch.get(this.db + "/_design/app").json().get("_id").asString()).isEqualTo("_design/app");
		assertThat(this.couch.get(this.db + "/_design%2Fapp").status()).isEqualTo(200);
		assertThat(this.couch.get(this.db + "/_all_docs").json().get("rows").get(0).get("id").asString())
			.isEqualTo("_design/app");
		assertThat(this.couch.delete(this.db + "/_design/app?rev=" + created.rev()).status()).isEqualTo(200);
	}

	@Test
	void whenLocalDocumentThenRevisionsCountFromZeroAndOutsideFeeds() {
		CouchClient.Response created = this.couch.put(this.db + "/_local/checkpoint", "{\"seq\":1}");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.rev()).isEqualTo("0-1");
		CouchClient.Response updated = this.couch.put(this.db + "/_local/checkpoint?rev=0-1", "{\"seq\":2}");
		assertThat(updated.rev()).isEqualTo("0-2");
		assertThat(this.couch.put(this.db + "/_local/checkpoint?rev=0-1", "{}").status()).isEqualTo(409);
		assertThat(this.couch.get(this.db + "/_local/checkpoint").json().get("seq").asInt()).isEqualTo(2);
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("update_seq").asLong()).isZero();
		assertThat(this.couch.get(this.db + "/_changes").json().get("results").size()).isZero();
		assertThat(this.couch.delete(this.db + "/_local/checkpoint?rev=0-2").status()).isEqualTo(200);
		assertThat(this.couch.get(this.db + "/_local/checkpoint").status()).isEqualTo(404);
	}

	@Test
	void whenBodyIsNotJsonOrNotAnObjectThen400AndNothingWritten() {
		for (String body : new String[] { "{bad json", "", "[1,2]", "\"text\"", "42", "{\"a\":1} trailing", "null" }) {
			CouchClient.Response response = this.couch.put(this.db + "/doc", body);
			assertThat(response.status()).as(body).isEqualTo(400);
			assertThat(response.error()).as(body).isEqualTo("bad_request");
			assertThat(response.reason()).as(body).isIn("invalid UTF-8 JSON", "Document must be a JSON object");
		}
		assertThat(this.couch.put(this.db + "/doc", "[1]").reason()).isEqualTo("Document must be a JSON object");
		byte[] invalidUtf8Body = { '{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}' };
		CouchClient.Response invalidUtf8 = this.couch.sendBytes("PUT", this.db + "/doc", invalidUtf8Body,
				"application/json");
		assertThat(invalidUtf8.status()).isEqualTo(400);
		assertNothingWritten();
	}

	@Test
	void whenIdStartsWithUnderscoreThen400IllegalDocId() {
		for (String path : new String[] { "/_foo", "/_design/", "/_local/" }) {
			CouchClient.Response response = this.couch.put(this.db + path, "{}");
			assertThat(response.status()).as(path).isIn(400, 404);
		}
		CouchClient.Response put = this.couch.put(this.db + "/_foo", "{}");
		assertThat(put.error()).isEqualTo("illegal_docid");
		assertThat(put.reason()).isEqualTo("Only reserved document ids may start with underscore.");
		CouchClient.Response post = this.couch.post(this.db, "{\"_id\":\"_bar\"}");
		assertThat(post.status()).isEqualTo(400);
		assertThat(post.error()).isEqualTo("illegal_docid");
		CouchClient.Response notString = this.couch.post(this.db, "{\"_id\":7}");
		assertThat(notString.status()).isEqualTo(400);
		assertNothingWritten();
	}

	@Test
	void whenUnknownSpecialMemberThen400DocValidation() {
		CouchClient.Response response = this.couch.put(this.db + "/doc", "{\"_secret\":1}");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.error()).isEqualTo("doc_validation");
		assertThat(response.reason()).isEqualTo("Bad special document member: _secret");
		assertNothingWritten();
	}

	@Test
	void whenBodyTooLargeThen413AndNothingWritten() {
		String large = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
		CouchClient.Response request = this.couch.put(this.db + "/big", large);
		assertThat(request.status()).isEqualTo(413);
		assertThat(request.error()).isEqualTo("too_large");
		String document = "{\"pad\":\"" + "x".repeat(3000) + "\"}";
		CouchClient.Response doc = this.couch.put(this.db + "/big", document);
		assertThat(doc.status()).isEqualTo(413);
		assertThat(doc.error()).isEqualTo("document_too_large");
		assertThat(doc.reason()).isEqualTo("big");
		assertNothingWritten();
	}

	@Test
	void whenBodyIsMegabytesOverTheLimitThen413AnswerArrivesWhole() {
		String huge = "{\"pad\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";
		CouchClient.Response put = this.couch.put(this.db + "/huge", huge);
		assertThat(put.status()).isEqualTo(413);
		assertThat(put.error()).isEqualTo("too_large");
		CouchClient.Response get = this.couch.send("GET", this.db, huge, "application/json");
		assertThat(get.status()).isEqualTo(200);
		assertThat(get.json().get("doc_count").asLong()).isZero();
		assertNothingWritten();
	}

	@Test
	void whenPostIsNotDeclaredJsonThen415() {
		CouchClient.Response response = this.couch.send("POST", this.db, "{}", "text/plain");
		assertThat(response.status()).isEqualTo(415);
		assertThat(response.error()).isEqualTo("bad_content_type");
		assertNothingWritten();
	}

	@Test
	void whenAcceptExcludesJsonThenAnswersAreStillCouchJson() {
		String rev = this.couch.put(this.db + "/doc", "{\"v\":1}").rev();
		for (String accept : new String[] { "text/html", "application/xml", "nothing/at-all" }) {
			CouchClient.Response missing = this.couch.send("GET", this.db + "/ghost", null, null, "Accept", accept);
			assertThat(missing.status()).as(accept).isEqualTo(404);
			assertThat(missing.error()).as(accept).isEqualTo("not_found");
			assertThat(missing.header("Content-Type")).as(accept).startsWith("application/json");
			CouchClient.Response illegal = this.couch.send("PUT", this.db + "/_bad", "{}", "application/json", "Accept",
					accept);
			assertThat(illegal.status()).as(accept).isEqualTo(400);
			assertThat(illegal.error()).as(accept).isEqualTo("illegal_docid");
			CouchClient.Response stale = this.couch.send("PUT", this.db + "/doc", "{\"v\":2}", "application/json",
					"Accept", accept);
			assertThat(stale.status()).as(accept).isEqualTo(409);
			assertThat(stale.error()).as(accept).isEqualTo("conflict");
			CouchClient.Response found = this.couch.send("GET", this.db + "/doc", null, null, "Accept", accept);
			assertThat(found.status()).as(accept).isEqualTo(200);
			assertThat(found.json().get("_rev").asString()).as(accept).isEqualTo(rev);
		}
	}

	@Test
	void whenQueryHasChunkWithoutNameThenChunkIsIgnored() {
		String rev = this.couch.put(this.db + "/doc", "{\"v\":1}").rev();
		assertThat(this.couch.get(this.db + "/doc?=").status()).isEqualTo(200);
		assertThat(this.couch.get(this.db + "/doc?=x&&rev=" + rev + "&=").json().get("_rev").asString()).isEqualTo(rev);
		CouchClient.Response updated = this.couch.put(this.db + "/doc?=&rev=" + rev, "{\"v\":2}");
		assertThat(updated.status()).isEqualTo(201);
		assertThat(this.couch.get(this.db + "/_all_docs?=&limit=1").json().get("rows").size()).isEqualTo(1);
	}

	@Test
	void whenDocumentIdHoldsEncodedTraversalThenItIsAnsweredAndStoredUnderThatId() {
		for (String encoded : new String[] { "..%2F..%2Fetc%2Fpasswd", "%2E%2E%2F%2E%2E%2F%2E%2E%2Fx",
				"a%2F..%2F..%2F..%2Fb" }) {
			String id = java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
			CompletableFuture<CouchClient.Response> put = this.couch.sendAsync("PUT", this.db + "/" + encoded,
					"{\"v\":1}", "application/json");
			assertThat(put).as(id).succeedsWithin(Duration.ofSeconds(20))
				.satisfies((response) -> assertThat(response.status()).as(id).isEqualTo(201));
			CouchClient.Response read = this.couch.get(this.db + "/" + encoded);
			assertThat(read.status()).as(id).isEqualTo(200);
			assertThat(read.json().get("_id").asString()).isEqualTo(id);
			String rev = read.json().get("_rev").asString();
			CompletableFuture<CouchClient.Response> delete = this.couch.sendAsync("DELETE",
					this.db + "/" + encoded + "?rev=" + rev, (String) null, null);
			assertThat(delete).as(id).succeedsWithin(Duration.ofSeconds(20))
				.satisfies((response) -> assertThat(response.status()).as(id).isEqualTo(200));
		}
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("doc_del_count").asLong()).isEqualTo(3);
	}

	@Test
	void whenBodyEndsBeforeItsContentLengthThen400AndNothingWritten() throws Exception {
		String request = "PUT " + this.db + "/doc HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: 1000\r\nConnection: close\r\n\r\n{\"a\":";
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.shutdownOutput();
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad_request\"");
		}
		assertNothingWritten();
	}

	@Test
	void whenIdHoldsALoneSurrogateThen400AndNoOtherDocumentIsHit() {
		for (String body : new String[] { "{\"_id\":\"\\ud800x\"}", "{\"_id\":\"\\udfff\"}" }) {
			CouchClient.Response post = this.couch.post(this.db, body);
			assertThat(post.status()).as(body).isEqualTo(400);
			assertThat(post.error()).as(body).isEqualTo("illegal_docid");
			CouchClient.Response bulk = this.couch.post(this.db + "/_bulk_docs", "{\"docs\":[" + body + "]}");
			assertThat(bulk.status()).as(body).isEqualTo(400);
		}
		assertNothingWritten();
		String rev = this.couch.put(this.db + "/%3F", "{}").rev();
		CouchClient.Response keys = this.couch.post(this.db + "/_all_docs", "{\"keys\":[\"\\ud800\",\"?\"]}");
		assertThat(keys.json().get("rows").get(0).get("error").asString()).isEqualTo("not_found");
		assertThat(keys.json().get("rows").get(1).get("value").get("rev").asString()).isEqualTo(rev);
	}

	private void assertNothingWritten() {
		JsonNode info = this.couch.get(this.db).json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("doc_del_count").asLong()).isZero();
		assertThat(info.get("update_seq").asLong()).isZero();
		assertThat(this.couch.get(this.db + "/_all_docs").json().get("rows").size()).isZero();
	}

}
