package io.levelmutex.sample.couch;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * CouchDB's HTTP conventions in front of everything else: every request, and the
 * asynchronous and error dispatches that answer it, is seen as a {@link CouchRequest} (JSON
 * answers whatever the {@code Accept} header, parameters from the query string only), and
 * the requests Tomcat refuses itself are answered by the {@link CouchErrorReportValve}.
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

	@Bean
	CouchErrorReports couchErrorReports() {
		return new CouchErrorReports();
	}

	/**
	 * Makes the {@link CouchErrorReportValve} the host's only error report valve: it runs
	 * last among the customizers, so that it also removes the HTML valve Spring Boot adds to
	 * the host, and names its class as the host's error report valve, so that the host, when
	 * it starts, finds it in its pipeline and adds no HTML one of its own.
	 */
	static final class CouchErrorReports implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

		@Override
		public void customize(ConfigurableTomcatWebServerFactory factory) {
			factory.addContextCustomizers((context) -> {
				if (context.getParent() instanceof StandardHost host) {
					for (Valve valve : host.getPipeline().getValves()) {
						if (valve instanceof ErrorReportValve) {
							host.getPipeline().removeValve(valve);
						}
					}
					host.getPipeline().addValve(new CouchErrorReportValve());
					host.setErrorReportValveClass(CouchErrorReportValve.class.getName());
				}
			});
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
