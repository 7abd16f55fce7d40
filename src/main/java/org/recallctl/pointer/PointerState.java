package org.recallctl.pointer;

import java.util.List;
import java.util.Optional;

/** A snapshot of the pipeline's pointer keys. */
public record PointerState(Optional<String> current, Optional<String> building, List<String> history,
                           Optional<LockInfo> lock) {
}
