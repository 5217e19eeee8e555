package io.levelmutex.example.stock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.levelmutex.postgres.test.PostgresCluster;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running instance of the stock service (a SpringApplication on a free port) and an HTTP client for it.
 * Closing it stops the instance.
 */
final class StockInstance implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final ConfigurableApplicationContext context;

	private final URI base;

	private StockInstance(ConfigurableApplicationContext context) {
		this.context = context;
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	/**
	 * Starts an instance on a database of the cluster, with the service's own configuration and HikariCP defaults.
	 * @param cluster the server
	 * @param database the database name
	 * @param properties more properties, {@code name=value}, above the application's configuration
	 * @return the started instance
	 */
	static StockInstance start(PostgresCluster cluster, String database, String... properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + cluster.jdbcUrl(database),
				"--spring.datasource.username=" + cluster.username()));
		for (String property : properties) {
			args.add("--" + property);
		}
		return new StockInstance(new SpringApplicationBuilder(StockApplication.class).run(args.toArray(String[]::new)));
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	HttpResponse<String> put(String path) {
		return send(HttpRequest.newBuilder(this.base.resolve(path)).PUT(HttpRequest.BodyPublishers.noBody()));
	}

	HttpResponse<String> post(String path) {
		return send(HttpRequest.newBuilder(this.base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(this.base.resolve(path)).GET());
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
