package io.levelmutex.sample.couch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The threads of the changes feeds: a timer that only fires timeouts and heartbeats, and a
 * small pool that writes to the feeds' responses, so that neither a mutex's cycle thread nor
 * the starter's event thread ever blocks on a slow client.
 */
@Configuration(proxyBeanMethods = false)
class CouchConfiguration {

	static final String CHANGES_SCHEDULER = "couchChangesScheduler";

	static final String CHANGES_EXECUTOR = "couchChangesExecutor";

	private static final int CHANGES_THREADS = 4;

	@Bean(name = CHANGES_SCHEDULER, destroyMethod = "shutdownNow")
	ScheduledExecutorService couchChangesScheduler() {
		return Executors.newSingleThreadScheduledExecutor(daemonThreads("couch-changes-timer"));
	}

	@Bean(name = CHANGES_EXECUTOR, destroyMethod = "shutdownNow")
	ExecutorService couchChangesExecutor() {
		return Executors.newFixedThreadPool(CHANGES_THREADS, daemonThreads("couch-changes-"));
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, name + (name.endsWith("-") ? count.incrementAndGet() : ""));
			thread.setDaemon(true);
			return thread;
		};
	}

}
