/**
 * The entry points a container runtime holds: the client facade, per-attachment runtime
 * parameters and the public exception hierarchy rooted at {@link dev.jcni.CniException}.
 */
package dev.jcni;
