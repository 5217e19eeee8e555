package io.levelmutex.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schema versions: a database created by schema-v1.sql (with data written the way version 1 wrote it) is refused
 * by verify-only opening with the upgrade script named, opens with its data intact once upgrade-v1-to-v2.sql ran
 * (as shipped, twice) or once the engine upgraded it itself, also under a custom table prefix (the function gets
 * the prefix too), with version 1's tombstones recorded for the clean-up and the entry table's sequence index
 * and foreign key gone; drop.sql removes every object; the function text is the same in the complete schema and
 * the upgrade.
 */
class SchemaUpgradeTest extends ClusterTestSupport {

	private static final String V1 = SchemaInstaller.DIRECTORY + "schema-v1.sql";

	@Test
	void whenAVersion1SchemaIsOnlyVerifiedThenOpeningFailsNamingTheUpgradeScriptAndAfterItTheDataIsIntact()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		runAsShipped(database, V1);
		writeAsVersion1Did(database, "level_mutex_");
		PostgresSettings defaults = PostgresSettings.defaults().withWaits(Duration.ofSeconds(2), Duration.ofSeconds(2));
		assertThatThrownBy(() -> TestNode.open(database, defaults, false))
			.isInstanceOf(PostgresConfigurationException.class)
			.hasMessageContaining("is version 1")
			.hasMessageContaining("upgrade-v1-to-v2.sql");
		runAsShipped(database, SchemaInstaller.UPGRADE_FROM_V1);
		runAsShipped(database, SchemaInstaller.UPGRADE_FROM_V1);
		TestNode node = TestNode.open(database, defaults, false);
		assertVersion1DataIntactAndCommitsContinue(node);
		assertThat(queryLong(database, "SELECT max(version) FROM level_mutex_schema_version")).isEqualTo(2);
		assertTombstonesRecordedAndEntryIndexAndForeignKeysDropped(database, "level_mutex_");
	}

	@Test
	void whenTheEngineMayCreateTheSchemaThenItUpgradesVersion1UnderItsPrefixWithTheDataIntact() throws Exception {
		PGSimpleDataSource database = newDatabase();
		try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : SchemaInstaller.statements(V1, prefix)) {
				statement.execute(sql);
			}
		}
		writeAsVersion1Did(database, prefix);
		assertThatThrownBy(() -> TestNode.open(database, fastSettings(), false))
			.isInstanceOf(PostgresConfigurationException.class)
			.hasMessageContaining("'" + prefix + "' is version 1")
			.hasMessageContaining("upgrade-v1-to-v2.sql");
		TestNode node = TestNode.open(database, fastSettings(), true);
		assertVersion1DataIntactAndCommitsContinue(node);
		assertTombstonesRecordedAndEntryIndexAndForeignKeysDropped(database, prefix);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname = '" + prefix + "commit'"))
			.as("the function carries the prefix").isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname = '" + prefix + "commit_released'"))
			.as("the procedure carries the prefix").isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'level_mutex_commit%'")).isZero();
		TestNode.open(database, fastSettings(), false);
	}

	@Test
	void whenTheFunctionIsMissingFromAVersion2SchemaThenVerifyOnlyOpeningFailsNamingIt() throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode.open(database, fastSettings(), true);
		execute(database, "DROP FUNCTION " + prefix + "commit");
		assertThatThrownBy(() -> TestNode.open(database, fastSettings(), false))
			.isInstanceOf(PostgresConfigurationException.class)
			.hasMessageContaining("function " + prefix + "commit or its procedure " + prefix
					+ "commit_released is missing")
			.hasMessageContaining("upgrade-v1-to-v2.sql");
		TestNode.open(database, fastSettings(), true);
		TestNode.open(database, fastSettings(), false);
	}

	@Test
	void whenTheReleasedCommitProcedureIsMissingFromAVersion2SchemaThenVerifyOnlyOpeningFailsNamingIt()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode.open(database, fastSettings(), true);
		execute(database, "DROP PROCEDURE " + prefix + "commit_released");
		assertThatThrownBy(() -> TestNode.open(database, fastSettings(), false))
			.isInstanceOf(PostgresConfigurationException.class)
			.hasMessageContaining("procedure " + prefix + "commit_released is missing")
			.hasMessageContaining("upgrade-v1-to-v2.sql");
		TestNode.open(database, fastSettings(), true);
		TestNode.open(database, fastSettings(), false);
	}

	@Test
	void whenTheDropScriptRunsThenNothingOfTheSchemaIsLeftAndItRunsAgainHarmlessly() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		runAsShipped(database, SchemaInstaller.RESOURCE);
		PostgresSettings defaults = PostgresSettings.defaults().withWaits(Duration.ofSeconds(2), Duration.ofSeconds(2));
		TestNode node = TestNode.open(database, defaults, false);
		PostgresKeyspace ks = node.keyspace("doomed");
		node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")), TestBatch.del(bytes("a")))));
		runAsShipped(database, SchemaInstaller.DROP);
		runAsShipped(database, SchemaInstaller.DROP);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_class WHERE relname LIKE 'level\\_mutex\\_%'"))
			.as("tables and indexes").isZero();
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'level\\_mutex\\_%'")).isZero();
		// With a prefix, as the library would substitute it.
		TestNode.open(database, fastSettings(), true);
		try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : SchemaInstaller.statements(SchemaInstaller.DROP, prefix)) {
				statement.execute(sql);
			}
		}
		assertThat(queryLong(database, "SELECT count(*) FROM pg_class WHERE relname LIKE '" + prefix + "%'")).isZero();
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname LIKE '" + prefix + "%'")).isZero();
	}

	@Test
	void whenTheSchemaFilesAreReadThenTheCompleteSchemaAndTheUpgradeInstallTheSameFunction() {
		List<String> complete = SchemaInstaller.statements(SchemaInstaller.RESOURCE, "p_");
		List<String> upgrade = SchemaInstaller.statements(SchemaInstaller.UPGRADE_FROM_V1, "p_");
		String function = upgrade.stream().filter((sql) -> sql.startsWith("CREATE OR REPLACE FUNCTION")).findFirst()
			.orElseThrow();
		String procedure = upgrade.stream().filter((sql) -> sql.startsWith("CREATE OR REPLACE PROCEDURE")).findFirst()
			.orElseThrow();
		assertThat(complete).contains(function, procedure);
		assertThat(procedure).contains("p_commit_released(").contains("p_commit(").doesNotContain("level_mutex_");
		assertThat(function).contains("p_commit(").contains("p_keyspace").contains("p_entry").contains("p_batch")
			.doesNotContain("level_mutex_");
		assertThat(upgrade).last().asString().contains("VALUES (2)");
	}

	@Test
	void whenAVersion2SchemaIsOnlyVerifiedThenTheEngineOpensWithoutJoinedCommitsAndWithThemAfterTheUpgradeScript()
			throws Exception {
		PGSimpleDataSource database = ownDatabase();
		runAsShipped(database, SchemaInstaller.DIRECTORY + "schema-v2.sql");
		PostgresSettings defaults = PostgresSettings.defaults().withWaits(Duration.ofSeconds(2), Duration.ofSeconds(2));
		Connections connections = new Connections(database, defaults.connectWait());
		assertThat(PostgresEngine.checkSchema(connections, defaults, false).joined()).as("version 2: no joined commits")
			.isFalse();
		assertThat(PostgresEngine.checkSchema(connections, defaults, false).putFunction())
			.as("version 2: puts through the plain statement").isFalse();
		TestNode node = TestNode.open(database, defaults, false);
		PostgresKeyspace ks = node.keyspace("kept");
		node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1")))));
		runAsShipped(database, SchemaInstaller.UPGRADE_FROM_V2);
		runAsShipped(database, SchemaInstaller.UPGRADE_FROM_V2);
		assertThat(queryLong(database, "SELECT max(version) FROM level_mutex_schema_version")).isEqualTo(3);
		assertBatchLogKeyedBySequenceOnly(database, "level_mutex_");
		assertThat(PostgresEngine.checkSchema(connections, defaults, false).joined()).as("version 3: joined commits")
			.isTrue();
		assertThat(PostgresEngine.checkSchema(connections, defaults, false).putFunction())
			.as("version 3: the put function").isTrue();
		try (JoinedCommitter joiner = TestNode.open(database, defaults, false).joiner(1)) {
			assertThat(joiner.submit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("2")))).batch(), 1,
					new CommitRoute()).get(60, java.util.concurrent.TimeUnit.SECONDS).result().sequence()).isEqualTo(2);
		}
		assertThat(TestNode.open(database, defaults, false).commit(ks,
				TestBatch.of(List.of(TestBatch.put(bytes("a"), bytes("1"))))).sequence())
			.as("a put through the function, after one through the statement and a joined commit").isEqualTo(3);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.get(List.of(bytes("a"), bytes("b"))).stream().map(ClusterTestSupport::text).toList())
				.containsExactly("1", "2");
		}
	}

	@Test
	void whenTheEngineMayCreateTheSchemaThenItUpgradesVersion2ToVersion3() throws Exception {
		PGSimpleDataSource database = newDatabase();
		try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : SchemaInstaller.statements(SchemaInstaller.DIRECTORY + "schema-v2.sql", prefix)) {
				statement.execute(sql);
			}
		}
		Connections connections = new Connections(database, fastSettings().connectWait());
		assertThat(PostgresEngine.checkSchema(connections, fastSettings(), false).joined()).isFalse();
		assertThat(PostgresEngine.checkSchema(connections, fastSettings(), true).joined()).isTrue();
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname = '" + prefix + "commit_joined'"))
			.as("the joined procedure carries the prefix").isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_proc WHERE proname = '" + prefix + "commit_put'"))
			.as("the put function carries the prefix").isEqualTo(1);
		assertThat(PostgresEngine.checkSchema(connections, fastSettings(), false).putFunction()).isTrue();
		assertThat(queryLong(database, "SELECT max(version) FROM " + prefix + "schema_version")).isEqualTo(3);
		assertBatchLogKeyedBySequenceOnly(database, prefix);
	}

	@Test
	void whenTheJoinedProcedureIsMissingFromAVersion3SchemaThenVerifyOnlyOpeningFailsNamingTheUpgradeScript()
			throws Exception {
		PGSimpleDataSource database = newDatabase();
		TestNode.open(database, fastSettings(), true);
		execute(database, "DROP PROCEDURE " + prefix + "commit_joined");
		assertThatThrownBy(() -> TestNode.open(database, fastSettings(), false))
			.isInstanceOf(PostgresConfigurationException.class)
			.hasMessageContaining("is version 3 but its procedure " + prefix + "commit_joined is missing")
			.hasMessageContaining("upgrade-v2-to-v3.sql");
		TestNode.open(database, fastSettings(), true);
		TestNode.open(database, fastSettings(), false);
	}

	@Test
	void whenTheSchemaFilesAreReadThenVersion3KeepsVersion2UnchangedAndItsUpgradeInstallsTheSameProcedure() {
		List<String> complete = SchemaInstaller.statements(SchemaInstaller.RESOURCE, "p_");
		List<String> v2 = SchemaInstaller.statements(SchemaInstaller.DIRECTORY + "schema-v2.sql", "p_");
		assertThat(complete).as("every statement of version 2, unchanged").containsAll(v2);
		List<String> upgrade = SchemaInstaller.statements(SchemaInstaller.UPGRADE_FROM_V2, "p_");
		String procedure = upgrade.stream().filter((sql) -> sql.startsWith("CREATE OR REPLACE PROCEDURE")).findFirst()
			.orElseThrow();
		assertThat(complete).contains(procedure);
		assertThat(procedure).contains("p_commit_joined(").contains("p_commit(").doesNotContain("level_mutex_");
		assertThat(upgrade).last().asString().contains("VALUES (3)");
		assertThat(complete).last().asString().contains("VALUES (3)");
		assertThat(SchemaInstaller.statements(SchemaInstaller.DROP, "p_")).anySatisfy(
				(sql) -> assertThat(sql).startsWith("DROP PROCEDURE IF EXISTS p_commit_joined("));
	}

	/** Two batches as version 1 committed them: rows in the keyspace, entry and batch-log tables. */
	private static void writeAsVersion1Did(PGSimpleDataSource database, String tables) throws SQLException {
		execute(database, "INSERT INTO " + tables + "keyspace (name, seq) VALUES ('old', 2)");
		execute(database, "INSERT INTO " + tables + "entry (keyspace_id, key, value, seq) SELECT id, 'a'::bytea, "
				+ "'1'::bytea, 1 FROM " + tables + "keyspace WHERE name = 'old'");
		execute(database, "INSERT INTO " + tables + "entry (keyspace_id, key, value, seq) SELECT id, 'gone'::bytea, "
				+ "NULL, 2 FROM " + tables + "keyspace WHERE name = 'old'");
		execute(database, "INSERT INTO " + tables + "batch (batch_id, keyspace_id, seq, node_id, applied_ops, "
				+ "rejected_unit) SELECT gen_random_uuid(), id, s, gen_random_uuid(), 1, -1 FROM " + tables
				+ "keyspace, generate_series(1, 2) AS s WHERE name = 'old'");
	}

	private static void assertVersion1DataIntactAndCommitsContinue(TestNode node) {
		PostgresKeyspace ks = node.keyspace("old");
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(snapshot.sequence()).isEqualTo(2);
			List<byte[]> values = snapshot.get(List.of(bytes("a"), bytes("gone")));
			assertThat(text(values.get(0))).isEqualTo("1");
			assertThat(values.get(1)).isNull();
		}
		// The version-1 tombstone of "gone" (sequence 2) still rejects an update that examined it from sequence 1.
		Committed rejected = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("2"))),
				List.of(new TestBatch.Unit(0, 1, List.of(bytes("gone")), List.of(), List.of(bytes("b"))))));
		assertThat(rejected.committed()).isFalse();
		assertThat(rejected.rejected().reason()).isEqualTo(RejectionReason.KEY_READ);
		Committed next = node.commit(ks, TestBatch.of(List.of(TestBatch.put(bytes("b"), bytes("2")))));
		assertThat(next.sequence()).isEqualTo(3);
		try (TestSnapshot snapshot = node.snapshot(ks)) {
			assertThat(text(snapshot.get(List.of(bytes("b"))).get(0))).isEqualTo("2");
		}
	}

	/**
	 * The upgrade recorded version 1's tombstone ("gone", sequence 2) for the clean-up and left the entry table
	 * with its primary key as its only index (so that a write of an existing key can be a HOT update), and no table
	 * with a foreign key (checked per commit).
	 */
	private static void assertTombstonesRecordedAndEntryIndexAndForeignKeysDropped(PGSimpleDataSource database,
			String tables) throws SQLException {
		assertThat(queryLong(database, "SELECT count(*) FROM " + tables + "tombstone WHERE key = 'gone'::bytea "
				+ "AND seq = 2")).isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM " + tables + "tombstone")).isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_index WHERE indrelid = '" + tables
				+ "entry'::regclass")).as("the primary key only").isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_class WHERE relname = '" + tables + "entry_seq'"))
			.isZero();
		assertNoForeignKeys(database, tables);
	}

	@Test
	void whenTheSchemaIsInstalledThenNoTableHasAForeignKey() throws Exception {
		PGSimpleDataSource database = ownDatabase();
		runAsShipped(database, SchemaInstaller.RESOURCE);
		assertNoForeignKeys(database, "level_mutex_");
		assertBatchLogKeyedBySequenceOnly(database, "level_mutex_");
		runAsShipped(database, SchemaInstaller.RESOURCE);
		assertBatchLogKeyedBySequenceOnly(database, "level_mutex_");
	}

	/**
	 * Version 3's batch log has ONE index, its primary key (keyspace_id, seq): version 2's primary key on batch_id
	 * is gone (one index entry and WAL record less per commit), and resolution still finds a batch through the
	 * keyspace's sequences.
	 */
	private static void assertBatchLogKeyedBySequenceOnly(PGSimpleDataSource database, String tables)
			throws SQLException {
		assertThat(queryLong(database, "SELECT count(*) FROM pg_index WHERE indrelid = '" + tables
				+ "batch'::regclass")).as("one index on the batch log").isEqualTo(1);
		assertThat(queryLong(database, "SELECT count(*) FROM pg_index WHERE indrelid = '" + tables
				+ "batch'::regclass AND indisprimary AND indisunique AND pg_get_indexdef(indexrelid) LIKE "
				+ "'%(keyspace_id, seq)'")).as("the primary key (keyspace_id, seq)").isEqualTo(1);
	}

	/**
	 * No foreign key on the entry table nor on the batch log: each would run a referential check (through SPI) and
	 * take a key-share lock on the keyspace row on every commit; their rows are written only under that row's lock,
	 * and keyspace rows are never deleted.
	 */
	private static void assertNoForeignKeys(PGSimpleDataSource database, String tables) throws SQLException {
		for (String table : List.of("entry", "batch", "tombstone")) {
			assertThat(queryLong(database, "SELECT count(*) FROM pg_constraint WHERE conrelid = '" + tables + table
					+ "'::regclass AND contype = 'f'")).as("no foreign key on " + table).isZero();
		}
	}

	/** As a migration tool runs a file: the whole text, unchanged, as one command string. */
	private static void runAsShipped(PGSimpleDataSource database, String resource) throws Exception {
		String sql;
		try (var in = SchemaUpgradeTest.class.getClassLoader().getResourceAsStream(resource)) {
			sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
