package io.levelmutex.sample.couch;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * CouchDB's HTTP conventions in front of everything else: every request, and the
 * asynchronous and error dispatches that answer it, is seen as a {@link CouchRequest} (JSON
 * answers whatever the {@code Accept} header, parameters from the query string only).
 */
@Configuration(proxyBeanMethods = false)
class CouchHttpConventions {

	@Bean
	FilterRegistrationBean<CouchRequestFilter> couchRequestFilter() {
		FilterRegistrationBean<CouchRequestFilter> registration = new FilterRegistrationBean<>(new CouchRequestFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
		return registration;
	}

}
