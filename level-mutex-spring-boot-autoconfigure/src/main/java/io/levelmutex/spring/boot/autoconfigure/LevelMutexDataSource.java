package io.levelmutex.spring.boot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies the {@link javax.sql.DataSource} the PostgreSQL engine ({@code level-mutex.store.engine=postgres})
 * opens its store on, when it is not the application's primary one (as Spring Boot's {@code @FlywayDataSource}
 * does for Flyway). Ignored when {@code level-mutex.postgres.url} is set, which gives the store a DataSource of
 * its own.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface LevelMutexDataSource {

}
