package dev.gloo.store.raft;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;

/**
 * Snapshots as RocksDB checkpoints: one folder {@code snapshot.<term>_<index>} per snapshot
 * under {@link #getSnapshotDir()}. Ratis streams the files of the newest one to a follower
 * that is too far behind, which receives them into its own snapshot folder (Ratis replaces that
 * folder whole) and then calls {@code reinitialize} on the state machine.
 */
final class CheckpointStorage implements StateMachineStorage {
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final int RETAINED = 2;

  private final Path dir;
  private volatile SnapshotInfo latest;

  CheckpointStorage(Path dir) {
    // Absolute: Ratis names the files it streams to a follower relative to getSnapshotDir(),
    // and relativizing the absolute file paths against a relative folder throws. With a
    // relative DATA_DIR no snapshot could be installed on a follower, which then never
    // caught up once the log was purged.
    this.dir = dir.toAbsolutePath();
  }

  @Override
  public void init(RaftStorage raftStorage) throws IOException {
    Files.createDirectories(dir);
    refresh();
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return latest;
  }

  @Override
  public void format() {}

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    retainNewest(RETAINED);
  }

  @Override
  public File getSnapshotDir() {
    return dir.toFile();
  }

  Path pathFor(TermIndex ti) {
    return dir.resolve("snapshot." + ti.getTerm() + "_" + ti.getIndex());
  }

  /** Rescans the folder (after a checkpoint, or after Ratis installed one) and returns the newest. */
  SnapshotInfo refresh() throws IOException {
    Optional<TermIndex> newest = list().stream().max(Comparator.comparingLong(TermIndex::getIndex));
    if (newest.isEmpty()) {
      latest = null;
      return null;
    }
    Path folder = pathFor(newest.get());
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path f : (Iterable<Path>) entries.sorted()::iterator) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".md5")) {
          files.add(new FileInfo(f.toAbsolutePath(), null));
        }
      }
    }
    latest = new FileListSnapshotInfo(files, newest.get());
    return latest;
  }

  void retainNewest(int count) throws IOException {
    List<TermIndex> all = list();
    all.sort(Comparator.comparingLong(TermIndex::getIndex).reversed());
    for (int i = count; i < all.size(); i++) {
      deleteRecursively(pathFor(all.get(i)));
    }
  }

  private List<TermIndex> list() throws IOException {
    List<TermIndex> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (Files.isDirectory(p) && m.matches()) {
          out.add(TermIndex.valueOf(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        }
      }
    }
    return out;
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
