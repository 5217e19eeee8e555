package io.levelmutex.example.stock;

import java.util.Map;

import io.levelmutex.spring.boot.test.autoconfigure.AutoConfigureLevelMutex;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service under {@code @SpringBootTest} with the test support, as the README's "Testing" section shows: the
 * private test server serves the application's own connection, so Flyway migrates and the store opens on that
 * one fresh database (with the application's {@code initialize-schema: never}).
 */
@SpringBootTest
@AutoConfigureLevelMutex(engine = AutoConfigureLevelMutex.Engine.POSTGRES)
class StockServiceSpringBootTests {

	@Autowired
	StockController controller;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void reservesOnTheTestDatabaseMigratedByFlyway() {
		this.controller.restock("sku-1", 3);
		Map<String, Object> reserved = this.controller.reserve("sku-1", 2);
		assertThat(reserved).containsEntry("available", 1L);
		// V1: the engine's schema-v2.sql, V2: its upgrade-v2-to-v3.sql.
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Long.class))
			.isEqualTo(2);
	}

}
