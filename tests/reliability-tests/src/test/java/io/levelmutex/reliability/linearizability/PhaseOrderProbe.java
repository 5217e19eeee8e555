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

	// Written by whichever thread runs a unit's dependent action; read by the test afterwards.
	private final Map<String, Long> readPhaseOfWrite = new ConcurrentHashMap<>();

	// Written on the cycle thread (onWrites); read by the test afterwards.
	private final Map<String, Long> batchPhaseOfWrite = new ConcurrentHashMap<>();

	/** Units whose read completed before their dependent action was registered. */
	final java.util.concurrent.atomic.AtomicInteger outOfScope = new java.util.concurrent.atomic.AtomicInteger();

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
		// The rule holds for dependent actions registered before the result arrives. Each unit's
		// action is registered on a gated future before its read is issued; only when the cycle
		// completes the read before thenCompose has looked at it does the action run on the
		// issuing thread instead: such units do not meet the precondition and are left out.
		Thread issuer = Thread.currentThread();
		for (int chunk = 0; chunk < units; chunk += 250) {
			CompletableFuture<Void> gate = new CompletableFuture<>();
			List<CompletableFuture<Void>> all = new ArrayList<>();
			for (int i = chunk; i < Math.min(units, chunk + 250); i++) {
				String read = "r" + i;
				String write = "w" + i;
				all.add(gate.thenCompose((ignored) -> mutex.get(read, this.stampingCodec)).thenCompose((stamped) -> {
					if (Thread.currentThread() == issuer) {
						this.outOfScope.incrementAndGet();
						return CompletableFuture.completedFuture(null);
					}
					this.readPhaseOfWrite.put(write, stamped.orElseThrow().phase());
					return mutex.put(write, "after " + stamped.orElseThrow().value());
				}));
			}
			gate.complete(null);
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		List<String> violations = new ArrayList<>();
		for (int i = 0; i < units; i++) {
			String write = "w" + i;
			Long read = this.readPhaseOfWrite.get(write);
			Long batch = this.batchPhaseOfWrite.get(write);
			if (read != null && !read.equals(batch)) {
				violations.add(write + " read in phase " + read + " but batched after phase " + batch);
			}
		}
		return violations;
	}

}
