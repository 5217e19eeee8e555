package io.levelmutex.reliability.badinput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Entry;
import io.levelmutex.InvalidInputException;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives one byte-keyed mutex with seeded hostile input and a model beside it. Every call
 * must either be refused at once with an {@link InvalidInputException} naming the mutex
 * (nothing queued, nothing written), or complete, within seconds, with exactly the model's
 * result. Used by one test thread.
 */
final class ModelDriver {

	private final Mutex<byte[], byte[]> mutex;

	private final Inputs inputs;

	private final int maxKeyBytes;

	private final int maxValueBytes;

	private final TreeMap<ByteKey, byte[]> model = new TreeMap<>();

	// The counters and the model belong to the one test thread driving this instance.

	/** Calls made. */
	long tried;

	/** Calls refused with a typed error, as expected. */
	long refused;

	/** Range reads whose odd bound (empty or oversized) was refused rather than answered. */
	long rangesRefused;

	ModelDriver(Mutex<byte[], byte[]> mutex, Inputs inputs) {
		this.mutex = mutex;
		this.inputs = inputs;
		this.maxKeyBytes = mutex.options().maxKeyBytes();
		this.maxValueBytes = mutex.options().maxValueBytes();
	}

	void step() throws Exception {
		this.tried++;
		switch (this.inputs.nextInt(6)) {
			case 0 -> put();
			case 1 -> get();
			case 2 -> del();
			case 3 -> peek(true);
			case 4 -> peek(false);
			default -> update();
		}
	}

	private void put() throws Exception {
		byte[] key = this.inputs.key();
		byte[] value = this.inputs.value();
		if (validKey(key) && validValue(value)) {
			await(this.mutex.put(key, value));
			this.model.put(new ByteKey(key), value);
		}
		else {
			refuse(() -> this.mutex.put(key, value), "put", key);
		}
	}

	private void get() throws Exception {
		byte[] key = this.inputs.key();
		if (validKey(key)) {
			assertBytes(await(this.mutex.get(key)), this.model.get(new ByteKey(key)), "get", key);
		}
		else {
			refuse(() -> this.mutex.get(key), "get", key);
		}
	}

	private void del() throws Exception {
		byte[] key = this.inputs.key();
		if (validKey(key)) {
			await(this.mutex.del(key));
			this.model.remove(new ByteKey(key));
		}
		else {
			refuse(() -> this.mutex.del(key), "del", key);
		}
	}

	private void peek(boolean first) throws Exception {
		KeyRange<byte[]> range = this.inputs.range();
		boolean oddBound = (range.start() != null && !validKey(range.start()))
				|| (range.end() != null && !validKey(range.end()));
		Optional<Entry<byte[], byte[]>> actual;
		try {
			actual = await(first ? this.mutex.peekFirst(range) : this.mutex.peekLast(range));
		}
		catch (InvalidInputException ex) {
			if (!oddBound) {
				throw new AssertionError("Range " + describe(range) + " with valid bounds was refused", ex);
			}
			assertThat(ex).hasMessageContaining(this.mutex.name());
			this.rangesRefused++;
			return;
		}
		Map.Entry<ByteKey, byte[]> expected = expectedPeek(range, first);
		if (expected == null) {
			assertThat(actual).as("%s in %s", first ? "peekFirst" : "peekLast", describe(range)).isEmpty();
		}
		else {
			assertThat(actual).as("%s in %s", first ? "peekFirst" : "peekLast", describe(range)).isPresent();
			assertThat(actual.get().key()).as("peeked key in %s", describe(range)).isEqualTo(expected.getKey().bytes());
			assertThat(actual.get().value()).isEqualTo(expected.getValue());
		}
	}

	private void update() throws Exception {
		byte[] read = this.inputs.key();
		List<byte[][]> writes = new ArrayList<>();
		boolean valid = validKey(read);
		for (int i = 0, n = 1 + this.inputs.nextInt(3); i < n; i++) {
			byte[] key = this.inputs.key();
			byte[] value = this.inputs.value();
			valid &= validKey(key) && validValue(value);
			writes.add(new byte[][] { key, value });
		}
		CompletableFuture<Optional<byte[]>> future = this.mutex.update((context) -> {
			Optional<byte[]> seen = context.get(read);
			for (byte[][] write : writes) {
				context.put(write[0], write[1]);
			}
			return seen;
		});
		if (valid) {
			assertBytes(await(future), this.model.get(new ByteKey(read)), "update read", read);
			for (byte[][] write : writes) {
				this.model.put(new ByteKey(write[0]), write[1]);
			}
		}
		else {
			try {
				future.get(10, TimeUnit.SECONDS);
				fail("An update writing or reading invalid input committed");
			}
			catch (ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(InvalidInputException.class);
				this.refused++;
			}
		}
	}

	/** Compares everything the mutex holds, read one peek at a time, with the model. */
	void verifyAll() throws Exception {
		List<Map.Entry<ByteKey, byte[]>> expected = new ArrayList<>(this.model.entrySet());
		List<Entry<byte[], byte[]>> actual = new ArrayList<>();
		KeyRange<byte[]> range = KeyRange.all();
		while (true) {
			Optional<Entry<byte[], byte[]>> next = await(this.mutex.peekFirst(range));
			if (next.isEmpty()) {
				break;
			}
			actual.add(next.get());
			range = KeyRange.greaterThan(next.get().key());
		}
		assertThat(actual).as("entries of %s", this.mutex.name()).hasSameSizeAs(expected);
		for (int i = 0; i < expected.size(); i++) {
			assertThat(actual.get(i).key()).isEqualTo(expected.get(i).getKey().bytes());
			assertThat(actual.get(i).value()).isEqualTo(expected.get(i).getValue());
		}
	}

	NavigableMap<ByteKey, byte[]> model() {
		return this.model;
	}

	private Map.@Nullable Entry<ByteKey, byte[]> expectedPeek(KeyRange<byte[]> range, boolean first) {
		NavigableMap<ByteKey, byte[]> view = this.model;
		byte[] start = range.start();
		byte[] end = range.end();
		if (start != null && end != null) {
			int order = Arrays.compareUnsigned(start, end);
			if (order > 0 || (order == 0 && !(range.startInclusive() && range.endInclusive()))) {
				return null;
			}
		}
		if (start != null) {
			view = view.tailMap(new ByteKey(start), range.startInclusive());
		}
		if (end != null) {
			view = view.headMap(new ByteKey(end), range.endInclusive());
		}
		return first ? view.firstEntry() : view.lastEntry();
	}

	private void refuse(Runnable call, String what, byte @Nullable [] key) {
		assertThatExceptionOfType(InvalidInputException.class).as("%s of %s", what, describe(key))
			.isThrownBy(call::run)
			.withMessageContaining(this.mutex.name());
		this.refused++;
	}

	private boolean validKey(byte @Nullable [] key) {
		return key != null && key.length >= 1 && key.length <= this.maxKeyBytes;
	}

	private boolean validValue(byte @Nullable [] value) {
		return value != null && value.length <= this.maxValueBytes;
	}

	private static void assertBytes(Optional<byte[]> actual, byte @Nullable [] expected, String what,
			byte @Nullable [] key) {
		if (expected == null) {
			assertThat(actual).as("%s of %s", what, describe(key)).isEmpty();
		}
		else {
			assertThat(actual).as("%s of %s", what, describe(key)).isPresent();
			assertThat(actual.get()).as("%s of %s", what, describe(key)).isEqualTo(expected);
		}
	}

	private static <T> T await(CompletableFuture<T> future) throws Exception {
		try {
			return future.get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

	static String describe(byte @Nullable [] key) {
		if (key == null) {
			return "null";
		}
		return key.length + " bytes " + Arrays.toString(Arrays.copyOf(key, Math.min(8, key.length)));
	}

	static String describe(KeyRange<byte[]> range) {
		return (range.startInclusive() ? "[" : "(") + ((range.start() != null) ? describe(range.start()) : "-inf") + ", "
				+ ((range.end() != null) ? describe(range.end()) : "+inf") + (range.endInclusive() ? "]" : ")");
	}

}
