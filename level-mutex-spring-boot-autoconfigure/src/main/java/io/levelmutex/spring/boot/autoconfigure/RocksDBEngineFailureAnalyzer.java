package io.levelmutex.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure of the embedded engine whose module is missing: names the dependency and the
 * setting that chooses the other engine.
 */
class RocksDBEngineFailureAnalyzer extends AbstractFailureAnalyzer<RocksDBEngineUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RocksDBEngineUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
