package dev.jcni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcni.internal.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every input under {@code testdata/results/inputs} converted to every version by jcni, compared
 * with what libcni's own types produced (see {@code testdata/results/README.md}).
 */
class ResultGoldenTest {
  private static final Path DIR = Path.of(System.getProperty("jcni.testdata"), "results");
  private static final List<CniVersion> DEBIAN_TARGETS =
      List.of(
          CniVersion.V0_1_0,
          CniVersion.V0_2_0,
          CniVersion.V0_3_0,
          CniVersion.V0_3_1,
          CniVersion.V0_4_0,
          CniVersion.V1_0_0);

  private static List<String> inputs() throws IOException {
    try (Stream<Path> files = Files.list(DIR.resolve("inputs"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @Test
  void everyInputHasAnOutcomeForEveryTargetFromBothOracles() throws IOException {
    List<String> inputs = inputs();
    assertThat(inputs).hasSizeGreaterThanOrEqualTo(25);
    for (String name : inputs) {
      for (CniVersion to : CniVersion.values()) {
        assertThat(hasOutcome("libcni-main", name, to)).as(name + "@" + to + " (main)").isTrue();
        if (to != CniVersion.V1_1_0) {
          assertThat(hasOutcome("libcni-v1.1.2", name, to)).as(name + "@" + to).isTrue();
        }
      }
    }
  }

  private static boolean hasOutcome(String oracle, String name, CniVersion to) {
    Path json = DIR.resolve(oracle).resolve(name + "@" + to + ".json");
    Path err = DIR.resolve(oracle).resolve(name + "@" + to + ".err");
    return Files.exists(json) != Files.exists(err);
  }

  @TestFactory
  List<DynamicTest> matchesLibcniMain() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : inputs()) {
      for (CniVersion to : CniVersion.values()) {
        tests.add(
            DynamicTest.dynamicTest(
                name + " to " + to, () -> check("libcni-main", name, to, false)));
      }
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> matchesLibcni112OnWhatItKnows() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : inputs()) {
      if (name.startsWith("v110-")) {
        continue; // libcni 1.1.2 does not know 1.1.0
      }
      for (CniVersion to : DEBIAN_TARGETS) {
        tests.add(
            DynamicTest.dynamicTest(
                name + " to " + to, () -> check("libcni-v1.1.2", name, to, true)));
      }
    }
    return tests;
  }

  private static void check(String oracle, String name, CniVersion to, boolean debian)
      throws Exception {
    byte[] input = Files.readAllBytes(DIR.resolve("inputs").resolve(name + ".json"));
    Path expectedJson = DIR.resolve(oracle).resolve(name + "@" + to + ".json");
    if (!Files.exists(expectedJson)) {
      if (failsForEveryTarget(oracle, name, debian)) {
        // libcni could not even read it
        assertThatThrownBy(() -> Result.decode(input, CniVersion.V0_1_0))
            .isInstanceOf(MalformedResultException.class);
      } else {
        Result decoded = Result.decode(input, CniVersion.V0_1_0);
        assertThatThrownBy(() -> decoded.convertTo(to))
            .isInstanceOf(ResultConversionException.class);
      }
      return;
    }
    // an input without cniVersion is 0.1.0, as result-convert reads it (create.CreateFromBytes)
    Result converted = Result.decode(input, CniVersion.V0_1_0).convertTo(to);
    assertThat(converted.cniVersion()).isEqualTo(to);
    JsonNode expected = Json.parse(Files.readAllBytes(expectedJson));
    ObjectNode actual = converted.toJson();
    if (debian) {
      if (!removeFieldsUnknownToLibcni112(actual)) {
        // nothing to hide from libcni 1.1.2: then the bytes are the same too, field order included
        assertThat(new String(converted.toCompactJson(), StandardCharsets.UTF_8))
            .isEqualTo(Files.readString(expectedJson).strip());
      }
    } else if (to.atLeast(CniVersion.V1_0_0) && !expected.has("dns")) {
      // libcni main leaves an empty dns out of 1.x results; jcni writes {} as libcni 1.1.2 does
      assertThat(actual.get("dns")).isEqualTo(Json.NODES.objectNode());
      ((ObjectNode) expected).set("dns", Json.NODES.objectNode());
    }
    assertThat(actual).isEqualTo(expected);
    // what jcni writes, jcni reads back as the same result
    assertThat(Result.decode(converted.toCompactJson(), CniVersion.V0_1_0)).isEqualTo(converted);
  }

  private static boolean failsForEveryTarget(String oracle, String name, boolean debian) {
    for (CniVersion to : debian ? DEBIAN_TARGETS : List.of(CniVersion.values())) {
      if (Files.exists(DIR.resolve(oracle).resolve(name + "@" + to + ".json"))) {
        return false;
      }
    }
    return true;
  }

  /** Removes what libcni 1.1.2 does not know; tells whether there was any. */
  private static boolean removeFieldsUnknownToLibcni112(ObjectNode result) {
    boolean removed = false;
    for (String ip : List.of("ip4", "ip6")) {
      if (result.has(ip)) {
        removed |= remove(result.get(ip).get("routes"), ROUTE_EXTRAS);
      }
    }
    removed |= remove(result.get("routes"), ROUTE_EXTRAS);
    removed |= remove(result.get("interfaces"), INTERFACE_EXTRAS);
    return removed;
  }

  private static final List<String> ROUTE_EXTRAS =
      List.of("mtu", "advmss", "priority", "table", "scope");
  private static final List<String> INTERFACE_EXTRAS = List.of("mtu", "socketPath", "pciID");

  private static boolean remove(JsonNode objects, List<String> fields) {
    boolean removed = false;
    if (objects instanceof ArrayNode) {
      for (JsonNode o : objects) {
        int before = o.size();
        ((ObjectNode) o).remove(fields);
        removed |= o.size() != before;
      }
    }
    return removed;
  }
}
