package io.levelmutex.sample.couch;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.StorageException;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.WriteConflictException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answers to the failures of an engine with writers on other nodes (PostgreSQL): none of
 * them is a revision conflict, each is a CouchDB-shaped 5xx a client may retry.
 */
class CouchErrorHandlerTests {

	private final CouchErrorHandler handler = new CouchErrorHandler(new CouchJson(new JsonBodies(new CouchProperties(
			DataSize.ofMegabytes(8), DataSize.ofMegabytes(4), 2000, java.time.Duration.ofSeconds(60),
			java.time.Duration.ofMinutes(10), 512, 3))));

	@Test
	void whenUpdatesKeptLosingToOtherInstancesThen503NotARevisionConflict() throws Exception {
		// The revision may well be the current one: a 409 would tell the client it is not.
		ResponseEntity<ObjectNode> answer = this.handler
			.handle(new CompletionException(new WriteConflictException("db/shop", "\"a\"", 3)));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(answer.getBody().get("error").asString()).isEqualTo("service_unavailable");
		assertThat(answer.getBody().get("reason").asString()).contains("db/shop").contains("3 attempts");
	}

	@Test
	void whenTheDatabaseServerIsUnreachableThen503() throws Exception {
		ResponseEntity<ObjectNode> answer = this.handler.handle(new CompletionException(
				new StorageUnavailableException("mutex 'db/shop': server unreachable", new SQLException("refused"))));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(answer.getBody().get("error").asString()).isEqualTo("service_unavailable");
		assertThat(answer.getBody().get("reason").asString()).contains("db/shop");
	}

	@Test
	void whenTheOutcomeOfACommitIsUnknownThen500SayingItMayHaveBeenWritten() throws Exception {
		ResponseEntity<ObjectNode> answer = this.handler.handle(new CompletionException(
				new CommitOutcomeUnknownException("mutex 'db/shop': connection lost in COMMIT", new SQLException("eof"))));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(answer.getBody().get("error").asString()).isEqualTo("unknown_error");
		assertThat(answer.getBody().get("reason").asString()).contains("may or may not have been written")
			.contains("db/shop");
	}

	@Test
	void whenAnyOtherStorageFailureThen500() throws Exception {
		ResponseEntity<ObjectNode> answer = this.handler
			.handle(new StorageException("mutex 'db/shop': batch failed", new SQLException("disk full")));
		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(answer.getBody().get("error").asString()).isEqualTo("unknown_error");
	}

}
