package io.levelmutex.reliability.linearizability;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The sequential specification of a mutex as a key-value store: what each {@link Op} returns
 * and how it changes the state, if it ran alone. States are immutable sorted maps.
 */
final class KeyValueModel {

	private KeyValueModel() {
	}

	static Map<String, String> initial() {
		return Map.of();
	}

	/**
	 * Applies an operation.
	 * @param state the state before
	 * @param op the operation, with the result it returned
	 * @return the state after, or {@code null} if the returned result is impossible in {@code state}
	 */
	static @Nullable Map<String, String> step(Map<String, String> state, Op op) {
		return switch (op.kind()) {
			case GET -> Objects.equals(state.get(op.keys().get(0)), op.result()) ? state : null;
			case PUT -> with(state, op.keys().get(0), op.argument());
			case DEL -> with(state, op.keys().get(0), null);
			case APPEND -> {
				String key = op.keys().get(0);
				String old = state.get(key);
				yield Objects.equals(old, op.result()) ? with(state, key, appended(old, op.argument())) : null;
			}
			case TRANSFER -> {
				String first = op.keys().get(0);
				String second = op.keys().get(1);
				List<String> olds = Arrays.asList(state.get(first), state.get(second));
				if (!olds.equals(op.result())) {
					yield null;
				}
				Map<String, String> next = with(state, first, appended(olds.get(0), op.argument()));
				yield with(next, second, appended(olds.get(1), op.argument()));
			}
			case PEEK_LAST -> {
				Map.Entry<String, String> entry = state.isEmpty() ? null : new TreeMap<>(state).lastEntry();
				List<String> last = (entry != null) ? List.of(entry.getKey(), entry.getValue()) : null;
				yield Objects.equals(last, op.result()) ? state : null;
			}
		};
	}

	static String appended(@Nullable String old, @Nullable String token) {
		return ((old != null) ? old : "") + token + ",";
	}

	private static Map<String, String> with(Map<String, String> state, String key, @Nullable String value) {
		TreeMap<String, String> next = new TreeMap<>(state);
		if (value == null) {
			next.remove(key);
		}
		else {
			next.put(key, value);
		}
		return java.util.Collections.unmodifiableMap(next);
	}

}
