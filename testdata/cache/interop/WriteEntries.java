// Writes a few entries with jcni's ResultCache for interop/readback.go to read; see ../README.md.
import dev.jcni.cache.*;
import dev.jcni.internal.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.*;
import java.util.*;
public class WriteEntries {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    ResultCache cache = ResultCache.open(dir);
    String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"javanet\",\"plugins\":[{\"type\":\"noop\"}]}";
    ObjectNode caps = (ObjectNode) Json.parse("{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"}],\"big\":12345678901234567890,\"tiny\":1e-400,\"dec\":1.50,\"s\":\"a<b>&\\u2028\"}".getBytes());
    ObjectNode result = (ObjectNode) Json.parse("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/var/run/netns/j1\"}],\"ips\":[{\"address\":\"198.18.0.5/24\",\"interface\":0}]}".getBytes());
    cache.put(new CachedAttachment(AttachmentKey.of("javanet", "j1", "eth0"), "/var/run/netns/j1", conf.getBytes(), List.of(Map.entry("K8S_POD_NAME", "p<1>")), caps, Optional.of(result)));
    cache.put(new CachedAttachment(AttachmentKey.of("javanet", "j2", "net1"), "", conf.getBytes(), List.of(), Json.NODES.objectNode(), Optional.of(result)));
    // a complete temp file (as if a writer crashed between write and rename) and a partial one
    Files.write(dir.resolve("results/.jcnitmp.complete"), Files.readAllBytes(dir.resolve("results/javanet-j2-net1")));
    Files.write(dir.resolve("results/.jcnitmp.partial"), "{\"kind\":\"cniCacheV1\",\"conta".getBytes());
    System.out.println("written");
  }
}
