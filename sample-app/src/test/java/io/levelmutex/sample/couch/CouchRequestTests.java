package io.levelmutex.sample.couch;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * How {@link CouchRequest} reads a query string: the parts of it an HTTP client cannot send
 * through {@code java.net.URI} (malformed escapes) and the decoding rules.
 */
class CouchRequestTests {

	@Test
	void whenChunksHaveNoNameThenTheyAreIgnored() {
		Map<String, String[]> parameters = CouchRequest.parse("=&=x&&rev=1-a&&=");
		assertThat(parameters).containsOnlyKeys("rev");
		assertThat(parameters.get("rev")).containsExactly("1-a");
	}

	@Test
	void whenValuesAreEncodedOrRepeatedThenDecodedInOrder() {
		Map<String, String[]> parameters = CouchRequest.parse("key=%22a+b%2Fc%22&flag&key=%E2%82%AC&bad=%C3%28");
		assertThat(parameters).containsOnlyKeys("key", "flag", "bad");
		assertThat(parameters.get("key")).containsExactly("\"a b/c\"", "\u20AC");
		assertThat(parameters).contains(entry("flag", new String[] { "" }));
		assertThat(parameters.get("bad")[0]).contains("\uFFFD");
	}

	@Test
	void whenEscapeIsMalformedThen400BadRequest() {
		for (String query : new String[] { "rev=%zz", "%z=1", "since=5%" }) {
			assertThatExceptionOfType(CouchException.class).as(query)
				.isThrownBy(() -> CouchRequest.parse(query))
				.satisfies((ex) -> {
					assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST);
					assertThat(ex.error()).isEqualTo("bad_request");
					assertThat(ex.reason()).contains(query);
				});
		}
	}

}
