package com.example.newcomer;

import java.util.concurrent.CompletableFuture;

import io.levelmutex.Mutex;
import io.levelmutex.codec.Codecs;
import io.levelmutex.spring.boot.MutexRegistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** A newcomer's application: the starter's registry, a typed mutex, one write and one read. */
@SpringBootApplication
public class NewcomerApplication {

	public static void main(String[] args) {
		SpringApplication.run(NewcomerApplication.class, args);
	}

	@Service
	public static class Greetings {

		private final Mutex<String, String> greetings;

		public Greetings(MutexRegistry registry) {
			this.greetings = registry.mutex("greetings").withCodecs(Codecs.utf8(), Codecs.utf8());
		}

		public CompletableFuture<String> greet(String name) {
			return this.greetings.put(name, "hello, " + name)
				.thenCompose((done) -> this.greetings.get(name))
				.thenApply((value) -> value.orElseThrow());
		}

	}

}
