package io.levelmutex.reliability.support;

import java.nio.file.Path;

/**
 * The knobs of the reliability suites, read from system properties that the module's pom sets
 * (and the {@code stress} profile raises). Every seeded suite derives its seeds from
 * {@link #seed()}, so a failure is replayed with {@code -Dreliability.seed=<seed>}.
 */
public final class Settings {

	private Settings() {
	}

	/**
	 * The base seed of every seeded suite.
	 * @return the seed
	 */
	public static long seed() {
		return Long.getLong("reliability.seed", 20261126L);
	}

	/**
	 * An integer setting.
	 * @param name the property's name without the {@code reliability.} prefix
	 * @param defaultValue the value when the property is not set
	 * @return the value
	 */
	public static int intSetting(String name, int defaultValue) {
		return Integer.getInteger("reliability." + name, defaultValue);
	}

	/**
	 * Where the suites write their figures.
	 * @return the report directory
	 */
	public static Path reportDir() {
		return Path.of(System.getProperty("reliability.reportDir", "target/reliability"));
	}

}
