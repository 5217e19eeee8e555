package io.levelmutex.sample.couch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.Entry;
import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.UpdateContext;

/**
 * Walks a key range of a mutex in chunks. The core has no iterator: each chunk is one
 * read-only {@link Mutex#update conditional write} that peeks entry after entry on the read
 * phase's snapshot, so a chunk is consistent in itself and never holds the read phase for
 * more than {@code chunk} peeks; the next chunk starts after the last key seen, in a later
 * read phase. The visitor runs on the thread completing the chunk, in key order, and stops
 * the walk by returning {@code false}.
 */
final class RangeScan {

	private RangeScan() {
	}

	/** Reads one entry inside the read phase (may read more keys through the context). */
	@FunctionalInterface
	interface Reader<T> {

		T read(UpdateContext<byte[], byte[]> context, Entry<byte[], byte[]> entry);

	}

	/** Receives the items in key order; {@code false} stops the walk. */
	@FunctionalInterface
	interface Visitor<T> {

		boolean accept(T item);

	}

	/**
	 * Walks the range.
	 * @param attempts how many times a chunk runs at most when the engine rejects it because another
	 * instance wrote what it read after its snapshot (PostgreSQL; one always suffices on RocksDB)
	 */
	static <T> CompletableFuture<Void> scan(Mutex<byte[], byte[]> mutex, KeyRange<byte[]> range, boolean descending,
			int chunk, int attempts, Reader<T> reader, Visitor<T> visitor) {
		return mutex.update((context) -> readChunk(context, range, descending, chunk, reader), attempts)
			.thenCompose((items) -> {
				for (Item<T> item : items) {
					if (!visitor.accept(item.value())) {
						return CompletableFuture.completedFuture(null);
					}
				}
				if (items.size() < chunk) {
					return CompletableFuture.completedFuture(null);
				}
				byte[] last = items.get(items.size() - 1).key();
				KeyRange<byte[]> rest = descending ? range.withEnd(last, false) : range.withStart(last, false);
				return scan(mutex, rest, descending, chunk, attempts, reader, visitor);
			});
	}

	private static <T> List<Item<T>> readChunk(UpdateContext<byte[], byte[]> context, KeyRange<byte[]> range,
			boolean descending, int chunk, Reader<T> reader) {
		List<Item<T>> items = new ArrayList<>(Math.min(chunk, 64));
		KeyRange<byte[]> rest = range;
		while (items.size() < chunk) {
			Optional<Entry<byte[], byte[]>> entry = descending ? context.peekLast(rest) : context.peekFirst(rest);
			if (entry.isEmpty()) {
				break;
			}
			byte[] key = entry.get().key();
			items.add(new Item<>(key, reader.read(context, entry.get())));
			rest = descending ? rest.withEnd(key, false) : rest.withStart(key, false);
		}
		return items;
	}

	private record Item<T>(byte[] key, T value) {
	}

}
