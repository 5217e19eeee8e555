package io.levelmutex.aottest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.util.Environment;

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
	void whenAotProcessedThenTheGeneratedInitializerExists() {
		assertThat(AotApplicationIT.class.getClassLoader()
			.getResource("io/levelmutex/aottest/AotTestApplication__ApplicationContextInitializer.class")).isNotNull();
	}

	@Test
	void whenAotProcessedThenNativeImageHintsCoverRocksDbAndTheJsonValueType() throws IOException {
		String metadata;
		try (InputStream in = AotApplicationIT.class.getClassLoader()
			.getResourceAsStream("META-INF/native-image/io.levelmutex/aot-test-app/reachability-metadata.json")) {
			assertThat(in).as("generated reachability metadata").isNotNull();
			metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(metadata).contains("\"glob\": \"" + Environment.getJniLibraryFileName("rocksdb") + "\"")
			.contains("\"type\": \"org.rocksdb.RocksDBException\"")
			.contains("\"type\": \"io.levelmutex.aottest.Order\"");
	}

	@Test
	void whenStartedWithAotThenNamedMutexBeansAreInjectedAndWork(@TempDir Path store) {
		assertThat(AotDetector.useGeneratedArtifacts()).as("spring.aot.enabled").isTrue();
		SpringApplication application = new SpringApplication(AotTestApplication.class);
		// the generated initializer is looked up by the main class's name
		application.setMainApplicationClass(AotTestApplication.class);
		try (ConfigurableApplicationContext context = application.run("--level-mutex.rocksdb.path=" + store)) {
			assertThat(context.getBean(AuditLog.class).record("k1", "created")).contains("created");
			OrderBook orders = context.getBean(OrderBook.class);
			assertThat(orders.add("o-1", 2)).isEqualTo(new Order("o-1", 2));
			assertThat(orders.add("o-1", 3)).isEqualTo(new Order("o-1", 5));
			assertThat(orders.find("o-1")).contains(new Order("o-1", 5));
			assertThat(context.getBeanFactory().getBeanDefinition("orders").getResolvableType())
				.hasToString("io.levelmutex.Mutex<java.lang.String, io.levelmutex.aottest.Order>");
		}
	}

}
