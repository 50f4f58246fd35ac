/**
 * jcni: drive Container Network Interface plugins from Java.
 *
 * <p>The exported packages are the public API; everything under {@code dev.jcni.internal} is an
 * implementation detail that may change in any release.
 */
module dev.jcni {
  requires transitive com.fasterxml.jackson.databind;
  requires com.sun.jna;
  requires org.slf4j;
  // Optional: only dev.jcni.testing uses JUnit, and exposes its types, hence transitive.
  requires static transitive org.junit.jupiter.api;
  // Optional: only the CLI's bench reads the JIT's compilation time and the bytes a thread
  // allocated (it runs on the class path).
  requires static java.management;
  requires static jdk.management;

  exports dev.jcni;
  exports dev.jcni.cache;
  exports dev.jcni.capability;
  exports dev.jcni.config;
  exports dev.jcni.invoke;
  exports dev.jcni.netns;
  exports dev.jcni.result;
  exports dev.jcni.runtime;
  exports dev.jcni.testing;
}
