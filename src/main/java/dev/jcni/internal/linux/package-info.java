/**
 * Native Linux calls through JNA direct mapping (not exported): {@link
 * dev.jcni.internal.linux.LibC} is the one class that declares native methods, and every call it
 * makes has its return value and {@code errno} checked.
 */
package dev.jcni.internal.linux;
