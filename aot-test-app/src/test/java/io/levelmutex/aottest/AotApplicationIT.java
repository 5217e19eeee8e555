package io.levelmutex.aottest;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the application from the initializer that {@code process-aot} generated (Failsafe
 * runs this with {@code -Dspring.aot.enabled=true}; Spring Boot then refuses to start without
 * the generated initializer, and registers no bean from scanning or auto-configuration
 * classes).
 */
class AotApplicationIT {

	@Test
	void whenStartedWithAotThenNamedMutexBeansAreInjectedAndWork(@TempDir Path store) {
		assertThat(AotDetector.useGeneratedArtifacts()).as("spring.aot.enabled").isTrue();
		try (ConfigurableApplicationContext context = SpringApplication.run(AotTestApplication.class,
				"--level-mutex.store.path=" + store)) {
			assertThat(context.getBean(AuditLog.class).record("k1", "created")).contains("created");
		}
	}

}
