package io.levelmutex.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link LingerPolicy}: writers linger while their lingers reach their target, and stop while they time out. */
class LingerPolicyTest {

	@Test
	void aNewPolicyLingersAndKeepsLingeringWhileLingersReachTheirTarget() {
		LingerPolicy policy = new LingerPolicy();
		for (int i = 0; i < 100; i++) {
			assertThat(policy.shouldLinger()).as("take %d", i).isTrue();
			policy.lingered(true);
		}
		assertThat(policy.score()).isEqualTo(LingerPolicy.MAX_SCORE);
	}

	@Test
	void aTimedOutLingerStopsLingeringForSkipsAfterMissTakesThenItTriesAgain() {
		LingerPolicy policy = new LingerPolicy();
		assertThat(policy.shouldLinger()).isTrue();
		policy.lingered(false);
		for (int i = 1; i <= LingerPolicy.SKIPS_AFTER_MISS; i++) {
			assertThat(policy.shouldLinger()).as("take %d after the miss", i).isFalse();
		}
		assertThat(policy.shouldLinger()).as("the try after the skips").isTrue();
		policy.lingered(false); // missed again: skips again
		assertThat(policy.shouldLinger()).isFalse();
	}

	@Test
	void lingersThatMostlyReachTheirTargetKeepLingeringThroughAnOccasionalMiss() {
		LingerPolicy policy = new LingerPolicy();
		int lingered = 0;
		for (int i = 0; i < 300; i++) { // one miss in four (a closed loop on a busy machine measured 5-25%)
			if (policy.shouldLinger()) {
				lingered++;
				policy.lingered(i % 4 != 3);
			}
		}
		assertThat(lingered).isEqualTo(300);
	}

	@Test
	void lingersThatMostlyTimeOutAreFewAndRepeatedMissesSkipAgain() {
		LingerPolicy policy = new LingerPolicy();
		int lingered = 0;
		for (int i = 0; i < 1_000; i++) { // two misses in three (thinking clients measured 60-70%)
			if (policy.shouldLinger()) {
				policy.lingered(lingered++ % 3 == 2);
			}
		}
		assertThat(lingered).isLessThanOrEqualTo(1_000 / LingerPolicy.SKIPS_AFTER_MISS * 2);
	}

	@Test
	void aMissAtTheTopScoreStillLingersAndOnlyMissesInARowStop() {
		LingerPolicy policy = new LingerPolicy();
		for (int i = 0; i < LingerPolicy.MAX_SCORE; i++) {
			policy.shouldLinger();
			policy.lingered(true);
		}
		policy.lingered(false); // 4 - 2
		assertThat(policy.shouldLinger()).isTrue();
		policy.lingered(false); // 2 - 2
		assertThat(policy.shouldLinger()).isTrue();
		policy.lingered(false); // 0 - 2
		assertThat(policy.shouldLinger()).isFalse();
	}

}
