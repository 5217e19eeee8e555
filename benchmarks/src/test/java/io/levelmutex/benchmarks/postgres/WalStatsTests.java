package io.levelmutex.benchmarks.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The WAL figures of a window: differences of two readings and the ratios taken from them. */
class WalStatsTests {

	// Two seconds: 800 syncs of 1.5 ms each, 2,000 commits, 8 MB of WAL with 100 full-page images.
	private static final WalStats START = new WalStats(5_000_000_000L, 1_000, 10, 50_000, 30, 400, 600.0, 700, 1,
			1_000_000);

	private static final WalStats END = new WalStats(7_000_000_000L, 81_000, 110, 8_050_000, 830, 1_200, 1_800.0,
			2_700, 1, 9_000_000);

	@Test
	void whenTwoReadingsAreSubtractedThenEveryCounterIsTheDifference() {
		WalStats window = END.minus(START);

		assertThat(window).isEqualTo(new WalStats(2_000_000_000L, 80_000, 100, 8_000_000, 800, 800, 1_200.0, 2_000, 0,
				8_000_000));
		assertThat(window.seconds()).isEqualTo(2.0);
	}

	@Test
	void whenAWindowIsDescribedThenItsRatesAreTheCountsOverItsSeconds() {
		WalStats window = END.minus(START);

		assertThat(window.syncsPerSecond()).isEqualTo(400.0);
		// 20,000 rows/s over 400 syncs/s.
		assertThat(window.rowsPerSync(20_000)).isEqualTo(50.0);
		assertThat(window.commitsPerSync()).isEqualTo(2.5);
		assertThat(window.meanSyncMillis()).isEqualTo(1.5);
		// 1.2 s of syncing in 2 s.
		assertThat(window.syncBusy()).isCloseTo(0.6, within(1e-12));
	}

	@Test
	void whenAWindowIsDescribedThenTheLineHasPerSyncAndPerRowFigures() {
		// 40,000 rows in the window, 20 per batch: 2.5 batches per sync; 200 bytes, 2 records, 0.0025 FPIs per row;
		// 100 FPIs x 8 kB = 819,200 bytes, 10% of 8 MB.
		String line = END.minus(START).describe(20_000, 20);

		assertThat(line).startsWith("400 WAL syncs/s, **50.0 rows and 2.50 batches per sync** (2.50 commits per sync")
			.contains("mean sync 1.50 ms (syncing 60% of the window)")
			.contains("per row: 200 WAL bytes (200 by insert position), 2.00 records, 0.0025 full-page images")
			.contains("FPIs at most 10% of WAL bytes")
			.contains("800 writes, 0 checkpoints; 2.00 s");
	}

	@Test
	void whenNothingWasSyncedOrCommittedThenTheRatiosAreZeroNotInfinite() {
		WalStats idle = new WalStats(1_000_000_000L, 0, 0, 0, 0, 0, 0.0, 0, 0, 0);

		assertThat(idle.rowsPerSync(0)).isZero();
		assertThat(idle.commitsPerSync()).isZero();
		assertThat(idle.meanSyncMillis()).isZero();
		assertThat(idle.describe(0, 0)).startsWith("0 WAL syncs/s, **0.0 rows and 0.00 batches per sync**");
	}

	@Test
	void whenTheBatchSizeIsUnknownThenBatchesPerSyncReadZero() {
		assertThat(END.minus(START).describe(20_000, 0)).contains("50.0 rows and 0.00 batches per sync");
	}

}
