package io.levelmutex.spring.boot.test.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;

/**
 * An application with no auto-configuration of its own: {@link AutoConfigureLevelMutex} imports
 * level-mutex's, as in a test slice.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
class TestApplication {

}
