package io.levelmutex.spring.boot.autoconfigure;

import java.util.List;

import io.levelmutex.BatchInterceptor;
import io.levelmutex.WriteOperation;

/**
 * Calls every {@link BatchInterceptor} bean before each batch, in {@code @Order} /
 * {@code Ordered} order. The first that throws vetoes the batch and the later ones are not
 * called for it.
 */
final class CompositeBatchInterceptor implements BatchInterceptor {

	private final List<BatchInterceptor> interceptors;

	CompositeBatchInterceptor(List<BatchInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	@Override
	public void beforeBatch(String mutexName, List<WriteOperation> operations) throws Exception {
		for (BatchInterceptor interceptor : this.interceptors) {
			interceptor.beforeBatch(mutexName, operations);
		}
	}

	@Override
	public String toString() {
		return "CompositeBatchInterceptor" + this.interceptors;
	}

}
