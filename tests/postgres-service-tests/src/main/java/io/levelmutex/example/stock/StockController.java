package io.levelmutex.example.stock;

import java.util.Map;

import io.levelmutex.BlockingMutex;
import io.levelmutex.Mutex;
import io.levelmutex.StorageUnavailableException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stock per SKU in the {@code stock} mutex ({@code Mutex<String, Long>}): {@code PUT /stock/{sku}?quantity=N} sets
 * it, {@code POST /stock/{sku}/reservations?quantity=N} reserves N with {@code update()} (409 when not enough is
 * left), {@code GET /stock/{sku}} reads it. While the database is unreachable every call answers 503. A request
 * thread waits for each operation, through the mutex's blocking view: its failures arrive as thrown, for the
 * exception handlers.
 */
@RestController
class StockController {

	private final BlockingMutex<String, Long> stock;

	StockController(@Qualifier("stock") Mutex<String, Long> stock) {
		this.stock = stock.blocking();
	}

	@PutMapping("/stock/{sku}")
	Map<String, Object> restock(@PathVariable String sku, @RequestParam long quantity) {
		this.stock.put(sku, quantity);
		return Map.of("sku", sku, "available", quantity);
	}

	@GetMapping("/stock/{sku}")
	Map<String, Object> available(@PathVariable String sku) {
		return Map.of("sku", sku, "available", this.stock.get(sku).orElse(0L));
	}

	@PostMapping("/stock/{sku}/reservations")
	Map<String, Object> reserve(@PathVariable String sku, @RequestParam(defaultValue = "1") long quantity) {
		long left = this.stock.update((update) -> {
			long available = update.get(sku).orElse(0L);
			if (available < quantity) {
				throw new OutOfStockException(sku, available, quantity);
			}
			update.put(sku, available - quantity);
			return available - quantity;
		});
		return Map.of("sku", sku, "reserved", quantity, "available", left);
	}

	@ExceptionHandler
	ProblemDetail outOfStock(OutOfStockException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Out of stock");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail storageUnavailable(StorageUnavailableException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The stock database is unreachable; try again later.");
		problem.setTitle("Storage unavailable");
		return problem;
	}

	/** Fewer items left than a reservation asks for. */
	static final class OutOfStockException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		OutOfStockException(String sku, long available, long requested) {
			super("Cannot reserve " + requested + " of '" + sku + "': " + available + " left");
		}

	}

}
