package io.levelmutex.engine;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Keyspace;
import io.levelmutex.StoreHealth;

/**
 * A storage engine: where a {@link io.levelmutex.MutexStore} keeps the keyspaces of its mutexes. SPI,
 * implemented by engine modules; see the package documentation for the threading contract.
 */
public interface StorageEngine {

	/**
	 * What and where this engine is, for logs, health and the actuator endpoint, e.g.
	 * {@code "rocksdb /var/lib/app/mutex"} or {@code "postgresql level_mutex_ tables"}.
	 * @return a short description
	 */
	String description();

	/**
	 * The local directory the engine keeps its data in, for the store's thread names, health and the actuator
	 * endpoint; {@code null} (the default) for an engine without one, e.g. a database server.
	 * @return the directory, absolute, or {@code null}
	 */
	default @Nullable Path directory() {
		return null;
	}

	/**
	 * Opens the storage of one mutex's keyspace. Called once per mutex, under the store's lock; the store has
	 * already refused keyspaces that overlap another open mutex's.
	 * @param keyspace the keyspace
	 * @param durable whether a commit must be durable (synced) before it returns: the mutex's
	 * {@code MutexOptions.durable}, else the store's {@link io.levelmutex.StoreOptions#durable()}; an engine that
	 * is always durable ignores {@code false}
	 * @param remoteChanges where the engine reports batches that other writers committed to this keyspace;
	 * engines without other writers never call it
	 * @return the keyspace's storage
	 * @throws io.levelmutex.StorageException if the keyspace cannot be opened
	 */
	KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges);

	/**
	 * The engine's health. Never blocks for long: an engine whose server is unreachable reports it as
	 * unavailable rather than waiting.
	 * @return the health
	 */
	StoreHealth health();

	/**
	 * Releases everything the engine holds. Called once, after every keyspace storage was closed and no phase
	 * uses the engine any more.
	 */
	void close();

}
