package io.levelmutex.sample.couch;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server and database routes over a real port: {@code /}, {@code _all_dbs},
 * {@code _uuids}, database create/info/delete, CouchDB's errors for them, unknown paths and
 * methods, and the actuator endpoints.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "level-mutex.rocksdb.path=target/test-data/ServerAndDatabaseRoutesTests-${random.uuid}")
class ServerAndDatabaseRoutesTests {

	@Value("${local.server.port}")
	private int port;

	private CouchClient couch;

	@BeforeEach
	void client() {
		this.couch = new CouchClient(this.port);
	}

	@Test
	void whenGetRootThenWelcomeWithVersion() {
		CouchClient.Response response = this.couch.get("/");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("couchdb").asString()).isEqualTo("Welcome");
		assertThat(response.json().get("version").asString()).matches("\\d+\\.\\d+\\.\\d+");
	}

	@Test
	void whenDatabaseCreatedThenListedAndDescribed() {
		CouchClient.Response created = this.couch.put("/albums");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().get("ok").asBoolean()).isTrue();
		assertThat(created.header("Location")).endsWith("/albums");
		assertThat(this.couch.get("/_all_dbs").json().valueStream().map(JsonNode::asString)).contains("albums");
		CouchClient.Response info = this.couch.get("/albums");
		assertThat(info.status()).isEqualTo(200);
		assertThat(info.json().get("db_name").asString()).isEqualTo("albums");
		assertThat(info.json().get("doc_count").asLong()).isZero();
		assertThat(info.json().get("update_seq").asLong()).isZero();
		this.couch.put("/albums/one", "{}");
		this.couch.put("/albums/two", "{}");
		info = this.couch.get("/albums");
		assertThat(info.json().get("doc_count").asLong()).isEqualTo(2);
		assertThat(info.json().get("update_seq").asLong()).isEqualTo(2);
	}

	@Test
	void whenDatabaseExistsThenCreateIs412FileExists() {
		this.couch.put("/twice");
		CouchClient.Response again = this.couch.put("/twice");
		assertThat(again.status()).isEqualTo(412);
		assertThat(again.error()).isEqualTo("file_exists");
		assertThat(again.reason()).isEqualTo("The database could not be created, the file already exists.");
	}

	@Test
	void whenDatabaseNameBreaksCouchRuleThen400IllegalDatabaseName() {
		for (String name : new String[] { "Upper", "1digit", "sp%20ace", "star*", "_underscore" }) {
			CouchClient.Response response = this.couch.put("/" + name);
			assertThat(response.status()).as(name).isEqualTo(400);
			assertThat(response.error()).as(name).isEqualTo("illegal_database_name");
			assertThat(response.reason()).contains("Must begin with a letter");
		}
		assertThat(this.couch.get("/_all_dbs").json().valueStream().map(JsonNode::asString))
			.noneMatch((name) -> name.startsWith("1") || name.startsWith("U"));
	}

	@Test
	void whenDatabaseNameHasEncodedSlashAndSpecialsThenItWorks() {
		assertThat(this.couch.put("/team%2Fa$(b)+c-d_e").status()).isEqualTo(201);
		assertThat(this.couch.get("/team%2Fa$(b)+c-d_e").json().get("db_name").asString()).isEqualTo("team/a$(b)+c-d_e");
		assertThat(this.couch.put("/team%2Fa$(b)+c-d_e/doc", "{\"x\":1}").status()).isEqualTo(201);
		assertThat(this.couch.get("/team%2Fa$(b)+c-d_e/doc").json().get("x").asInt()).isEqualTo(1);
		assertThat(this.couch.get("/_all_dbs").json().valueStream().map(JsonNode::asString))
			.contains("team/a$(b)+c-d_e");
	}

	@Test
	void whenDatabaseMissingThen404NotFound() {
		for (CouchClient.Response response : new CouchClient.Response[] { this.couch.get("/ghost"),
				this.couch.delete("/ghost"), this.couch.get("/ghost/doc"), this.couch.put("/ghost/doc", "{}"),
				this.couch.get("/ghost/_all_docs"), this.couch.get("/ghost/_changes") }) {
			assertThat(response.status()).isEqualTo(404);
			assertThat(response.error()).isEqualTo("not_found");
			assertThat(response.reason()).isEqualTo("Database does not exist.");
		}
	}

	@Test
	void whenDatabaseDeletedThenGoneAndRecreatedEmpty() {
		this.couch.put("/scratch");
		this.couch.put("/scratch/a", "{\"v\":1}");
		CouchClient.Response deleted = this.couch.delete("/scratch");
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.json().get("ok").asBoolean()).isTrue();
		assertThat(this.couch.get("/scratch").status()).isEqualTo(404);
		assertThat(this.couch.get("/_all_dbs").json().valueStream().map(JsonNode::asString)).doesNotContain("scratch");
		assertThat(this.couch.put("/scratch").status()).isEqualTo(201);
		JsonNode info = this.couch.get("/scratch").json();
		assertThat(info.get("doc_count").asLong()).isZero();
		assertThat(info.get("update_seq").asLong()).isZero();
		assertThat(this.couch.get("/scratch/a").status()).isEqualTo(404);
	}

	@Test
	void whenDeleteDatabaseWithRevThen400AndDatabaseKept() {
		this.couch.put("/keepme");
		CouchClient.Response response = this.couch.delete("/keepme?rev=1-abc");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.error()).isEqualTo("bad_request");
		assertThat(this.couch.get("/keepme").status()).isEqualTo(200);
	}

	@Test
	void whenHeadOnInvalidDatabaseNameThen400WhateverTheAccept() {
		String name = "/" + "a".repeat(300);
		assertThat(this.couch.send("HEAD", name, null, null).status()).isEqualTo(400);
		for (String accept : new String[] { "text/html", "application/xml", "nothing/at-all" }) {
			assertThat(this.couch.send("HEAD", name, null, null, "Accept", accept).status()).as(accept).isEqualTo(400);
			CouchClient.Response get = this.couch.send("GET", name, null, null, "Accept", accept);
			assertThat(get.status()).as(accept).isEqualTo(400);
			assertThat(get.error()).as(accept).isEqualTo("illegal_database_name");
		}
	}

	@Test
	void whenAcceptExcludesJsonThenServerRoutesStillAnswerJson() {
		for (String accept : new String[] { "text/html", "application/xml", "nothing/at-all" }) {
			CouchClient.Response welcome = this.couch.send("GET", "/", null, null, "Accept", accept);
			assertThat(welcome.status()).as(accept).isEqualTo(200);
			assertThat(welcome.json().get("couchdb").asString()).isEqualTo("Welcome");
			assertThat(this.couch.send("GET", "/_all_dbs", null, null, "Accept", accept).json().isArray()).isTrue();
			CouchClient.Response unknown = this.couch.send("GET", "/a/b/c/d", null, null, "Accept", accept);
			assertThat(unknown.status()).as(accept).isEqualTo(404);
			assertThat(unknown.error()).as(accept).isEqualTo("not_found");
			CouchClient.Response health = this.couch.send("GET", "/actuator/health", null, null, "Accept", accept);
			assertThat(health.status()).as(accept).isEqualTo(200);
			assertThat(health.json().get("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void whenLargeBodyIsNotReadThenAnswerStillArrivesWhole() {
		byte[] large = ("{\"big\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
		this.couch.put("/unread");
		for (int round = 0; round < 10; round++) {
			CouchClient.Response refused = this.couch.sendBytes("PUT", "/", large, "application/json");
			assertThat(refused.status()).as("round %d", round).isEqualTo(405);
			assertThat(refused.error()).isEqualTo("method_not_allowed");
			CouchClient.Response info = this.couch.sendBytes("GET", "/unread", large, "application/json");
			assertThat(info.status()).as("round %d", round).isEqualTo(200);
			assertThat(info.json().get("db_name").asString()).isEqualTo("unread");
		}
	}

	@Test
	void whenTomcatRefusesThePathThenCouchErrorBody() {
		for (String path : new String[] { "/paths/%00", "/a%5Cb", "/x/%2e%2e/%2e%2e/%2e%2e/etc" }) {
			CouchClient.Response refused = this.couch.send("GET", path, null, null, "Accept", "text/html");
			assertThat(refused.status()).as(path).isEqualTo(400);
			assertThat(refused.header("Content-Type")).as(path).startsWith("application/json");
			assertThat(refused.error()).as(path).isEqualTo("bad_request");
		}
	}

	@Test
	void whenActuatorGetsABodyItCannotReadThen400BadRequest() {
		for (String body : new String[] { "{", "[1]", "{\"a\":{\"b\":1}}", "42" }) {
			CouchClient.Response response = this.couch.send("GET", "/actuator/health", body, "application/json");
			assertThat(response.status()).as(body).isEqualTo(400);
			assertThat(response.error()).as(body).isEqualTo("bad_request");
		}
	}

	@Test
	void whenUuidsRequestedThenDistinctIds() {
		JsonNode uuids = this.couch.get("/_uuids?count=5").json().get("uuids");
		assertThat(uuids.size()).isEqualTo(5);
		assertThat(uuids.valueStream().map(JsonNode::asString).distinct().count()).isEqualTo(5);
		assertThat(this.couch.get("/_uuids?count=x").error()).isEqualTo("query_parse_error");
	}

	@Test
	void whenUnknownPathOrMethodThenCouchErrors() {
		this.couch.put("/paths");
		CouchClient.Response unknown = this.couch.get("/paths/doc/attachment/extra");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.error()).isEqualTo("not_found");
		CouchClient.Response method = this.couch.send("PATCH", "/paths", "{}", "application/json");
		assertThat(method.status()).isEqualTo(405);
		assertThat(method.error()).isEqualTo("method_not_allowed");
		assertThat(method.reason()).startsWith("Only ").contains("GET", "PUT", "DELETE", "POST");
	}

	@Test
	void whenActuatorQueriedThenStoreMutexesAndMetricsShown() {
		this.couch.put("/observed");
		this.couch.put("/observed/doc", "{}");
		JsonNode health = this.couch.get("/actuator/health").json();
		assertThat(health.get("status").asString()).isEqualTo("UP");
		JsonNode levelMutex = health.get("components").get("levelMutex");
		assertThat(levelMutex.get("status").asString()).isEqualTo("UP");
		assertThat(levelMutex.toString()).contains("\"databases\"", "db/observed");
		JsonNode mutexes = this.couch.get("/actuator/mutexes").json();
		assertThat(mutexes.toString()).contains("\"databases\"", "db/observed");
		JsonNode metrics = this.couch.get("/actuator/metrics").json().get("names");
		assertThat(metrics.valueStream().map(JsonNode::asString)).contains("level.mutex.batches");
		CouchClient.Response batches = this.couch.get("/actuator/metrics/level.mutex.batches?tag=mutex:db/observed");
		assertThat(batches.status()).isEqualTo(200);
		assertThat(batches.json().get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1);
	}

}
