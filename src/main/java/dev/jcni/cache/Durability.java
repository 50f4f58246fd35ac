package dev.jcni.cache;

/**
 * How hard the cache works to keep an entry across failures. Every write is atomic either way (a
 * temporary file renamed over the entry), so no reader ever sees a half-written entry, and a
 * process that dies mid-write leaves the old entry or the new one.
 */
public enum Durability {
  /**
   * Atomic writes without fsync (the default): an entry survives the crash of any process, as
   * the kernel keeps written data; after a power loss or kernel crash the newest entries may be
   * missing or empty (an empty one is moved aside as corrupt). That loses nothing that matters to
   * CNI: a node that went down lost every container network namespace with it, so every cached
   * attachment is stale and the runtime's GC removes it. libcni writes without fsync and without
   * atomicity.
   */
  ATOMIC,

  /**
   * Atomic writes, each forced to disk with its directory (fsync of the file, then of {@code
   * results/}) before the operation returns: an entry that was written survives a power loss too.
   * Costs two fsyncs per ADD and one per DEL (about 0.5 ms each on the benchmark machine).
   */
  SYNCED
}
