package io.levelmutex.reliability.linearizability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.ReadPhaseEvent;
import io.levelmutex.WriteBatchEvent;
import io.levelmutex.WriteOperation;
import io.levelmutex.codec.Codec;

/**
 * Checks the phase rule of level-mutex: a write issued from a read's completion (a
 * non-async dependent action) joins the very next batch, so no other read phase comes
 * between the read and the write. The read phase a read ran in is stamped by its codec (which
 * decodes on the cycle thread during that phase); the phase a write was batched in is taken
 * from the {@code writes} event. Listens to one mutex.
 */
final class PhaseOrderProbe implements MutexListener {

	/** A value with the read phase it was read in. */
	record Stamped(String value, long phase) {
	}

	// Written only on the mutex's cycle thread (onReads); read by the codec on that thread
	// and by the test afterwards.
	private volatile long phase;

	private final Map<String, Long> readPhaseOfWrite = new ConcurrentHashMap<>();

	private final Map<String, Long> batchPhaseOfWrite = new ConcurrentHashMap<>();

	final Codec<Stamped> stampingCodec = new Codec<>() {
		@Override
		public byte[] encode(Stamped value) {
			return value.value().getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public Stamped decode(byte[] bytes) {
			return new Stamped(new String(bytes, StandardCharsets.UTF_8), PhaseOrderProbe.this.phase);
		}
	};

	@Override
	public void onReads(ReadPhaseEvent event) {
		this.phase++;
	}

	@Override
	public void onWrites(WriteBatchEvent event) {
		long current = this.phase;
		for (WriteOperation operation : event.operations()) {
			this.batchPhaseOfWrite.put(new String(operation.key(), StandardCharsets.UTF_8), current);
		}
	}

	/**
	 * Runs {@code units} read-then-write units from {@code threads} threads: each reads
	 * {@code r<i>} and, from the read's completion, writes {@code w<i>}.
	 * @param mutex the mutex to drive (the one this probe listens to, or a wrapper of it)
	 * @param units how many units
	 * @return descriptions of the units whose write did not join the batch after its read
	 */
	List<String> run(Mutex<String, String> mutex, int units) throws Exception {
		List<CompletableFuture<Void>> seed = new ArrayList<>();
		for (int i = 0; i < units; i++) {
			seed.add(mutex.put("r" + i, "read me " + i));
		}
		CompletableFuture.allOf(seed.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		List<CompletableFuture<Void>> all = new ArrayList<>();
		for (int i = 0; i < units; i++) {
			String write = "w" + i;
			all.add(mutex.get("r" + i, this.stampingCodec).thenCompose((stamped) -> {
				this.readPhaseOfWrite.put(write, stamped.orElseThrow().phase());
				return mutex.put(write, "after " + stamped.orElseThrow().value());
			}));
			if (i % 64 == 63) {
				all.get(i - 32).get(60, TimeUnit.SECONDS);
			}
		}
		CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		List<String> violations = new ArrayList<>();
		for (int i = 0; i < units; i++) {
			String write = "w" + i;
			Long read = this.readPhaseOfWrite.get(write);
			Long batch = this.batchPhaseOfWrite.get(write);
			if (read == null || !read.equals(batch)) {
				violations.add(write + " read in phase " + read + " but batched after phase " + batch);
			}
		}
		return violations;
	}

}
