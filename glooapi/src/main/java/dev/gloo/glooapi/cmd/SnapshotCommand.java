package dev.gloo.glooapi.cmd;

import dev.gloo.cluster.ConfigException;
import dev.gloo.cluster.NodeSettings;
import dev.gloo.glooapi.CliException;
import dev.gloo.glooapi.Connection;
import dev.gloo.glooapi.GlooApi;
import dev.gloo.store.DataDirException;
import dev.gloo.store.raft.SnapshotArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glooapi snapshot save|restore}: backups of the store, and disaster recovery from one. */
@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Back up the store and restore a backup.",
    subcommands = {SnapshotCommand.Save.class, SnapshotCommand.Restore.class})
public final class SnapshotCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: save, restore");
  }

  /**
   * Downloads a consistent copy of the store from any node (it holds every write acknowledged
   * before the request), checks it against the SHA-256 the node sent and its own manifest, and
   * only then moves it to FILE.
   */
  @Command(name = "save", mixinStandardHelpOptions = true,
      description = "Save a consistent copy of the store (every object and revision) to FILE.")
  static final class Save implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws IOException {
      GlooApi root = GlooApi.of(spec);
      Path target = root.env().workingDir().resolve(file);
      Path part = target.resolveSibling(target.getFileName() + ".part");
      Connection.Stream s = root.connection().stream("/gloo/v1/cluster/snapshot", "application/zip");
      String expected = s.headers().firstValue("X-Gloo-Snapshot-Sha256").orElse(null);
      MessageDigest digest = SnapshotArchive.sha256();
      try {
        try (InputStream in = s.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
          in.transferTo(out);
        } catch (IOException e) {
          throw new CliException("downloading the snapshot from " + s.node() + " failed: " + e.getMessage());
        }
        String got = HexFormat.of().formatHex(digest.digest());
        if (expected == null || !expected.equalsIgnoreCase(got)) {
          throw new CliException("the snapshot from " + s.node() + " arrived damaged (sha256 " + got + ", the node sent "
              + expected + "); nothing was written");
        }
        SnapshotArchive.Info info = verify(part);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        root.out().println("snapshot saved to " + file + ": revision " + info.revision() + ", " + Files.size(target)
            + " bytes, sha256 " + got + " (from " + info.nodeId() + " at " + s.node() + ")");
        root.out().flush();
        return 0;
      } finally {
        Files.deleteIfExists(part);
      }
    }
  }

  /**
   * Offline, like {@code etcdutl snapshot restore}: builds a data directory for a NEW
   * single-node cluster (a new cluster id) from a snapshot; a node started on it has every
   * object at its revision. Grow the new cluster with joins.
   */
  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = {"Build a fresh data directory for a new single-node cluster from a snapshot (offline).",
          "Start a node on it with the settings printed; then join more nodes to it."})
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "A new, empty data directory.")
    Path dataDir;

    @Option(names = "--name", required = true, paramLabel = "NODE", description = "The NODE_ID of the restored node.")
    String name;

    @Option(names = "--initial-cluster", required = true, paramLabel = "NODE=HOST:PORT",
        description = "The new cluster: this one node and its RAFT_ADDRESS.")
    String initialCluster;

    @Option(names = "--cluster-id", paramLabel = "UUID", description = "The new cluster's id (default: a new random one).")
    String clusterId;

    @Override
    public Integer call() {
      GlooApi root = GlooApi.of(spec);
      MembershipCommands.nodeId(spec, name);
      Map<String, String> members;
      try {
        members = NodeSettings.parseCluster(initialCluster);
      } catch (ConfigException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--initial-cluster: " + e.getMessage());
      }
      if (members.size() != 1 || !members.containsKey(name)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--initial-cluster must name exactly the"
            + " restored node (" + name + "=HOST:PORT): a restore starts a new single-node cluster; join the others to it");
      }
      String id = clusterId == null ? UUID.randomUUID().toString() : clusterId;
      try {
        UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--cluster-id " + id + " is not a UUID");
      }
      Path archive = root.env().workingDir().resolve(file);
      Path dir = root.env().workingDir().resolve(dataDir);
      if (!Files.isRegularFile(archive)) {
        throw new CliException(file + ": no such file");
      }
      SnapshotArchive.Info info;
      try {
        info = SnapshotArchive.restore(archive, dir, id);
      } catch (DataDirException e) {
        throw new CliException(e.getMessage());
      } catch (IOException e) {
        throw new CliException("restoring " + file + " into " + dataDir + " failed: " + e.getMessage());
      }
      root.out().println("restored revision " + info.revision() + " of cluster " + info.clusterId() + " into " + dataDir);
      root.out().println("start the node with these settings (and its usual API, xDS and admin addresses):");
      root.out().println("NODE_ID=" + name);
      root.out().println("CLUSTER_ID=" + id);
      root.out().println("DATA_DIR=" + dir);
      root.out().println("RAFT_ADDRESS=" + members.get(name));
      root.out().println("INITIAL_CLUSTER=" + name + "=" + members.get(name));
      root.out().flush();
      return 0;
    }
  }

  static SnapshotArchive.Info verify(Path archive) throws IOException {
    try {
      return SnapshotArchive.verify(archive, null);
    } catch (DataDirException e) {
      throw new CliException(e.getMessage());
    }
  }
}
