package io.levelmutex.spring.boot.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Annotation for a test class that gives each of its application contexts a level-mutex store
 * of its own, in a fresh temporary directory that is deleted when the context closes: it sets
 * {@code level-mutex.store.temporary=true} (overriding {@code level-mutex.store.path} from the
 * application's configuration) and imports the level-mutex auto-configuration, so it also
 * works with test slices that do not enable auto-configuration.
 *
 * <p>Several cached test contexts can then be open in one JVM at once, each with its own
 * store; without it they would share {@code level-mutex.store.path}, and RocksDB allows only
 * one open store per directory (the second context fails to start, naming that property).
 * The mutexes declared under {@code level-mutex.mutexes} are created in each store as in the
 * application.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("level-mutex.store")
public @interface AutoConfigureLevelMutex {

	/**
	 * Whether each application context gets its own temporary store
	 * ({@code level-mutex.store.temporary}).
	 * @return {@code true} (the default) for a temporary store, {@code false} for
	 * {@code level-mutex.store.path}
	 */
	boolean temporary() default true;

}
