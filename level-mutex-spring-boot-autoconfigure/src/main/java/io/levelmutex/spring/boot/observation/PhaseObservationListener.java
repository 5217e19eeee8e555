package io.levelmutex.spring.boot.observation;

import io.levelmutex.FlushEvent;
import io.levelmutex.MutexListener;
import io.levelmutex.ReadPhaseEvent;
import io.levelmutex.WriteBatchEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Records one mutex's batch and read-phase observations. Called on the mutex's cycle thread,
 * one phase at a time.
 */
final class PhaseObservationListener implements MutexListener {

	private final String mutexName;

	private final ObservationRegistry registry;

	private final String readsName;

	private final String batchName;

	/** Owned by the mutex's cycle (one phase at a time): the read phase in flight. */
	private @Nullable Observation reads;

	/** Owned by the mutex's cycle (one phase at a time): the batch in flight. */
	private @Nullable Observation batch;

	PhaseObservationListener(String mutexName, ObservationRegistry registry) {
		this.mutexName = mutexName;
		this.registry = registry;
		this.readsName = "reads " + mutexName;
		this.batchName = "batch " + mutexName;
	}

	@Override
	public void onReads(ReadPhaseEvent event) {
		this.reads = Observation.createNotStarted(MutexObservations.READS, this.registry)
			.parentObservation(null)
			.contextualName(this.readsName)
			.lowCardinalityKeyValue("mutex", this.mutexName)
			.lowCardinalityKeyValue("reads", SizeBucket.of(event.reads()))
			.highCardinalityKeyValue("phase", Long.toString(event.phase()))
			.start();
	}

	@Override
	public void onReadsDelivered(ReadPhaseEvent event) {
		Observation observation = this.reads;
		if (observation != null) {
			this.reads = null;
			observation.lowCardinalityKeyValue("outcome", "success").stop();
		}
	}

	@Override
	public void onWrites(WriteBatchEvent event) {
		this.batch = Observation.createNotStarted(MutexObservations.BATCH, this.registry)
			.parentObservation(null)
			.contextualName(this.batchName)
			.lowCardinalityKeyValue("mutex", this.mutexName)
			.lowCardinalityKeyValue("batch.size", SizeBucket.of(event.operations().size()))
			.highCardinalityKeyValue("batch", Long.toString(event.batch()))
			.start();
	}

	@Override
	public void onFlushed(FlushEvent event) {
		Observation observation = this.batch;
		if (observation == null) {
			return;
		}
		this.batch = null;
		observation.lowCardinalityKeyValue("outcome", event.succeeded() ? "success" : "failure");
		Throwable error = event.error();
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

	@Override
	public String toString() {
		return "PhaseObservationListener[" + this.mutexName + "]";
	}

}
