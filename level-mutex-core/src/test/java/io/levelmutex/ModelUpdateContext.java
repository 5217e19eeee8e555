package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.levelmutex.codec.Codec;

/**
 * The model's {@link UpdateContext}: reads a view (committed state plus the earlier writes of
 * the batch), records writes without showing them to the function, as the README promises.
 */
final class ModelUpdateContext implements UpdateContext<String, String> {

	private final KeyspaceModel view;

	final List<ModelWrite> writes = new ArrayList<>();

	ModelUpdateContext(KeyspaceModel view) {
		this.view = view;
	}

	@Override
	public Optional<String> get(String key) {
		return this.view.get(key);
	}

	@Override
	public <T> Optional<T> get(String key, Codec<T> valueCodec) {
		throw new UnsupportedOperationException("the model's updates use the mutex's codec");
	}

	@Override
	public Optional<Entry<String, String>> peekFirst(KeyRange<String> range) {
		return this.view.peekFirst(range);
	}

	@Override
	public Optional<Entry<String, String>> peekLast(KeyRange<String> range) {
		return this.view.peekLast(range);
	}

	@Override
	public void put(String key, String value) {
		this.writes.add(new ModelWrite(true, key, value));
	}

	@Override
	public <T> void put(String key, T value, Codec<T> valueCodec) {
		throw new UnsupportedOperationException("the model's updates use the mutex's codec");
	}

	@Override
	public void del(String key) {
		this.writes.add(new ModelWrite(false, key, null));
	}

	@Override
	public int attempt() {
		return 1;
	}

}
