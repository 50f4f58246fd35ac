/**
 * The on-disk attachment cache, in the format of Go's libcni so that both can share one cache
 * directory: atomic writes, validation of every path component, per-container locks.
 */
package dev.jcni.cache;
