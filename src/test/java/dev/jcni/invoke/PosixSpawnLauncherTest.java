package dev.jcni.invoke;

/** The launcher contract for {@link PosixSpawnLauncher}. */
class PosixSpawnLauncherTest extends PluginLauncherContract {
  private static final PosixSpawnLauncher LAUNCHER = new PosixSpawnLauncher();

  @Override
  protected PluginLauncher launcher() {
    return LAUNCHER;
  }
}
