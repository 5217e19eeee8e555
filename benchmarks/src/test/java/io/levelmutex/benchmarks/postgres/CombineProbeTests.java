package io.levelmutex.benchmarks.postgres;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link CombineProbe}'s designs on a private PostgreSQL, tiny runs (2,000 keys, 32 writers, 300 ms): each design's
 * SQL installs on schema v2 and commits, with 1 and 3 nodes, on 1 and 8 keyspaces, without a failed commit, and
 * every design that keeps the sequence leaves each keyspace's batch log with sequences 1..seq, each once, however the
 * nodes' batches were combined, forwarded or joined. No timing is asserted.
 * <p>
 * The default build runs each design once, on its busiest point (3 nodes, 8 keyspaces: every design combines,
 * forwards or joins there); {@code -Pstress} (system property {@code combineProbe.allPoints=true}) runs every point,
 * 1 and 3 nodes on 1 and 8 keyspaces. The probe is a prototype of designs not built into the engine, and its 27
 * points took 105 s of the default build at load 17-20 (flakehunt, session 13).
 */
class CombineProbeTests {

	private static PgServer server;

	private static CombineProbe probe;

	@BeforeAll
	static void startServer() throws Exception {
		server = PgServer.start();
		probe = new CombineProbe(server, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				2_000);
		probe.template(1);
		probe.template(8);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	static List<Arguments> points() {
		boolean all = Boolean.getBoolean("combineProbe.allPoints");
		List<Arguments> points = new ArrayList<>();
		for (CombineDesign design : CombineDesign.values()) {
			for (int keyspaces : new int[] { 1, 8 }) {
				if (design.joinGroups() > 0 && keyspaces == 1) {
					continue;
				}
				if (all || keyspaces == 8) {
					points.add(Arguments.of(design, 3, keyspaces));
				}
			}
			if (all) {
				points.add(Arguments.of(design, 1, (design.joinGroups() > 0) ? 8 : 1));
			}
		}
		return points;
	}

	@ParameterizedTest(name = "{0}, {1} nodes, {2} keyspaces")
	@MethodSource("points")
	void whenNodesCommitThroughADesignThenEveryBatchCommitsAndTheSequencesStayGapless(CombineDesign design, int nodes,
			int keyspaces) throws Exception {
		CombineRun.Result result = probe.point(1, keyspaces, design, nodes, 32, 100, 300);

		assertThat(result.failures()).as("failed commits, first: %s", result.firstFailure()).isZero();
		assertThat(result.rowsPerSecond()).as("rows committed in the window").isPositive();
		if (design != CombineDesign.FREE) {
			assertThat(result.notes()).as("sequence check").contains("sequences gapless").doesNotContain("SEQUENCE GAP");
		}
		if (design == CombineDesign.LEASE && nodes > 1) {
			assertThat(result.notes()).as("forwarded writes").doesNotContain("forwarded writes 0%");
		}
	}

	@Test
	void whenADesignIsNamedThenItsShortNameFindsIt() {
		for (CombineDesign design : CombineDesign.values()) {
			assertThat(CombineDesign.of(" " + design.label().toUpperCase() + " ")).isSameAs(design);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> CombineDesign.of("pending"))
			.withMessageContaining("pending");
	}

}
