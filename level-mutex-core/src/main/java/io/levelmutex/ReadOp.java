package io.levelmutex;

/**
 * A queued read: created on the caller's thread, then owned by the cycle thread, which
 * executes it on the phase's snapshot and later delivers its result.
 */
abstract class ReadOp extends QueuedOp {

	/** Runs the read on the phase's snapshot; failures are kept for {@link #deliver()}. */
	abstract void execute(ReadPhase phase);

	/** Completes the caller's future (in issue order, after every read of the phase ran). */
	abstract void deliver();

	/** Fails the caller's future without running the read. */
	abstract void fail(Throwable error);

}
