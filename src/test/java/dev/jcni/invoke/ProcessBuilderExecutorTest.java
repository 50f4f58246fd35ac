package dev.jcni.invoke;

/** Every {@link PluginExecutorTest} again, on {@link ProcessBuilderLauncher}. */
class ProcessBuilderExecutorTest extends PluginExecutorTest {
  private static final ProcessBuilderLauncher LAUNCHER = new ProcessBuilderLauncher();

  @Override
  PluginExecutor newExecutor() {
    return new PluginExecutor(LAUNCHER, ExecOptions.defaults());
  }
}
