package io.levelmutex.spring.boot.test.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.levelmutex.MutexStore;

/** The stores of the test contexts seen so far in this JVM, by test class. */
final class OpenStores {

	/** Written by each test class's first test; read by the others. */
	static final Map<String, MutexStore> BY_TEST_CLASS = new ConcurrentHashMap<>();

	private OpenStores() {
	}

}
