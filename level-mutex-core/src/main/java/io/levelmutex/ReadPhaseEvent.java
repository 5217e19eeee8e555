package io.levelmutex;

/**
 * The {@code reads} event: a read phase is about to run.
 *
 * @param mutexName the mutex
 * @param phase the phase's number, counting from 1 for each mutex
 * @param reads how many reads (gets, peeks and conditional writes) the phase runs
 */
public record ReadPhaseEvent(String mutexName, long phase, int reads) {
}
