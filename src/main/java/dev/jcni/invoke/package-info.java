/**
 * Finding plugins strictly inside CNI_PATH, building their environment and standard input,
 * launching them with deadlines and bounded output (SPEC.md section 2).
 *
 * <p>{@link dev.jcni.invoke.PluginPath} finds a plugin by type and returns a {@link
 * dev.jcni.invoke.LocatedPlugin}; {@link dev.jcni.invoke.PluginExecutor} runs it with a {@link
 * dev.jcni.invoke.PluginInvocation} and {@link dev.jcni.invoke.ExecOptions}, through a {@link
 * dev.jcni.invoke.PluginLauncher}, and returns its stdout or throws a typed {@link
 * dev.jcni.PluginExecutionException}. {@code docs/security.md} lists what this package guarantees
 * and the tests that show it.
 */
package dev.jcni.invoke;
