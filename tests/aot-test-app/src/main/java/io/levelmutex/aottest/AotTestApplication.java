package io.levelmutex.aottest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small application on the level-mutex starter, AOT-processed by the build and started from
 * the generated initializer by {@code AotApplicationIT}.
 */
@SpringBootApplication
public class AotTestApplication {

	/**
	 * Starts the application.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		SpringApplication.run(AotTestApplication.class, args);
	}

}
