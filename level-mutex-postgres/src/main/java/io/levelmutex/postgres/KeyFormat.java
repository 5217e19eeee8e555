package io.levelmutex.postgres;

import java.nio.charset.StandardCharsets;

/**
 * Renders keys for messages as the core does: printable ASCII quoted, anything else as hex, cut to 32 bytes
 * so that a hostile key cannot flood a log.
 */
final class KeyFormat {

	static final int MAX_SHOWN = 32;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private KeyFormat() {
	}

	static String abbreviate(byte[] key) {
		int shown = Math.min(key.length, MAX_SHOWN);
		boolean printable = true;
		for (int i = 0; i < shown && printable; i++) {
			printable = key[i] >= 0x20 && key[i] < 0x7f;
		}
		StringBuilder out = new StringBuilder(shown * 2 + 24);
		if (printable) {
			out.append('"').append(new String(key, 0, shown, StandardCharsets.US_ASCII)).append('"');
		}
		else {
			out.append("0x");
			for (int i = 0; i < shown; i++) {
				out.append(HEX[(key[i] >> 4) & 0xf]).append(HEX[key[i] & 0xf]);
			}
		}
		if (key.length > shown) {
			out.append("...(").append(key.length).append(" bytes)");
		}
		return out.toString();
	}

}
