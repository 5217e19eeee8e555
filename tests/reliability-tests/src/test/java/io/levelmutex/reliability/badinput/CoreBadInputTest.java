package io.levelmutex.reliability.badinput;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.levelmutex.InvalidInputException;
import io.levelmutex.Mutex;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexOptions;
import io.levelmutex.MutexStore;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Property-style bad-input tests over the core API, one seed per case: keys and values of
 * every size up to and over the limits, empty, {@code null} and binary keys, reversed, empty
 * and unbounded ranges, and conditional writes mixing valid and invalid writes. Only typed
 * errors at the call ({@link InvalidInputException}) or results equal to a model's; never a
 * hang, and an update with any invalid part writes nothing. Replay one case with
 * {@code -Dreliability.seed=...}.
 */
class CoreBadInputTest {

	static final int STEPS = 150;

	// Totals over all cases, added to by the test thread, reported by @AfterAll.
	static final AtomicLong TRIED = new AtomicLong();

	static final AtomicLong REFUSED = new AtomicLong();

	@TempDir
	static Path dir;

	// Written once by @BeforeAll, then only read by the test thread.
	static MutexStore store;

	@BeforeAll
	static void openStore() {
		store = TestStores.open(dir, false);
	}

	@AfterAll
	static void closeStore() {
		store.close();
		Report.figure("badInput.core", "seeds", Settings.intSetting("badInputSeeds", 24));
		Report.figure("badInput.core", "inputsTried", TRIED.get());
		Report.figure("badInput.core", "refusedWithTypedError", REFUSED.get());
	}

	static LongStream seeds() {
		return LongStream.range(0, Settings.intSetting("badInputSeeds", 24)).map((i) -> Settings.seed() + 60_000 + i);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void whenInputIsHostileThenOnlyTypedErrorsOrCorrectResults(long seed) throws Exception {
		Random random = new Random(seed);
		MutexOptions options = MutexOptions.builder("bad-" + seed)
			.maxKeyBytes(1 + random.nextInt(96))
			.maxValueBytes(random.nextInt(2048))
			.build();
		Mutex<byte[], byte[]> mutex = TestStores.bytes(store, options);
		Inputs inputs = new Inputs(random, options.maxKeyBytes(), options.maxValueBytes(),
				List.of(("bad-" + (seed + 1) + "\0").getBytes(StandardCharsets.UTF_8), new byte[] { 0 }, new byte[] { -1 }));
		ModelDriver driver = new ModelDriver(mutex, inputs);
		for (int i = 0; i < STEPS; i++) {
			driver.step();
		}
		driver.verifyAll();
		TRIED.addAndGet(driver.tried);
		REFUSED.addAndGet(driver.refused + driver.rangesRefused);
		mutex.close();
		assertThatExceptionOfType(MutexClosedException.class).isThrownBy(() -> mutex.get(new byte[] { 1 }))
			.withMessageContaining(options.name());
	}

	@Test
	void whenSizesAreAtTheDefaultLimitsThenTheBoundaryIsExact() throws Exception {
		Mutex<byte[], byte[]> mutex = TestStores.bytes(store, MutexOptions.builder("defaults").build());
		byte[] longestKey = new byte[MutexOptions.DEFAULT_MAX_KEY_BYTES];
		Arrays.fill(longestKey, (byte) 0xFF);
		byte[] largestValue = new byte[MutexOptions.DEFAULT_MAX_VALUE_BYTES];
		new Random(Settings.seed()).nextBytes(largestValue);
		mutex.put(longestKey, largestValue).get(30, TimeUnit.SECONDS);
		assertThat(mutex.get(longestKey).get(30, TimeUnit.SECONDS)).hasValueSatisfying(
				(value) -> assertThat(Arrays.equals(value, largestValue)).as("8 MiB value round trip").isTrue());
		byte[] tooLongKey = Arrays.copyOf(longestKey, longestKey.length + 1);
		byte[] tooLargeValue = Arrays.copyOf(largestValue, largestValue.length + 1);
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> mutex.put(tooLongKey, new byte[0]))
			.withMessageContaining("defaults")
			.withMessageContaining(Integer.toString(MutexOptions.DEFAULT_MAX_KEY_BYTES));
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> mutex.put(new byte[] { 1 }, tooLargeValue))
			.withMessageContaining("defaults")
			.withMessageContaining(Integer.toString(MutexOptions.DEFAULT_MAX_VALUE_BYTES));
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> mutex.get(tooLongKey));
		assertThat(mutex.get(new byte[] { 1 }).get(10, TimeUnit.SECONDS)).isEmpty();
		mutex.close();
	}

}
