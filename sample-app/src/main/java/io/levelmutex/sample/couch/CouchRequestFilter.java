package io.levelmutex.sample.couch;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Hands every request on as a {@link CouchRequest}, so that no code behind it (Spring MVC's
 * content negotiation and {@code @RequestParam}, the controllers, the error handler, the
 * actuator) sees an {@code Accept} header or makes Tomcat parse parameters: Tomcat's parser
 * fails on a nameless chunk ({@code ?=}) or an undecodable form body, and would read a
 * {@code POST} form body as parameters. Stateless and thread-safe.
 */
final class CouchRequestFilter implements Filter {

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request instanceof HttpServletRequest http && !(request instanceof CouchRequest)) {
			chain.doFilter(new CouchRequest(http), response);
			return;
		}
		chain.doFilter(request, response);
	}

}
