package io.levelmutex;

import java.util.concurrent.Executor;

/**
 * An executor whose mutexes' cycles a caller blocking on a write's future may run on its own thread instead
 * ({@code MutexCore.helpDrain}): the store's own {@link CyclePool}, whose threads carry nothing of the
 * application's. An executor the application gives a mutex ({@link MutexOptions.Builder#executor}) is not one: it
 * may carry context, tracing or limits of its own, so every cycle of such a mutex runs on it.
 */
interface JoinableExecutor extends Executor {
}
