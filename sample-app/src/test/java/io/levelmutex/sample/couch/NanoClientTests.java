package io.levelmutex.sample.couch;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Runs {@code src/test/node/nano-test.js} with the official CouchDB client {@code nano}
 * (installed by the build with {@code npm ci} into {@code target/node-test}) against the app
 * on a random port: create database, insert, get, update with the revision, conflict on a
 * stale revision, delete, list, bulk, changes and the changes reader.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "level-mutex.rocksdb.path=target/test-data/NanoClientTests-${random.uuid}")
class NanoClientTests {

	@Value("${local.server.port}")
	private int port;

	@Test
	void whenNanoRunsAgainstTheAppThenEveryCheckPasses() throws IOException, InterruptedException {
		NanoRunner.runAgainst(this.port);
	}

}
