package io.levelmutex.postgres;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import io.levelmutex.Mutex;
import io.levelmutex.MutexListener;
import io.levelmutex.ReadPhaseEvent;

/**
 * Writes issued from a read's callback on its completing thread, for tests whose writes must share the next batch.
 * The README promises that only for a dependent action registered before the result arrives; a test that calls
 * {@code mutex.get(key).thenAccept(...)} registers it a moment after the read was queued, and a test thread held up
 * in that moment (a loaded machine) finds the read done: the action then runs on the test thread, and the writes it
 * issues may go into different batches. So a listener holds the read phase until the action is registered.
 */
final class ReadCallbacks {

	private ReadCallbacks() {
	}

	/**
	 * Reads {@code key} and runs {@code action} in the read's callback, on the thread that completes the read.
	 * @return the callback's stage: done once {@code action} ran
	 */
	static CompletableFuture<Void> onCompletingThread(Mutex<String, String> mutex, String key, Runnable action) {
		CountDownLatch registered = new CountDownLatch(1);
		Mutex.ListenerRegistration gate = mutex.addListener(new MutexListener() {
			@Override
			public void onReads(ReadPhaseEvent event) {
				try {
					registered.await(); // counted down by the test thread right after it registered the callback
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		CompletableFuture<Void> callback = mutex.get(key).thenAccept((ignored) -> {
			gate.close();
			action.run();
		});
		registered.countDown();
		return callback;
	}

}
