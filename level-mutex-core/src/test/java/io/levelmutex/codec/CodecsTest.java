package io.levelmutex.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

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

	@Test
	void whenLongsAreEncodedThenBytewiseOrderIsNumericOrderForSeededRandomPairsAndTheEdges() {
		Codec<Long> codec = Codecs.int64();
		long[] edges = { Long.MIN_VALUE, Long.MIN_VALUE + 1, -256, -1, 0, 1, 255, 256, Long.MAX_VALUE - 1,
				Long.MAX_VALUE };
		SplittableRandom random = new SplittableRandom(20L);
		long[] values = new long[edges.length + 2_000];
		System.arraycopy(edges, 0, values, 0, edges.length);
		for (int i = edges.length; i < values.length; i++) {
			// half anywhere, half near zero (where sign and small magnitudes meet)
			values[i] = (i % 2 == 0) ? random.nextLong() : random.nextLong(-70_000, 70_000);
		}
		for (long a : values) {
			byte[] encoded = codec.encode(a);
			assertThat(encoded).hasSize(8);
			assertThat(codec.decode(encoded)).isEqualTo(a);
		}
		for (int i = 0; i < 20_000; i++) {
			long a = values[random.nextInt(values.length)];
			long b = values[random.nextInt(values.length)];
			assertThat(Integer.signum(Arrays.compareUnsigned(codec.encode(a), codec.encode(b))))
				.as("order of %d and %d", a, b)
				.isEqualTo(Long.signum(Long.compare(a, b)));
		}
		for (long a : edges) {
			for (long b : edges) {
				assertThat(Integer.signum(Arrays.compareUnsigned(codec.encode(a), codec.encode(b))))
					.as("order of %d and %d", a, b)
					.isEqualTo(Integer.signum(Long.compare(a, b)));
			}
		}
		assertThat(codec.encode(0L)).containsExactly(0x80, 0, 0, 0, 0, 0, 0, 0);
		assertThat(codec.name()).isEqualTo("long");
	}

	@Test
	void whenIntsAreEncodedThenBytewiseOrderIsNumericOrderForSeededRandomPairsAndTheEdges() {
		Codec<Integer> codec = Codecs.int32();
		int[] edges = { Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -256, -1, 0, 1, 255, 256, Integer.MAX_VALUE };
		SplittableRandom random = new SplittableRandom(32L);
		int[] values = new int[edges.length + 2_000];
		System.arraycopy(edges, 0, values, 0, edges.length);
		for (int i = edges.length; i < values.length; i++) {
			values[i] = (i % 2 == 0) ? random.nextInt() : random.nextInt(-70_000, 70_000);
		}
		for (int a : values) {
			assertThat(codec.decode(codec.encode(a))).isEqualTo(a);
		}
		for (int i = 0; i < 20_000; i++) {
			int a = values[random.nextInt(values.length)];
			int b = values[random.nextInt(values.length)];
			assertThat(Integer.signum(Arrays.compareUnsigned(codec.encode(a), codec.encode(b))))
				.as("order of %d and %d", a, b)
				.isEqualTo(Integer.signum(Integer.compare(a, b)));
		}
		assertThat(codec.encode(-1)).containsExactly(0x7f, 0xff, 0xff, 0xff);
		assertThat(codec.name()).isEqualTo("int");
	}

	@Test
	void whenANumberIsDecodedFromBytesOfAnotherLengthThenItFailsNamingBothSizes() {
		for (int length : new int[] { 0, 1, 4, 7, 9 }) {
			assertThatThrownBy(() -> Codecs.int64().decode(new byte[length])).isInstanceOf(CodecException.class)
				.hasMessageContaining("8 bytes")
				.hasMessageContaining("got " + length);
		}
		for (int length : new int[] { 0, 3, 5, 8 }) {
			assertThatThrownBy(() -> Codecs.int32().decode(new byte[length])).isInstanceOf(CodecException.class)
				.hasMessageContaining("4 bytes")
				.hasMessageContaining("got " + length);
		}
	}

	@Test
	void whenNumbersAreNamedThenTheNumberCodecsAreFound() {
		assertThat(Codecs.named("long")).isSameAs(Codecs.int64());
		assertThat(Codecs.named("INT64")).isSameAs(Codecs.int64());
		assertThat(Codecs.named("int")).isSameAs(Codecs.int32());
		assertThat(Codecs.named("int32")).isSameAs(Codecs.int32());
	}

}
