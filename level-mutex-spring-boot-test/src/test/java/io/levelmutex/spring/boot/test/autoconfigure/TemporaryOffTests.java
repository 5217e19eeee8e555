package io.levelmutex.spring.boot.test.autoconfigure;

import java.nio.file.Path;

import io.levelmutex.MutexStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @AutoConfigureLevelMutex(temporary = false)} keeps the configured store path. */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureLevelMutex(temporary = false)
@DirtiesContext
class TemporaryOffTests {

	@Autowired
	MutexStore store;

	@Test
	void whenTemporaryOffThenTheConfiguredPathIsUsed() {
		assertThat(this.store.directory()).isEqualTo(Path.of("target/configured-store").toAbsolutePath());
	}

}
