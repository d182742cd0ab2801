package dev.gloo.store.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gloo.store.DataDirException;
import dev.gloo.store.engine.KvEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A backup of the store, the file {@code glooapi snapshot save} writes: a zip holding
 * {@code snapshot.json} (format, cluster, revision, applied index, and each file's size and
 * SHA-256) followed by the files of one RocksDB checkpoint under {@code db/}.
 *
 * <p>{@link #restore} builds the data directory of a new single-node cluster from it, as
 * {@code etcdutl snapshot restore} does: the database with a new cluster id, the same database
 * as the node's newest snapshot at the backup's applied index, and the {@code CLUSTER_ID} file.
 * Ratis then starts the new log after that index, so revisions keep growing from where the
 * backup left off and every object keeps its resourceVersion.
 */
public final class SnapshotArchive {
  static final String MANIFEST = "snapshot.json";
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotArchive() {}

  /** What a backup holds. */
  public record Info(String clusterId, String nodeId, long revision, long appliedIndex, String createdAt,
      Map<String, FileEntry> files) {}

  public record FileEntry(long size, String sha256) {}

  /**
   * Writes the checkpoint in {@code checkpoint} (a closed RocksDB copy) as an archive to
   * {@code out}. The checkpoint is opened once to read its revision and applied index.
   */
  public static Info write(Path checkpoint, String nodeId, Instant now, OutputStream out) throws IOException {
    long revision;
    long applied;
    String clusterId;
    try (KvEngine engine = KvEngine.open(checkpoint, System::currentTimeMillis)) {
      revision = engine.revision();
      applied = engine.appliedIndex();
      clusterId = engine.clusterId().orElse("");
    }
    Map<String, FileEntry> files = new LinkedHashMap<>();
    List<Path> paths = dbFiles(checkpoint);
    for (Path f : paths) {
      files.put(f.getFileName().toString(), new FileEntry(Files.size(f), sha256(f)));
    }
    Info info = new Info(clusterId, nodeId, revision, applied, now.toString(), files);
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.putNextEntry(new ZipEntry(MANIFEST));
    zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest(info)));
    zip.closeEntry();
    for (Path f : paths) {
      zip.putNextEntry(new ZipEntry("db/" + f.getFileName()));
      Files.copy(f, zip);
      zip.closeEntry();
    }
    zip.finish();
    out.flush();
    return info;
  }

  /** The files of a checkpoint that make up the database (not RocksDB's info logs). */
  private static List<Path> dbFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("LOG") && !p.getFileName().toString().equals("LOCK"))
          .sorted().toList();
    }
  }

  private static ObjectNode manifest(Info info) {
    ObjectNode m = JSON.createObjectNode();
    m.put("format", FORMAT).put("clusterId", info.clusterId()).put("nodeId", info.nodeId())
        .put("revision", info.revision()).put("appliedIndex", info.appliedIndex()).put("createdAt", info.createdAt());
    ArrayNode files = m.putArray("files");
    info.files().forEach((name, f) -> files.addObject().put("name", name).put("size", f.size()).put("sha256", f.sha256()));
    return m;
  }

  /**
   * Checks the archive: a manifest of a known format, every file it lists present once with its
   * size and SHA-256, nothing else. Extracts the database files into {@code target} when it is
   * not null.
   *
   * @throws InvalidArchiveException naming what is wrong
   */
  public static Info verify(Path archive, Path target) throws IOException {
    Info info = null;
    Map<String, FileEntry> seen = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      ZipEntry e;
      boolean first = true;
      while ((e = zip.getNextEntry()) != null) {
        if (first) {
          if (!e.getName().equals(MANIFEST)) {
            throw new InvalidArchiveException(archive + " is not a gloo-control snapshot (it does not start with "
                + MANIFEST + ")");
          }
          info = parseManifest(archive, zip.readAllBytes());
          first = false;
          continue;
        }
        String name = e.getName();
        if (!name.startsWith("db/") || name.length() == 3 || name.indexOf('/', 3) >= 0 || name.contains("..")) {
          throw new InvalidArchiveException(archive + ": unexpected entry " + name);
        }
        String file = name.substring(3);
        MessageDigest digest = sha256();
        long size;
        InputStream in = new DigestInputStream(zip, digest);
        if (target != null) {
          size = Files.copy(in, target.resolve(file));
        } else {
          size = in.transferTo(OutputStream.nullOutputStream());
        }
        if (seen.put(file, new FileEntry(size, HexFormat.of().formatHex(digest.digest()))) != null) {
          throw new InvalidArchiveException(archive + ": " + name + " appears twice");
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new InvalidArchiveException(archive + " is damaged: " + e.getMessage());
    } catch (java.io.EOFException e) {
      throw new InvalidArchiveException(archive + " is truncated");
    }
    if (info == null) {
      throw new InvalidArchiveException(archive + " is not a gloo-control snapshot (empty or not a zip file)");
    }
    for (Map.Entry<String, FileEntry> want : info.files().entrySet()) {
      FileEntry got = seen.remove(want.getKey());
      if (got == null) {
        throw new InvalidArchiveException(archive + " is truncated: db/" + want.getKey() + " is missing");
      }
      if (!got.equals(want.getValue())) {
        throw new InvalidArchiveException(archive + ": checksum mismatch for db/" + want.getKey() + " (expected "
            + want.getValue().sha256() + ", " + want.getValue().size() + " bytes; found " + got.sha256() + ", "
            + got.size() + " bytes)");
      }
    }
    if (!seen.isEmpty()) {
      throw new InvalidArchiveException(archive + ": files not in the manifest: " + seen.keySet());
    }
    return info;
  }

  private static Info parseManifest(Path archive, byte[] bytes) {
    try {
      JsonNode m = JSON.readTree(bytes);
      if (m.path("format").asInt() != FORMAT) {
        throw new InvalidArchiveException(archive + ": snapshot format " + m.path("format") + " is not supported (want "
            + FORMAT + ")");
      }
      Map<String, FileEntry> files = new LinkedHashMap<>();
      for (JsonNode f : m.path("files")) {
        files.put(f.path("name").asText(), new FileEntry(f.path("size").asLong(), f.path("sha256").asText()));
      }
      if (files.isEmpty() || m.path("appliedIndex").asLong() <= 0) {
        throw new InvalidArchiveException(archive + ": the manifest lists no database");
      }
      return new Info(m.path("clusterId").asText(), m.path("nodeId").asText(), m.path("revision").asLong(),
          m.path("appliedIndex").asLong(), m.path("createdAt").asText(), files);
    } catch (IOException e) {
      throw new InvalidArchiveException(archive + ": " + MANIFEST + " is not JSON: " + e.getMessage());
    }
  }

  /**
   * Builds the data directory of a new single-node cluster {@code clusterId} from the archive.
   * Refuses a data directory that is not empty; leaves nothing behind when the archive is bad.
   */
  public static Info restore(Path archive, Path dataDir, String clusterId) throws IOException {
    UUID.fromString(clusterId);
    if (Files.exists(dataDir)) {
      try (Stream<Path> s = Files.list(dataDir)) {
        if (s.findAny().isPresent()) {
          throw new DataDirException("data directory " + dataDir + " is not empty; restore needs a new one");
        }
      }
    }
    Path db = dataDir.resolve("db");
    Files.createDirectories(db);
    Info info;
    try {
      info = verify(archive, db);
      try (KvEngine engine = KvEngine.open(db, System::currentTimeMillis)) {
        engine.setClusterId(clusterId);
        // Term 0: the new cluster's first leader (term 1) appends after it without going back in term.
        Files.createDirectories(dataDir.resolve("snapshots"));
        engine.checkpoint(new CheckpointStorage(dataDir.resolve("snapshots"))
            .pathFor(org.apache.ratis.server.protocol.TermIndex.valueOf(0, engine.appliedIndex())));
      }
      Files.writeString(dataDir.resolve(RaftStoreNode.CLUSTER_ID_FILE), clusterId + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    } catch (IOException | RuntimeException e) {
      deleteContents(dataDir);
      throw e;
    }
    return info;
  }

  private static void deleteContents(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        if (!p.equals(dir)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String sha256(Path f) throws IOException {
    MessageDigest d = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), d)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A file that is not a complete, intact backup. */
  public static final class InvalidArchiveException extends DataDirException {
    public InvalidArchiveException(String message) {
      super(message);
    }
  }
}
