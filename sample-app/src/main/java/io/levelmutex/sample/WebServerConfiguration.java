package io.levelmutex.sample;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets Tomcat pass {@code %2F} through to Spring MVC, which decodes it inside a path
 * variable: CouchDB database names and document ids may contain {@code /} and clients send
 * it encoded ({@code PUT /a%2Fb}, {@code PUT /db/..%2F..%2Fetc}).
 *
 * <p>The connector keeps {@code %2F} encoded when it maps a request, and so does the web
 * application's context when it maps the asynchronous dispatch that delivers the answer of
 * an asynchronous route: with the context's default (decoding {@code %2F}), a document id
 * such as {@code ../../etc/passwd} would read as a directory traversal there, Tomcat would
 * refuse the dispatch, and the client would wait for an answer that never comes although
 * the document had been written.
 */
@Configuration(proxyBeanMethods = false)
class WebServerConfiguration {

	private static final String PASSTHROUGH = "passthrough";

	@Bean
	TomcatConnectorCustomizer encodedSlashPassthrough() {
		return (connector) -> connector.setEncodedSolidusHandling(PASSTHROUGH);
	}

	@Bean
	TomcatContextCustomizer encodedSlashPassthroughInDispatches() {
		return (context) -> context.setEncodedSolidusHandling(PASSTHROUGH);
	}

}
