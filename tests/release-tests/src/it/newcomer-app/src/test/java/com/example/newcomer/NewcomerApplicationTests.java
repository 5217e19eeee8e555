package com.example.newcomer;

import java.nio.file.Path;

import io.levelmutex.spring.boot.MutexRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SpringBootTest
class NewcomerApplicationTests {

	@TempDir
	static Path store;

	@DynamicPropertySource
	static void store(DynamicPropertyRegistry registry) {
		registry.add("level-mutex.rocksdb.path", () -> store.resolve("level-mutex").toString());
	}

	@Autowired
	NewcomerApplication.Greetings greetings;

	@Autowired
	MutexRegistry registry;

	@Test
	void theStarterGivesARegistryWhoseMutexesWriteAndRead() {
		assertEquals("hello, newcomer", this.greetings.greet("newcomer").join());
		assertTrue(this.registry.find("greetings").isPresent());
	}

}
