/**
 * The on-disk attachment cache, in the place and format of Go's libcni so that both can share one
 * cache directory, and the locks the spec asks of a runtime.
 *
 * <ul>
 *   <li>{@link dev.jcni.cache.ResultCache}: one file per attachment under {@code
 *       <cacheDir>/results/}, written atomically, checked on every read against the attachment it
 *       was asked for, corrupt entries moved aside into {@code results-corrupt/}, links never
 *       followed.
 *   <li>{@link dev.jcni.cache.CachedAttachment} and {@link dev.jcni.cache.AttachmentKey}: what an
 *       entry holds and what identifies it. The result is kept as a raw JSON tree and the network
 *       list as raw bytes; converting them is the caller's job.
 *   <li>{@link dev.jcni.cache.AttachmentLocks}: operations on one container serialised, GC of a
 *       network exclusive with operations on it, within the JVM and across processes.
 * </ul>
 *
 * <p>The file format is byte-compatible with libcni's: an entry jcni writes is the file libcni
 * writes for the same attachment (libcni 1.1.2 leaves out {@code netns}, which later versions
 * add), except that numbers a Go {@code float64} cannot hold exactly keep all their digits (Go
 * still reads them) and {@code -0} comes out as {@code 0}.
 */
package dev.jcni.cache;
