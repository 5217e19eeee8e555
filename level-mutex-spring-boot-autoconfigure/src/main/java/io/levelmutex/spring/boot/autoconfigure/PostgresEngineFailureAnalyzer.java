package io.levelmutex.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure of the PostgreSQL engine ({@code level-mutex.store.engine=postgres}): its module
 * missing, no DataSource, or a store that does not open; names the properties and the dependency to fix it.
 */
class PostgresEngineFailureAnalyzer extends AbstractFailureAnalyzer<PostgresEngineUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PostgresEngineUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
