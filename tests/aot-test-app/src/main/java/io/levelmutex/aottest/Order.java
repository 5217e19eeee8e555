package io.levelmutex.aottest;

/**
 * A value of the typed JSON mutex {@code orders}.
 *
 * @param orderId the order's id
 * @param quantity how many
 */
public record Order(String orderId, int quantity) {
}
