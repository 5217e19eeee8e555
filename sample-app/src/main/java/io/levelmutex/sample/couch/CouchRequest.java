package io.levelmutex.sample.couch;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * A request as CouchDB reads it. Its parameters come from the query string only, never from
 * a form-encoded body (a {@code POST /{db}/_changes} body is not parameters), with chunks
 * that have no name ({@code ?=}, {@code ?=x}, {@code &&}) ignored and {@code +} and
 * percent-escapes decoded as UTF-8 (malformed UTF-8 becomes U+FFFD). It has no
 * {@code Accept} header: CouchDB answers JSON whatever the client accepts, so an error for a
 * client that accepts only {@code text/html} is still its JSON error body with its 4xx
 * status, never a 406 or a failure to write the body.
 *
 * <p>The query string is parsed on the first parameter read; a malformed percent-escape
 * ({@code %zz}) is then a {@link CouchException} 400 {@code bad_request}, thrown by that
 * read and by every later one. Used by one request thread at a time, as the Servlet API
 * uses a request.
 */
final class CouchRequest extends HttpServletRequestWrapper {

	private static final int MAX_CHUNK_IN_REASON = 60;

	/** The parsed parameters; owned by the thread handling the request, set on first read. */
	private @Nullable Map<String, String[]> parameters;

	CouchRequest(HttpServletRequest request) {
		super(request);
	}

	@Override
	public @Nullable String getHeader(String name) {
		return isAccept(name) ? null : super.getHeader(name);
	}

	@Override
	public Enumeration<String> getHeaders(String name) {
		return isAccept(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
	}

	@Override
	public Enumeration<String> getHeaderNames() {
		List<String> names = Collections.list(super.getHeaderNames());
		names.removeIf(CouchRequest::isAccept);
		return Collections.enumeration(names);
	}

	private static boolean isAccept(String name) {
		return HttpHeaders.ACCEPT.equalsIgnoreCase(name);
	}

	@Override
	public @Nullable String getParameter(String name) {
		String[] values = parameters().get(name);
		return (values != null) ? values[0] : null;
	}

	@Override
	public String @Nullable [] getParameterValues(String name) {
		String[] values = parameters().get(name);
		return (values != null) ? values.clone() : null;
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(parameters().keySet());
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return parameters();
	}

	private Map<String, String[]> parameters() {
		Map<String, String[]> parsed = this.parameters;
		if (parsed == null) {
			parsed = parse(getQueryString());
			this.parameters = parsed;
		}
		return parsed;
	}

	/**
	 * Parses a raw query string.
	 * @param query the query string as sent, without {@code ?}, or {@code null}
	 * @return the parameters in the order of their first occurrence, unmodifiable
	 * @throws CouchException 400 {@code bad_request} for a malformed percent-escape
	 */
	static Map<String, String[]> parse(@Nullable String query) {
		if (query == null || query.isEmpty()) {
			return Map.of();
		}
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (String chunk : query.split("&")) {
			int equals = chunk.indexOf('=');
			String name = decode((equals >= 0) ? chunk.substring(0, equals) : chunk, chunk);
			if (name.isEmpty()) {
				continue;
			}
			String value = (equals >= 0) ? decode(chunk.substring(equals + 1), chunk) : "";
			values.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
		}
		Map<String, String[]> parameters = new LinkedHashMap<>();
		values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
		return Collections.unmodifiableMap(parameters);
	}

	private static String decode(String text, String chunk) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			String shown = (chunk.length() > MAX_CHUNK_IN_REASON) ? chunk.substring(0, MAX_CHUNK_IN_REASON) + "..."
					: chunk;
			throw CouchException.badRequest("Malformed percent-encoding in the query string: " + shown);
		}
	}

}
