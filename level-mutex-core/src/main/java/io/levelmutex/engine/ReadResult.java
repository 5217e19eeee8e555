package io.levelmutex.engine;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The answers to a {@link ReadPlan}, all read on one consistent state of the keyspace.
 *
 * @param sequence the sequence of the last batch committed to the keyspace that the reads saw (0 when none): the
 * state after exactly that batch, as {@link ReadSnapshot#sequence()}
 * @param values one value per key of the plan, index for index, {@code null} where the key has none
 * @param scans one list of entries per scan of the plan, index for index, in the scan's direction, at most its
 * limit each
 */
public record ReadResult(long sequence, List<byte @Nullable []> values, List<List<KeyValue>> scans) {

	/**
	 * Checks that the result answers the plan: one value per key, one list per scan.
	 * @param plan the plan this result answers
	 * @throws IllegalStateException if it does not (an engine bug)
	 */
	public void checkAnswers(ReadPlan plan) {
		if (this.values.size() != plan.keys().size() || this.scans.size() != plan.scans().size()) {
			throw new IllegalStateException("The engine answered " + plan.keys().size() + " keys and "
					+ plan.scans().size() + " scans with " + this.values.size() + " values and " + this.scans.size()
					+ " scan results");
		}
	}

}
