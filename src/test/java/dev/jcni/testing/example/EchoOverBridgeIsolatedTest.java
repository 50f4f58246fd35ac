package dev.jcni.testing.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcni.testing.CniAttachment;
import dev.jcni.testing.CniSandbox;
import dev.jcni.testing.CniTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A service in a container on a bridge network answers a client on the host's side. */
@CniTest(requiredPlugins = {"bridge", "host-local"})
@Tag("isolated") // jcni's own build runs the tests that make namespaces in an isolated JVM
class EchoOverBridgeIsolatedTest {
  private static final String NETWORK =
      """
      {
        "cniVersion": "1.0.0",
        "name": "example",
        "plugins": [
          {
            "type": "bridge",
            "bridge": "example0",
            "isGateway": true,
            "ipam": {
              "type": "host-local",
              "ranges": [[{"subnet": "198.18.10.0/24"}]]
            }
          }
        ]
      }
      """;

  @Test
  void theServiceAnswersOnTheContainersAddress(CniSandbox sandbox) throws Exception {
    // ADD: the bridge plugin gives the container eth0, host-local an address
    CniAttachment eth0 = sandbox.network(NETWORK).add();
    InetAddress address = eth0.addresses().get(0);
    assertEquals("198.18.10.2", address.getHostAddress());

    // A socket belongs to the network namespace of the thread that creates it: the server
    // listens in the container, the client connects from the host, over the bridge.
    try (ServerSocket server = sandbox.container().run(() -> new ServerSocket(7000, 1, address));
        Socket client = sandbox.host().run(() -> new Socket(address, 7000));
        Socket accepted = server.accept()) {
      assertEquals("198.18.10.1", accepted.getInetAddress().getHostAddress()); // the bridge
      new PrintWriter(client.getOutputStream(), true, UTF_8).println("ping");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(accepted.getInputStream(), UTF_8));
      assertEquals("ping", in.readLine());
    }

    eth0.check();
    // No DEL here: after the test the sandbox runs it, deletes the namespaces and checks that
    // nothing is left.
  }
}
