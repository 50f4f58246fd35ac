package dev.jcni.invoke;

/** The launcher contract for {@link ProcessBuilderLauncher}. */
class ProcessBuilderLauncherTest extends PluginLauncherContract {
  private static final ProcessBuilderLauncher LAUNCHER = new ProcessBuilderLauncher();

  @Override
  protected PluginLauncher launcher() {
    return LAUNCHER;
  }
}
