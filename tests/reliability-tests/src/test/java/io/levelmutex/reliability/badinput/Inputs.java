package io.levelmutex.reliability.badinput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jspecify.annotations.Nullable;

import io.levelmutex.KeyRange;

/**
 * Seeded generators of hostile keys, values and ranges: every size up to and over the limits,
 * empty and {@code null} input, binary content (zero bytes, 0xFF runs, other keyspaces'
 * prefixes, path-like text), and ranges that are reversed, empty or unbounded. Keys already
 * used are reused often, so that reads find something.
 */
final class Inputs {

	private final Random random;

	private final int maxKeyBytes;

	private final int maxValueBytes;

	private final List<byte[]> hostilePrefixes;

	// Only used by the test thread driving this generator.
	private final List<byte[]> used = new ArrayList<>();

	Inputs(Random random, int maxKeyBytes, int maxValueBytes, List<byte[]> hostilePrefixes) {
		this.random = random;
		this.maxKeyBytes = maxKeyBytes;
		this.maxValueBytes = maxValueBytes;
		this.hostilePrefixes = hostilePrefixes;
	}

	byte @Nullable [] key() {
		if (!this.used.isEmpty() && this.random.nextInt(100) < 40) {
			return this.used.get(this.random.nextInt(this.used.size()));
		}
		byte[] key = switch (this.random.nextInt(14)) {
			case 0 -> null;
			case 1 -> new byte[0];
			case 2 -> fill(this.maxKeyBytes, (byte) 0xFF);
			case 3 -> fill(this.maxKeyBytes + 1, (byte) 'k');
			case 4 -> fill(this.maxKeyBytes - 1, (byte) 0x00);
			case 5 -> fill(2 * this.maxKeyBytes + this.random.nextInt(8), (byte) 'x');
			case 6 -> fill(1 + this.random.nextInt(4), (byte) 0x00);
			case 7 -> fill(1 + this.random.nextInt(4), (byte) 0xFF);
			case 8 -> concat(this.hostilePrefixes.get(this.random.nextInt(this.hostilePrefixes.size())), bytes(4));
			case 9 -> "../../etc/passwd".getBytes(StandardCharsets.UTF_8);
			case 10 -> "\u0000\uFFFF\uD83D\uDE00 key".getBytes(StandardCharsets.UTF_8);
			case 11 -> bytes(this.maxKeyBytes);
			default -> bytes(1 + this.random.nextInt(Math.min(12, this.maxKeyBytes)));
		};
		if (key != null && key.length >= 1 && key.length <= this.maxKeyBytes) {
			this.used.add(key);
		}
		return key;
	}

	byte @Nullable [] value() {
		return switch (this.random.nextInt(9)) {
			case 0 -> null;
			case 1 -> new byte[0];
			case 2 -> bytes(this.maxValueBytes);
			case 3 -> bytes(this.maxValueBytes + 1);
			case 4 -> fill(this.maxValueBytes + 1 + this.random.nextInt(64), (byte) 0);
			default -> bytes(this.random.nextInt(64));
		};
	}

	/** A range whose bounds are keys as {@link #key()} makes them, never {@code null}. */
	KeyRange<byte[]> range() {
		byte[] a = nonNullKey();
		byte[] b = nonNullKey();
		return switch (this.random.nextInt(9)) {
			case 0 -> KeyRange.all();
			case 1 -> KeyRange.closed(a, b);
			case 2 -> KeyRange.closedOpen(a, b);
			case 3 -> KeyRange.atLeast(a);
			case 4 -> KeyRange.greaterThan(a);
			case 5 -> KeyRange.atMost(a);
			case 6 -> KeyRange.lessThan(a);
			case 7 -> KeyRange.closedOpen(a, a);
			default -> KeyRange.<byte[]>all().withStart(b, this.random.nextBoolean()).withEnd(a, this.random.nextBoolean());
		};
	}

	private byte[] nonNullKey() {
		byte[] key = key();
		return (key != null) ? key : new byte[] { 1 };
	}

	int nextInt(int bound) {
		return this.random.nextInt(bound);
	}

	private byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private static byte[] fill(int length, byte value) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, value);
		return bytes;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

}
