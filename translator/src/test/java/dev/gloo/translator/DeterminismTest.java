package dev.gloo.translator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import dev.gloo.translator.model.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same objects, in any arrival order, give byte-identical Envoy resources and equal statuses. */
class DeterminismTest {
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20261126})
  void arrivalOrderDoesNotChangeTheOutput(long seed) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    for (String f : List.of("01-gateway.yaml", "02-extauth.yaml", "03-ratelimit.yaml", "04-https.yaml")) {
      docs.addAll(Fixtures.parse(Fixtures.resource("seed/" + f)));
    }
    // 04-https replaces the Gateway of 01; keep that one whatever the order.
    JsonNode finalGateway = docs.stream().filter(d -> d.path("kind").asText().equals("Gateway"))
        .reduce((a, b) -> b).orElseThrow();
    docs.removeIf(d -> d.path("kind").asText().equals("Gateway"));
    docs.add(finalGateway);

    Translator translator = new Translator(TranslatorSettings.defaults());
    TranslationResult expected = Fixtures.checked(translator.translate(build(docs)));
    List<JsonNode> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(seed));
    TranslationResult actual = Fixtures.checked(translator.translate(build(shuffled)));

    assertEquals(expected.statuses(), actual.statuses(), "seed " + seed);
    assertEquals(expected.gateways().keySet(), actual.gateways().keySet());
    for (var e : expected.gateways().entrySet()) {
      assertArrayEquals(bytes(e.getValue()), bytes(actual.gateways().get(e.getKey())), "seed " + seed);
    }
  }

  private static Snapshot build(List<JsonNode> docs) {
    Snapshot.Builder b = Snapshot.builder(7);
    docs.forEach(b::add);
    return b.build();
  }

  private static byte[] bytes(GatewayResources r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Message> all = new ArrayList<>();
    all.addAll(r.listeners());
    all.addAll(r.routes());
    all.addAll(r.clusters());
    all.addAll(r.endpoints());
    all.addAll(r.secrets());
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.useDeterministicSerialization();
    for (Message m : all) {
      coded.writeMessageNoTag(m);
    }
    coded.flush();
    return out.toByteArray();
  }
}
