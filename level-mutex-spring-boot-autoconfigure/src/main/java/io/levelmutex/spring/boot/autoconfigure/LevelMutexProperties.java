package io.levelmutex.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for level-mutex, under {@code level-mutex}: engine-neutral settings (the store's
 * engine, cycle pool and close timeout under {@code level-mutex.store}, the mutexes, their defaults, events and
 * health), the embedded engine's under {@code level-mutex.rocksdb} and PostgreSQL's under
 * {@code level-mutex.postgres}. Unknown keys under the prefix fail the application's startup, naming the key, so
 * that a typo (or a setting's old name) never silently falls back to a default.
 */
@ConfigurationProperties(prefix = "level-mutex", ignoreUnknownFields = false)
public class LevelMutexProperties {

	/**
	 * Whether to enable the level-mutex auto-configuration: the store, the mutex registry, and
	 * their events, health, metrics and endpoint.
	 */
	private boolean enabled = true;

	/**
	 * Whether mutexes not named under 'level-mutex.mutexes' may be created on demand by
	 * MutexRegistry#mutex(name), with the 'level-mutex.defaults' limits and the keyspace
	 * Keyspace.forMutex(name).
	 */
	private boolean createOnDemand = true;

	private final Store store = new Store();

	private final Rocksdb rocksdb = new Rocksdb();

	private final Defaults defaults = new Defaults();

	/**
	 * Mutexes to create at startup, by name; each is also a bean of that name. A mutex is
	 * declared by its name appearing here in any property source: with an empty value
	 * ('orders:' in YAML, 'level-mutex.mutexes.orders=') or with any of its settings.
	 */
	private final Map<String, MutexSettings> mutexes = new LinkedHashMap<>();

	private final Events events = new Events();

	private final Health health = new Health();

	private final Postgres postgres = new Postgres();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isCreateOnDemand() {
		return this.createOnDemand;
	}

	public void setCreateOnDemand(boolean createOnDemand) {
		this.createOnDemand = createOnDemand;
	}

	public Store getStore() {
		return this.store;
	}

	public Rocksdb getRocksdb() {
		return this.rocksdb;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, MutexSettings> getMutexes() {
		return this.mutexes;
	}

	public Events getEvents() {
		return this.events;
	}

	public Health getHealth() {
		return this.health;
	}

	public Postgres getPostgres() {
		return this.postgres;
	}

	/** The storage engine of the store. */
	public enum Engine {

		/** An embedded RocksDB directory ('level-mutex.rocksdb.*'). */
		ROCKSDB,

		/** PostgreSQL tables, on the application's DataSource or the one 'level-mutex.postgres.url' names. */
		POSTGRES

	}

	/**
	 * Whether the PostgreSQL engine creates its tables: the values and meaning of Spring Boot's
	 * {@code DatabaseInitializationMode} ({@code spring.sql.init.mode}). It is a type of its own because Boot's is
	 * in spring-boot-sql, which an application on the embedded engine need not have: binding these properties
	 * must not need it.
	 */
	public enum InitializeSchema {

		/** Create the tables when they are missing (idempotent; safe with several instances starting at once). */
		ALWAYS,

		/**
		 * Create them only in an embedded database; a PostgreSQL server never is one, so as {@link #NEVER}
		 * (Boot's meaning of {@code embedded}, kept so that a value copied from {@code spring.sql.init.mode}
		 * means the same here).
		 */
		EMBEDDED,

		/** Never create them: only verify that they exist, and fail at startup when they do not. */
		NEVER;

		/**
		 * Whether the PostgreSQL engine creates its tables in this mode.
		 * @return true for {@link #ALWAYS} only (a PostgreSQL server is never an embedded database)
		 */
		public boolean initializesPostgres() {
			return this == ALWAYS;
		}

	}

	/** The PostgreSQL engine ('level-mutex.store.engine=postgres'). */
	public static class Postgres {

		/**
		 * JDBC URL of a database dedicated to the store. When not set, the store uses the application's
		 * DataSource (the one qualified with @LevelMutexDataSource if there is one, else 'spring.datasource.*'),
		 * or one derived from it when 'username' is set. A LevelMutexPostgresConnectionDetails bean replaces
		 * 'url', 'username' and 'password'.
		 */
		private @Nullable String url;

		/**
		 * Login user of the store's database. With 'url': defaults to the application's
		 * ('spring.datasource.username'); without: the store gets a DataSource of its own, derived from the
		 * application's (same URL), with this user.
		 */
		private @Nullable String username;

		/**
		 * Login password of the store's database ('url' or 'username'); when 'username' is not set either,
		 * defaults to the application's ('spring.datasource.password').
		 */
		private @Nullable String password;

		/**
		 * Whether to create the engine's tables when they are missing ('always') or only verify that they
		 * exist ('never'; 'embedded', as in 'spring.sql.init.mode', is 'never' on a PostgreSQL server).
		 */
		private InitializeSchema initializeSchema = InitializeSchema.ALWAYS;

		/**
		 * Prefix of the engine's table names; letters, digits and underscores.
		 */
		private String tablePrefix = "level_mutex_";

		/**
		 * PostgreSQL LISTEN/NOTIFY channel on which instances announce their commits to one another.
		 */
		private String notificationChannel = "level_mutex";

		/**
		 * How often the engine polls for other instances' commits when notifications are not received
		 * (fallback while the listening connection is down).
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How long reads and commits wait for a connection while the database is unreachable before they fail
		 * with StorageUnavailableException.
		 */
		private Duration connectWait = Duration.ofSeconds(10);

		/**
		 * How long the engine tries to learn the outcome of a commit whose connection was lost during COMMIT
		 * before failing its writes with CommitOutcomeUnknownException.
		 */
		private Duration resolveWait = Duration.ofSeconds(10);

		/**
		 * How many joined commits the store keeps in flight at most (0 turns joining off, at most 16): while one
		 * batch commits, the batches of this instance's other mutexes go to PostgreSQL together in one transaction,
		 * each keyspace's batch still atomic, validated and rejected alone. Needs schema version 3; on version 2
		 * every batch commits on its own.
		 */
		private int joinedCommits = 1;

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public InitializeSchema getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(InitializeSchema initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public String getNotificationChannel() {
			return this.notificationChannel;
		}

		public void setNotificationChannel(String notificationChannel) {
			this.notificationChannel = notificationChannel;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getConnectWait() {
			return this.connectWait;
		}

		public void setConnectWait(Duration connectWait) {
			this.connectWait = connectWait;
		}

		public Duration getResolveWait() {
			return this.resolveWait;
		}

		public void setResolveWait(Duration resolveWait) {
			this.resolveWait = resolveWait;
		}

		public int getJoinedCommits() {
			return this.joinedCommits;
		}

		public void setJoinedCommits(int joinedCommits) {
			this.joinedCommits = joinedCommits;
		}

	}

	/** The level-mutex health contributor. */
	public static class Health {

		/**
		 * How long one cycle of a mutex may run before the health contributor reports the
		 * mutex as stalled (DOWN): a listener, a callback run on the cycle thread, or RocksDB
		 * is holding it up. Also how long a mutex's queued work may wait for a cycle thread
		 * before it is reported as starved (DOWN): the cycle pool is taken by other mutexes.
		 */
		private Duration stallTimeout = Duration.ofSeconds(10);

		public Duration getStallTimeout() {
			return this.stallTimeout;
		}

		public void setStallTimeout(Duration stallTimeout) {
			this.stallTimeout = stallTimeout;
		}

	}

	/**
	 * The store's engine-neutral settings, under 'level-mutex.store': its engine and how it runs the mutexes' cycles.
	 * The embedded engine's own settings are under 'level-mutex.rocksdb', PostgreSQL's under 'level-mutex.postgres'.
	 */
	public static class Store {

		/**
		 * Storage engine of the store: 'rocksdb' (an embedded directory, the default, see 'level-mutex.rocksdb.*')
		 * or 'postgres' (tables in a PostgreSQL database shared by every instance of the application, see
		 * 'level-mutex.postgres.*'). A setting of the other engine fails startup, naming it.
		 */
		private Engine engine = Engine.ROCKSDB;

		/**
		 * Threads of the store's cycle pool, shared by all mutexes: how many mutexes can read
		 * or flush at the same moment. Defaults to four per processor, at least 8.
		 */
		private @Nullable Integer cycleThreads;

		/**
		 * How long closing the store waits for the mutexes to finish their queued operations
		 * before closing the engine anyway; operations still queued then fail.
		 */
		private Duration closeTimeout = Duration.ofSeconds(30);

		public Engine getEngine() {
			return this.engine;
		}

		public void setEngine(Engine engine) {
			this.engine = engine;
		}

		public @Nullable Integer getCycleThreads() {
			return this.cycleThreads;
		}

		public void setCycleThreads(@Nullable Integer cycleThreads) {
			this.cycleThreads = cycleThreads;
		}

		public Duration getCloseTimeout() {
			return this.closeTimeout;
		}

		public void setCloseTimeout(Duration closeTimeout) {
			this.closeTimeout = closeTimeout;
		}

	}

	/**
	 * The embedded RocksDB engine ('level-mutex.store.engine=rocksdb', the default), under 'level-mutex.rocksdb'.
	 */
	public static class Rocksdb {

		/**
		 * Directory of the RocksDB store, resolved against the working directory when
		 * relative.
		 */
		private String path = "./data/level-mutex";

		/**
		 * Whether to open the store in a fresh temporary directory, deleted when the
		 * application context closes, instead of 'level-mutex.rocksdb.path': for tests, so that
		 * each application context has a store of its own.
		 */
		private boolean temporary;

		/**
		 * Whether to create the directory and missing column families when they do not exist.
		 */
		private boolean createIfMissing = true;

		/**
		 * Whether batches are fsync'd to the write-ahead log before their writes complete.
		 * When false, a write survives a process crash but may be lost on power loss. (On PostgreSQL
		 * a write is as durable as the database's commit.)
		 */
		private boolean durable = true;

		/**
		 * Column families to open (and create if missing) besides the default one and those
		 * named by mutexes.
		 */
		private List<String> columnFamilies = new ArrayList<>();

		/**
		 * RocksDB options per column family, by column family name ('default' for the default
		 * one). Every column family named here must be the default one, listed in
		 * 'level-mutex.rocksdb.column-families' or used by a configured mutex.
		 */
		private final Map<String, ColumnFamilySettings> columnFamilyOptions = new LinkedHashMap<>();

		/**
		 * How many RocksDB info log files (LOG and the LOG.old.* files of earlier opens) the
		 * store's directory keeps; older ones are deleted.
		 */
		private int keepLogFiles = 5;

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public boolean isTemporary() {
			return this.temporary;
		}

		public void setTemporary(boolean temporary) {
			this.temporary = temporary;
		}

		public int getKeepLogFiles() {
			return this.keepLogFiles;
		}

		public void setKeepLogFiles(int keepLogFiles) {
			this.keepLogFiles = keepLogFiles;
		}

		public boolean isCreateIfMissing() {
			return this.createIfMissing;
		}

		public void setCreateIfMissing(boolean createIfMissing) {
			this.createIfMissing = createIfMissing;
		}

		public boolean isDurable() {
			return this.durable;
		}

		public void setDurable(boolean durable) {
			this.durable = durable;
		}

		public List<String> getColumnFamilies() {
			return this.columnFamilies;
		}

		public void setColumnFamilies(List<String> columnFamilies) {
			this.columnFamilies = columnFamilies;
		}

		public Map<String, ColumnFamilySettings> getColumnFamilyOptions() {
			return this.columnFamilyOptions;
		}

	}

	/** RocksDB options of one column family; unset options keep RocksDB's defaults. */
	public static class ColumnFamilySettings {

		/**
		 * Size of one memtable (RocksDB write_buffer_size).
		 */
		private @Nullable DataSize writeBufferSize;

		/**
		 * Most memtables held in memory before writes stall (RocksDB
		 * max_write_buffer_number).
		 */
		private @Nullable Integer maxWriteBufferNumber;

		/**
		 * Target size of SST files at level 1 (RocksDB target_file_size_base).
		 */
		private @Nullable DataSize targetFileSizeBase;

		/**
		 * Compression of SST files.
		 */
		private @Nullable Compression compression;

		public @Nullable DataSize getWriteBufferSize() {
			return this.writeBufferSize;
		}

		public void setWriteBufferSize(@Nullable DataSize writeBufferSize) {
			this.writeBufferSize = writeBufferSize;
		}

		public @Nullable Integer getMaxWriteBufferNumber() {
			return this.maxWriteBufferNumber;
		}

		public void setMaxWriteBufferNumber(@Nullable Integer maxWriteBufferNumber) {
			this.maxWriteBufferNumber = maxWriteBufferNumber;
		}

		public @Nullable DataSize getTargetFileSizeBase() {
			return this.targetFileSizeBase;
		}

		public void setTargetFileSizeBase(@Nullable DataSize targetFileSizeBase) {
			this.targetFileSizeBase = targetFileSizeBase;
		}

		public @Nullable Compression getCompression() {
			return this.compression;
		}

		public void setCompression(@Nullable Compression compression) {
			this.compression = compression;
		}

	}

	/** Compression of a column family's SST files. */
	public enum Compression {

		/** No compression. */
		NONE,

		/** Snappy. */
		SNAPPY,

		/** LZ4. */
		LZ4,

		/** Zstandard. */
		ZSTD

	}

	/** Limits of every mutex, unless the mutex sets its own. */
	public static class Defaults {

		/**
		 * Most operations (reads and writes) that may wait in one mutex's queue; over it,
		 * calls fail at once with MutexOverloadedException.
		 */
		private int maxQueuedOperations = 65536;

		/**
		 * Most writes in one batch; more go, in order, into the next batch.
		 */
		private int maxBatchOperations = 8192;

		/**
		 * Most key and value bytes in one batch; more go, in order, into the next batch.
		 */
		private DataSize maxBatchSize = DataSize.ofMegabytes(32);

		/**
		 * Largest key accepted, without the keyspace's prefix.
		 */
		private DataSize maxKeySize = DataSize.ofKilobytes(16);

		/**
		 * Largest value accepted.
		 */
		private DataSize maxValueSize = DataSize.ofMegabytes(8);

		/**
		 * How many attempts of a conditional write (Mutex#update) the engine may reject for a
		 * conflict with another instance's writes before it fails with WriteConflictException
		 * (only PostgreSQL has conflicts).
		 */
		private int maxUpdateAttempts = 10;

		public int getMaxQueuedOperations() {
			return this.maxQueuedOperations;
		}

		public void setMaxQueuedOperations(int maxQueuedOperations) {
			this.maxQueuedOperations = maxQueuedOperations;
		}

		public int getMaxBatchOperations() {
			return this.maxBatchOperations;
		}

		public void setMaxBatchOperations(int maxBatchOperations) {
			this.maxBatchOperations = maxBatchOperations;
		}

		public DataSize getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(DataSize maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public DataSize getMaxKeySize() {
			return this.maxKeySize;
		}

		public void setMaxKeySize(DataSize maxKeySize) {
			this.maxKeySize = maxKeySize;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public int getMaxUpdateAttempts() {
			return this.maxUpdateAttempts;
		}

		public void setMaxUpdateAttempts(int maxUpdateAttempts) {
			this.maxUpdateAttempts = maxUpdateAttempts;
		}

	}

	/** One configured mutex: its keyspace and limits; unset limits use the defaults. */
	public static class MutexSettings {

		/**
		 * Column family of the mutex's keyspace. When neither this nor 'prefix' is set, the
		 * keyspace is Keyspace.forMutex(name): the default column family, keys prefixed by the
		 * name and a zero byte. When only this is set, the mutex owns the whole column family.
		 */
		private @Nullable String columnFamily;

		/**
		 * Key prefix (UTF-8) of the mutex's keyspace, replacing the default one; in the
		 * default column family unless 'column-family' is set. An empty prefix owns the whole
		 * column family.
		 */
		private @Nullable String prefix;

		/**
		 * Whether this mutex's batches are fsync'd; defaults to 'level-mutex.rocksdb.durable' (embedded engine only).
		 */
		private @Nullable Boolean durable;

		/**
		 * Most operations that may wait in this mutex's queue.
		 */
		private @Nullable Integer maxQueuedOperations;

		/**
		 * Most writes in one of this mutex's batches.
		 */
		private @Nullable Integer maxBatchOperations;

		/**
		 * Most key and value bytes in one of this mutex's batches.
		 */
		private @Nullable DataSize maxBatchSize;

		/**
		 * Largest key this mutex accepts, without its prefix.
		 */
		private @Nullable DataSize maxKeySize;

		/**
		 * Largest value this mutex accepts.
		 */
		private @Nullable DataSize maxValueSize;

		/**
		 * How many times a conditional write on this mutex runs before failing with a
		 * conflict.
		 */
		private @Nullable Integer maxUpdateAttempts;

		public @Nullable String getColumnFamily() {
			return this.columnFamily;
		}

		public void setColumnFamily(@Nullable String columnFamily) {
			this.columnFamily = columnFamily;
		}

		public @Nullable String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(@Nullable String prefix) {
			this.prefix = prefix;
		}

		public @Nullable Boolean getDurable() {
			return this.durable;
		}

		public void setDurable(@Nullable Boolean durable) {
			this.durable = durable;
		}

		public @Nullable Integer getMaxQueuedOperations() {
			return this.maxQueuedOperations;
		}

		public void setMaxQueuedOperations(@Nullable Integer maxQueuedOperations) {
			this.maxQueuedOperations = maxQueuedOperations;
		}

		public @Nullable Integer getMaxBatchOperations() {
			return this.maxBatchOperations;
		}

		public void setMaxBatchOperations(@Nullable Integer maxBatchOperations) {
			this.maxBatchOperations = maxBatchOperations;
		}

		public @Nullable DataSize getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(@Nullable DataSize maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public @Nullable DataSize getMaxKeySize() {
			return this.maxKeySize;
		}

		public void setMaxKeySize(@Nullable DataSize maxKeySize) {
			this.maxKeySize = maxKeySize;
		}

		public @Nullable DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(@Nullable DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public @Nullable Integer getMaxUpdateAttempts() {
			return this.maxUpdateAttempts;
		}

		public void setMaxUpdateAttempts(@Nullable Integer maxUpdateAttempts) {
			this.maxUpdateAttempts = maxUpdateAttempts;
		}

		// ---- codecs of the mutex's bean (typed mutex beans)

		/**
		 * Codec of the keys of the mutex's bean: 'bytes' (Mutex<byte[], ?>) or 'utf8'
		 * (Mutex<String, ?>).
		 */
		private KeyCodec keyCodec = KeyCodec.BYTES;

		/**
		 * Codec of the values of the mutex's bean: 'bytes' (Mutex<?, byte[]>), 'utf8'
		 * (Mutex<?, String>) or 'json' (Mutex<?, T> with T the 'value-type', through the
		 * application's JsonMapper). Defaults to 'json' when 'value-type' is set, else 'bytes'.
		 */
		private @Nullable ValueCodec valueCodec;

		/**
		 * Type of the values of the mutex's bean with the 'json' value codec, e.g.
		 * com.example.Order; Jackson's JsonNode when not set.
		 */
		private @Nullable Class<?> valueType;

		public KeyCodec getKeyCodec() {
			return this.keyCodec;
		}

		public void setKeyCodec(KeyCodec keyCodec) {
			this.keyCodec = keyCodec;
		}

		public @Nullable ValueCodec getValueCodec() {
			return this.valueCodec;
		}

		public void setValueCodec(@Nullable ValueCodec valueCodec) {
			this.valueCodec = valueCodec;
		}

		public @Nullable Class<?> getValueType() {
			return this.valueType;
		}

		public void setValueType(@Nullable Class<?> valueType) {
			this.valueType = valueType;
		}

		/** Codecs for the keys of a mutex bean. */
		public enum KeyCodec {

			/** Keys as given: {@code Mutex<byte[], ?>}. */
			BYTES,

			/** Strings as UTF-8: {@code Mutex<String, ?>}. */
			UTF8,

			/** Longs, 8 bytes in numeric order ({@code Codecs.int64()}): {@code Mutex<Long, ?>}. */
			LONG,

			/** Ints, 4 bytes in numeric order ({@code Codecs.int32()}): {@code Mutex<Integer, ?>}. */
			INT

		}

		/** Codecs for the values of a mutex bean. */
		public enum ValueCodec {

			/** Values as given: {@code Mutex<?, byte[]>}. */
			BYTES,

			/** Strings as UTF-8: {@code Mutex<?, String>}. */
			UTF8,

			/** Longs as 8 bytes ({@code Codecs.int64()}): {@code Mutex<?, Long>}, e.g. a stock or a counter. */
			LONG,

			/** Ints as 4 bytes ({@code Codecs.int32()}): {@code Mutex<?, Integer>}. */
			INT,

			/** JSON of the 'value-type' through the application's JsonMapper. */
			JSON

		}

	}

	/** Spring application events for mutex phases. */
	public static class Events {

		/**
		 * Whether to publish mutex phases as Spring application events (MutexFlushedEvent,
		 * and MutexReadsEvent and MutexWritesEvent when enabled below).
		 */
		private boolean enabled = true;

		/**
		 * Whether to publish a MutexReadsEvent for every read phase (off by default to keep
		 * the hot path cheap).
		 */
		private boolean reads;

		/**
		 * Whether to publish a MutexWritesEvent before every batch (off by default to keep
		 * the hot path cheap).
		 */
		private boolean writes;

		/**
		 * Most events waiting to be published; when listeners fall further behind, events are
		 * dropped and counted, and mutexes never wait.
		 */
		private int queueCapacity = 10_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isReads() {
			return this.reads;
		}

		public void setReads(boolean reads) {
			this.reads = reads;
		}

		public boolean isWrites() {
			return this.writes;
		}

		public void setWrites(boolean writes) {
			this.writes = writes;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

}
