package dev.jcni.invoke;

import dev.jcni.CniException;

/**
 * A {@link PrivilegeProfile} cannot be applied on this machine: a wrapper program is missing or
 * untrustworthy, the JVM lacks a capability the profile needs to drop or change privileges, the
 * kernel does not know a capability, or a trial run of the wrapper failed. Thrown when a client is
 * built, before any plugin runs.
 */
public final class PrivilegeProfileException extends CniException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what cannot be applied and why
   */
  public PrivilegeProfileException(String message) {
    super(message);
  }
}
