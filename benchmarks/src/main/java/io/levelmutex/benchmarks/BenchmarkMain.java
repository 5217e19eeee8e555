package io.levelmutex.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.levelmutex.benchmarks.jmh.JmhScore;
import io.levelmutex.benchmarks.jmh.JmhSuite;
import org.jspecify.annotations.Nullable;

/**
 * The one command: {@code java -jar benchmarks/target/benchmarks.jar [--quick]}.
 *
 * <p>Runs the closed-loop sweeps (W1, W2, W3) against every contender ({@code --runs} times,
 * 3 by default, 1 with {@code --quick}), the JMH single-operation microbenchmarks and the
 * memory probes; prints the markdown table and the targets to standard output, and writes
 * {@code results-<mode>.md} and the PNG charts into {@code --out} (default
 * {@code benchmarks/results}, relative to the working directory). Progress goes to standard
 * error.
 *
 * <p>Options: {@code --quick}, {@code --runs N}, {@code --out DIR}, {@code --only W1,W2,W3}
 * (sweeps to run), {@code --clients 1,256} (concurrency levels to keep), {@code --no-jmh},
 * {@code --no-memory}, {@code --no-many} (skips the many-mutexes probe: 32 mutexes x 8 clients
 * against one mutex x 256 clients, durable, in every run), {@code --observed} (W1 and W2 also
 * run the mutex traced through the starter's observations with a no-op
 * {@code ObservationRegistry}), {@code --durability durable|non-durable} (only those points of W1, W2 and W3;
 * both by default), {@code --warmup-passes N} (unrecorded passes of the mutex and the limit over the W1 points
 * before the first run, for the JIT; 2 by default, 0 for none), {@code --warmup-seconds S} (each contender of a
 * warm-up pass runs S seconds instead of the plan's windows), {@code --help}. For example {@code --quick --runs 4 --only W1 --clients 256 --durability
 * non-durable --no-jmh --no-memory --no-many} runs W1 non-durable at C=256 only, next to its limit contenders.
 */
public final class BenchmarkMain {

	private static final String OPTIONS = "options: --quick --runs N --out DIR --only W1,W2,W3 --clients 1,256"
			+ " --durability durable|non-durable --warmup-passes N --warmup-seconds S --no-jmh --no-memory --no-many --observed --help";

	private BenchmarkMain() {
	}

	/**
	 * Runs the benchmarks.
	 * @param args the options
	 * @throws Exception if a benchmark cannot run
	 */
	public static void main(String[] args) throws Exception {
		boolean quick = false;
		int runs = -1;
		boolean jmh = true;
		boolean memory = true;
		boolean observed = false;
		boolean many = true;
		boolean durable = true;
		boolean nonDurable = true;
		int warmupPasses = 2;
		int warmupSeconds = 0;
		Path out = Path.of("benchmarks", "results");
		Set<String> only = new LinkedHashSet<>(List.of("W1", "W2", "W3"));
		Set<Integer> clientLevels = new LinkedHashSet<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--runs" -> runs = Integer.parseInt(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].toUpperCase(Locale.ROOT).split(",")));
				case "--clients" -> {
					for (String level : args[++i].split(",")) {
						clientLevels.add(Integer.parseInt(level.trim()));
					}
				}
				case "--warmup-passes" -> warmupPasses = Integer.parseInt(args[++i]);
				case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
				case "--no-jmh" -> jmh = false;
				case "--no-memory" -> memory = false;
				case "--observed" -> observed = true;
				case "--no-many" -> many = false;
				case "--durability" -> {
					String which = args[++i];
					durable = which.equals("durable");
					nonDurable = which.equals("non-durable");
					if (!durable && !nonDurable) {
						System.err.println("--durability takes durable or non-durable, not " + which);
						System.exit(2);
					}
				}
				case "--help" -> {
					System.err.println(OPTIONS);
					System.exit(0);
				}
				default -> {
					System.err.println("Unknown option " + args[i] + "; " + OPTIONS);
					System.exit(2);
				}
			}
		}
		if (runs < 1) {
			runs = quick ? 1 : 3;
		}
		String mode = quick ? "quick" : "full";
		SweepPlan plan = restrict(quick ? SweepPlan.quick() : SweepPlan.full(), only, clientLevels);
		Files.createDirectories(out);
		Instant started = Instant.now();
		String loadBefore = MachineInfo.loadAverage();
		System.err.println("level-mutex benchmarks, " + mode + " mode, " + runs + " run(s); " + MachineInfo.describe());

		List<List<RunResult>> sweeps = new ArrayList<>();
		Map<String, Integer> mutexBatchSizes = new HashMap<>();
		for (int pass = 1; pass <= warmupPasses && !plan.w1Clients().isEmpty(); pass++) {
			System.err.println("== W1 warm-up pass " + pass + "/" + warmupPasses + " (mutex and limit, not recorded)");
			Sweep warmUp = new Sweep(plan, (result) -> {
			}, 0, mutexBatchSizes, false, durable, nonDurable);
			if (warmupSeconds > 0) {
				warmUp.warmUp(Duration.ofSeconds(warmupSeconds));
			}
			else {
				warmUp.warmUp();
			}
		}
		for (int run = 1; run <= runs; run++) {
			int number = run;
			System.err.println("== sweep " + run + "/" + runs);
			List<RunResult> results = new Sweep(plan, (result) -> System.err.println(progressLine(number, result)), run,
					mutexBatchSizes, observed, durable, nonDurable)
				.run();
			if (many) {
				for (RunResult result : ManyMutexesProbe.reportPoints(run, plan.warmup(), plan.measurement())) {
					System.err.println(progressLine(number, result));
					results.add(result);
				}
			}
			sweeps.add(results);
		}
		List<JmhScore> scores = List.of();
		if (jmh) {
			Path log = Files.createTempFile("level-mutex-jmh-", ".log");
			System.err.println("== JMH single-operation benchmarks (log: " + log + ")");
			scores = JmhSuite.run(quick, log);
		}
		MemoryProbe.@Nullable MemoryReport memoryReport = null;
		if (memory) {
			System.err.println("== memory probes");
			memoryReport = MemoryProbe.run();
		}

		Summary summary = new Summary(sweeps);
		List<Targets.Target> targets = Targets.evaluate(summary, scores);
		List<String> charts = Charts.write(summary, out, mode);
		Duration took = Duration.between(started, Instant.now());
		String context = String.format(Locale.ROOT,
				"Mode: %s, %d run(s), each point warmed up %d ms and measured %d ms, in %d s in all. Machine: %s."
						+ " Load average (1/5/15 min) %s at the start, %s at the end (2 cores shared with other builds:"
						+ " expect noise).",
				mode, runs, plan.warmup().toMillis(), plan.measurement().toMillis(), took.toSeconds(),
				MachineInfo.describe(), loadBefore, MachineInfo.loadAverage());
		String report = MarkdownReport.render("level-mutex benchmarks (" + mode + ")", context, summary, targets,
				scores, memoryReport, charts);
		Files.writeString(out.resolve("results-" + mode + ".md"), report);
		System.out.println(report);
		System.err.println("Wrote " + out.resolve("results-" + mode + ".md") + " and " + charts.size() + " chart(s) in "
				+ took.toSeconds() + " s");
		System.exit(0);
	}

	private static SweepPlan restrict(SweepPlan plan, Set<String> only, Set<Integer> clientLevels) {
		return new SweepPlan(levels(only.contains("W1") ? plan.w1Clients() : List.of(), clientLevels),
				levels(only.contains("W2") ? plan.w2Clients() : List.of(), clientLevels),
				only.contains("W2") ? plan.w2KeyCounts() : List.of(),
				levels(only.contains("W2") ? plan.w2NonDurableClients() : List.of(), clientLevels),
				levels(only.contains("W3") ? plan.w3Clients() : List.of(), clientLevels), plan.warmup(),
				plan.measurement());
	}

	private static List<Integer> levels(List<Integer> planned, Set<Integer> wanted) {
		return wanted.isEmpty() ? planned : planned.stream().filter(wanted::contains).toList();
	}

	private static String progressLine(int run, RunResult result) {
		return String.format(Locale.ROOT,
				"[run %d] %-38s C=%-5d %-24s %,12.0f ok/s  mean %9.1f us  p99 %9.1f us  batch %6.1f (write %8.1f us)  reads/phase %6.1f  conflicts %d  failures %d%s",
				run, result.workload(), result.clients(), result.contender(), result.successesPerSecond(),
				result.meanMicros(), result.p99Micros(), result.meanBatch(), result.meanBatchWriteMicros(),
				result.meanReadPhase(),
				result.conflicts(), result.failures(),
				(result.lostUpdates() == -1) ? "" : "  lost " + result.lostUpdates());
	}

}
