package dev.gloo.extauth.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gloo.extauth.ExtAuthServer;
import dev.gloo.extauth.auth.JwtAuthTestKeys;
import dev.gloo.extauth.config.AuthConfigCompiler;
import dev.gloo.extauth.config.AuthConfigs;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real gRPC calls, as Envoy makes them, over the Unix socket and over TCP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcCheckTest {
  private Path dir;
  private ExtAuthServer server;
  private EpollEventLoopGroup clientLoop;
  private final Map<String, ManagedChannel> channels = new HashMap<>();

  private static String basic(String up) {
    return "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8));
  }

  private static AuthConfigs configs() throws Exception {
    AuthConfigCompiler compiler = new AuthConfigCompiler();
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    Map<String, JsonNode> secrets = Map.of("gloo-system/alice", yaml.readTree("""
        metadata: {name: alice, namespace: gloo-system}
        data: {api-key: %s, user-id: %s}
        """.formatted(b64("alice-key"), b64("alice"))));
    Map<String, AuthConfigs.Entry> byId = new HashMap<>();
    byId.put("gloo-system.basic-auth", AuthConfigs.Entry.loaded("gloo-system.basic-auth", compiler.compile(yaml.readTree("""
        metadata: {name: basic-auth, namespace: gloo-system}
        spec:
          configs:
          - basicAuth:
              realm: gloo
              apr: {users: {test: {salt: n28wuo5p, hashedPassword: NLFTUNkXaht0g/2GJjUM51}}}
        """), secrets)));
    byId.put("gloo-system.keys", AuthConfigs.Entry.loaded("gloo-system.keys", compiler.compile(yaml.readTree("""
        metadata: {name: keys, namespace: gloo-system}
        spec:
          configs:
          - apiKeyAuth:
              apiKeySecretRefs: [{name: alice}]
              headersFromMetadataEntry: {x-user-id: {name: user-id}}
        """), secrets)));
    byId.put("gloo-system.jwt", AuthConfigs.Entry.loaded("gloo-system.jwt", compiler.compile(yaml.readTree("""
        metadata: {name: jwt, namespace: gloo-system}
        spec:
          configs:
          - oauth2:
              accessTokenValidation:
                jwt: {issuer: 'https://issuer.example', localJwks: {inlineString: '%s'}}
                claimsToHeaders: [{claim: sub, header: x-user}]
        """.formatted(JwtAuthTestKeys.jwks())), secrets)));
    byId.put("gloo-system.broken", AuthConfigs.Entry.failed("gloo-system.broken", "spec.configs[0].ldap: not supported"));
    return new AuthConfigs(byId, 1);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    AuthConfigs configs = configs();
    server = ExtAuthServer.start(dir.resolve("extauth.sock"), Optional.of(new java.net.InetSocketAddress("127.0.0.1", 0)),
        new AuthorizationService(() -> configs));
    clientLoop = new EpollEventLoopGroup(1);
    channels.put("uds", NettyChannelBuilder.forAddress(new DomainSocketAddress(dir.resolve("extauth.sock").toString()))
        .channelType(EpollDomainSocketChannel.class).eventLoopGroup(clientLoop).usePlaintext()
        .maxInboundMessageSize(8 << 20).build());
    channels.put("tcp", NettyChannelBuilder.forAddress("127.0.0.1", server.tcpPort().orElseThrow()).usePlaintext().build());
  }

  @AfterAll
  void stop() {
    channels.values().forEach(c -> c.shutdownNow());
    if (server != null) {
      server.close();
    }
    if (clientLoop != null) {
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private CheckResponse check(String transport, CheckRequest request) {
    return AuthorizationGrpc.newBlockingStub(channels.get(transport)).withDeadlineAfter(10, TimeUnit.SECONDS).check(request);
  }

  private static CheckRequest request(String configId, Map<String, String> headers) {
    return EnvoyCheckRequests.of(configId, "GET", "/get", headers);
  }

  @ParameterizedTest
  @ValueSource(strings = {"uds", "tcp"})
  void basicAuthAllowsTheTestVectorAndChallengesEverythingElse(String transport) {
    CheckResponse ok = check(transport, request("gloo-system.basic-auth", Map.of("authorization", basic("test:test123"))));
    assertEquals(0, ok.getStatus().getCode());
    assertTrue(ok.hasOkResponse());

    CheckResponse denied = check(transport, request("gloo-system.basic-auth", Map.of("authorization", basic("test:nope"))));
    assertEquals(io.grpc.Status.Code.UNAUTHENTICATED.value(), denied.getStatus().getCode());
    assertEquals(401, denied.getDeniedResponse().getStatus().getCodeValue());
    assertEquals("WWW-Authenticate", denied.getDeniedResponse().getHeaders(0).getHeader().getKey());
    assertEquals("Basic realm=\"gloo\"", denied.getDeniedResponse().getHeaders(0).getHeader().getValue());

    assertEquals(401, check(transport, request("gloo-system.basic-auth", Map.of()))
        .getDeniedResponse().getStatus().getCodeValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"uds", "tcp"})
  void apiKeyAndJwtAddHeadersUpstream(String transport) {
    CheckResponse key = check(transport, request("gloo-system.keys", Map.of("api-key", "alice-key")));
    assertEquals(0, key.getStatus().getCode());
    assertEquals("x-user-id", key.getOkResponse().getHeaders(0).getHeader().getKey());
    assertEquals("alice", key.getOkResponse().getHeaders(0).getHeader().getValue());
    assertEquals(401, check(transport, request("gloo-system.keys", Map.of("api-key", "bob-key")))
        .getDeniedResponse().getStatus().getCodeValue());

    CheckResponse jwt = check(transport, request("gloo-system.jwt",
        Map.of("authorization", "Bearer " + JwtAuthTestKeys.token("carol"))));
    assertEquals(0, jwt.getStatus().getCode());
    assertEquals("carol", jwt.getOkResponse().getHeaders(0).getHeader().getValue());
    assertEquals(401, check(transport, request("gloo-system.jwt", Map.of("authorization", "Bearer not.a.jwt")))
        .getDeniedResponse().getStatus().getCodeValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"uds", "tcp"})
  void unknownOrBrokenConfigsFailClosed(String transport) {
    for (String id : List.of("gloo-system.nope", "gloo-system.broken")) {
      CheckResponse r = check(transport, request(id, Map.of("authorization", basic("test:test123"))));
      assertEquals(io.grpc.Status.Code.PERMISSION_DENIED.value(), r.getStatus().getCode(), id);
      assertEquals(403, r.getDeniedResponse().getStatus().getCodeValue(), id);
    }
    assertEquals(403, check(transport, request(null, Map.of())).getDeniedResponse().getStatus().getCodeValue());
  }

  @Test
  void aOneMegabyteHeaderIsA401() {
    String huge = "Basic " + "QUFB".repeat(256 * 1024);
    CheckResponse r = check("uds", request("gloo-system.basic-auth", Map.of("authorization", huge)));
    assertEquals(401, r.getDeniedResponse().getStatus().getCodeValue());
  }

  @Test
  void concurrentChecksAllGetTheirOwnAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        boolean good = i % 2 == 0;
        String transport = i % 3 == 0 ? "tcp" : "uds";
        results.add(pool.submit(() -> {
          CheckResponse r = check(transport, request("gloo-system.basic-auth",
              Map.of("authorization", basic(good ? "test:test123" : "test:bad"))));
          return (r.getStatus().getCode() == 0) == good;
        }));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theSocketIsReadableAndWritableByOwnerAndGroupOnly() throws Exception {
    assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"),
        java.nio.file.Files.getPosixFilePermissions(dir.resolve("extauth.sock")));
  }

  @Test
  void healthTurnsServingWhenTold() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channels.get("uds"));
    server.serving();
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        health.check(HealthCheckRequest.newBuilder().build()).getStatus());
  }
}
