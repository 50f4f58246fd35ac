/**
 * Network namespaces through JNA: create and delete persistent named namespaces the way {@code ip
 * netns add} and {@code ip netns delete} do, open one by path, and run Java code — and the plugins
 * it launches — inside one.
 *
 * <p>A network namespace belongs to an OS thread, not to a process. {@link
 * dev.jcni.netns.NetworkNamespace#run} therefore enters the namespace on a fresh platform thread of
 * its own, returns that thread to its original namespace when the code is done, and lets it end:
 * the calling thread never changes namespace and no pooled or virtual thread is ever moved. All
 * operations need root or {@code CAP_SYS_ADMIN}; without it they fail with a {@link
 * dev.jcni.NetnsException} that says so.
 */
package dev.jcni.netns;
