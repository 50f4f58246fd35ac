package dev.jcni.invoke;

/** The operations a plugin performs, passed to it as {@code CNI_COMMAND} (SPEC.md section 3). */
public enum Verb {
  /** Add the container to the network, or apply modifications. */
  ADD,
  /** Remove the container from the network, or un-apply modifications. */
  DEL,
  /** Check that the container's networking is as expected (spec 0.4.0 and later). */
  CHECK,
  /** Report the spec versions the plugin supports. */
  VERSION,
  /** Clean up resources not in the list of valid attachments (spec 1.1.0). */
  GC,
  /** Report whether the plugin is ready to service ADD requests (spec 1.1.0). */
  STATUS;

  /** The value of {@code CNI_COMMAND} for this verb: the constant's name, upper case. */
  public String command() {
    return name();
  }
}
