/**
 * What a container runtime needs around libcni's toolbox, as containerd's go-cni and CRI-O's ocicni
 * give it to Go runtimes: {@link dev.jcni.runtime.ContainerNetworking}, which attaches containers
 * to several networks at once, tears them down, collects the garbage of every network and reports
 * readiness; the watched configuration directory under it with its default network ({@link
 * dev.jcni.runtime.NetworkConfigs}); the plugins those networks need ({@link
 * dev.jcni.runtime.PluginLocator}); and the readiness a runtime reports in its {@code NetworkReady}
 * condition ({@link dev.jcni.runtime.NetworkReadiness}).
 */
package dev.jcni.runtime;
