package io.levelmutex;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueCountsTest {

	@Test
	void whenReadsAndWritesCountedThenTheLimitAppliesToTheirSumAndEachStaysSeparate() {
		QueueCounts counts = new QueueCounts();
		assertThat(counts.tryAddRead(3)).isTrue();
		assertThat(counts.tryAddWrite(3)).isTrue();
		assertThat(counts.tryAddWrite(3)).isTrue();
		assertThat(counts.tryAddRead(3)).isFalse();
		assertThat(counts.tryAddWrite(3)).isFalse();
		assertThat(counts.reads()).isEqualTo(1);
		assertThat(counts.writes()).isEqualTo(2);
		counts.removeWrites(1); // room again, for a write or a read
		assertThat(counts.tryAddRead(3)).isTrue();
		assertThat(counts.reads()).isEqualTo(2);
		assertThat(counts.writes()).isEqualTo(1);
		counts.removeWrites(1);
		counts.removeReads(2);
		assertThat(counts.reads()).isZero();
		assertThat(counts.writes()).isZero();
	}

	@Test
	void whenManyWritesCountedThenNoneSpillsIntoTheReadCount() {
		QueueCounts counts = new QueueCounts();
		for (int i = 0; i < 100_000; i++) {
			assertThat(counts.tryAddWrite(Integer.MAX_VALUE)).isTrue();
		}
		assertThat(counts.reads()).isZero();
		assertThat(counts.writes()).isEqualTo(100_000);
	}

}
