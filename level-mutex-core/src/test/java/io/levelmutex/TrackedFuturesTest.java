package io.levelmutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tracked-futures stack on its own, without a mutex: what it takes, what a sweep keeps, and what
 * {@link TrackedFutures#failAll} fails (every pending future, every later one, and no completed one).
 */
class TrackedFuturesTest {

	private final TrackedFutures tracked = new TrackedFutures("m");

	@Test
	void whenAFutureIsAlreadyDoneThenItIsReturnedUntracked() {
		CompletableFuture<String> done = CompletableFuture.completedFuture("x");
		assertThat(this.tracked.track(done)).isSameAs(done);
		assertThat(this.tracked.size()).isZero();
	}

	@Test
	void whenAPendingFutureIsNotAMutexFutureThenTrackingIsRefusedNamingTheMutex() {
		assertThatThrownBy(() -> this.tracked.track(new CompletableFuture<>()))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("'m'");
		assertThat(this.tracked.size()).isZero();
	}

	@Test
	void whenASweepIntervalOfFuturesIsPushedThenTheCompletedOnesAreSweptAndThePendingOnesKept() {
		List<MutexFuture<Integer>> pending = new ArrayList<>();
		for (int i = 0; i < TrackedFutures.MIN_SWEEP_INTERVAL - 1; i++) {
			MutexFuture<Integer> future = new MutexFuture<>("m");
			this.tracked.track(future);
			if (i % 4 == 0) {
				pending.add(future);
			}
			else {
				future.complete(i);
			}
		}
		assertThat(this.tracked.size()).as("no sweep before the interval")
			.isEqualTo(TrackedFutures.MIN_SWEEP_INTERVAL - 1);
		MutexFuture<Integer> last = new MutexFuture<>("m");
		this.tracked.track(last); // the push that reaches the interval sweeps
		assertThat(this.tracked.size()).isEqualTo(pending.size() + 1);
		MutexClosedException failure = new MutexClosedException("abandoned");
		this.tracked.failAll(failure);
		assertThat(pending).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
		assertThat(last).isCompletedExceptionally();
		assertThat(this.tracked.size()).isZero();
	}

	@Test
	void whenFailedAllThenPendingFuturesFailCompletedOnesKeepTheirValueAndLaterOnesFailAtOnce() {
		MutexFuture<String> pending = new MutexFuture<>("m");
		MutexFuture<String> completed = new MutexFuture<>("m");
		this.tracked.track(pending);
		this.tracked.track(completed);
		completed.complete("kept");
		MutexClosedException failure = new MutexClosedException("abandoned");

		this.tracked.failAll(failure);

		assertThat(this.tracked.failure()).isSameAs(failure);
		assertThat(pending).isCompletedExceptionally();
		assertThat(failureOf(pending)).isSameAs(failure);
		assertThat(completed).isCompletedWithValue("kept");
		MutexFuture<String> later = new MutexFuture<>("m");
		assertThat(this.tracked.track(later)).isSameAs(later);
		assertThat(failureOf(later)).isSameAs(failure);
	}

	private static Throwable failureOf(CompletableFuture<?> future) {
		return future.handle((value, error) -> error).getNow(null);
	}

}
