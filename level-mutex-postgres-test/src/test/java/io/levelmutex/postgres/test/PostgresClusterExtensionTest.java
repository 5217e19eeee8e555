package io.levelmutex.postgres.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The extension gives every test of a class the same running cluster, and refuses to hand one out outside a
 * class's lifetime.
 */
class PostgresClusterExtensionTest {

	@RegisterExtension
	static final PostgresClusterExtension POSTGRES = new PostgresClusterExtension();

	@Test
	void whenRegisteredThenTheClassesTestsShareOneRunningCluster() throws SQLException {
		PostgresCluster cluster = POSTGRES.cluster();
		assertThat(POSTGRES.cluster()).isSameAs(cluster);
		try (Connection connection = cluster.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT 1")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isEqualTo(1);
		}
	}

	@Test
	void whenNotStartedThenAskingForTheClusterFailsNamingTheFix() {
		assertThatIllegalStateException().isThrownBy(() -> new PostgresClusterExtension().cluster())
			.withMessageContaining("@RegisterExtension");
	}

}
