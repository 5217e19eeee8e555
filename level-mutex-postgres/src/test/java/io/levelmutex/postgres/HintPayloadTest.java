package io.levelmutex.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The hint payload {@code <prefix>:<keyspace id>:<sequence>} as the notify statement writes it, and what is not one. */
class HintPayloadTest {

	@Test
	void whenAPayloadNamesPrefixIdAndSequenceThenEachIsRead() {
		assertThat(HintPayload.parse("level_mutex_:1:57")).isEqualTo(new HintPayload("level_mutex_", 1, 57));
		assertThat(HintPayload.parse("t12_a_:2147483647:9223372036854775807"))
			.isEqualTo(new HintPayload("t12_a_", Integer.MAX_VALUE, Long.MAX_VALUE));
	}

	@Test
	void theNotifyStatementWritesThePrefixOfItsTables() {
		assertThat(new PostgresSql("app_x_", "level_mutex").notifyCommits).contains("'app_x_:' || t.keyspace_id");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "wake", "1:57", ":1:57", "p_::57", "p_:1:", "p_:x:57", "p_:1:5x", "p_:99999999999:1",
			"p_:1:99999999999999999999" })
	void whenAPayloadIsNotAHintThenNothingIsRead(String payload) {
		assertThat(HintPayload.parse(payload)).isNull();
	}

	@Test
	void whenThereIsNoPayloadThenNothingIsRead() {
		assertThat(HintPayload.parse(null)).isNull();
	}

}
