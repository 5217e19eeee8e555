package io.levelmutex.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Runtime hints for a native image of an application on the starter: the rocksdbjni JNI
 * library that RocksDB extracts from its jar at startup (the one for the platform the image is
 * built on, since an image only runs there), and the RocksDB types its native code
 * constructs or reads through JNI; with the PostgreSQL engine on the classpath, its schema scripts
 * (pgjdbc ships its own native-image metadata). The configuration properties get their hints from Spring
 * Boot; the value types of JSON mutex beans from {@link MutexBeanAotProcessor}.
 */
class LevelMutexRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ROCKSDB_ENVIRONMENT = "org.rocksdb.util.Environment";

	/** Types the rocksdbjni native code looks up through JNI for every store operation. */
	static final String[] JNI_TYPES = { "org.rocksdb.RocksDBException", "org.rocksdb.Status",
			"org.rocksdb.Status$Code", "org.rocksdb.Status$SubCode" };

	/** The PostgreSQL engine's schema scripts, read from its jar when it creates or verifies its tables. */
	static final String POSTGRES_SCHEMA_PATTERN = "META-INF/level-mutex/postgres/*.sql";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (ClassUtils.isPresent(PostgresEngineUnavailableException.POSTGRES_STORE, classLoader)) {
			hints.resources().registerPattern(POSTGRES_SCHEMA_PATTERN);
		}
		if (!ClassUtils.isPresent(ROCKSDB_ENVIRONMENT, classLoader)) {
			return;
		}
		hints.resources().registerPattern(org.rocksdb.util.Environment.getJniLibraryFileName("rocksdb"));
		String fallback = org.rocksdb.util.Environment.getFallbackJniLibraryFileName("rocksdb");
		if (fallback != null) {
			hints.resources().registerPattern(fallback);
		}
		for (String type : JNI_TYPES) {
			hints.jni()
				.registerType(TypeReference.of(type), MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
						MemberCategory.INVOKE_DECLARED_METHODS, MemberCategory.ACCESS_DECLARED_FIELDS);
		}
	}

}
