package dev.gloo.glooapi.cmd;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.glooapi.Manifests;
import dev.gloo.glooapi.Manifests.Manifest;
import dev.gloo.glooapi.Writes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glooapi create}: from files (fails on objects that exist), or a namespace or secret from flags. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create objects from files, or a namespace or a secret.",
    subcommands = {CreateCommand.Namespace.class, CreateCommand.Secret.class},
    footer = {"", "Examples:", "  glooapi create -f upstream.yaml", "  glooapi create namespace infra",
        "  glooapi create secret tls gw-cert --cert tls.crt --key tls.key -n infra",
        "  glooapi create secret generic creds --from-literal user=admin --from-file password=./pw"})
public final class CreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, split = ",", paramLabel = "FILE", description = "File, folder, or - for stdin.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() {
    GlooApi root = GlooApi.of(spec);
    if (files.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give -f FILE, or one of: namespace, secret tls, secret generic");
    }
    return ApplyCommand.forEach(root, Manifests.read(files, root.env().workingDir(), root.env().stdin()), (w, t) -> {
      w.create(t);
      root.out().println(t.display() + " created");
    });
  }

  /** Creates one object built from flags; a failure is the command's one error line. */
  static void createOne(GlooApi root, ObjectNode object) {
    Writes w = new Writes(root);
    Writes.Target t = w.target(new Manifest(object, null));
    w.create(t);
    root.out().println(t.display() + " created");
  }

  static ObjectNode object(String apiVersion, String kind, String name) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", apiVersion).put("kind", kind);
    o.putObject("metadata").put("name", name);
    return o;
  }

  @Command(name = "namespace", aliases = "ns", mixinStandardHelpOptions = true, description = "Create a namespace.")
  static final class Namespace implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
      createOne(GlooApi.of(spec), object("v1", "Namespace", name));
    }
  }

  @Command(name = "secret", mixinStandardHelpOptions = true, description = "Create a secret.",
      subcommands = {Tls.class, Generic.class})
  static final class Secret implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a secret type is required: tls or generic");
    }
  }

  @Command(name = "tls", mixinStandardHelpOptions = true,
      description = "Create a kubernetes.io/tls secret from a PEM certificate chain and its private key.")
  static final class Tls implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "PEM certificate chain.")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "PEM private key.")
    Path key;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      byte[] crt = read(root, cert, "--cert");
      byte[] k = read(root, key, "--key");
      try {
        if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(crt)).isEmpty()) {
          throw new CliException("--cert " + cert + ": no PEM certificate in the file");
        }
      } catch (CertificateException e) {
        throw new CliException("--cert " + cert + ": not a PEM certificate (" + e.getMessage() + ")");
      }
      if (!new String(k, StandardCharsets.US_ASCII).matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
        throw new CliException("--key " + key + ": no PEM private key in the file");
      }
      ObjectNode s = object("v1", "Secret", name);
      s.put("type", "kubernetes.io/tls");
      s.putObject("data").put("tls.crt", Base64.getEncoder().encodeToString(crt))
          .put("tls.key", Base64.getEncoder().encodeToString(k));
      createOne(root, s);
    }
  }

  @Command(name = "generic", mixinStandardHelpOptions = true, description = "Create an Opaque secret from literals and files.")
  static final class Generic implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--from-literal", paramLabel = "KEY=VALUE", description = "A key and its value; repeatable.")
    List<String> literals = new ArrayList<>();

    @Option(names = "--from-file", paramLabel = "[KEY=]FILE",
        description = "A file's content, under KEY or the file's name; repeatable.")
    List<String> files = new ArrayList<>();

    @Option(names = "--type", defaultValue = "Opaque", description = "The secret's type (default: ${DEFAULT-VALUE}).")
    String type;

    @Override
    public void run() {
      GlooApi root = GlooApi.of(spec);
      Map<String, byte[]> data = new LinkedHashMap<>();
      for (String l : literals) {
        int eq = l.indexOf('=');
        if (eq <= 0) {
          throw new CliException("--from-literal '" + l + "': expected KEY=VALUE");
        }
        put(data, l.substring(0, eq), l.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
      }
      for (String f : files) {
        int eq = f.indexOf('=');
        Path p = Path.of(eq > 0 ? f.substring(eq + 1) : f);
        String k = eq > 0 ? f.substring(0, eq) : p.getFileName().toString();
        put(data, k, read(root, p, "--from-file"));
      }
      ObjectNode s = object("v1", "Secret", name);
      s.put("type", type);
      ObjectNode d = s.putObject("data");
      data.forEach((k, v) -> d.put(k, Base64.getEncoder().encodeToString(v)));
      createOne(root, s);
    }

    private static void put(Map<String, byte[]> data, String key, byte[] value) {
      if (!key.matches("[-._a-zA-Z0-9]+")) {
        throw new CliException("'" + key + "' is not a valid secret key: use letters, digits, '-', '_' or '.'");
      }
      if (data.put(key, value) != null) {
        throw new CliException("cannot add key " + key + ", another key by that name already exists");
      }
    }
  }

  static byte[] read(GlooApi root, Path p, String flag) {
    try {
      return Files.readAllBytes(root.env().workingDir().resolve(p));
    } catch (IOException e) {
      throw new CliException(flag + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
