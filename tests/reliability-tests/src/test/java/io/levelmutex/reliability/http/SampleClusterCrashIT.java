package io.levelmutex.reliability.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.levelmutex.postgres.test.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.levelmutex.reliability.support.ChildJvm;
import io.levelmutex.reliability.support.Report;
import io.levelmutex.reliability.support.Settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the sample app ({@code postgres} profile, each a child JVM from the executable jar) on one
 * database of a private PostgreSQL cluster, under {@value #WRITERS} concurrent document writers each
 * ({@link ClusterLoad}).
 *
 * <p>Instance crash: in each of {@code reliability.clusterRounds} rounds (seed {@code reliability.seed + 70000
 * + round}) one instance, in turn, is killed with SIGKILL after a seeded random number of acknowledgements;
 * the survivor's writers go on (while the killed instance starts again), then the survivor must serve every
 * acknowledged document, {@code _all_docs} and {@code _changes} must agree and the sequences be gapless
 * ({@link ClusterCheck}); the restarted instance must serve the same feed and take writes that continue the
 * sequence.
 *
 * <p>Database crash: PostgreSQL is stopped with {@code pg_ctl stop -m immediate} under load, left down until
 * both instances have answered requests with errors, and restarted: every request gets an answer (201 or a
 * CouchDB-shaped 5xx), the instances serve again without a restart of their own, and every acknowledged
 * write is there.
 */
class SampleClusterCrashIT {

	static final int WRITERS = 64;

	/** Acknowledgements the survivor must give after a kill before the load stops. */
	static final int AFTER_KILL = 150;

	@TempDir
	static Path root;

	private static PostgresCluster cluster;

	private static String jdbcUrl;

	private static final SampleApp[] apps = new SampleApp[2];

	private static final AtomicInteger starts = new AtomicInteger();

	/** Every instance started, closed at the end whatever happened. */
	private static final List<SampleApp> started = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = PostgresCluster.start();
		jdbcUrl = cluster.createDatabase("couch");
		// Both at once: a start is most of this suite's time.
		CompletableFuture<SampleApp> first = startAsync(0);
		CompletableFuture<SampleApp> second = startAsync(1);
		apps[0] = first.get();
		apps[1] = second.get();
	}

	@AfterAll
	static void stopCluster() {
		for (SampleApp app : started) {
			app.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	private static CompletableFuture<SampleApp> startAsync(int instance) {
		String name = "start-" + starts.getAndIncrement();
		return CompletableFuture.supplyAsync(() -> {
			try {
				long begin = System.nanoTime();
				SampleApp app = SampleApp.startOnPostgres(root.resolve("instance-" + instance), name, jdbcUrl,
						cluster.username());
				started.add(app);
				System.out.printf("[reliability] cluster instance %d (%s) started in %d ms%n", instance, name,
						(System.nanoTime() - begin) / 1_000_000);
				return app;
			}
			catch (Exception ex) {
				throw new CompletionException(ex);
			}
		});
	}

	private static List<Integer> ports() {
		return List.of(apps[0].port, apps[1].port);
	}

	@Test
	void whenAnInstanceIsKilledUnderLoadThenTheSurvivorServesEveryAcknowledgedWriteAndTheRestartedOneCatchesUp()
			throws Exception {
		int rounds = Settings.intSetting("clusterRounds", 2);
		String database = "killed";
		assertThat(apps[0].send("PUT", "/" + database, null).statusCode()).isEqualTo(201);
		Map<String, String> acknowledged = new HashMap<>();
		Map<String, String> unresolved = new HashMap<>();
		Map<String, String> exchanges = new HashMap<>();
		long totalAcks = 0;
		long lost = 0;
		long violations = 0;
		long appliedNotAcknowledged = 0;
		long unanswered = 0;
		for (int round = 0; round < rounds; round++) {
			long seed = Settings.seed() + 70_000 + round;
			Random random = new Random(seed);
			int victim = round % 2;
			int survivor = 1 - victim;
			int killAfter = 100 + random.nextInt(1500);
			ClusterLoad load = ClusterLoad.start(database, "r" + round + "-", ports(), WRITERS);
			long survivorAcksAtKill;
			CompletableFuture<SampleApp> restarting;
			try {
				await().atMost(Duration.ofMinutes(3)).until(() -> load.totalAcks() >= killAfter);
				load.killed(victim);
				int exit = apps[victim].process.kill();
				assertThat(exit).as("exit value of an instance killed with SIGKILL").isEqualTo(ChildJvm.SIGKILL_EXIT);
				survivorAcksAtKill = load.acks[survivor].get();
				// The killed instance starts again at once, while the survivor takes the load alone.
				apps[victim].close();
				restarting = startAsync(victim);
				await().atMost(Duration.ofMinutes(3))
					.until(() -> load.acks[survivor].get() >= survivorAcksAtKill + AFTER_KILL);
				load.stop();
			}
			finally {
				load.close();
			}
			acknowledged.putAll(load.acknowledged);
			unresolved.putAll(load.unresolved);
			exchanges.putAll(load.exchanges);
			ClusterCheck check = ClusterCheck.run(apps[survivor], database, acknowledged, unresolved, exchanges, seed);
			check.appliedButAnswered503.forEach((pair) -> System.out.println("[reliability] applied but answered 503: "
					+ pair));
			System.out.printf("[reliability] cluster kill round %d seed=%d victim=%d killAfter=%d survivorAcksAfterKill=%d"
					+ " %s documents=%d lost=%d appliedNotAcked=%d %s violations=%d%n", round, seed, victim, killAfter,
					load.acks[survivor].get() - survivorAcksAtKill, load.summary(), check.documents, check.lost.size(),
					check.appliedNotAcknowledged, check.appliedNotAcknowledgedByAnswer, check.violations.size());
			assertThat(load.violations).as("wrong answers in round %d (seed %d)", round, seed).isEmpty();
			assertThat(load.malformedErrors).as("5xx answers not shaped as CouchDB's").isEmpty();
			assertThat(load.unanswered).as("requests to the survivor without an answer").isEmpty();
			assertThat(check.lost).as("acknowledged documents lost in round %d (seed %d)", round, seed).isEmpty();
			assertThat(check.violations).as("inconsistencies in round %d (seed %d)", round, seed).isEmpty();
			assertThat(check.appliedButAnswered503)
				.as("documents applied whose request was answered 503 (nothing written), round %d (seed %d)", round, seed)
				.isEmpty();

			apps[victim] = restarting.get();
			ClusterCheck restarted = ClusterCheck.run(apps[victim], database, acknowledged, unresolved, seed + 1);
			assertThat(restarted.feed).as("the restarted instance serves the survivor's feed").isEqualTo(check.feed);
			String catchUp = "catch-up-" + round;
			var written = apps[victim].send("PUT", "/" + database + "/" + catchUp, "{}");
			assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
			acknowledged.put(catchUp, written.body().replaceAll(".*\"rev\":\"([^\"]+)\".*", "$1"));
			ClusterCheck after = ClusterCheck.run(apps[survivor], database, acknowledged, unresolved, seed + 2);
			assertThat(after.violations).isEmpty();
			assertThat(after.lost).isEmpty();
			assertThat(after.feed).hasSize(check.feed.size() + 1);
			assertThat(after.feed.get(after.feed.size() - 1)).startsWith((check.feed.size() + 1) + " " + catchUp + " ");

			totalAcks += load.acknowledged.size() + 1;
			// The check covers the whole database, every round so far: the last one's counts are the totals.
			lost = check.lost.size();
			violations = check.violations.size();
			appliedNotAcknowledged = check.appliedNotAcknowledged;
			unanswered += load.toDeadInstance.get();
		}
		Report.figure("cluster.kill", "rounds", rounds);
		Report.figure("cluster.kill", "sigkills", rounds);
		Report.figure("cluster.kill", "writersPerInstance", WRITERS);
		Report.figure("cluster.kill", "acknowledgedWrites", totalAcks);
		Report.figure("cluster.kill", "lost", lost);
		Report.figure("cluster.kill", "appliedButNotAcknowledged", appliedNotAcknowledged);
		Report.figure("cluster.kill", "inFlightToKilledInstance", unanswered);
		Report.figure("cluster.kill", "consistencyViolations", violations);
	}

	@Test
	void whenPostgresCrashesUnderLoadThenEveryRequestIsAnsweredEveryAcknowledgedWriteSurvivesAndServiceResumes()
			throws Exception {
		long seed = Settings.seed() + 71_000;
		int crashAfter = 100 + new Random(seed).nextInt(1500);
		String database = "crashed";
		assertThat(apps[1].send("PUT", "/" + database, null).statusCode()).isEqualTo(201);
		ClusterLoad load = ClusterLoad.start(database, "pg-", ports(), WRITERS);
		long[] errorsBeforeRestart = new long[2];
		long[] acksAtRestart = new long[2];
		try {
			await().atMost(Duration.ofMinutes(3)).until(() -> load.totalAcks() >= crashAfter);
			cluster.crash();
			long[] errorsAtCrash = { load.serverErrors[0].get(), load.serverErrors[1].get() };
			// Down until both instances have answered requests with errors: in-flight requests included.
			await().atMost(Duration.ofMinutes(3))
				.until(() -> load.serverErrors[0].get() > errorsAtCrash[0] + WRITERS
						&& load.serverErrors[1].get() > errorsAtCrash[1] + WRITERS);
			errorsBeforeRestart[0] = load.serverErrors[0].get();
			errorsBeforeRestart[1] = load.serverErrors[1].get();
			cluster.restart();
			acksAtRestart[0] = load.acks[0].get();
			acksAtRestart[1] = load.acks[1].get();
			await().atMost(Duration.ofMinutes(3))
				.until(() -> load.acks[0].get() >= acksAtRestart[0] + AFTER_KILL
						&& load.acks[1].get() >= acksAtRestart[1] + AFTER_KILL);
			load.stop();
		}
		finally {
			load.close();
		}
		ClusterCheck check = ClusterCheck.run(apps[0], database, load.acknowledged, load.unresolved, load.exchanges,
				seed);
		ClusterCheck other = ClusterCheck.run(apps[1], database, load.acknowledged, load.unresolved, seed + 1);
		check.appliedButAnswered503.forEach((pair) -> System.out.println("[reliability] applied but answered 503: "
				+ pair));
		load.errorKinds().forEach((kind, count) -> System.out.println("[reliability] error answers " + count + " x " + kind));
		load.errorAnswers.stream().filter((answer) -> answer.contains(": 500 ")).limit(3)
			.forEach((answer) -> System.out.println("[reliability] a 500 answer: " + answer));
		// Writes still queued when the app's async request timeout expired (answered 500, may have been written).
		long timedOut = load.errorAnswers.stream().filter((answer) -> answer.contains("timed out before")).count();
		System.out.printf("[reliability] cluster postgres crash seed=%d crashAfter=%d errorsWhileDown=%s %s documents=%d"
				+ " lost=%d appliedNotAcked=%d %s timedOutWrites=%d appliedBut503=%d violations=%d%n", seed, crashAfter,
				List.of(errorsBeforeRestart[0], errorsBeforeRestart[1]), load.summary(), check.documents,
				check.lost.size(), check.appliedNotAcknowledged, check.appliedNotAcknowledgedByAnswer, timedOut,
				check.appliedButAnswered503.size(), check.violations.size());
		assertThat(load.unanswered).as("requests without an answer").isEmpty();
		assertThat(load.malformedErrors).as("5xx answers not shaped as CouchDB's").isEmpty();
		assertThat(load.violations).as("wrong answers").isEmpty();
		assertThat(check.lost).as("acknowledged writes lost").isEmpty();
		assertThat(check.violations).as("inconsistencies").isEmpty();
		assertThat(check.appliedButAnswered503).as("documents applied whose request was answered 503 (nothing written)")
			.isEmpty();
		assertThat(other.feed).as("both instances serve the same feed").isEqualTo(check.feed);
		List<String> statuses = new ArrayList<>(load.errorAnswers);
		Report.figure("cluster.postgresCrash", "writersPerInstance", WRITERS);
		Report.figure("cluster.postgresCrash", "acknowledgedWrites", load.acknowledged.size());
		Report.figure("cluster.postgresCrash", "errorAnswers", statuses.size());
		Report.figure("cluster.postgresCrash", "unanswered", load.unanswered.size());
		Report.figure("cluster.postgresCrash", "lost", check.lost.size());
		Report.figure("cluster.postgresCrash", "appliedButNotAcknowledged", check.appliedNotAcknowledged);
		// A 503 says nothing was applied: asserted above (appliedButAnswered503).
		Report.figure("cluster.postgresCrash", "appliedButNotAcknowledgedByAnswer", check.appliedNotAcknowledgedByAnswer);
		Report.figure("cluster.postgresCrash", "timedOutWrites", timedOut);
		Report.figure("cluster.postgresCrash", "appliedButAnswered503", check.appliedButAnswered503.size());
		Report.figure("cluster.postgresCrash", "consistencyViolations", check.violations.size());
	}

}
