package io.levelmutex;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import io.levelmutex.engine.KeyspaceStorage;

/**
 * Tells an engine that {@link KeyspaceStorage#preparesBatches() prepares batches} which operations will probably
 * begin the next batch, while a write phase's last batch completes its items: in a closed loop the callbacks of
 * those completions issue the next batch's writes, and the engine can encode them (the embedded engine: fill its
 * native batch, on another thread) while the rest complete, instead of after. Only a hint
 * ({@link KeyspaceStorage#prepare}): the next batch is built as always, by {@link BatchBuilder} from the queue, and
 * the engine writes exactly that batch. This only reads the queue (nothing is taken), walking its entries from the
 * head while they are plain writes that fit one batch, as the next batch would take them; it stops at the first
 * update or barrier. One per mutex, used by its cycle thread only, between {@link #start} and {@link #end} of one
 * completion loop (nothing polls the queue meanwhile).
 */
final class NextBatchHint {

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	/** Completions between two hints, and the most operations one hint carries. */
	static final int CHUNK = 32;

	/** The fewest items a completing batch has for a hint to be given (a lone write's batch gives none). */
	static final int MIN_ITEMS = 2 * CHUNK;

	private final KeyspaceStorage storage;

	private final int maxOperations;

	private final long maxBytes;

	/** The operations of the hint being gathered; reused, emptied after each hint. */
	private final WriteOperation[] chunk = new WriteOperation[CHUNK];

	/** Their stored keys, index for index. */
	private final byte[][] chunkKeys = new byte[CHUNK][];

	/** The queue walked, while active; {@code null} otherwise. */
	private @Nullable OpQueue<QueuedWrite> queue;

	/** The last entry hinted, or {@code null} before the first. */
	private @Nullable QueuedWrite last;

	/** Operations and bytes hinted since {@link #start}. */
	private int operations;

	private long bytes;

	/** Whether the walk goes on: {@link #start} sets it; the end of the batch's room, a non-plain entry or a failure clear it. */
	private boolean walking;

	NextBatchHint(KeyspaceStorage storage, MutexOptions options) {
		this.storage = storage;
		this.maxOperations = options.maxBatchOperations();
		this.maxBytes = options.maxBatchBytes();
	}

	/** A completion loop starts whose items' callbacks may queue the next batch's writes at the head of {@code queue}. */
	void start(OpQueue<QueuedWrite> queue) {
		this.queue = queue;
		this.last = null;
		this.operations = 0;
		this.bytes = 0;
		this.walking = true;
	}

	/** Hints the plain writes queued since the last call; never throws (the completion loop goes on). */
	void advance() {
		OpQueue<QueuedWrite> from = this.queue;
		if (!this.walking || from == null) {
			return;
		}
		int count = 0;
		try {
			QueuedWrite previous = this.last;
			QueuedWrite entry = (previous == null) ? from.peek() : from.next(previous);
			while (entry != null) {
				if (!(entry instanceof PlainWrite plain)) {
					this.walking = false; // an update or a barrier: what follows depends on it
					break;
				}
				WriteOperation op = plain.operation;
				int size = op.size();
				if (this.operations > 0
						&& (this.operations + 1 > this.maxOperations || this.bytes + size > this.maxBytes)) {
					this.walking = false; // the next batch ends here (BatchBuilder.fits)
					break;
				}
				this.chunk[count] = op;
				this.chunkKeys[count++] = op.storedKey;
				this.operations++;
				this.bytes += size;
				this.last = entry;
				if (count == CHUNK) {
					this.storage.prepare(this.chunk, this.chunkKeys, count);
					count = 0;
				}
				entry = from.next(entry);
			}
			if (count > 0) {
				this.storage.prepare(this.chunk, this.chunkKeys, count);
			}
		}
		catch (Throwable bug) {
			this.walking = false;
			LOG.log(System.Logger.Level.WARNING, "Hinting the next batch failed; the batch is written as usual", bug);
		}
	}

	/** The completion loop ended: hints what it queued last, and forgets the walk. */
	void end() {
		advance();
		this.walking = false;
		this.queue = null;
		this.last = null;
		Arrays.fill(this.chunk, null);
		Arrays.fill(this.chunkKeys, null);
	}

}
