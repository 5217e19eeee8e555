package io.levelmutex.sample.couch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.levelmutex.spring.boot.MutexFlushedEvent;

import org.springframework.context.event.EventListener;

/**
 * Records the starter's flush events, to see which writes went into which batch.
 */
class FlushRecorder {

	/** Appended to by the starter's event thread, read by the test thread. */
	private final List<MutexFlushedEvent> events = new CopyOnWriteArrayList<>();

	@EventListener
	void onFlushed(MutexFlushedEvent event) {
		this.events.add(event);
	}

	List<MutexFlushedEvent> of(String mutexName) {
		return this.events.stream().filter((event) -> event.getMutexName().equals(mutexName)).toList();
	}

}
