package io.levelmutex.spring.boot.autoconfigure.scanned;

import org.springframework.stereotype.Component;

/** A component found by scanning whose bean name, "audit", is also a configured mutex's. */
@Component
public class Audit {

}
