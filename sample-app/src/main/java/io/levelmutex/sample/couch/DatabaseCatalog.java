package io.levelmutex.sample.couch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.levelmutex.KeyRange;
import io.levelmutex.Mutex;
import io.levelmutex.spring.boot.MutexRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The list of databases, kept in the {@code databases} mutex (configured in
 * {@code application.yml} and injected by name), and the way to each database's own mutex
 * (taken from the {@link MutexRegistry} on demand, named {@code db/<name>}).
 *
 * <p>The {@code databases} mutex maps each name to the number of its current incarnation;
 * a counter under a key that no database name can take hands out the numbers. Creating and
 * deleting a database are conditional writes on that mutex, so two concurrent creations of
 * one name give one 201 and one 412. A deleted incarnation's keys are purged in the
 * background; a database created again under the same name is a new incarnation and never
 * sees them.
 */
@Component
final class DatabaseCatalog {

	static final String MUTEX_PREFIX = "db/";

	private static final Log logger = LogFactory.getLog(DatabaseCatalog.class);

	/** Sorts before every database name (they start with a lowercase letter). */
	private static final byte[] INSTANCE_COUNTER = "!instance".getBytes(StandardCharsets.UTF_8);

	private static final byte[] FIRST_NAME = "a".getBytes(StandardCharsets.UTF_8);

	private final MutexRegistry registry;

	private final Mutex<byte[], byte[]> catalog;

	private final CouchProperties properties;

	DatabaseCatalog(MutexRegistry registry, @Qualifier("databases") Mutex<byte[], byte[]> catalog,
			CouchProperties properties) {
		this.registry = registry;
		this.catalog = catalog;
		this.properties = properties;
	}

	/**
	 * The database of that name.
	 * @return the database; fails with 404 {@code not_found} if there is none, 400
	 * {@code illegal_database_name} if the name breaks CouchDB's rule
	 */
	CompletableFuture<Database> open(String name) {
		DocumentIds.checkDatabaseName(name);
		return this.catalog.get(key(name)).thenApply((instance) -> database(name,
				instance.map(DatabaseCatalog::decodeLong).orElseThrow(CouchException::databaseMissing)));
	}

	/**
	 * Creates a database.
	 * @return completes when it is listed; fails with 412 {@code file_exists} if it already is
	 */
	CompletableFuture<Database> create(String name) {
		DocumentIds.checkDatabaseName(name);
		return this.catalog.update((context) -> {
			if (context.get(key(name)).isPresent()) {
				throw CouchException.fileExists();
			}
			long instance = context.get(INSTANCE_COUNTER).map(DatabaseCatalog::decodeLong).orElse(0L) + 1;
			context.put(INSTANCE_COUNTER, encodeLong(instance));
			context.put(key(name), encodeLong(instance));
			return instance;
		}).thenApply((instance) -> database(name, instance));
	}

	/**
	 * Deletes a database: it is unlisted at once, its keys are purged in the background.
	 * @return completes when it is unlisted; fails with 404 {@code not_found} if it was not
	 */
	CompletableFuture<Void> delete(String name) {
		DocumentIds.checkDatabaseName(name);
		return this.catalog.update((context) -> {
			long instance = context.get(key(name))
				.map(DatabaseCatalog::decodeLong)
				.orElseThrow(CouchException::databaseMissing);
			context.del(key(name));
			return instance;
		}).thenAccept((instance) -> {
			Database deleted = database(name, instance);
			deleted.purge().whenComplete((count, ex) -> {
				if (ex != null) {
					logger.warn("Purging deleted database '" + name + "' (incarnation " + instance + ") failed", ex);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Purged " + count + " keys of deleted database '" + name + "'");
				}
			});
		});
	}

	/** The names of all databases, in byte order. */
	CompletableFuture<List<String>> list() {
		List<String> names = new ArrayList<>();
		return RangeScan
			.scan(this.catalog, KeyRange.atLeast(FIRST_NAME), false, this.properties.scanChunk(),
					this.properties.updateAttempts(), (context, entry) -> new String(entry.key(), StandardCharsets.UTF_8), names::add)
			.thenApply((done) -> names);
	}

	private Database database(String name, long instance) {
		Mutex<byte[], byte[]> mutex = this.registry.mutex(MUTEX_PREFIX + name);
		return new Database(name, instance, mutex, this.properties.scanChunk(), this.properties.updateAttempts());
	}

	private static byte[] key(String name) {
		return name.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] encodeLong(long value) {
		return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
	}

	private static long decodeLong(byte[] bytes) {
		return ByteBuffer.wrap(bytes).getLong();
	}

}
