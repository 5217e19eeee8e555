package io.levelmutex;

/**
 * A queued read: created on the caller's thread, then owned by the cycle thread, which
 * plans it in its read phase and later delivers its result.
 */
abstract class QueuedRead extends QueuedOp {

	/** Adds the read to the phase's plan (or, when it can find nothing, gives it its empty result now). */
	abstract void plan(ReadPhase phase);

	/** Completes the caller's future (in issue order, after every read of the phase ran). */
	abstract void deliver();

	/** Fails the caller's future without running the read. */
	abstract void fail(Throwable error);

}
