package io.levelmutex;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mutex's listeners. Called on the cycle thread (remote changes: on the engine's thread); a listener that throws anything (an
 * {@link Error} such as a failed assertion included) is logged and skipped: the cycle must
 * never break, or the operations it carries would never complete. The list is copy-on-write: registration is rare, dispatch is hot.
 */
final class MutexListeners {

	private static final System.Logger LOG = System.getLogger(Mutex.class.getName());

	private final String mutexName;

	private final CopyOnWriteArrayList<MutexListener> listeners = new CopyOnWriteArrayList<>();

	MutexListeners(String mutexName) {
		this.mutexName = mutexName;
	}

	Mutex.ListenerRegistration add(MutexListener listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	boolean isEmpty() {
		return this.listeners.isEmpty();
	}

	void reads(ReadPhaseEvent event) {
		for (MutexListener listener : this.listeners) {
			try {
				listener.onReads(event);
			}
			catch (Throwable ex) {
				report("reads", listener, ex);
			}
		}
	}

	void readsDelivered(long phase, int reads) {
		if (this.listeners.isEmpty()) {
			return;
		}
		ReadPhaseEvent event = new ReadPhaseEvent(this.mutexName, phase, reads);
		for (MutexListener listener : this.listeners) {
			try {
				listener.onReadsDelivered(event);
			}
			catch (Throwable ex) {
				report("reads delivered", listener, ex);
			}
		}
	}

	void writes(WriteBatchEvent event) {
		for (MutexListener listener : this.listeners) {
			try {
				listener.onWrites(event);
			}
			catch (Throwable ex) {
				report("writes", listener, ex);
			}
		}
	}

	void flushed(FlushEvent event) {
		for (MutexListener listener : this.listeners) {
			try {
				listener.onFlushed(event);
			}
			catch (Throwable ex) {
				report("flushed", listener, ex);
			}
		}
	}

	/** Other writers' commits; the engine's notification thread. */
	void remoteChange(RemoteChangeEvent event) {
		for (MutexListener listener : this.listeners) {
			try {
				listener.onRemoteChange(event);
			}
			catch (Throwable ex) {
				report("remote change", listener, ex);
			}
		}
	}

	private void report(String event, MutexListener listener, Throwable ex) {
		LOG.log(System.Logger.Level.WARNING, "Listener " + listener + " of mutex '" + this.mutexName + "' threw on the '"
				+ event + "' event; the cycle goes on", ex);
	}

}
