package io.levelmutex.benchmarks.jmh;

import java.util.List;
import java.util.Optional;

/**
 * One microbenchmark's result: the mean time of one operation and JMH's 99.9% error margin.
 *
 * @param benchmark the benchmark method's name, e.g. {@code mutexPut}
 * @param score mean microseconds per operation
 * @param error JMH's error margin, in microseconds
 */
public record JmhScore(String benchmark, double score, double error) {

	/**
	 * Finds a benchmark's score by method name.
	 * @param scores the scores
	 * @param benchmark the method name
	 * @return the score, if that benchmark ran
	 */
	public static Optional<JmhScore> find(List<JmhScore> scores, String benchmark) {
		return scores.stream().filter((score) -> score.benchmark().equals(benchmark)).findFirst();
	}

}
