package io.levelmutex.example.stock;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.levelmutex.postgres.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away under a running instance (its private server stopped): requests fail with 503 and the
 * typed "Storage unavailable" problem, health is DOWN; once the server is back, health is UP and the service
 * works again, without a restart.
 */
class StockServiceOutageTests {

	/**
	 * level-mutex's health contributor. (The whole {@code /actuator/health} answers too, but its {@code db}
	 * contributor waits HikariCP's default connection timeout, 30 s, on every call during the outage.)
	 */
	private static final String HEALTH = "/actuator/health/levelMutex";

	private static PostgresCluster cluster;

	@BeforeAll
	static void startServer() {
		cluster = PostgresCluster.start();
	}

	@AfterAll
	static void stopServer() {
		cluster.close();
	}

	@Test
	void anOutageIsA503AndHealthDownUntilTheServerIsBack() throws Exception {
		cluster.createDatabase("stock_outage");
		try (StockInstance instance = StockInstance.start(cluster, "stock_outage")) {
			assertThat(instance.put("/stock/sku-1?quantity=10").statusCode()).isEqualTo(200);
			cluster.crash();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(instance.get(HEALTH).statusCode()).isEqualTo(503));
			assertThat(instance.get(HEALTH).body()).contains("\"status\":\"DOWN\"");
			HttpResponse<String> refused = instance.post("/stock/sku-1/reservations");
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.body()).contains("Storage unavailable");
			cluster.restart();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(instance.get(HEALTH).statusCode()).isEqualTo(200));
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(instance.post("/stock/sku-1/reservations").statusCode()).isEqualTo(200));
			assertThat(instance.get("/stock/sku-1").body()).contains("\"available\":9");
		}
	}

}
