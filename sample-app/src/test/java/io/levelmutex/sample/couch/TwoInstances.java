package io.levelmutex.sample.couch;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.levelmutex.postgres.test.PostgresCluster;
import io.levelmutex.sample.SampleApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the sample app in this JVM, each a {@code SpringApplication} of its own on a random port
 * with the {@code postgres} profile, both on one database of a private PostgreSQL cluster. The owner closes
 * it: the instances, then the cluster.
 */
final class TwoInstances implements AutoCloseable {

	private final PostgresCluster cluster;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private TwoInstances(PostgresCluster cluster) {
		this.cluster = cluster;
	}

	static TwoInstances start() throws SQLException {
		TwoInstances instances = new TwoInstances(PostgresCluster.start());
		try {
			String url = instances.cluster.createDatabase("couch");
			for (String name : List.of("a", "b")) {
				// Command-line arguments: they take precedence over application-postgres.yml.
				instances.contexts.add(new SpringApplicationBuilder(SampleApplication.class).profiles("postgres")
					.run("--server.port=0", "--spring.datasource.url=" + url,
							"--spring.datasource.username=" + instances.cluster.username(),
							"--spring.application.name=couch-" + name, "--logging.level.root=WARN"));
			}
			return instances;
		}
		catch (RuntimeException | SQLException ex) {
			instances.close();
			throw ex;
		}
	}

	/** The instance's port. */
	int port(int instance) {
		return Integer.parseInt(this.contexts.get(instance).getEnvironment().getRequiredProperty("local.server.port"));
	}

	<T> T bean(int instance, Class<T> type) {
		return this.contexts.get(instance).getBean(type);
	}

	@Override
	public void close() {
		try {
			for (ConfigurableApplicationContext context : this.contexts) {
				context.close();
			}
		}
		finally {
			this.cluster.close();
		}
	}

}
