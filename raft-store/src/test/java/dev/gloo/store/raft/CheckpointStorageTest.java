package dev.gloo.store.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.junit.jupiter.api.Test;

class CheckpointStorageTest {

  @Test
  void aRelativeFolderStillNamesEverySnapshotFileRelativeToTheSnapshotDirectory() throws Exception {
    Path relative = Path.of("target", "checkpoint-storage-test-" + System.nanoTime());
    try {
      CheckpointStorage storage = new CheckpointStorage(relative);
      Files.createDirectories(storage.pathFor(TermIndex.valueOf(2, 10)));
      Files.writeString(storage.pathFor(TermIndex.valueOf(2, 10)).resolve("000001.sst"), "x");
      SnapshotInfo latest = storage.refresh();

      Path dir = storage.getSnapshotDir().toPath();
      assertTrue(dir.isAbsolute(), dir.toString());
      List<FileInfo> files = latest.getFiles();
      assertEquals(1, files.size());
      // What Ratis does before streaming the files to a follower (InstallSnapshotRequests).
      assertEquals(Path.of("snapshot.2_10", "000001.sst"), dir.relativize(files.get(0).getPath()));
    } finally {
      try (var walk = Files.walk(relative)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
