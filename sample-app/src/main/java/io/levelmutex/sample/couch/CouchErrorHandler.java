package io.levelmutex.sample.couch;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.levelmutex.CommitOutcomeUnknownException;
import io.levelmutex.CycleRejectedException;
import io.levelmutex.InvalidInputException;
import io.levelmutex.MutexClosedException;
import io.levelmutex.MutexOverloadedException;
import io.levelmutex.StorageUnavailableException;
import io.levelmutex.WriteConflictException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every failure with CouchDB's error body, {@code {"error":..,"reason":..}}: the
 * {@link CouchException}s with their own status, the core's exceptions mapped (overload,
 * closed mutex, unreachable database server and an update that kept losing to other
 * instances' writes 503, a commit whose outcome is unknown 500, bad input 400), a request
 * that outlived Spring MVC's async request timeout (500 {@code unknown_error} if it may have
 * written: its write stays queued and may commit after the answer; 503 for a read), Spring
 * MVC's own (404 for unknown
 * paths, 405 with the allowed methods, their status for the others, 400 for an unreadable
 * body or a parameter of the wrong type), and anything else, a fault of the server, as 500
 * {@code unknown_error}.
 */
@RestControllerAdvice
final class CouchErrorHandler {

	private static final Log logger = LogFactory.getLog(CouchErrorHandler.class);

	private final CouchJson json;

	CouchErrorHandler(CouchJson json) {
		this.json = json;
	}

	/**
	 * The request's async timeout expired while its operations were still queued on a mutex or
	 * running. They are not withdrawn: a write may still commit after this answer, so a
	 * request that may write is answered like an unknown commit outcome (500, "may or may not
	 * have been written"), never 503, which tells a client nothing was written. Only a read
	 * ({@code GET}, {@code HEAD}, {@code POST} to {@code _all_docs} or {@code _changes}) gets 503.
	 */
	@ExceptionHandler(AsyncRequestTimeoutException.class)
	ResponseEntity<ObjectNode> timedOut(AsyncRequestTimeoutException ex, HttpServletRequest request) {
		if (isRead(request)) {
			return body(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable",
					"The request timed out waiting for the database; nothing was written");
		}
		logger.warn("Request timed out with its write pending: " + request.getMethod() + " " + request.getRequestURI());
		return body(HttpStatus.INTERNAL_SERVER_ERROR, "unknown_error",
				"The request timed out before its write's outcome was known; the write may or may not have been "
						+ "written (it may still be committed after this answer)");
	}

	private static boolean isRead(HttpServletRequest request) {
		String method = request.getMethod();
		if ("GET".equals(method) || "HEAD".equals(method)) {
			return true;
		}
		String uri = request.getRequestURI();
		return "POST".equals(method) && (uri.endsWith("/_all_docs") || uri.endsWith("/_changes"));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ObjectNode> handle(Exception exception) throws Exception {
		Throwable ex = exception;
		while ((ex instanceof CompletionException || ex instanceof ExecutionException) && ex.getCause() != null) {
			ex = ex.getCause();
		}
		if (ex instanceof AsyncRequestNotUsableException notUsable) {
			throw notUsable;
		}
		if (ex instanceof CouchException couch) {
			return body(couch.status(), couch.error(), couch.reason());
		}
		if (ex instanceof CommitOutcomeUnknownException) {
			// Not a revision conflict: the write may be there; a client re-reads before retrying.
			logger.warn("Commit outcome unknown: " + ex.getMessage());
			return body(HttpStatus.INTERNAL_SERVER_ERROR, "unknown_error",
					"The write may or may not have been written: " + ex.getMessage());
		}
		// WriteConflictException: the engine rejected the update every time because other
		// instances wrote to the same database first; the revision check itself never ran
		// against a state it lost to, so this is no revision conflict (409) but a retryable 503.
		if (ex instanceof MutexOverloadedException || ex instanceof MutexClosedException
				|| ex instanceof CycleRejectedException || ex instanceof WriteConflictException
				|| ex instanceof StorageUnavailableException) {
			return body(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable", ex.getMessage());
		}
		if (ex instanceof InvalidInputException) {
			return body(HttpStatus.BAD_REQUEST, "bad_request", ex.getMessage());
		}
		if (ex instanceof NoHandlerFoundException || ex instanceof NoResourceFoundException) {
			return body(HttpStatus.NOT_FOUND, "not_found", "missing");
		}
		if (ex instanceof HttpRequestMethodNotSupportedException notSupported) {
			Set<HttpMethod> methods = notSupported.getSupportedHttpMethods();
			String allowed = (methods != null)
					? methods.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(",")) : "";
			ResponseEntity<ObjectNode> response = body(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
					"Only " + allowed + " allowed");
			return ResponseEntity.status(response.getStatusCode())
				.headers((headers) -> headers.setAllow(methods != null ? methods : Set.of()))
				.body(response.getBody());
		}
		if (ex instanceof HttpMessageNotReadableException || ex instanceof TypeMismatchException) {
			// Spring MVC's own refusals of a request (a body an actuator endpoint cannot read, a
			// parameter of the wrong type) that carry no status: the request is at fault.
			return body(HttpStatus.BAD_REQUEST, "bad_request", String.valueOf(ex.getMessage()));
		}
		if (ex instanceof ErrorResponse errorResponse) {
			HttpStatusCode status = errorResponse.getStatusCode();
			return body(status, status.is4xxClientError() ? "bad_request" : "unknown_error",
					String.valueOf(ex.getMessage()));
		}
		logger.error("Request failed", ex);
		return body(HttpStatus.INTERNAL_SERVER_ERROR, "unknown_error", String.valueOf(ex.getMessage()));
	}

	private ResponseEntity<ObjectNode> body(HttpStatusCode status, String error, String reason) {
		return ResponseEntity.status(status).body(this.json.error(error, reason));
	}

}
