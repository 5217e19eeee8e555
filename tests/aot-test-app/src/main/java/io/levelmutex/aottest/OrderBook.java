package io.levelmutex.aottest;

import java.util.Optional;

import io.levelmutex.Mutex;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Uses the typed named mutex bean {@code orders}, {@code Mutex<String, Order>}.
 */
@Component
public class OrderBook {

	private final Mutex<String, Order> orders;

	OrderBook(@Qualifier("orders") Mutex<String, Order> orders) {
		this.orders = orders;
	}

	/**
	 * Adds to an order's quantity in one compare-and-set.
	 * @param orderId the order
	 * @param quantity how many to add
	 * @return the order as stored
	 */
	public Order add(String orderId, int quantity) {
		return this.orders.update((context) -> {
			Order current = context.get(orderId).orElse(new Order(orderId, 0));
			Order updated = new Order(orderId, current.quantity() + quantity);
			context.put(orderId, updated);
			return updated;
		}).join();
	}

	/**
	 * Reads an order.
	 * @param orderId the order
	 * @return the order, if stored
	 */
	public Optional<Order> find(String orderId) {
		return this.orders.get(orderId).join();
	}

}
