package io.levelmutex.rocksdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import org.jspecify.annotations.Nullable;

import io.levelmutex.Keyspace;
import io.levelmutex.StorageException;
import io.levelmutex.StoreHealth;
import io.levelmutex.engine.KeyspaceStorage;
import io.levelmutex.engine.RemoteChangeSink;
import io.levelmutex.engine.StorageEngine;

/**
 * The embedded engine: one RocksDB directory opened with its column families. Keyspaces are a column family
 * plus a key prefix; this process is the only writer (RocksDB locks the directory), so commits never validate
 * updates and no remote change is ever reported. Thread-safe; {@link #close()} runs once no phase uses it.
 */
final class RocksEngine implements StorageEngine {

	private static final System.Logger LOG = System.getLogger(RocksStore.class.getName());

	static {
		RocksDB.loadLibrary();
	}

	private final Path path;

	private final boolean createIfMissing;

	private final BiConsumer<String, ColumnFamilyOptions> columnFamilyOptionsCustomizer;

	private final RocksDB db;

	private final RocksAccess access;

	private final DBOptions dbOptions;

	private final WriteOptions durableWrites;

	private final WriteOptions fastWrites;

	/** Column families by name; guarded by {@code this}. */
	private final Map<String, ColumnFamilyHandle> families = new HashMap<>();

	/**
	 * Writes the durable batches of every mutex, many in one synced write; made by the first durable keyspace
	 * (a store with none runs no committer thread), closed with the engine. Guarded by {@code this}.
	 */
	private @Nullable GroupCommitter committer;

	/** Whether durable keyspaces commit through {@link #committer}. */
	private final boolean groupCommit;

	/** Options of opened column families, closed with the engine; guarded by {@code this}. */
	private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();

	RocksEngine(RocksStore.Builder settings) {
		this.columnFamilyOptionsCustomizer = settings.columnFamilyOptionsCustomizer();
		this.path = settings.path().toAbsolutePath();
		this.createIfMissing = settings.createIfMissing();
		prepareDirectory(this.path, this.createIfMissing);
		this.dbOptions = new DBOptions().setCreateIfMissing(this.createIfMissing)
			.setCreateMissingColumnFamilies(this.createIfMissing)
			.setKeepLogFileNum(settings.keepLogFiles());
		settings.dbOptionsCustomizer().accept(this.dbOptions);
		Set<String> names = new LinkedHashSet<>();
		names.add(Keyspace.DEFAULT_COLUMN_FAMILY);
		names.addAll(existingColumnFamilies(this.path));
		names.addAll(settings.columnFamilies());
		List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
		for (String name : names) {
			descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), familyOptions(name)));
		}
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		try {
			this.db = RocksDB.open(this.dbOptions, this.path.toString(), descriptors, handles);
		}
		catch (RocksDBException ex) {
			this.familyOptions.forEach(ColumnFamilyOptions::close);
			this.dbOptions.close();
			if (StoreLockedException.isLockFailure(ex)) {
				throw new StoreLockedException(this.path, ex);
			}
			throw new StorageException("Cannot open RocksDB store at " + this.path + ": " + ex.getMessage(), ex);
		}
		int i = 0;
		for (String name : names) {
			this.families.put(name, handles.get(i++));
		}
		this.access = settings.accessFactory().apply(this.db);
		this.groupCommit = settings.groupCommit();
		this.durableWrites = new WriteOptions().setSync(true);
		this.fastWrites = new WriteOptions().setSync(false);
	}

	@Override
	public String description() {
		return "rocksdb " + this.path;
	}

	@Override
	public KeyspaceStorage open(Keyspace keyspace, boolean durable, RemoteChangeSink remoteChanges) {
		return new RocksKeyspaceStorage(this.access, family(keyspace.columnFamily()),
				durable ? this.durableWrites : this.fastWrites, keyspace.prefix(), durable && this.groupCommit ? committer() : null);
	}

	synchronized GroupCommitter committer() {
		GroupCommitter made = this.committer;
		if (made == null) {
			made = new GroupCommitter(this.access, this.durableWrites, "level-mutex-commit-" + this.path.getFileName());
			this.committer = made;
		}
		return made;
	}

	/** RocksDB's own health signals; the store reports itself closed once it is closing. */
	@Override
	public StoreHealth health() {
		return new StoreHealth("rocksdb", true, true, dbProperty("rocksdb.background-errors"),
				dbProperty("rocksdb.is-write-stopped") != 0, dbProperty("rocksdb.actual-delayed-write-rate"),
				familiesProperty("rocksdb.estimate-pending-compaction-bytes"), Map.of());
	}

	/** @return every RocksDB call of the engine goes through this (tests) */
	RocksAccess access() {
		return this.access;
	}

	RocksDB db() {
		return this.db;
	}

	/** The store's directory: its thread names and the actuator show it. */
	@Override
	public @Nullable Path directory() {
		return this.path;
	}

	/** Closes RocksDB's native handles; run once, when no phase uses them. */
	@Override
	public synchronized void close() {
		if (this.committer != null) {
			this.committer.close(); // first: no write after the handles close
		}
		for (ColumnFamilyHandle handle : this.families.values()) {
			handle.close();
		}
		try {
			this.db.syncWal();
		}
		catch (RocksDBException ex) {
			LOG.log(System.Logger.Level.WARNING, "Syncing the WAL of " + this.path + " failed", ex);
		}
		this.db.close();
		this.durableWrites.close();
		this.fastWrites.close();
		this.familyOptions.forEach(ColumnFamilyOptions::close);
		this.dbOptions.close();
	}

	private long dbProperty(String name) {
		try {
			return this.db.getLongProperty(name);
		}
		catch (RocksDBException ex) {
			return 0; // not reported by this RocksDB build
		}
	}

	private long familiesProperty(String name) {
		List<ColumnFamilyHandle> handles;
		synchronized (this) {
			handles = new ArrayList<>(this.families.values());
		}
		long total = 0;
		for (ColumnFamilyHandle handle : handles) {
			try {
				total += this.db.getLongProperty(handle, name);
			}
			catch (RocksDBException ex) {
				// not reported for this family
			}
		}
		return total;
	}

	private synchronized ColumnFamilyHandle family(String name) {
		ColumnFamilyHandle handle = this.families.get(name);
		if (handle != null) {
			return handle;
		}
		if (!this.createIfMissing) {
			throw new StorageException("Column family '" + name + "' does not exist in " + this.path
					+ " and create-if-missing is off", null);
		}
		try {
			handle = this.db.createColumnFamily(
					new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), familyOptions(name)));
		}
		catch (RocksDBException ex) {
			throw new StorageException("Cannot create column family '" + name + "': " + ex.getMessage(), ex);
		}
		this.families.put(name, handle);
		return handle;
	}

	private ColumnFamilyOptions familyOptions(String name) {
		ColumnFamilyOptions created = new ColumnFamilyOptions();
		this.columnFamilyOptionsCustomizer.accept(name, created);
		this.familyOptions.add(created);
		return created;
	}

	private static void prepareDirectory(Path path, boolean create) {
		try {
			if (create) {
				Files.createDirectories(path);
			}
			else if (!Files.isDirectory(path)) {
				throw new StorageException("Store directory " + path + " does not exist and create-if-missing is off",
						null);
			}
		}
		catch (IOException ex) {
			throw new StorageException("Cannot create store directory " + path + ": " + ex.getMessage(), ex);
		}
		if (!Files.isWritable(path)) {
			throw new StorageException("Store directory " + path + " is not writable", null);
		}
	}

	private static List<String> existingColumnFamilies(Path path) {
		if (!Files.exists(path.resolve("CURRENT"))) {
			return List.of();
		}
		try (Options listOptions = new Options()) {
			List<String> names = new ArrayList<>();
			for (byte[] name : RocksDB.listColumnFamilies(listOptions, path.toString())) {
				names.add(new String(name, StandardCharsets.UTF_8));
			}
			return names;
		}
		catch (RocksDBException ex) {
			throw new StorageException("Cannot list column families of " + path + ": " + ex.getMessage(), ex);
		}
	}

}
