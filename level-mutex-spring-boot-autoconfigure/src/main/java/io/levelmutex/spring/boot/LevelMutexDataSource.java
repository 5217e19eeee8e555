package io.levelmutex.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies the {@link javax.sql.DataSource} the PostgreSQL engine ({@code level-mutex.store.engine=postgres})
 * opens its store on, when it is not the application's primary one (as Spring Boot's {@code @FlywayDataSource}
 * does for Flyway, and Spring Session JDBC's {@code @SpringSessionDataSource} for sessions). It takes precedence
 * over {@code level-mutex.postgres.url}, {@code username} and {@code password} and over a
 * {@code LevelMutexPostgresConnectionDetails} bean, as {@code @FlywayDataSource} does over {@code spring.flyway.url}.
 * The application owns this DataSource: the store does not close it.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface LevelMutexDataSource {

}
