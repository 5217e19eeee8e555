package io.levelmutex.reliability.http;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.levelmutex.reliability.support.ChildJvm;

/**
 * The sample app, run from its executable jar in a child JVM on a free port, with its data
 * directory and working directory under a test's temporary directory.
 */
final class SampleApp implements AutoCloseable {

	final ChildJvm process;

	final int port;

	final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private SampleApp(ChildJvm process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Starts the app and waits until it reports it started.
	 * @param root the directory holding {@code data/} and {@code work/}
	 * @param name a name for its log files
	 * @return the running app
	 */
	static SampleApp start(Path root, String name) throws Exception {
		return start(root, name, "--level-mutex.rocksdb.path=" + root.resolve("data"));
	}

	/**
	 * Starts the app with the {@code postgres} profile on a PostgreSQL database and waits until it reports it
	 * started.
	 * @param root the directory holding {@code work/} and the log files
	 * @param name a name for its log files
	 * @param jdbcUrl the database
	 * @param username the database user (no password)
	 * @return the running app
	 */
	static SampleApp startOnPostgres(Path root, String name, String jdbcUrl, String username) throws Exception {
		// A short connect-wait: requests while the server is down are answered (503) sooner.
		return start(root, name, "--spring.profiles.active=postgres", "--spring.datasource.url=" + jdbcUrl,
				"--spring.datasource.username=" + username, "--level-mutex.postgres.connect-wait=3s",
				"--spring.datasource.hikari.connection-timeout=2000");
	}

	private static SampleApp start(Path root, String name, String... storeArgs) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--couch.changes-timeout=2s",
				"--logging.level.root=WARN", "--logging.level.io.levelmutex.sample.SampleApplication=INFO"));
		args.addAll(List.of(storeArgs));
		ChildJvm child = ChildJvm.startJar(jar(), root.resolve("work"), root.resolve(name + "-stderr.txt"),
				args.toArray(String[]::new));
		child.awaitLines((line) -> line.contains("Started SampleApplication"), 1, Duration.ofSeconds(180));
		return new SampleApp(child, port);
	}

	/**
	 * The sample app's executable jar, found on the test class path (the module depends on
	 * {@code sample-app}, so Maven builds it first).
	 * @return the jar
	 */
	static Path jar() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.map(Path::of)
			.filter((path) -> path.getFileName().toString().startsWith("sample-app") && path.toString().endsWith(".jar"))
			.filter(Files::isRegularFile)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(
					"The sample-app jar is not on the class path; build it first (mvn -pl tests/reliability-tests -am verify)"));
	}

	URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> send(String method, String pathAndQuery, @Nullable String body) throws IOException, InterruptedException {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
		if (body != null) {
			builder.header("Content-Type", "application/json");
		}
		return send(builder.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody()).build());
	}

	@Override
	public void close() {
		this.process.close();
	}

}
