package io.levelmutex.spring.boot.autoconfigure;

import io.levelmutex.spring.boot.autoconfigure.LevelMutexProperties.Postgres;
import org.jspecify.annotations.Nullable;

/**
 * {@code level-mutex.postgres.url}, {@code username} and {@code password} as
 * {@link LevelMutexPostgresConnectionDetails} (the default when the application defines none). A blank URL is
 * none.
 */
final class PropertiesLevelMutexPostgresConnectionDetails implements LevelMutexPostgresConnectionDetails {

	private final Postgres postgres;

	PropertiesLevelMutexPostgresConnectionDetails(Postgres postgres) {
		this.postgres = postgres;
	}

	@Override
	public @Nullable String getJdbcUrl() {
		String url = this.postgres.getUrl();
		return (url == null || url.isBlank()) ? null : url;
	}

	@Override
	public @Nullable String getUsername() {
		return this.postgres.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.postgres.getPassword();
	}

}
