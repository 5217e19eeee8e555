package io.levelmutex.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmarks ran on: processors, CPU model, memory, Java and OS, read from the JVM
 * and from {@code /proc} where present.
 */
public final class MachineInfo {

	private MachineInfo() {
	}

	/** @return processors, CPU, memory, Java and OS in one line */
	public static String describe() {
		return String.format("%d processors, CPU %s, %s memory, Java %s (%s), %s %s",
				Runtime.getRuntime().availableProcessors(), cpuModel(), memory(), Runtime.version(),
				System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.version"));
	}

	/**
	 * The load average, a hint of how much else ran on the machine at the same time.
	 * @return the 1, 5 and 15 minute load averages, or {@code unknown}
	 */
	public static String loadAverage() {
		List<String> lines = lines(Path.of("/proc/loadavg"));
		if (lines.isEmpty()) {
			return "unknown";
		}
		String[] fields = lines.get(0).split("\\s+");
		return (fields.length >= 3) ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
	}

	private static String cpuModel() {
		for (String line : lines(Path.of("/proc/cpuinfo"))) {
			if (line.startsWith("model name")) {
				return line.substring(line.indexOf(':') + 1).trim();
			}
		}
		return System.getProperty("os.arch");
	}

	private static String memory() {
		for (String line : lines(Path.of("/proc/meminfo"))) {
			if (line.startsWith("MemTotal:")) {
				long kilobytes = Long.parseLong(line.replaceAll("\\D", ""));
				return String.format("%.1f GiB", kilobytes / 1024.0 / 1024.0);
			}
		}
		return "unknown";
	}

	private static List<String> lines(Path file) {
		try {
			return Files.exists(file) ? Files.readAllLines(file) : List.of();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

}
