package io.levelmutex.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecsTest {

	record Order(String id, int quantity, List<String> tags) {
	}

	@Test
	void whenUtf8ThenRoundTripsAndRejectsMalformedBytes() {
		assertThat(Codecs.utf8().decode(Codecs.utf8().encode("grüße ✓"))).isEqualTo("grüße ✓");
		assertThatThrownBy(() -> Codecs.utf8().decode(new byte[] { (byte) 0xff })).isInstanceOf(CodecException.class)
			.hasMessageContaining("UTF-8");
	}

	@Test
	void whenJsonThenRecordsRoundTripAndGarbageIsRefused() {
		Codec<Order> codec = Codecs.json(Order.class);
		Order order = new Order("o-1", 3, List.of("a", "b"));
		byte[] bytes = codec.encode(order);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"quantity\":3");
		assertThat(codec.decode(bytes)).isEqualTo(order);
		assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining(Order.class.getName());
	}

	@Test
	void whenNamedThenBuiltInsAreFoundAndUnknownNamesRefused() {
		assertThat(Codecs.named("utf8")).isSameAs(Codecs.utf8());
		assertThat(Codecs.named("BINARY")).isSameAs(Codecs.bytes());
		Object tree = Codecs.named("json").decode("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
		assertThat(tree).isInstanceOf(JsonNode.class);
		assertThatThrownBy(() -> Codecs.named("yaml")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("yaml");
		assertThat(Codecs.json(Map.class).name()).isEqualTo("json");
	}

	@Test
	void whenCustomMapperIsNotJacksonThenRefused() {
		assertThatThrownBy(() -> Codecs.json("not a mapper", Order.class)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("ObjectMapper");
	}

}
