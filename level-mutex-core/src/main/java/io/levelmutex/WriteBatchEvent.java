package io.levelmutex;

import java.util.List;

/**
 * The {@code writes} event: a batch is about to be written.
 *
 * @param mutexName the mutex
 * @param batch the batch's number, counting from 1 for each mutex
 * @param operations the batch's writes in the order they will be applied (unmodifiable)
 */
public record WriteBatchEvent(String mutexName, long batch, List<WriteOperation> operations) {
}
