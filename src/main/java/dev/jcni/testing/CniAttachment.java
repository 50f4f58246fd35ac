package dev.jcni.testing;

import dev.jcni.Attachment;
import dev.jcni.CniException;
import dev.jcni.result.IpConfig;
import dev.jcni.result.Result;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A network added to a container of a {@link CniSandbox}: the parameters it was added with and the
 * result of its ADD. Immutable and thread-safe.
 */
public final class CniAttachment {
  private final CniNetwork network;
  private final Attachment attachment;
  private final Result result;

  CniAttachment(CniNetwork network, Attachment attachment, Result result) {
    this.network = Objects.requireNonNull(network, "network");
    this.attachment = Objects.requireNonNull(attachment, "attachment");
    this.result = Objects.requireNonNull(result, "result");
  }

  /** The network this attachment belongs to. */
  public CniNetwork network() {
    return network;
  }

  /** The parameters it was added with. */
  public Attachment attachment() {
    return attachment;
  }

  /** The result of its ADD, in the network's version. */
  public Result result() {
    return result;
  }

  /**
   * The addresses the result assigned, in the result's order, without their prefix lengths: for a
   * result with {@code 198.18.0.2/24}, the address {@code 198.18.0.2}.
   */
  public List<InetAddress> addresses() {
    List<InetAddress> addresses = new ArrayList<>();
    for (IpConfig ip : result.ips()) {
      try {
        addresses.add(InetAddress.getByAddress(ip.address().address().toByteArray()));
      } catch (UnknownHostException e) { // only for a length other than 4 or 16
        throw new IllegalStateException("not an IP address: " + ip.address(), e);
      }
    }
    return List.copyOf(addresses);
  }

  /**
   * Runs CHECK for this attachment.
   *
   * @throws CniException when a plugin reports a problem
   * @throws InterruptedException when the thread is interrupted
   */
  public void check() throws CniException, InterruptedException {
    network.check(attachment);
  }

  /**
   * Runs DEL for this attachment now; the teardown then does not run it again.
   *
   * @throws CniException when a plugin fails
   * @throws InterruptedException when the thread is interrupted
   */
  public void delete() throws CniException, InterruptedException {
    network.delete(attachment);
  }

  @Override
  public String toString() {
    return "attachment of "
        + network
        + " (container "
        + attachment.containerId()
        + ", "
        + attachment.ifName()
        + ")";
  }
}
