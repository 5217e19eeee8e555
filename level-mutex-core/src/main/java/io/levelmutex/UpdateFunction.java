package io.levelmutex;

/**
 * The body of a conditional write: reads through the context, decides, and records the
 * writes to make. See {@link Mutex#update(UpdateFunction, int)} for the guarantees.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <R> the result type
 */
@FunctionalInterface
public interface UpdateFunction<K, V, R> {

	/**
	 * Runs the update.
	 * @param context reads the state every earlier write leaves, and records writes
	 * @return the result the update's future completes with
	 * @throws Exception to abandon the update; nothing is written and the future fails with it
	 */
	R apply(UpdateContext<K, V> context) throws Exception;

}
