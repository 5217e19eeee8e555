package io.levelmutex.spring.boot.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.levelmutex.MutexStore;
import io.levelmutex.rocksdb.RocksStore;

/**
 * A child JVM that opens a store, says {@code open} on its output and holds the store until
 * its input is closed: another process holding a store directory's lock.
 */
final class StoreHolderProcess implements AutoCloseable {

	private final Process process;

	private StoreHolderProcess(Process process) {
		this.process = process;
	}

	static StoreHolderProcess start(Path path) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
				StoreHolderProcess.class.getName(), path.toString()))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = output.readLine();
		if (!"open".equals(line)) {
			process.destroyForcibly();
			throw new IllegalStateException("The store holder process did not open the store: " + line);
		}
		return new StoreHolderProcess(process);
	}

	@Override
	public void close() throws Exception {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			throw new IllegalStateException("The store holder process did not exit");
		}
	}

	public static void main(String[] args) throws IOException {
		try (MutexStore store = RocksStore.builder(Path.of(args[0])).open()) {
			System.out.println("open");
			System.out.flush();
			while (System.in.read() != -1) {
				// hold the store until the parent closes our input
			}
		}
	}

}
