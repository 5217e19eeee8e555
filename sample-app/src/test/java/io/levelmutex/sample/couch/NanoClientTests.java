package io.levelmutex.sample.couch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code src/test/node/nano-test.js} with the official CouchDB client {@code nano}
 * (installed by the build with {@code npm ci} into {@code target/node-test}) against the app
 * on a random port: create database, insert, get, update with the revision, conflict on a
 * stale revision, delete, list, bulk, changes and the changes reader.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "level-mutex.store.path=target/test-data/NanoClientTests-${random.uuid}")
class NanoClientTests {

	@Value("${local.server.port}")
	private int port;

	@Test
	void whenNanoRunsAgainstTheAppThenEveryCheckPasses() throws IOException, InterruptedException {
		Path directory = Paths.get(System.getProperty("nodeTestDirectory", "target/node-test"));
		assertThat(directory.resolve("node_modules/nano/package.json"))
			.as("nano is installed by the build (npm ci in process-test-resources)")
			.exists();
		Path output = Files.createTempFile("nano-test", ".log");
		Process node = new ProcessBuilder(System.getProperty("nodeExecutable", "node"), "nano-test.js",
				"http://localhost:" + this.port)
			.directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		boolean exited = node.waitFor(3, TimeUnit.MINUTES);
		if (!exited) {
			node.destroyForcibly();
		}
		String log = Files.readString(output, StandardCharsets.UTF_8);
		System.out.println("--- node nano-test.js ---\n" + log);
		Files.deleteIfExists(output);
		assertThat(exited).as("node finished within 3 minutes:\n" + log).isTrue();
		assertThat(node.exitValue()).as(log).isZero();
		assertThat(log).contains("nano: all checks passed");
	}

}
