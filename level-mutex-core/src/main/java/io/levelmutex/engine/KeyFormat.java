package io.levelmutex.engine;

import java.nio.charset.StandardCharsets;

/**
 * Renders keys for messages: printable ASCII as a quoted string, anything else as hex, cut to
 * a few dozen characters so that a hostile key cannot flood a log. Shared by the core and the
 * engines, so that every exception names keys the same way.
 */
public final class KeyFormat {

	/** The most bytes of a key shown. */
	public static final int MAX_SHOWN = 32;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private KeyFormat() {
	}

	/**
	 * A short, printable form of a key.
	 * @param key the key's bytes
	 * @return the key quoted when it is printable ASCII, else as hex; at most {@link #MAX_SHOWN}
	 * bytes, followed by the key's length when it is longer
	 */
	public static String abbreviate(byte[] key) {
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
