package io.levelmutex.sample.couch;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies as JSON the way CouchDB does: at most
 * {@link CouchProperties#maxRequestSize()} bytes (413 {@code too_large} beyond, checked on
 * {@code Content-Length} first and then while reading), strict JSON with nothing after the
 * value (400 {@code bad_request} "invalid UTF-8 JSON" otherwise); a body that cannot be
 * read to its end (truncated, broken chunked encoding) is 400 {@code bad_request}.
 * Thread-safe.
 */
@Component
final class JsonBodies {

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final long maxRequestSize;

	JsonBodies(CouchProperties properties) {
		this.maxRequestSize = properties.maxRequestSize().toBytes();
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Reads a JSON object.
	 * @throws CouchException 400 if the body is not JSON or not an object, 413 if too large
	 */
	ObjectNode readObject(HttpServletRequest request) {
		JsonNode node = read(request);
		if (!(node instanceof ObjectNode object)) {
			throw CouchException.notAnObject();
		}
		return object;
	}

	/**
	 * Reads a JSON object from a request that must declare {@code application/json}, as
	 * CouchDB requires for {@code POST}.
	 * @throws CouchException 415 for another content type, otherwise as {@link #readObject}
	 */
	ObjectNode readJsonPost(HttpServletRequest request) {
		String contentType = request.getContentType();
		if (contentType == null || !MediaType.APPLICATION_JSON.isCompatibleWith(parse(contentType))) {
			throw CouchException.badContentType();
		}
		return readObject(request);
	}

	/** Reads any JSON value. */
	JsonNode read(HttpServletRequest request) {
		byte[] body = readBytes(request);
		if (body.length == 0) {
			throw CouchException.invalidJson();
		}
		try {
			JsonNode node = this.mapper.readTree(body);
			if (node == null || node.isMissingNode()) {
				throw CouchException.invalidJson();
			}
			return node;
		}
		catch (JacksonException ex) {
			throw CouchException.invalidJson();
		}
	}

	private byte[] readBytes(HttpServletRequest request) {
		long declared = request.getContentLengthLong();
		if (declared > this.maxRequestSize) {
			throw CouchException.tooLarge();
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, this.maxRequestSize + 1));
			if (body.length > this.maxRequestSize) {
				throw CouchException.tooLarge();
			}
			return body;
		}
		catch (IOException ex) {
			// The body ended early, its chunked encoding was broken, or the client went away:
			// the request is at fault, and nothing has been written.
			throw CouchException.badRequest("The request body could not be read: " + ex.getMessage());
		}
	}

	private static MediaType parse(String contentType) {
		try {
			return MediaType.parseMediaType(contentType);
		}
		catch (IllegalArgumentException ex) {
			throw CouchException.badContentType();
		}
	}

}
