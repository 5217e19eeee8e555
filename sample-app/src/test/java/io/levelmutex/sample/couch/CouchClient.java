package io.levelmutex.sample.couch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for the tests: raw bodies and headers, nothing Spring adds, so the
 * tests see exactly what a CouchDB client sees.
 */
final class CouchClient {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final String base;

	CouchClient(int port) {
		this.base = "http://localhost:" + port;
	}

	Response get(String path) {
		return send("GET", path, null, null);
	}

	Response delete(String path) {
		return send("DELETE", path, null, null);
	}

	Response put(String path) {
		return send("PUT", path, null, null);
	}

	Response put(String path, String json) {
		return send("PUT", path, json, "application/json");
	}

	Response post(String path, String json) {
		return send("POST", path, json, "application/json");
	}

	Response send(String method, String path, String body, String contentType, String... headers) {
		return sendAsync(method, path, body, contentType, headers).join();
	}

	CompletableFuture<Response> sendAsync(String method, String path, String body, String contentType,
			String... headers) {
		return sendAsync(method, path, (body != null) ? body.getBytes(StandardCharsets.UTF_8) : null, contentType,
				headers);
	}

	Response sendBytes(String method, String path, byte[] body, String contentType) {
		return sendAsync(method, path, body, contentType).join();
	}

	CompletableFuture<Response> sendAsync(String method, String path, byte[] body, String contentType,
			String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(120))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofByteArray(body)
					: HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return this.http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
			.thenApply(Response::new);
	}

	static JsonNode json(String text) {
		return MAPPER.readTree(text);
	}

	/** A response: status, headers and the body, parsed when it is JSON. */
	static final class Response {

		private final HttpResponse<String> response;

		Response(HttpResponse<String> response) {
			this.response = response;
		}

		int status() {
			return this.response.statusCode();
		}

		String text() {
			return this.response.body();
		}

		JsonNode json() {
			return CouchClient.json(this.response.body());
		}

		String header(String name) {
			return this.response.headers().firstValue(name).orElse(null);
		}

		String error() {
			return json().path("error").asString();
		}

		String reason() {
			return json().path("reason").asString();
		}

		String rev() {
			JsonNode body = json();
			return body.has("rev") ? body.get("rev").asString() : body.path("_rev").asString();
		}

		@Override
		public String toString() {
			return status() + " " + text();
		}

	}

}
