package io.levelmutex.reliability.linearizability;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One completed operation of a recorded history: what was invoked, what it returned, and when
 * it was invoked and completed ({@link System#nanoTime()}, taken before the call and in the
 * completion callback, so the real interval is inside the recorded one).
 *
 * @param id the operation's number in its history, from 0
 * @param kind what it did
 * @param keys the keys it names (one, or two for {@link Kind#TRANSFER}, none for
 * {@link Kind#PEEK_LAST})
 * @param argument the value written or appended, or {@code null}
 * @param result what it returned: a value ({@code null} for absent), a list of values, or
 * {@code null} for writes
 * @param invoked when it was invoked
 * @param completed when it completed
 */
public record Op(int id, Kind kind, List<String> keys, @Nullable String argument, @Nullable Object result, long invoked,
		long completed) {

	/** The operations the model knows. */
	public enum Kind {

		/** {@code get(key)}: returns the value or {@code null}. */
		GET,

		/** {@code put(key, argument)}. */
		PUT,

		/** {@code del(key)}. */
		DEL,

		/** {@code update}: reads the key, appends the argument, returns the old value. */
		APPEND,

		/** {@code update} over two keys: appends the argument to both, returns both old values. */
		TRANSFER,

		/** {@code peekLast()}: returns {@code [key, value]} of the last entry, or {@code null}. */
		PEEK_LAST

	}

	/**
	 * Whether the operation involves a single key (so that histories can be checked per key).
	 * @return {@code true} for get, put, del and append
	 */
	public boolean singleKey() {
		return this.keys.size() == 1;
	}

	Op withId(int newId) {
		return new Op(newId, this.kind, this.keys, this.argument, this.result, this.invoked, this.completed);
	}

	@Override
	public String toString() {
		return "#" + this.id + " " + this.kind + this.keys + ((this.argument != null) ? "=" + this.argument : "") + " -> "
				+ Objects.toString(this.result) + " [" + this.invoked + ", " + this.completed + "]";
	}

}
