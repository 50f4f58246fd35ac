/**
 * What a container runtime needs around libcni's toolbox, short of running plugins: a watched
 * configuration directory with its default network ({@link dev.jcni.runtime.NetworkConfigs}), the
 * plugins those networks need ({@link dev.jcni.runtime.PluginLocator}), and the readiness a runtime
 * reports in its {@code NetworkReady} condition ({@link dev.jcni.runtime.NetworkReadiness}).
 */
package dev.jcni.runtime;
