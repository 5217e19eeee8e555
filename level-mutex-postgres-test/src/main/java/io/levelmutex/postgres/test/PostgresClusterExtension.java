package io.levelmutex.postgres.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit Jupiter extension that starts one {@link PostgresCluster} before the first test of a class and
 * closes it after the last. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();
 *
 * @Test
 * void writes() throws SQLException {
 *     String url = POSTGRES.cluster().createDatabase("orders");
 *     ...
 * }
 * }</pre>
 *
 * Needs JUnit Jupiter on the test class path (this module declares it optional). Not for instance fields:
 * the cluster lives for the whole class.
 */
public final class PostgresClusterExtension implements BeforeAllCallback, AfterAllCallback {

	/** Set before the class's first test and cleared after its last, by JUnit's thread; read by the tests. */
	private volatile @Nullable PostgresCluster cluster;

	/**
	 * Creates the extension; the cluster starts when the test class does.
	 */
	public PostgresClusterExtension() {
	}

	/**
	 * The running cluster of the current test class.
	 * @return the cluster
	 * @throws IllegalStateException outside the test class's lifetime (before its first or after its last
	 * test), or when the extension is not registered on a static field
	 */
	public PostgresCluster cluster() {
		PostgresCluster running = this.cluster;
		if (running == null) {
			throw new IllegalStateException("No PostgreSQL cluster is running: register PostgresClusterExtension on a "
					+ "static field with @RegisterExtension and use it from the class's tests");
		}
		return running;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.cluster = PostgresCluster.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		PostgresCluster running = this.cluster;
		this.cluster = null;
		if (running != null) {
			running.close();
		}
	}

}
