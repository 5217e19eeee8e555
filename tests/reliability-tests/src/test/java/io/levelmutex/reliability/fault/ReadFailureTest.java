package io.levelmutex.reliability.fault;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.Mutex;
import io.levelmutex.MutexStore;
import io.levelmutex.codec.Codec;
import io.levelmutex.codec.CodecException;
import io.levelmutex.codec.Codecs;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.TestStores;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads that fail: a per-call codec that throws on decode, stored bytes the mutex's codec
 * rejects, and conditional writes whose function fails on such a read. Only the failing
 * operation completes exceptionally, with the codec's error as its cause; reads of the same
 * phase return their values, writes of the same batch are applied, and the mutex keeps cycling.
 */
class ReadFailureTest {

	static final int KEYS = 600;

	@TempDir
	Path dir;

	@Test
	void whenSomeReadsOfAPhaseFailThenOnlyThoseFailWithTheCause() throws Exception {
		AtomicInteger injected = new AtomicInteger();
		Codec<String> failing = new Codec<>() {
			@Override
			public byte[] encode(String value) {
				return value.getBytes(StandardCharsets.UTF_8);
			}

			@Override
			public String decode(byte[] bytes) {
				String value = new String(bytes, StandardCharsets.UTF_8);
				if (value.startsWith("bad")) {
					throw new IllegalStateException("injected decode failure #" + injected.incrementAndGet());
				}
				return value;
			}
		};
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, "reads");
			List<CompletableFuture<Void>> puts = new ArrayList<>();
			for (int i = 0; i < KEYS; i++) {
				puts.add(mutex.put("k" + i, ((i % 5 == 0) ? "bad " : "good ") + i));
			}
			CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

			List<CompletableFuture<Optional<String>>> reads = new ArrayList<>();
			for (int i = 0; i < KEYS; i++) {
				reads.add(mutex.get("k" + i, failing));
			}
			int failed = 0;
			for (int i = 0; i < KEYS; i++) {
				if (i % 5 == 0) {
					failed++;
					assertThat(reads.get(i)).failsWithin(30, TimeUnit.SECONDS)
						.withThrowableOfType(ExecutionException.class)
						.satisfies((ex) -> assertThat(rootCause(ex)).isInstanceOf(IllegalStateException.class)
							.hasMessageStartingWith("injected decode failure"));
				}
				else {
					assertThat(reads.get(i).get(30, TimeUnit.SECONDS)).contains("good " + i);
				}
			}
			Report.figure("fault.read", "decodeFailuresInjected", injected.get());
			Report.figure("fault.read", "readsUnaffected", KEYS - failed);

			mutex.put("after", "cycling").get(10, TimeUnit.SECONDS);
			assertThat(mutex.get("after").get(10, TimeUnit.SECONDS)).contains("cycling");
		}
	}

	@Test
	void whenStoredBytesAreRejectedByTheCodecThenOnlyThatReadFailsWithACodecException() throws Exception {
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, "codec");
			Mutex<String, byte[]> raw = mutex.withCodecs(Codecs.utf8(), Codecs.bytes());
			raw.put("broken", new byte[] { (byte) 0xC3, (byte) 0x28, (byte) 0xFF }).get(10, TimeUnit.SECONDS);
			mutex.put("fine", "ok").get(10, TimeUnit.SECONDS);

			CompletableFuture<Optional<String>> broken = mutex.get("broken");
			CompletableFuture<Optional<String>> fine = mutex.get("fine");
			CompletableFuture<Optional<io.levelmutex.Entry<String, String>>> peek = mutex.peekFirst();

			assertThat(broken).failsWithin(10, TimeUnit.SECONDS)
				.withThrowableOfType(ExecutionException.class)
				.satisfies((ex) -> assertThat(causes(ex)).anyMatch(CodecException.class::isInstance));
			assertThat(peek).as("peekFirst lands on the undecodable entry").failsWithin(10, TimeUnit.SECONDS);
			assertThat(fine.get(10, TimeUnit.SECONDS)).contains("ok");
			assertThat(raw.get("broken").get(10, TimeUnit.SECONDS)).hasValueSatisfying((bytes) -> assertThat(bytes)
				.containsExactly((byte) 0xC3, (byte) 0x28, (byte) 0xFF));
			Report.figure("fault.read", "undecodableValuesRead", 2);
		}
	}

	@Test
	void whenAnUpdateFunctionFailsOnAReadThenNothingOfItIsWrittenAndOtherUpdatesCommit() throws Exception {
		Codec<String> failing = new Codec<>() {
			@Override
			public byte[] encode(String value) {
				return value.getBytes(StandardCharsets.UTF_8);
			}

			@Override
			public String decode(byte[] bytes) {
				throw new IllegalStateException("injected read failure inside an update");
			}
		};
		try (MutexStore store = TestStores.open(this.dir, true)) {
			Mutex<String, String> mutex = TestStores.strings(store, "updates");
			mutex.put("source", "s").get(10, TimeUnit.SECONDS);
			List<CompletableFuture<Integer>> good = new ArrayList<>();
			List<CompletableFuture<Integer>> bad = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				int n = i;
				if (i % 4 == 0) {
					bad.add(mutex.update((context) -> {
						context.put("bad/" + n + "/first", "x");
						context.get("source", failing);
						context.put("bad/" + n + "/second", "x");
						return n;
					}));
				}
				else {
					good.add(mutex.update((context) -> {
						context.put("good/" + n + "/a", context.get("source").orElseThrow());
						context.put("good/" + n + "/b", "b");
						return n;
					}));
				}
			}
			for (CompletableFuture<Integer> update : bad) {
				assertThat(update).failsWithin(10, TimeUnit.SECONDS)
					.withThrowableOfType(ExecutionException.class)
					.satisfies((ex) -> assertThat(rootCause(ex)).hasMessage("injected read failure inside an update"));
			}
			for (CompletableFuture<Integer> update : good) {
				int n = update.get(10, TimeUnit.SECONDS);
				assertThat(mutex.get("good/" + n + "/a").get(10, TimeUnit.SECONDS)).contains("s");
				assertThat(mutex.get("good/" + n + "/b").get(10, TimeUnit.SECONDS)).contains("b");
			}
			for (int n = 0; n < 200; n += 4) {
				assertThat(mutex.get("bad/" + n + "/first").get(10, TimeUnit.SECONDS)).isEmpty();
				assertThat(mutex.get("bad/" + n + "/second").get(10, TimeUnit.SECONDS)).isEmpty();
			}
			Report.figure("fault.read", "failingUpdateFunctions", bad.size());
		}
	}

	static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	static List<Throwable> causes(Throwable ex) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = ex; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

}
