package io.levelmutex.sample.couch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code src/test/node/nano-test.js} (installed by the build with {@code npm ci} into
 * {@code target/node-test}) against one or more instances and asserts that every check passed.
 */
final class NanoRunner {

	private NanoRunner() {
	}

	/**
	 * Runs the nano checks; with several ports, every request goes to a different instance than the one before.
	 * @return the script's output
	 */
	static String runAgainst(int... ports) throws IOException, InterruptedException {
		Path directory = Paths.get(System.getProperty("nodeTestDirectory", "target/node-test"));
		assertThat(directory.resolve("node_modules/nano/package.json"))
			.as("nano is installed by the build (npm ci in process-test-resources)")
			.exists();
		List<String> command = new ArrayList<>(List.of(System.getProperty("nodeExecutable", "node"), "nano-test.js"));
		for (int port : ports) {
			command.add("http://localhost:" + port);
		}
		Path output = Files.createTempFile("nano-test", ".log");
		Process node = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		boolean exited = node.waitFor(3, TimeUnit.MINUTES);
		if (!exited) {
			node.destroyForcibly();
		}
		String log = Files.readString(output, StandardCharsets.UTF_8);
		System.out.println("--- node " + String.join(" ", command.subList(1, command.size())) + " ---\n" + log);
		Files.deleteIfExists(output);
		assertThat(exited).as("node finished within 3 minutes:\n" + log).isTrue();
		assertThat(node.exitValue()).as(log).isZero();
		assertThat(log).contains("nano: all checks passed");
		return log;
	}

}
