package io.levelmutex.sample.couch;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.json.JSONFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error reports in CouchDB's shape: the requests Tomcat refuses before the
 * application sees them (a path with {@code %00}, {@code %5C} or a traversal above the root,
 * an unknown HTTP version) get {@code {"error":..,"reason":..}} as JSON instead of Tomcat's
 * HTML page. Like Tomcat's own valve, it writes nothing when the response already has a body
 * or can no longer be written. Stateless and thread-safe.
 */
final class CouchErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		String message = response.getMessage();
		if ((message == null || message.isEmpty()) && throwable != null) {
			message = throwable.getMessage();
		}
		HttpStatus known = HttpStatus.resolve(status);
		String reason = (message != null && !message.isEmpty()) ? message
				: (known != null) ? known.getReasonPhrase() : "";
		String body = "{\"error\":\"" + CouchException.errorName(status) + "\",\"reason\":\"" + JSONFilter.escape(reason)
				+ "\"}";
		try {
			response.setContentType("application/json");
			response.setCharacterEncoding("utf-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client went away or the response was committed meanwhile: nothing to add.
		}
	}

}
