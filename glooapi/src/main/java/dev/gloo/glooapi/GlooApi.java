package dev.gloo.glooapi;

import dev.gloo.glooapi.cmd.ApplyCommand;
import dev.gloo.glooapi.cmd.ClusterCommand;
import dev.gloo.glooapi.cmd.CompletionCommand;
import dev.gloo.glooapi.cmd.CreateCommand;
import dev.gloo.glooapi.cmd.DeleteCommand;
import dev.gloo.glooapi.cmd.DescribeCommand;
import dev.gloo.glooapi.cmd.EnvoyCommand;
import dev.gloo.glooapi.cmd.GetCommand;
import dev.gloo.glooapi.cmd.SnapshotCommand;
import dev.gloo.glooapi.cmd.WaitCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code glooapi} command: connection options shared by every verb, and what the verbs
 * share (the connection, the kinds, the namespace, the output streams).
 */
@Command(name = "glooapi", mixinStandardHelpOptions = true, versionProvider = GlooApi.Version.class,
    description = "Manage the objects of a gloo-control cluster (kubectl's everyday verbs) and inspect the cluster.",
    subcommands = {ApplyCommand.class, CreateCommand.class, GetCommand.class, DeleteCommand.class,
        DescribeCommand.class, WaitCommand.class, EnvoyCommand.class, ClusterCommand.class, SnapshotCommand.class, CompletionCommand.class},
    footer = {"", "Exit codes: 0 success, 1 error, 2 usage error."})
public final class GlooApi implements Runnable {
  @Option(names = {"-s", "--server"}, split = ",", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "API URL of a control node; repeat or comma-separate to fall over between nodes.")
  List<String> servers = new ArrayList<>();

  @Option(names = "--token", scope = ScopeType.INHERIT, description = "Bearer token (default: GLOO_TOKEN).")
  String token;

  @Option(names = "--certificate-authority", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "PEM file of the nodes' CA certificates (default: GLOO_CA_FILE).")
  Path caFile;

  @Option(names = "--insecure-skip-tls-verify", scope = ScopeType.INHERIT,
      description = "Do not check the nodes' certificates (insecure).")
  boolean insecure;

  @Option(names = "--kubeconfig", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "kubeconfig to read; without --context every cluster in it is a failover target.")
  Path kubeconfig;

  @Option(names = "--context", scope = ScopeType.INHERIT, description = "kubeconfig context to use (one node).")
  String context;

  @Option(names = {"-n", "--namespace"}, scope = ScopeType.INHERIT,
      description = "Namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(names = "--request-timeout", scope = ScopeType.INHERIT, defaultValue = "30s", paramLabel = "DURATION",
      converter = DurationConverter.class, description = "Time limit of one request to one node (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  private final Environment env;
  private final PrintWriter out;
  private final PrintWriter err;
  private Connection connection;
  private ResourceTypes types;

  public GlooApi(Environment env, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** The root command of the tree {@code spec} belongs to. */
  public static GlooApi of(CommandSpec spec) {
    return (GlooApi) spec.root().userObject();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (see glooapi --help)");
  }

  public Environment env() {
    return env;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public synchronized Connection connection() {
    if (connection == null) {
      Servers s = Servers.resolve(new Servers.Flags(servers, token, caFile == null ? null : env.workingDir().resolve(caFile),
          insecure, kubeconfig == null ? null : env.workingDir().resolve(kubeconfig), context), env);
      connection = new Connection(s, requestTimeout);
    }
    return connection;
  }

  public synchronized ResourceTypes types() {
    if (types == null) {
      types = ResourceTypes.builtIn();
    }
    return types;
  }

  /** Whether {@code -n} was given, which makes a manifest's other namespace an error. */
  public boolean namespaceGiven() {
    return namespace != null;
  }

  /** {@code -n}, else the source's namespace (a kubeconfig context's), else {@code default}. */
  public String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String ns = connection().servers().namespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }

  /** Builds the command line with kubectl's exit codes: 1 for errors, 2 for usage. */
  public static CommandLine commandLine(Environment env, PrintWriter out, PrintWriter err) {
    GlooApi root = new GlooApi(env, out, err);
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + oneLine(ex));
      cmd.getErr().flush();
      return ex instanceof CommandLine.ParameterException ? 2 : 1;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
      cmd.getErr().flush();
      return 2;
    });
    return cl;
  }

  static String oneLine(Exception ex) {
    if (ex instanceof CliException) {
      return ex.getMessage().replace('\n', ' ');
    }
    // A bug, not bad input: still one line, with the type so it can be reported.
    return ex.toString().replace('\n', ' ');
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = commandLine(Environment.ofProcess(), out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Reads the version the build wrote into the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GlooApi.class.getPackage().getImplementationVersion();
      return new String[] {"glooapi " + (v == null ? "(development build)" : v)};
    }
  }
}
