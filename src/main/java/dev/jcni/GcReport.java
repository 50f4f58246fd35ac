package dev.jcni;

import dev.jcni.cache.AttachmentKey;
import java.util.List;

/**
 * What a garbage collection of one network did (SPEC.md section 3, "Garbage-collecting a
 * network"): GC continues past errors and returns all of them.
 *
 * @param skipped {@code true} when the network sets {@code disableGC} and nothing ran
 * @param deleted the stale attachments whose DEL succeeded (their cache entries are gone)
 * @param errors every failure, in the order they happened: failed DELs of stale attachments, then
 *     failed plugin GC calls
 */
public record GcReport(boolean skipped, List<AttachmentKey> deleted, List<CniException> errors) {
  /** Copies the lists. */
  public GcReport {
    deleted = List.copyOf(deleted);
    errors = List.copyOf(errors);
  }

  /** Whether every step succeeded. */
  public boolean succeeded() {
    return errors.isEmpty();
  }
}
