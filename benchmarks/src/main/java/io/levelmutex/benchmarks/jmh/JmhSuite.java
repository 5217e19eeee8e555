package io.levelmutex.benchmarks.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SingleOperationBenchmarks} through JMH's API, one fork per benchmark, and
 * returns the mean time per operation of each.
 */
public final class JmhSuite {

	private JmhSuite() {
	}

	/**
	 * Runs the microbenchmarks.
	 * @param quick fewer and shorter iterations
	 * @param log where JMH writes its own output
	 * @return one score per benchmark
	 * @throws RunnerException if JMH fails
	 */
	public static List<JmhScore> run(boolean quick, Path log) throws RunnerException {
		// Quick mode leaves out the durable ones: the closed-loop sweep measures C=1 durable too.
		String include = SingleOperationBenchmarks.class.getName() + (quick ? "\\.(?!.*Durable).*" : "\\.");
		Options options = new OptionsBuilder().include(include)
			.forks(1)
			.threads(1)
			.warmupIterations(quick ? 1 : 3)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(quick ? 2 : 5)
			.measurementTime(TimeValue.seconds(1))
			.jvmArgsAppend("-Xmx1g")
			.output(log.toString())
			.build();
		Collection<RunResult> results = new Runner(options).run();
		List<JmhScore> scores = new ArrayList<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
			scores.add(new JmhScore(method, result.getPrimaryResult().getScore(),
					result.getPrimaryResult().getScoreError()));
		}
		return scores;
	}

}
