package io.levelmutex.spring.boot.autoconfigure;

import java.io.Serial;

/**
 * The embedded engine is chosen ({@code level-mutex.store.engine=rocksdb}, the default) but its module,
 * {@code level-mutex-rocksdb}, is not on the class path (an application on the PostgreSQL starter that did not set
 * the engine, for example). Carries the action {@link RocksDBEngineFailureAnalyzer} reports at startup.
 */
final class RocksDBEngineUnavailableException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	static final String ROCKS_STORE = "io.levelmutex.rocksdb.RocksStore";

	private static final String ENGINE = "level-mutex.store.engine";

	RocksDBEngineUnavailableException() {
		super(ENGINE + " is 'rocksdb' (the default when it is not set) but the embedded engine"
				+ " (io.levelmutex:level-mutex-rocksdb, class " + ROCKS_STORE + ") is not on the class path.");
	}

	/** @return what to do: set the engine, add the module, or define a store */
	String action() {
		return "Set " + ENGINE + "=postgres for the PostgreSQL engine (level-mutex-spring-boot-starter-postgres),"
				+ " or add the dependency io.levelmutex:level-mutex-rocksdb (the default starter,"
				+ " level-mutex-spring-boot-starter, brings it), or define a MutexStore bean of your own.";
	}

}
