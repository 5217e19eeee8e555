package io.levelmutex.sample;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets Tomcat pass {@code %2F} through to Spring MVC, which decodes it inside a path
 * variable: CouchDB database names may contain {@code /} and clients send it encoded
 * ({@code PUT /a%2Fb}).
 */
@Configuration(proxyBeanMethods = false)
class WebServerConfiguration {

	@Bean
	TomcatConnectorCustomizer encodedSlashPassthrough() {
		return (connector) -> connector.setEncodedSolidusHandling("passthrough");
	}

}
