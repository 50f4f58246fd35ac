/**
 * Typed builders for the well-known capability arguments of CONVENTIONS.md ({@code portMappings},
 * {@code bandwidth}, {@code ipRanges}, {@code dns}, {@code ips}, {@code mac}, {@code
 * infinibandGUID}, {@code deviceID}, {@code aliases}, {@code cgroupPath}): values are checked when
 * they are set, and {@link dev.jcni.capability.CapabilityArgs.Builder#build()} gives the JSON
 * object a runtime passes as an attachment's capability arguments, in the shape the reference
 * plugins decode.
 */
package dev.jcni.capability;
