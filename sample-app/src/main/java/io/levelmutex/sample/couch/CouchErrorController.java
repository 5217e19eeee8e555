package io.levelmutex.sample.couch;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}) in CouchDB's shape, instead of Spring Boot's:
 * errors that Tomcat itself raises after the application has seen the request (a body that
 * ended before its {@code Content-Length}, an exception escaping the error handler) keep
 * their status and get a JSON {@code {"error":..,"reason":..}} body whatever the client
 * accepts.
 */
@RestController
final class CouchErrorController implements ErrorController {

	private final CouchJson json;

	CouchErrorController(CouchJson json) {
		this.json = json;
	}

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ObjectNode> error(HttpServletRequest request) {
		HttpStatus status = status(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
		Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
		String reason = (message instanceof String text && !text.isEmpty()) ? text : status.getReasonPhrase();
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.json.error(CouchException.errorName(status.value()), reason));
	}

	private static HttpStatus status(@Nullable Object code) {
		HttpStatus status = (code instanceof Integer value) ? HttpStatus.resolve(value) : null;
		return (status != null && status.isError()) ? status : HttpStatus.INTERNAL_SERVER_ERROR;
	}

}
