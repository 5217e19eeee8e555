package io.levelmutex.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A CouchDB-style document store built on the level-mutex starter: one mutex per database,
 * revision-checked writes through {@code Mutex.update}, and a {@code _changes} feed woken by
 * the starter's flush events. It speaks the subset of CouchDB's HTTP API that the
 * {@code nano} client needs.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	/**
	 * Starts the application.
	 * @param args command line arguments, e.g. {@code --server.port=5984}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
