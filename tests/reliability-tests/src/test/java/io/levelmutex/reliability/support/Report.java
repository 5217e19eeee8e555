package io.levelmutex.reliability.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Records the figures of a run (rounds, kills, operations checked, faults injected, inputs
 * tried, losses): printed to standard output and appended to
 * {@code target/reliability/figures.txt}, from which RELIABILITY.md's figures are taken.
 */
public final class Report {

	private static final Object LOCK = new Object();

	private Report() {
	}

	/**
	 * Records one figure.
	 * @param suite the suite, e.g. {@code crash}
	 * @param name what was counted or measured
	 * @param value the figure
	 */
	public static void figure(String suite, String name, Object value) {
		String line = Instant.now() + " " + suite + "." + name + "=" + value;
		synchronized (LOCK) {
			System.out.println("[reliability] " + line);
			Path dir = Settings.reportDir();
			try {
				Files.createDirectories(dir);
				Files.writeString(dir.resolve("figures.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
