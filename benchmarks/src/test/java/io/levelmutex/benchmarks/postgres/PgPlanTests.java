package io.levelmutex.benchmarks.postgres;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The plans of series P and Q: which points they hold, and that restricting them keeps only what is asked. */
class PgPlanTests {

	@Test
	void whenSeriesPIsPlannedThenEveryContenderRunsW1AtThreeLevelsAndW2Once() {
		PgPlan plan = PgPlan.quick(java.util.List.of(PgContenderKind.AUTOCOMMIT, PgContenderKind.MUTEX_ONE_NODE));

		assertThat(plan.points()).hasSize(8);
		assertThat(plan.w1Clients()).containsExactly(1, 16, 256);
		assertThat(plan.w1Label()).isEqualTo(PgSweep.W1);
		assertThat(plan.w2Label()).isEqualTo(PgSweep.w2Label(1000));
	}

	@Test
	void whenSeriesQIsPlannedThenEveryTargetHasBothSidesInOneRun() {
		PgPlan plan = PgPlan.seriesQQuick();

		assertThat(plan.points()).contains(new PgPlan.Point(0, PgPlan.Load.W1, PgContenderKind.LIMIT, 1),
				new PgPlan.Point(0, PgPlan.Load.W1, PgContenderKind.MUTEX_ONE_NODE, 256),
				new PgPlan.Point(0, PgPlan.Load.W1, PgContenderKind.MUTEX_THREE_NODES, 256),
				new PgPlan.Point(2, PgPlan.Load.W1, PgContenderKind.AUTOCOMMIT, 1),
				new PgPlan.Point(2, PgPlan.Load.W2, PgContenderKind.OPTIMISTIC, 1),
				new PgPlan.Point(3, PgPlan.Load.W2, PgContenderKind.MUTEX_ONE_NODE, 256));
		assertThat(plan.preloadW1()).isTrue();
		assertThat(plan.points()).allMatch((point) -> point.kind().runs(point.workload()));
	}

	@Test
	void whenAPlanIsRestrictedThenOnlyTheChosenWorkloadsLevelsAndContendersRemain() {
		PgPlan plan = PgPlan.seriesQ()
			.keep(EnumSet.of(PgPlan.Load.W1), Set.of(256), Set.of(PgContenderKind.MUTEX_ONE_NODE));

		assertThat(plan.points()).containsExactly(new PgPlan.Point(0, PgPlan.Load.W1, PgContenderKind.MUTEX_ONE_NODE, 256));
	}

}
