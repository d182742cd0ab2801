package dev.gloo.store.raft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gloo.store.DataDirException;
import dev.gloo.store.KeyValue;
import dev.gloo.store.Txn;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup taken from a running node restores into a new single-node cluster that has every
 * key at its revisions and keeps counting revisions from there; damaged or foreign files and
 * non-empty data directories are refused.
 */
class SnapshotArchiveTest {

  @Test
  void restoredNodeHasEveryKeyAtItsRevisionAndRevisionsKeepGrowing(@TempDir Path tmp) throws Exception {
    Path backup = tmp.resolve("backup.zip");
    Map<String, KeyValue> before = new java.util.TreeMap<>();
    long revisionAtBackup;
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST)) {
      RaftStoreNode n = c.node("n1");
      for (int i = 0; i < 50; i++) {
        n.txn(Txn.create("/k/" + i, ("v" + i).getBytes(UTF_8)));
      }
      n.txn(Txn.compareAndSwap("/k/7", n.get("/k/7").orElseThrow().modRevision(), "changed".getBytes(UTF_8)));
      n.txn(Txn.guardedDelete("/k/9", n.get("/k/9").orElseThrow().modRevision()));
      n.range("/k/", 0, Optional.empty()).items().forEach(kv -> before.put(kv.key(), kv));
      try (OutputStream out = Files.newOutputStream(backup)) {
        SnapshotArchive.Info info = n.backup(out);
        revisionAtBackup = n.revision();
        assertEquals(revisionAtBackup, info.revision(), "the backup is at the revision of the last acknowledged write");
        assertEquals(c.clusterId, info.clusterId());
      }
    }
    assertEquals(49, before.size());

    String newCluster = UUID.randomUUID().toString();
    Path dataDir = tmp.resolve("restored");
    SnapshotArchive.Info info = SnapshotArchive.restore(backup, dataDir, newCluster);
    assertEquals(revisionAtBackup, info.revision());
    assertEquals(newCluster, Files.readString(dataDir.resolve("CLUSTER_ID")).strip());

    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    NodeConfig config = new NodeConfig("r1", "127.0.0.1", port, dataDir, newCluster,
        Map.of("r1", "127.0.0.1:" + port), TestCluster.FAST);
    try (RaftStoreNode restored = RaftStoreNode.start(config)) {
      restored.awaitReady(Duration.ofSeconds(30));
      Map<String, KeyValue> after = new java.util.TreeMap<>();
      restored.range("/k/", 0, Optional.empty()).items().forEach(kv -> after.put(kv.key(), kv));
      assertEquals(before, after, "every key with its value, create/mod revision and version");
      assertEquals(revisionAtBackup, restored.revision());
      long next = restored.txn(Txn.create("/k/new", "x".getBytes(UTF_8))).revision();
      assertTrue(next > revisionAtBackup, "a new write's revision " + next + " follows the backup's " + revisionAtBackup);
      assertEquals(next, restored.get("/k/new").orElseThrow().modRevision());
    }
    // The restored directory restarts like any other (its log now starts after the backup).
    try (RaftStoreNode again = RaftStoreNode.start(config)) {
      again.awaitReady(Duration.ofSeconds(30));
      assertTrue(again.get("/k/new").isPresent());
      assertEquals(before.get("/k/7"), again.get("/k/7").orElseThrow());
    }
  }

  @Test
  void damagedTruncatedOrForeignFilesAndNonEmptyDirectoriesAreRefused(@TempDir Path tmp) throws Exception {
    Path backup = tmp.resolve("backup.zip");
    try (TestCluster c = TestCluster.started(1, TestCluster.FAST);
        OutputStream out = Files.newOutputStream(backup)) {
      c.node("n1").txn(Txn.create("/a", "1".getBytes(UTF_8)));
      c.node("n1").backup(out);
    }
    String cluster = UUID.randomUUID().toString();

    Path full = tmp.resolve("full");
    Files.createDirectories(full);
    Files.writeString(full.resolve("something"), "x");
    DataDirException notEmpty = assertThrows(DataDirException.class, () -> SnapshotArchive.restore(backup, full, cluster));
    assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
    assertEquals("x", Files.readString(full.resolve("something")), "a non-empty directory is left as it was");

    // One byte of one database file changed: the zip's own CRC or the manifest's SHA-256 catches it.
    Path tampered = tmp.resolve("tampered.zip");
    rewrite(backup, tampered, (name, bytes) -> {
      if (name.startsWith("db/") && name.endsWith(".sst")) {
        bytes[bytes.length / 2] ^= 1;
      }
      return bytes;
    });
    Path dir1 = tmp.resolve("d1");
    DataDirException damaged = assertThrows(DataDirException.class, () -> SnapshotArchive.restore(tampered, dir1, cluster));
    assertTrue(damaged.getMessage().contains("checksum mismatch"), damaged.getMessage());
    assertFalse(hasEntries(dir1), "a refused restore leaves nothing behind");

    Path truncated = tmp.resolve("truncated.zip");
    byte[] all = Files.readAllBytes(backup);
    Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
    assertThrows(DataDirException.class, () -> SnapshotArchive.restore(truncated, tmp.resolve("d2"), cluster));

    Path notASnapshot = tmp.resolve("other.zip");
    rewrite(backup, notASnapshot, (name, bytes) -> name.equals(SnapshotArchive.MANIFEST) ? null : bytes);
    DataDirException foreign = assertThrows(DataDirException.class,
        () -> SnapshotArchive.restore(notASnapshot, tmp.resolve("d3"), cluster));
    assertTrue(foreign.getMessage().contains("not a gloo-control snapshot"), foreign.getMessage());
  }

  private interface Edit {
    byte[] apply(String name, byte[] bytes);
  }

  /** Copies a zip entry by entry through {@code edit} (null drops the entry). */
  private static void rewrite(Path from, Path to, Edit edit) throws Exception {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] bytes = edit.apply(e.getName(), in.readAllBytes());
        if (bytes != null) {
          out.putNextEntry(new ZipEntry(e.getName()));
          out.write(bytes);
          out.closeEntry();
        }
      }
    }
  }

  private static boolean hasEntries(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
