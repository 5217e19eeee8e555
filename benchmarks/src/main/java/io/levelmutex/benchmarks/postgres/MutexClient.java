package io.levelmutex.benchmarks.postgres;

import java.util.Locale;

/**
 * How the mutex's clients wait for their operations at C = 1 in series Q ({@code --c1-client}); at other levels of
 * C the clients are always {@link #ASYNC}.
 */
enum MutexClient {

	/** Each client's next operation chained on its last one's future (no thread per client): series Q until Y. */
	ASYNC,

	/** A thread per client that calls the futures and {@code join()}s them. */
	JOIN,

	/**
	 * A thread per client that calls {@code Mutex.blocking()}: what a servlet-style (Spring MVC) request thread
	 * writes, as the autocommit upsert and the JPA-style update it is compared with block on JDBC.
	 */
	BLOCKING;

	static MutexClient ofOption(String option) {
		return valueOf(option.trim().toUpperCase(Locale.ROOT));
	}

	/** @return the option's spelling */
	String option() {
		return name().toLowerCase(Locale.ROOT);
	}

}
